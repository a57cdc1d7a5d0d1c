import type { FormDefinition } from '@credo/form-engine';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { createLogger } from '../../apps/api/src/common/logger.js';
import { loadConfig } from '../../apps/api/src/config/app-config.js';
import pg from 'pg';
import { fieldIndexName } from '../../apps/api/src/modules/forms/field-index.service.js';
import { replanRecordStatements } from '../../apps/api/src/modules/forms/publish-warm-up.js';
import { recordsPartition } from '../../apps/api/src/database/records-partition.js';
import { FormsService } from '../../apps/api/src/modules/forms/forms.service.js';
import { startServer, type RunningServer } from '../../apps/api/src/server.js';
import { api, login } from '../support/http.js';
import { ownerQuery, startTestServer, TEST_JWT_SECRET, type TestServer } from '../support/server.js';

// T16: a publish leaves nothing for the new version's first request — on this instance (compiled
// form, field indexes, connections) nor on another instance of the API on the same database.
let server: TestServer;
let other: RunningServer | undefined;
let designer: ReturnType<typeof api>;
let staffOnOther: ReturnType<typeof api>;
/** Versions of the probe form the publish listeners were told of, per instance. */
const toldHere: string[] = [];
const toldThere: string[] = [];

const v1: FormDefinition = {
  key: 'probe',
  title: { 'zh-CN': '探针', en: 'Probe' },
  fields: [
    { key: 'code', type: 'text', label: { 'zh-CN': '编号', en: 'Code' }, required: true, maxLength: 20, indexed: true },
    { key: 'no', type: 'autonumber', label: { 'zh-CN': '流水号', en: 'No.' }, autoNumber: { pattern: 'P{YYYY}{####}' } },
    { key: 'note', type: 'text', label: { 'zh-CN': '备注', en: 'Note' }, maxLength: 100 },
  ],
};
const v2: FormDefinition = {
  ...v1,
  fields: [...v1.fields, { key: 'region', type: 'text', label: { 'zh-CN': '区域', en: 'Region' }, maxLength: 20, indexed: true }],
};

async function analyzeCount(): Promise<number> {
  const [row] = await ownerQuery<{ n: string }>(server.databaseUrl, `SELECT sum(analyze_count) AS n FROM pg_stat_user_tables WHERE relname ~ '^records(_[0-9a-f]{32})?$'`);
  return Number(row!.n);
}

async function indexExists(name: string): Promise<boolean> {
  return (await ownerQuery(server.databaseUrl, `SELECT 1 FROM pg_indexes WHERE indexname = $1`, [name])).length === 1;
}

async function currentVersionId(): Promise<string> {
  return (await designer.get('/api/forms/probe')).body.version.id as string;
}

async function until(check: () => boolean, ms = 5000): Promise<boolean> {
  const end = Date.now() + ms;
  while (!check() && Date.now() < end) await new Promise((resolve) => setTimeout(resolve, 20));
  return check();
}

beforeAll(async () => {
  server = await startTestServer({ demoCustomers: 0 });
  designer = api(server.baseUrl, await login(server.baseUrl, 'designer@demo.local'));
  // A second API instance on the same database, as behind a load balancer.
  const config = { ...loadConfig({}), port: 0, host: '127.0.0.1', dataDir: inject('testDataDir'), databaseUrl: server.databaseUrl, demoCustomers: 0, jwtSecret: TEST_JWT_SECRET, jobs: false, logLevel: 'silent' };
  other = await startServer(config, createLogger(config.logLevel));
  staffOnOther = api(other.url, await login(other.url, 'staff@demo.local'));
  server.server.app.get(FormsService).onPublished((_sql, _tenant, key, form) => void (key === 'probe' && toldHere.push(form.versionId)));
  other.app.get(FormsService).onPublished((_sql, _tenant, key, form) => void (key === 'probe' && toldThere.push(form.versionId)));
});
afterAll(async () => {
  await other?.close();
  await server?.close();
});

describe('publish warms the new version', () => {
  it('builds the field indexes and the auto-number counter; no ANALYZE for a form without records, nor when nothing new was built', async () => {
    expect((await designer.post('/api/forms', { definition: v1 })).status).toBe(201);
    const before = await analyzeCount();
    const first = await designer.post('/api/forms/probe/publish', {});
    expect(first.status, first.text).toBe(200);
    const [{ id: formId }] = await ownerQuery<{ id: string }>(server.databaseUrl, `SELECT id FROM forms WHERE key = 'probe'`);
    expect(await indexExists(fieldIndexName(formId!, 'code', false))).toBe(true);
    expect(await analyzeCount()).toBe(before);
    // The auto-number's counter for this year exists before the first create (which would create it otherwise)…
    const [{ tenant_id: tenantId }] = await ownerQuery<{ tenant_id: string }>(server.databaseUrl, `SELECT tenant_id FROM forms WHERE key = 'probe'`);
    const year = new Intl.DateTimeFormat('en-CA', { timeZone: server.server.config.timezone, year: 'numeric' }).format(new Date());
    const sequence = await ownerQuery(server.databaseUrl, `SELECT to_regclass('credo_seq.n_' || md5($1 || '/' || $2 || '/no/' || $3)) AS seq`, [tenantId, formId, year]);
    expect(sequence[0]).toMatchObject({ seq: expect.stringMatching(/^credo_seq\.n_[0-9a-f]{32}$/) });

    // The partition has its first pages (heap, and a root page in each index) but no row: the
    // primed row was rolled back.
    const [pages] = await ownerQuery<{ heap: string; roots: string; rows: string }>(
      server.databaseUrl,
      `SELECT pg_relation_size($1::regclass) AS heap,
              (SELECT count(*) FROM pg_index i WHERE i.indrelid = $1::regclass AND pg_relation_size(i.indexrelid) >= 2 * 8192) AS roots,
              (SELECT count(*) FROM ${recordsPartition(formId!)}) AS rows`,
      [recordsPartition(formId!)],
    );
    expect(Number(pages!.heap)).toBeGreaterThan(0);
    // The key's index and the indexed field's one (the unique key index covers (tenant_id, id, form_id)).
    expect(Number(pages!.roots)).toBeGreaterThanOrEqual(2);
    expect(Number(pages!.rows)).toBe(0);

    const numbers: string[] = [];
    for (const code of ['A1', 'A2', 'A3']) {
      const res = await staffOnOther.post('/api/forms/probe/records', { data: { code } });
      expect(res.status, res.text).toBe(201);
      numbers.push(res.body.data.no);
    }
    // …and taking none: numbering starts at 1.
    expect(numbers).toEqual([`P${year}0001`, `P${year}0002`, `P${year}0003`]);
    // Same definition again: every index is there already.
    const again = await designer.post('/api/forms/probe/publish', {});
    expect(again.status, again.text).toBe(200);
    expect(again.body.version).toBe(2);
    expect(await analyzeCount()).toBe(before);

    // A new indexed field on a form with records: built, then the planner's statistics refreshed.
    expect((await designer.call('PUT', '/api/forms/probe/draft', { body: { definition: v2 } })).status).toBe(200);
    const third = await designer.post('/api/forms/probe/publish', {});
    expect(third.status, third.text).toBe(200);
    expect(await indexExists(fieldIndexName(formId!, 'region', false))).toBe(true);
    expect(await analyzeCount()).toBe(before + 1);
  });

  it('the publishing instance holds the version compiled; another instance compiles it on the publish notification', async () => {
    const versionId = await currentVersionId();
    const here = server.server.app.get(FormsService);
    const there = other!.app.get(FormsService);
    expect(here.isCompiled(versionId)).toBe(true);
    expect(await until(() => there.isCompiled(versionId))).toBe(true);
    // Per-form caches elsewhere (the records' one-round-trip create) were primed with it on both.
    expect(toldHere.at(-1)).toBe(versionId);
    expect(await until(() => toldThere.at(-1) === versionId)).toBe(true);
    // …and that instance serves the new version (its new field) at once.
    const created = await staffOnOther.post('/api/forms/probe/records', { data: { code: 'B1', region: '华东' } });
    expect(created.status, created.text).toBe(201);
    expect(created.body.formVersion).toBe(3);
  });

  it("re-plans a connection's generic prepared statements on records (invalidated by a new form's partition) without running them", async () => {
    const client = new pg.Client({ connectionString: server.databaseUrl });
    await client.connect();
    try {
      const text = 'SELECT count(*)::int AS n FROM records WHERE form_id = $1::uuid AND deleted_at IS NULL';
      const [{ id: formId }] = await ownerQuery<{ id: string }>(server.databaseUrl, `SELECT id FROM forms WHERE key = 'probe'`);
      // On a generic plan (this statement's custom plans, pruned to the form's partition, are cheaper).
      await client.query('SET plan_cache_mode = force_generic_plan');
      for (let i = 0; i < 2; i++) await client.query({ name: 'probe_count', text, values: [formId] });
      const plans = async () =>
        (await client.query<{ generic: number; custom: number }>(`SELECT generic_plans::int AS generic, custom_plans::int AS custom FROM pg_prepared_statements WHERE name = 'probe_count'`)).rows[0]!;
      const before = await plans();
      expect(before.generic).toBeGreaterThan(0);
      // A new form attaches a partition to records: every plan on records is invalid now.
      expect((await designer.post('/api/forms', { definition: { ...v1, key: 'probe_other' } })).status).toBe(201);
      expect(await replanRecordStatements(client)).toBe(1);
      // Bound once more on the generic plan (rebuilt), nothing executed, no custom plan made.
      expect(await plans()).toEqual({ generic: before.generic + 1, custom: before.custom });
      expect((await client.query({ name: 'probe_count', text, values: [formId] })).rows[0]).toEqual({ n: 4 });
    } finally {
      await client.end();
    }
  });

  it('a dry run reports the next version and publishes nothing', async () => {
    const dry = await designer.post('/api/forms/probe/publish', { dryRun: true });
    expect(dry.status, dry.text).toBe(200);
    expect(dry.body).toMatchObject({ dryRun: true, version: 4 });
    expect((await designer.get('/api/forms/probe')).body.version.number).toBe(3);
  });
});
