import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Sql } from '../../apps/api/src/database/tenant-database.js';
import { JSONB_SOURCE, ReportsRepository, type ArSource } from '../../apps/api/src/modules/reports/reports.repository.js';
import { api, login } from '../support/http.js';
import { ownerQuery, startTestServer, type TestServer } from '../support/server.js';

/*
 * Typed projections (PERFORMANCE.md T11): the receivable template opts in, so its records are
 * mirrored into credo_proj.f_<form id> by triggers on `records`; the reports read it. These tests
 * check that the projection says exactly what the JSONB says, after every kind of write, and that
 * the reports give the same figures from either source.
 */
let server: TestServer;
let admin: ReturnType<typeof api>;
let tenantId: string;
let formId: string;
let table: string;
let me: { id: string };

/** Runs `work` as the app role under RLS, with the tenant set, as the API's transactions do. */
async function asApp<T>(tenant: string, work: (sql: Sql) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: server.databaseUrl });
  await client.connect();
  try {
    await client.query('BEGIN');
    await client.query('SET LOCAL ROLE credo_app');
    await client.query(`SELECT set_config('app.tenant_id', $1, true)`, [tenant]);
    const result = await work(new Sql(client as unknown as pg.PoolClient));
    await client.query('ROLLBACK');
    return result;
  } finally {
    await client.end();
  }
}

/** The projection's rows next to the same fields read from the JSONB (live records only). */
async function projectionVsJsonb() {
  const projected = await ownerQuery<Record<string, unknown>>(
    server.databaseUrl,
    `SELECT id, customer::text, sales_owner::text, biz_date::text, invoice_date::text, amount::text, received::text, written_off::text,
            outstanding::text, due_date::text, disputed FROM ${table} ORDER BY id`,
  );
  const fromJson = await ownerQuery<Record<string, unknown>>(
    server.databaseUrl,
    `SELECT id, data->>'customer' AS customer, data->>'sales_owner' AS sales_owner, data->>'biz_date' AS biz_date,
            data->>'invoice_date' AS invoice_date, (data->>'amount')::numeric::text AS amount, (data->>'received')::numeric::text AS received,
            (data->>'written_off')::numeric::text AS written_off, (data->>'outstanding')::numeric::text AS outstanding,
            data->>'due_date' AS due_date, (data->>'disputed')::boolean AS disputed
     FROM records WHERE form_id = $1 AND deleted_at IS NULL ORDER BY id`,
    [formId],
  );
  return { projected, fromJson };
}

async function newReceivable(customer: string, amount: string, bizDate: string, extra: Record<string, unknown> = {}) {
  const res = await admin.post('/api/forms/receivable/records', { data: { customer, amount, biz_date: bizDate, term_days: 30, sales_owner: me.id, ...extra } });
  expect(res.status, res.text).toBe(201);
  return res.body as { id: string; rev: number };
}

beforeAll(async () => {
  // A small demo book (customers, receivables in every bucket, payments) from the demo seeder.
  server = await startTestServer({ demoCustomers: 40 });
  admin = api(server.baseUrl, await login(server.baseUrl, 'admin@demo.local'));
  me = (await admin.get('/api/auth/me')).body;
  const [form] = await ownerQuery<{ tenant_id: string; id: string; table_name: string }>(
    server.databaseUrl,
    `SELECT f.tenant_id, f.id, p.table_name FROM forms f JOIN tenants t ON t.id = f.tenant_id
     LEFT JOIN form_projections p ON p.tenant_id = f.tenant_id AND p.form_id = f.id WHERE t.slug = 'demo' AND f.key = 'receivable'`,
  );
  tenantId = form!.tenant_id;
  formId = form!.id;
  table = form!.table_name;
}, 120_000);
afterAll(() => server?.close());

describe('typed projection', () => {
  it('exists for the opted-in templates only, typed from the field types, backfilled', async () => {
    expect(table).toMatch(/^credo_proj\.f_[0-9a-f]{32}$/);
    const cols = await ownerQuery<{ column_name: string; data_type: string }>(
      server.databaseUrl,
      `SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = 'credo_proj' AND table_name = $1 ORDER BY ordinal_position`,
      [table.slice('credo_proj.'.length)],
    );
    expect(Object.fromEntries(cols.map((c) => [c.column_name, c.data_type]))).toEqual({
      tenant_id: 'uuid', id: 'uuid', customer: 'uuid', biz_date: 'date', invoice_date: 'date', amount: 'numeric', received: 'numeric',
      written_off: 'numeric', disputed: 'boolean', outstanding: 'numeric', due_date: 'date', sales_owner: 'uuid',
    });
    const forms = await ownerQuery<{ key: string }>(
      server.databaseUrl,
      `SELECT f.key FROM form_projections p JOIN forms f ON f.tenant_id = p.tenant_id AND f.id = p.form_id WHERE p.tenant_id = $1 ORDER BY 1`,
      [tenantId],
    );
    expect(forms.map((f) => f.key)).toEqual(['payment', 'receivable']);
    const { projected, fromJson } = await projectionVsJsonb();
    expect(projected.length).toBeGreaterThan(50);
    expect(projected).toEqual(fromJson);
  });

  it('follows create, update, soft delete, restore and hard delete in the same transaction', async () => {
    const customer = (await ownerQuery<{ id: string }>(server.databaseUrl, `SELECT r.id FROM records r JOIN forms f ON f.id = r.form_id AND f.key = 'customer'
       WHERE r.tenant_id = $1 AND r.deleted_at IS NULL AND r.data->>'credit_status' = '正常' AND r.data ? 'credit_limit'
       ORDER BY (r.data->>'credit_limit')::numeric - coalesce((r.data->>'ar_balance')::numeric, 0) DESC LIMIT 1`, [tenantId]))[0]!.id;
    const created = await newReceivable(customer, '1234.56', '2026-10-01');
    const row = async () => (await ownerQuery<{ received: string | null; outstanding: string }>(server.databaseUrl, `SELECT received::text, outstanding::text FROM ${table} WHERE id = $1`, [created.id]))[0];
    expect(await row()).toEqual({ received: null, outstanding: '1234.56' });

    const paid = await admin.call('PATCH', `/api/forms/receivable/records/${created.id}`, { body: { data: { received: '234.56' } }, headers: { 'if-match': `"${created.rev}"` } });
    expect(paid.status, paid.text).toBe(200);
    expect(await row()).toEqual({ received: '234.56', outstanding: '1000.00' });

    const deleted = await admin.call('DELETE', `/api/forms/receivable/records/${created.id}`, { headers: { 'if-match': `"${paid.body.rev}"` } });
    expect(deleted.status, deleted.text).toBeLessThan(300);
    expect(await row()).toBeUndefined();

    const restored = await admin.post(`/api/forms/receivable/records/${created.id}/restore`);
    expect(restored.status, restored.text).toBeLessThan(300);
    expect(await row()).toEqual({ received: '234.56', outstanding: '1000.00' });

    // A write that fails rolls the projection back with it.
    const client = new pg.Client({ connectionString: server.databaseUrl });
    await client.connect();
    await client.query('BEGIN');
    await client.query(`UPDATE records SET data = data || '{"received": "1000.00"}' WHERE id = $1`, [created.id]);
    const inside = await client.query(`SELECT received::text FROM ${table} WHERE id = $1`, [created.id]);
    expect(inside.rows[0].received).toBe('1000.00');
    await client.query('ROLLBACK');
    // A bulk SQL insert (as an import's INSERT … SELECT) lands in the projection; a hard delete
    // (not done by the API, but by an operator) removes it again.
    await client.query('BEGIN');
    const copies = await client.query(
      `INSERT INTO records (tenant_id, id, form_id, form_version_id, data)
       SELECT tenant_id, uuidv7(), form_id, form_version_id, data || jsonb_build_object('ar_no', 'ARCOPY' || g, 'amount', '777.00', 'outstanding', '777.00')
       FROM records, generate_series(1, 3) AS g WHERE id = $1 RETURNING id`,
      [created.id],
    );
    const ids = copies.rows.map((r: { id: string }) => r.id);
    const landed = await client.query(`SELECT amount::text FROM ${table} WHERE id = ANY($1::uuid[])`, [ids]);
    await client.query(`DELETE FROM records WHERE id = ANY($1::uuid[])`, [ids]);
    const gone = await client.query(`SELECT 1 FROM ${table} WHERE id = ANY($1::uuid[])`, [ids]);
    await client.query('ROLLBACK');
    await client.end();
    expect(landed.rows).toEqual([{ amount: '777.00' }, { amount: '777.00' }, { amount: '777.00' }]);
    expect(gone.rowCount).toBe(0);
    expect(await row()).toEqual({ received: '234.56', outstanding: '1000.00' });

    const { projected, fromJson } = await projectionVsJsonb();
    expect(projected).toEqual(fromJson);
  });

  it('is tenant-isolated: another tenant id sees no rows, the app role cannot write it', async () => {
    const own = await asApp(tenantId, (sql) => sql.rows<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`));
    expect(own[0]!.n).toBeGreaterThan(0);
    const other = await asApp('00000000-0000-4000-8000-000000000001', (sql) => sql.rows<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`));
    expect(other[0]!.n).toBe(0);
    await expect(asApp(tenantId, (sql) => sql.rows(`DELETE FROM ${table}`))).rejects.toThrow(/permission denied/);
    await expect(asApp(tenantId, (sql) => sql.rows(`SELECT credo_projection_ensure($1::uuid, '[]'::jsonb)`, ['00000000-0000-4000-8000-000000000002']))).rejects.toThrow(/no form/);
  });

  it('gives the reports exactly the JSONB figures (aging both bases and groups, balances, sales, AR on a past date, concentration, top overdue)', async () => {
    const repo = new ReportsRepository();
    const typed = await asApp(tenantId, (sql) => repo.arSource(sql));
    expect(typed).toEqual({ kind: 'typed', table });
    const figures = (source: ArSource, asOf: string) =>
      asApp(tenantId, async (sql) => ({
        aging: await Promise.all(
          (['due', 'age'] as const).flatMap((basis) => (['company', 'customer', 'sales_owner'] as const).map((g) => repo.aging(sql, asOf, basis, g, source))),
        ),
        table: await Promise.all(
          (['due', 'age'] as const).flatMap((basis) => (['company', 'customer', 'sales_owner'] as const).map((g) => repo.agingTable(sql, asOf, basis, g, source))),
        ),
        balances: await repo.balances(sql, asOf, source),
        sales: await repo.monthlySales(sql, '2024-01-01', asOf, source),
        arOn: await repo.arOn(sql, asOf, source),
        concentration: await repo.concentration(sql, asOf, 10, source),
        topOverdue: await repo.topOverdue(sql, asOf, 10, source),
      }));
    for (const asOf of ['2026-11-25', '2025-06-30', '2023-01-01']) {
      const a = await figures(typed, asOf);
      const b = await figures(JSONB_SOURCE, asOf);
      expect(a).toEqual(b);
      expect(a.aging[0]!.length).toBeGreaterThan(0);
    }
    // And the API (which reads the projection) reports the JSONB path's totals.
    const viaApi = await admin.get('/api/reports/aging?asOf=2026-11-25&basis=age&groupBy=customer');
    const jsonb = await asApp(tenantId, (sql) => repo.aging(sql, '2026-11-25', 'age', 'customer', JSONB_SOURCE));
    expect(viaApi.body.rows.reduce((n: number, r: { items: number }) => n + r.items, 0)).toBe(jsonb.reduce((n, r) => n + r.items, 0));
  });

  it('follows a publish: a new projected field is added and backfilled, opting out drops it and the reports fall back', async () => {
    const form = (await admin.get('/api/forms/receivable')).body;
    const definition = form.version.definition;
    const next = {
      ...definition,
      fields: [...definition.fields, { key: 'region', type: 'select', label: '区域', options: [{ value: '华东', label: '华东' }, { value: '华北', label: '华北' }], default: '华东' }],
      settings: { ...definition.settings, typedProjection: [...definition.settings.typedProjection, 'region'] },
    };
    const draft = await admin.call('PUT', '/api/forms/receivable/draft', { body: { definition: next } });
    expect(draft.status, draft.text).toBe(200);
    const published = await admin.post('/api/forms/receivable/publish', {});
    expect(published.status, published.text).toBeLessThan(300);
    const regions = await ownerQuery<{ region: string | null; n: number }>(server.databaseUrl, `SELECT region, count(*)::int AS n FROM ${table} GROUP BY 1`);
    const live = await ownerQuery<{ n: number }>(server.databaseUrl, `SELECT count(*)::int AS n FROM records WHERE form_id = $1 AND deleted_at IS NULL`, [formId]);
    expect(regions).toEqual([{ region: '华东', n: live[0]!.n }]);
    const { projected, fromJson } = await projectionVsJsonb();
    expect(projected).toEqual(fromJson);

    const before = (await admin.get('/api/reports/aging?asOf=2026-11-25&groupBy=customer')).body;
    const optOut = { ...next, settings: { titleField: definition.settings.titleField } };
    expect((await admin.call('PUT', '/api/forms/receivable/draft', { body: { definition: optOut } })).status).toBe(200);
    expect((await admin.post('/api/forms/receivable/publish', {})).status).toBeLessThan(300);
    expect(await ownerQuery(server.databaseUrl, `SELECT 1 FROM form_projections WHERE form_id = $1`, [formId])).toEqual([]);
    expect(await ownerQuery(server.databaseUrl, `SELECT to_regclass($1) AS t`, [table])).toEqual([{ t: null }]);
    expect(await asApp(tenantId, (sql) => new ReportsRepository().arSource(sql))).toEqual(JSONB_SOURCE);
    const after = (await admin.get('/api/reports/aging?asOf=2026-11-25&groupBy=customer')).body;
    expect(after).toEqual(before);
  });
});
