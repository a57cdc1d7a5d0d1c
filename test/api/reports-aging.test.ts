import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Sql } from '../../apps/api/src/database/tenant-database.js';
import { JSONB_SOURCE, ReportsRepository, type ArSource } from '../../apps/api/src/modules/reports/reports.repository.js';
import { uniqueName, uniqueUscc } from '../support/factories.js';
import { api, login } from '../support/http.js';
import { ownerQuery, startTestServer, type TestServer } from '../support/server.js';

/*
 * The aging report as the API sends it (serialised in SQL, `agingJson`), on both sources: the
 * receivable form's typed projection (what the API reads) and the pure-JSONB fallback, which
 * compares the stored ISO date text with cut-offs instead of parsing dates. Receivables sit on
 * every bucket boundary, each with its own power-of-two amount, so a receivable in the wrong
 * bucket changes a figure. Expected figures worked out by hand:
 *
 * Overdue buckets as of 2026-11-25 (term 0, so due = business date):
 *   1.00 due 2026-11-25 (due today) 未到期 · 2.00 due 10-26 (30 days) 1–30 · 4.00 due 10-25 (31) 31–60 ·
 *   8.00 due 09-26 (60) 31–60 · 16.00 due 09-25 (61) 61–90 · 32.00 due 08-27 (90) 61–90 · 64.00 due 08-26 (91) 90+
 *   plus the 账龄 rows below, all long overdue: 90+ = 64 + 6300.
 * 账龄 as of 2024-02-29 (cut-offs 2023-02-28, 2022-02-28, 2021-02-28, 2020-02-29, 2019-02-28):
 *   100.00 on 2023-02-28 1年以内 · 200.00 on 2023-02-27 1–2年 · 400.00 on 2020-02-29 3–4年 ·
 *   800.00 on 2020-02-28 4–5年 · 1600.00 on 2019-02-28 4–5年 · 3200.00 on 2019-02-27 5年以上
 *   (the 2026 rows are not raised yet on that date).
 */
let server: TestServer;
let admin: ReturnType<typeof api>;
let tenantId: string;
let customerA: string;
let customerB: string;

async function asApp<T>(work: (sql: Sql) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: server.databaseUrl });
  await client.connect();
  try {
    await client.query('BEGIN');
    await client.query('SET LOCAL ROLE credo_app');
    await client.query(`SELECT set_config('app.tenant_id', $1, true)`, [tenantId]);
    const result = await work(new Sql(client as unknown as pg.PoolClient));
    await client.query('ROLLBACK');
    return result;
  } finally {
    await client.end();
  }
}

beforeAll(async () => {
  server = await startTestServer({ demoCustomers: 0 });
  admin = api(server.baseUrl, await login(server.baseUrl, 'admin@demo.local'));
  const me = (await admin.get('/api/auth/me')).body;
  const [tenant] = await ownerQuery<{ id: string }>(server.databaseUrl, `SELECT id FROM tenants WHERE slug = 'demo'`);
  tenantId = tenant!.id;
  const customer = async (name: string) => {
    const res = await admin.post('/api/forms/customer/records', {
      data: { name, customer_type: '企业', country: 'CN', uscc: uniqueUscc(), contact_name: '张三', sales_owner: me.id },
    });
    expect(res.status, res.text).toBe(201);
    return res.body.id as string;
  };
  customerA = await customer(uniqueName('甲'));
  customerB = await customer(uniqueName('乙'));
  const rows: Array<[string, string, string]> = [
    [customerA, '1.00', '2026-11-25'],
    [customerA, '2.00', '2026-10-26'],
    [customerA, '4.00', '2026-10-25'],
    [customerA, '8.00', '2026-09-26'],
    [customerA, '16.00', '2026-09-25'],
    [customerA, '32.00', '2026-08-27'],
    [customerA, '64.00', '2026-08-26'],
    [customerB, '100.00', '2023-02-28'],
    [customerB, '200.00', '2023-02-27'],
    [customerB, '400.00', '2020-02-29'],
    [customerB, '800.00', '2020-02-28'],
    [customerB, '1600.00', '2019-02-28'],
    [customerB, '3200.00', '2019-02-27'],
  ];
  for (const [customerId, amount, bizDate] of rows) {
    const res = await admin.post('/api/forms/receivable/records', { data: { customer: customerId, amount, biz_date: bizDate, term_days: 0, sales_owner: me.id } });
    expect(res.status, res.text).toBe(201);
  }
}, 120_000);
afterAll(() => server?.close());

describe('aging report (serialised in SQL)', () => {
  it('puts every boundary receivable in its overdue bucket, per customer, largest total first', async () => {
    const res = await admin.get('/api/reports/aging?asOf=2026-11-25&groupBy=customer');
    expect(res.status, res.text).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(res.body.totals).toEqual({ amounts: ['1.00', '2.00', '12.00', '48.00', '6364.00'], total: '6427.00' });
    expect(res.body.rows.map((r: { key: string }) => r.key)).toEqual([customerB, customerA]);
    expect(res.body.rows[0]).toMatchObject({ amounts: ['0.00', '0.00', '0.00', '0.00', '6300.00'], total: '6300.00', items: 6 });
    expect(res.body.rows[1]).toMatchObject({ amounts: ['1.00', '2.00', '12.00', '48.00', '64.00'], total: '127.00', items: 7 });
    expect(res.body.rows[1].label).toMatch(/^甲/);
  });

  it('puts every boundary receivable in its 账龄 bracket on a leap day', async () => {
    const res = await admin.get('/api/reports/aging?asOf=2024-02-29&basis=age');
    expect(res.status, res.text).toBe(200);
    expect(res.body.totals).toEqual({ amounts: ['100.00', '200.00', '0.00', '400.00', '2400.00', '3200.00'], total: '6300.00' });
    expect(res.body.rows).toEqual([{ key: null, label: null, amounts: ['100.00', '200.00', '0.00', '400.00', '2400.00', '3200.00'], items: 6, total: '6300.00' }]);
  });

  it('gives the same JSON from the typed projection and from the pure-JSONB path', async () => {
    const repo = new ReportsRepository();
    const typed = await asApp((sql) => repo.arSource(sql));
    expect(typed.kind).toBe('typed');
    for (const asOf of ['2026-11-25', '2024-02-29', '2023-02-28', '2019-02-27']) {
      for (const basis of ['due', 'age'] as const) {
        for (const group of ['company', 'customer', 'sales_owner'] as const) {
          const [a, b] = await asApp(async (sql) => [await repo.agingJson(sql, asOf, basis, group, typed), await repo.agingJson(sql, asOf, basis, group, JSONB_SOURCE as ArSource)]);
          expect(b, `${asOf} ${basis} ${group}`).toEqual(a);
        }
      }
    }
    // The API reads the projection; opting the form out must not change the report.
    const viaApi = (await admin.get('/api/reports/aging?asOf=2026-11-25&groupBy=customer')).body;
    const jsonb = await asApp((sql) => repo.agingJson(sql, '2026-11-25', 'due', 'customer', JSONB_SOURCE));
    expect(JSON.parse(jsonb.rows)).toEqual(viaApi.rows);
    expect(JSON.parse(jsonb.totals)).toEqual(viaApi.totals);
  });
});
