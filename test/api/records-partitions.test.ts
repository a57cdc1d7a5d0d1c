import type { FormDefinition } from '@credo/form-engine';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordsPartition } from '../../apps/api/src/database/records-partition.js';
import { fieldIndexName } from '../../apps/api/src/modules/forms/field-index.service.js';
import { api, login } from '../support/http.js';
import { ownerQuery, startTestServer, type TestServer } from '../support/server.js';

// `records` is LIST-partitioned by form: each form's rows and field indexes live in its own
// partition, made with the form, so a write touches only its form's indexes.
let server: TestServer;
let designer: ReturnType<typeof api>;
let admin: ReturnType<typeof api>;

const probe: FormDefinition = {
  key: 'part_probe',
  title: { 'zh-CN': '分区探针', en: 'Partition probe' },
  fields: [
    { key: 'code', type: 'text', label: { 'zh-CN': '编号', en: 'Code' }, required: true, maxLength: 20, unique: true, indexed: true },
    { key: 'note', type: 'text', label: { 'zh-CN': '备注', en: 'Note' }, maxLength: 100 },
  ],
};

beforeAll(async () => {
  server = await startTestServer({ demoCustomers: 5 });
  designer = api(server.baseUrl, await login(server.baseUrl, 'designer@demo.local'));
  admin = api(server.baseUrl, await login(server.baseUrl, 'admin@demo.local'));
});

afterAll(async () => {
  await server?.close();
});

async function partitionOf(formId: string): Promise<{ parent: string | null; rls: boolean } | undefined> {
  const [row] = await ownerQuery<{ parent: string | null; rls: boolean }>(
    server.databaseUrl,
    `SELECT (SELECT h.inhparent::regclass::text FROM pg_inherits h WHERE h.inhrelid = c.oid) AS parent, c.relrowsecurity AS rls
     FROM pg_class c WHERE c.relname = $1`,
    [recordsPartition(formId)],
  );
  return row;
}

describe('records partitioned by form', () => {
  it('every seeded form has its own partition of records, holding exactly its rows', async () => {
    const forms = await ownerQuery<{ id: string; key: string }>(server.databaseUrl, `SELECT id, key FROM forms`);
    expect(forms.length).toBeGreaterThan(3);
    for (const form of forms) expect(await partitionOf(form.id), form.key).toEqual({ parent: 'records', rls: true });
    const [customer] = forms.filter((f) => f.key === 'customer');
    const [counts] = await ownerQuery<{ in_partition: number; of_form: number }>(
      server.databaseUrl,
      `SELECT (SELECT count(*)::int FROM ${recordsPartition(customer!.id)}) AS in_partition,
              (SELECT count(*)::int FROM records WHERE form_id = $1) AS of_form`,
      [customer!.id],
    );
    expect(counts!.of_form).toBe(5);
    expect(counts!.in_partition).toBe(5);
  });

  it('a new form gets its partition on creation; its field indexes are built on it at publish; records, revisions and unique checks work', async () => {
    const created = await designer.post('/api/forms', { definition: probe });
    expect(created.status, created.text).toBe(201);
    const [{ id: formId }] = await ownerQuery<{ id: string }>(server.databaseUrl, `SELECT id FROM forms WHERE key = 'part_probe'`);
    expect(await partitionOf(formId!)).toEqual({ parent: 'records', rls: true });

    expect((await designer.post('/api/forms/part_probe/publish', {})).status).toBe(200);
    const indexes = await ownerQuery<{ indexname: string; tablename: string }>(server.databaseUrl, `SELECT indexname, tablename FROM pg_indexes WHERE indexname = ANY($1::text[])`, [
      [fieldIndexName(formId!, 'code', false), fieldIndexName(formId!, 'code', true)],
    ]);
    expect(indexes.map((i) => i.tablename)).toEqual([recordsPartition(formId!), recordsPartition(formId!)]);

    const one = await admin.post('/api/forms/part_probe/records', { data: { code: 'P-1', note: 'eins' } });
    expect(one.status, one.text).toBe(201);
    const [row] = await ownerQuery<{ n: number }>(server.databaseUrl, `SELECT count(*)::int AS n FROM ${recordsPartition(formId!)} WHERE id = $1`, [one.body.id]);
    expect(row!.n).toBe(1);
    const revisions = await admin.get(`/api/forms/part_probe/records/${one.body.id}/revisions`);
    expect(revisions.status).toBe(200);
    expect(revisions.body.items.map((r: { action: string }) => r.action)).toEqual(['create']);
    // The unique index on the partition still names the field in the 409.
    const again = await admin.post('/api/forms/part_probe/records', { data: { code: 'P-1' } });
    expect(again.status, again.text).toBe(409);
    expect(JSON.stringify(again.body)).toContain('code');
  });

  it('the app role reaches rows only through records (tenant policy), never a partition directly', async () => {
    const [{ id: formId }] = await ownerQuery<{ id: string }>(server.databaseUrl, `SELECT id FROM forms WHERE key = 'customer'`);
    const client = new pg.Client({ connectionString: server.server.config.resolvedAppDatabaseUrl });
    await client.connect();
    try {
      await expect(client.query(`SELECT 1 FROM ${recordsPartition(formId!)}`)).rejects.toThrow(/permission denied/);
      // No tenant set: the policy shows nothing.
      expect((await client.query('SELECT count(*)::int AS n FROM records')).rows[0].n).toBe(0);
      await expect(client.query('SELECT credo_records_partition($1::uuid)', [formId])).rejects.toThrow(/permission denied/);
    } finally {
      await client.end();
    }
  });
});
