import type { FormDefinition } from '@credo/form-engine';
import pg from 'pg';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../apps/api/src/common/logger.js';
import { dataSourceOptions } from '../../apps/api/src/database/database-bootstrap.js';
import { RecordsByForm1764910000000 } from '../../apps/api/src/database/migrations/1764910000000-records-by-form.js';
import { recordsPartition } from '../../apps/api/src/database/records-partition.js';
import { startServer, type RunningServer } from '../../apps/api/src/server.js';
import { uniqueName, uniqueUscc } from '../support/factories.js';
import { api, login } from '../support/http.js';
import { ownerQuery, startTestServer, type TestServer } from '../support/server.js';

/**
 * The records-by-form migration taken back (down) and forward again (up) on a database with
 * data: records (live and soft-deleted, several forms), revisions, rule results and field
 * indexes come through both ways unchanged, and the API works on the result.
 */
let server: TestServer;
let again: RunningServer | undefined;
let databaseUrl: string;

const probe: FormDefinition = {
  key: 'mig_probe',
  title: { 'zh-CN': '迁移探针', en: 'Migration probe' },
  fields: [
    { key: 'code', type: 'text', label: { 'zh-CN': '编号', en: 'Code' }, required: true, maxLength: 20, unique: true, indexed: true },
    { key: 'amount', type: 'money', label: { 'zh-CN': '金额', en: 'Amount' }, indexed: true },
  ],
};

interface Snapshot {
  records: { n: number; sum: string };
  revisions: { n: number; sum: string };
  results: { n: number; sum: string };
  perForm: Array<{ form_id: string; n: number }>;
}

async function snapshot(): Promise<Snapshot> {
  const digest = async (sql: string) => (await ownerQuery<{ n: number; sum: string }>(databaseUrl, sql))[0]!;
  return {
    records: await digest(
      `SELECT count(*)::int AS n, md5(string_agg(row(tenant_id, id, form_id, form_version_id, data, rev, created_at, created_by, updated_at, updated_by, deleted_at)::text, ',' ORDER BY id)) AS sum FROM records`,
    ),
    revisions: await digest(`SELECT count(*)::int AS n, md5(string_agg(r::text, ',' ORDER BY r.record_id, r.rev)) AS sum FROM record_revisions r`),
    results: await digest(`SELECT count(*)::int AS n, md5(string_agg(x::text, ',' ORDER BY x.record_id)) AS sum FROM record_rule_results x`),
    perForm: await ownerQuery(databaseUrl, 'SELECT form_id, count(*)::int AS n FROM records GROUP BY form_id ORDER BY form_id'),
  };
}

/** Field indexes (rx_/ux_) by name: the table they are on and their definition from the ON clause. */
async function fieldIndexes(): Promise<Map<string, { table: string; def: string }>> {
  const rows = await ownerQuery<{ name: string; table: string; def: string }>(
    databaseUrl,
    `SELECT c.relname AS name, t.relname AS table, pg_get_indexdef(i.indexrelid) AS def
     FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_class t ON t.oid = i.indrelid
     WHERE c.relname ~ '^(rx|ux)_' ORDER BY c.relname`,
  );
  return new Map(rows.map((r) => [r.name, { table: r.table, def: r.def.replace(/^.* USING /, 'USING ') }]));
}

async function migrate(step: 'up' | 'down'): Promise<void> {
  const dataSource = new DataSource(dataSourceOptions(databaseUrl));
  await dataSource.initialize();
  const runner = dataSource.createQueryRunner();
  try {
    await runner.startTransaction();
    await new RecordsByForm1764910000000()[step](runner);
    await runner.commitTransaction();
  } catch (error) {
    await runner.rollbackTransaction();
    throw error;
  } finally {
    await runner.release();
    await dataSource.destroy();
  }
}

let formIds: Array<{ id: string; key: string }>;
let before: Snapshot;
let indexesBefore: Map<string, { table: string; def: string }>;
let probeFormId: string;
let deletedId: string;

beforeAll(async () => {
  server = await startTestServer({ demoCustomers: 6 });
  databaseUrl = server.databaseUrl;
  const designer = api(server.baseUrl, await login(server.baseUrl, 'designer@demo.local'));
  const admin = api(server.baseUrl, await login(server.baseUrl, 'admin@demo.local'));
  const adminId = (await admin.get('/api/auth/me')).body.id as string;
  expect((await designer.post('/api/forms', { definition: probe })).status).toBe(201);
  expect((await designer.post('/api/forms/mig_probe/publish', {})).status).toBe(200);
  for (const [code, amount] of [
    ['M-1', '10.00'],
    ['M-2', '20.50'],
    ['M-3', '30.00'],
  ] as const) {
    expect((await admin.post('/api/forms/mig_probe/records', { data: { code, amount } })).status).toBe(201);
  }
  const customer = await admin.post('/api/forms/customer/records', {
    data: { name: uniqueName('迁移'), customer_type: '企业', country: 'CN', uscc: uniqueUscc(), contact_name: '张三', sales_owner: adminId, credit_limit: '50000.00' },
  });
  expect(customer.status, customer.text).toBe(201);
  expect((await admin.call('PATCH', `/api/forms/customer/records/${customer.body.id}`, { body: { data: { contact_name: '李四' } }, headers: { 'if-match': '"1"' } })).status).toBe(200);
  const gone = await admin.post('/api/forms/mig_probe/records', { data: { code: 'M-DEL' } });
  deletedId = gone.body.id;
  expect((await admin.call('DELETE', `/api/forms/mig_probe/records/${deletedId}`, { headers: { 'if-match': '"1"' } })).status).toBe(204);
  expect((await admin.post('/api/forms/customer/rules/evaluate', {})).status).toBe(200);

  formIds = await ownerQuery<{ id: string; key: string }>(databaseUrl, 'SELECT id, key FROM forms ORDER BY key');
  probeFormId = formIds.find((f) => f.key === 'mig_probe')!.id;
  before = await snapshot();
  indexesBefore = await fieldIndexes();
  await server.close();
}, 180_000);

afterAll(async () => {
  await again?.close();
});

describe('records-by-form migration: down, then up, on a database with data', () => {
  it('has data worth keeping to begin with', () => {
    expect(before.records.n).toBeGreaterThan(10);
    expect(before.perForm.length).toBeGreaterThan(2);
    expect(before.revisions.n).toBeGreaterThan(before.records.n);
    expect(before.results.n).toBeGreaterThan(5);
    expect([...indexesBefore.keys()].filter((name) => indexesBefore.get(name)!.table === recordsPartition(probeFormId))).toHaveLength(3);
  });

  it('down: one flat records table with the same rows, keys, foreign keys and the field indexes as partial indexes', async () => {
    await migrate('down');
    const [table] = await ownerQuery<{ kind: string; partitions: number }>(
      databaseUrl,
      `SELECT c.relkind::text AS kind, (SELECT count(*)::int FROM pg_inherits h WHERE h.inhparent = c.oid) AS partitions FROM pg_class c WHERE c.oid = 'public.records'::regclass`,
    );
    expect(table).toEqual({ kind: 'r', partitions: 0 });
    expect(await ownerQuery(databaseUrl, `SELECT c.relname FROM pg_class c WHERE c.relname = ANY($1::text[])`, [formIds.map((f) => recordsPartition(f.id))])).toEqual([]);
    expect(await snapshot()).toEqual(before);
    const fks = await ownerQuery<{ tbl: string }>(
      databaseUrl,
      `SELECT conrelid::regclass::text AS tbl FROM pg_constraint WHERE contype = 'f' AND confrelid = 'public.records'::regclass ORDER BY 1`,
    );
    expect(fks.map((f) => f.tbl)).toEqual(['record_revisions', 'record_rule_results']);
    // Every field index is back on records, scoped to its form (unique still enforced).
    const flat = await fieldIndexes();
    expect([...flat.keys()]).toEqual([...indexesBefore.keys()]);
    for (const [name, index] of flat) {
      expect(index.table, name).toBe('records');
      expect(index.def, name).toMatch(/form_id = '[0-9a-f-]{36}'::uuid/);
    }
    await expect(
      ownerQuery(databaseUrl, `INSERT INTO records (tenant_id, id, form_id, form_version_id, data) SELECT tenant_id, gen_random_uuid(), form_id, form_version_id, data FROM records WHERE form_id = $1 AND data ->> 'code' = 'M-1'`, [
        probeFormId,
      ]),
    ).rejects.toThrow(/duplicate key/);
    // The app role still reads through records_t.
    const [{ n }] = await ownerQuery<{ n: number }>(
      databaseUrl,
      `SELECT count(*)::int AS n FROM information_schema.role_table_grants WHERE grantee = 'credo_app' AND table_name IN ('records', 'records_t') AND privilege_type = 'SELECT'`,
    );
    expect(n).toBe(2);
  });

  it('up again: partitioned by form with the same rows, revisions, rule results and field indexes', async () => {
    await migrate('up');
    const [table] = await ownerQuery<{ kind: string }>(databaseUrl, `SELECT c.relkind::text AS kind FROM pg_class c WHERE c.oid = 'public.records'::regclass`);
    expect(table!.kind).toBe('p');
    for (const form of formIds) {
      const [part] = await ownerQuery<{ parent: string }>(databaseUrl, `SELECT inhparent::regclass::text AS parent FROM pg_inherits WHERE inhrelid = $1::regclass`, [recordsPartition(form.id)]);
      expect(part?.parent, form.key).toBe('records');
    }
    expect(await snapshot()).toEqual(before);
    expect(await fieldIndexes()).toEqual(indexesBefore);
  });

  it('the API runs on the migrated database: lists, unique checks, new records, revisions', async () => {
    again = await startServer(server.server.config, createLogger('silent'));
    const admin = api(again.url, await login(again.url, 'admin@demo.local'));
    const list = await admin.get('/api/forms/mig_probe/records?sort=code');
    expect(list.status, list.text).toBe(200);
    expect(list.body.items.map((r: { data: { code: string } }) => r.data.code)).toEqual(['M-1', 'M-2', 'M-3']);
    expect((await admin.post('/api/forms/mig_probe/records', { data: { code: 'M-2' } })).status).toBe(409);
    const created = await admin.post('/api/forms/mig_probe/records', { data: { code: 'M-4', amount: '1.00' } });
    expect(created.status, created.text).toBe(201);
    expect((await admin.get(`/api/forms/mig_probe/records/${created.body.id}/revisions`)).body.items).toHaveLength(1);
    expect((await admin.post(`/api/forms/mig_probe/records/${deletedId}/restore`)).status).toBe(200);
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    try {
      const { rows } = await client.query(`SELECT count(*)::int AS n FROM ${recordsPartition(probeFormId)}`);
      expect(rows[0].n).toBe(5);
    } finally {
      await client.end();
    }
  });
});
