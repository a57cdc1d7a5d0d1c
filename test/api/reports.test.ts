import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, login } from '../support/http.js';
import { uniqueName, uniqueUscc } from '../support/factories.js';
import { ownerQuery, startTestServer, type TestServer } from '../support/server.js';

/*
 * A small, hand-computed book of receivables as of 2026-11-25 (every expected figure below was
 * worked out by hand from these rows, not by the code under test).
 *
 *  #  customer  amount      received   biz date    term  due date    days late  overdue bucket  账龄
 *  1  A         100000.00   0          2026-11-01  30    2026-12-01  —          未到期          1年以内
 *  2  A         50000.50    10000.25   2026-09-01  30    2026-10-01  55         31-60           1年以内   (outstanding 40000.25)
 *  3  B         20000.00    0          2026-07-01  30    2026-07-31  117        90+             1年以内
 *  4  B         30000.00    0          2024-10-01  60    2024-11-30  725        90+             2-3年
 *  5  A         8000.00     8000.00    2026-10-15  30    —          paid       —               —
 *  6  B         12345.67    0          2020-01-15  30    2020-02-14  2476       90+             5年以上
 *  7  A         1000.00     0          2026-11-20  0     2026-11-20  5          1-30            1年以内
 */
const AS_OF = '2026-11-25';
let server: TestServer;
let admin: ReturnType<typeof api>;
let customerA: string;
let customerB: string;

beforeAll(async () => {
  server = await startTestServer({ demoCustomers: 0 });
  admin = api(server.baseUrl, await login(server.baseUrl, 'admin@demo.local'));
  const me = (await admin.get('/api/auth/me')).body;
  const customer = async (name: string) => {
    const res = await admin.post('/api/forms/customer/records', {
      data: { name, customer_type: '企业', country: 'CN', uscc: uniqueUscc(), contact_name: '张三', sales_owner: me.id },
    });
    expect(res.status, res.text).toBe(201);
    return res.body.id as string;
  };
  customerA = await customer(uniqueName('甲'));
  customerB = await customer(uniqueName('乙'));
  const rows: Array<[string, string, string | null, string, number]> = [
    [customerA, '100000.00', null, '2026-11-01', 30],
    [customerA, '50000.50', '10000.25', '2026-09-01', 30],
    [customerB, '20000.00', null, '2026-07-01', 30],
    [customerB, '30000.00', null, '2024-10-01', 60],
    [customerA, '8000.00', '8000.00', '2026-10-15', 30],
    [customerB, '12345.67', null, '2020-01-15', 30],
    [customerA, '1000.00', null, '2026-11-20', 0],
  ];
  for (const [customerId, amount, received, bizDate, term] of rows) {
    const res = await admin.post('/api/forms/receivable/records', {
      data: { customer: customerId, amount, ...(received ? { received } : {}), biz_date: bizDate, term_days: term, sales_owner: me.id },
    });
    expect(res.status, res.text).toBe(201);
  }
});
afterAll(() => server?.close());

describe('aging', () => {
  it('by overdue bucket for the company, exact to the cent', async () => {
    const res = await admin.get(`/api/reports/aging?asOf=${AS_OF}`);
    expect(res.status, res.text).toBe(200);
    expect(res.body.buckets.map((b: { label: string }) => b.label)).toEqual(['未到期', '逾期1-30天', '逾期31-60天', '逾期61-90天', '逾期90天以上']);
    expect(res.body.totals).toEqual({ amounts: ['100000.00', '1000.00', '40000.25', '0.00', '62345.67'], total: '203345.92' });
  });

  it('by 账龄 per customer', async () => {
    const res = await admin.get(`/api/reports/aging?asOf=${AS_OF}&basis=age&groupBy=customer`);
    expect(res.body.totals).toEqual({ amounts: ['161000.25', '0.00', '30000.00', '0.00', '0.00', '12345.67'], total: '203345.92' });
    const byKey = Object.fromEntries(res.body.rows.map((r: { key: string; total: string; amounts: string[] }) => [r.key, r]));
    expect(byKey[customerA]).toMatchObject({ total: '141000.25', amounts: ['141000.25', '0.00', '0.00', '0.00', '0.00', '0.00'], items: 3 });
    expect(byKey[customerB]).toMatchObject({ total: '62345.67', amounts: ['20000.00', '0.00', '30000.00', '0.00', '0.00', '12345.67'], items: 3 });
  });

  it('an earlier asOf ages the same receivables less (items not yet raised are left out)', async () => {
    const res = await admin.get('/api/reports/aging?asOf=2026-10-31');
    // #1 and #7 are not raised yet; #2 is 30 days late; #3 is 92 days late.
    expect(res.body.totals.amounts).toEqual(['0.00', '40000.25', '0.00', '0.00', '62345.67']);
  });
});

describe('provision, DSO and top overdue', () => {
  it('bad-debt provision by the default matrix 5/10/30/50/80/100 %', async () => {
    const res = await admin.get(`/api/reports/provision?asOf=${AS_OF}`);
    expect(res.status).toBe(200);
    expect(res.body.rows.map((r: { provision: string }) => r.provision)).toEqual(['8050.01', '0.00', '9000.00', '0.00', '0.00', '12345.67']);
    expect(res.body.total).toEqual({ balance: '203345.92', provision: '29395.68' });
  });

  it('tenant rates change the provision (admins only, audited)', async () => {
    const staff = api(server.baseUrl, await login(server.baseUrl, 'staff@demo.local'));
    expect((await staff.call('PUT', '/api/settings/provision-rates', { body: { rates: ['5', '10', '20', '50', '80', '100'] } })).status).toBe(403);
    expect((await admin.call('PUT', '/api/settings/provision-rates', { body: { rates: ['5', '10', '20'] } })).status).toBe(400);
    // A rate below the bracket before it is refused with the bracket named, in the reader's language.
    const falling = await admin.call('PUT', '/api/settings/provision-rates', { body: { rates: ['5', '10', '30', '20', '80', '100'] }, headers: { 'Accept-Language': 'en' } });
    expect(falling.status).toBe(400);
    expect(falling.body.errors).toEqual([expect.objectContaining({ path: '/rates/3', message: expect.stringContaining('bracket 4') })]);
    expect((await admin.get(`/api/reports/provision?asOf=${AS_OF}`)).body.total.provision).toBe('29395.68');
    const put = await admin.call('PUT', '/api/settings/provision-rates', { body: { rates: ['5', '10', '20', '50', '80', '100'] } });
    expect(put.status).toBe(200);
    const res = await admin.get(`/api/reports/provision?asOf=${AS_OF}`);
    expect(res.body.rows[2].provision).toBe('6000.00');
    expect(res.body.total.provision).toBe('26395.68');
    expect((await admin.get('/api/audit?action=settings.update')).body.items).toHaveLength(1);
  });

  it('DSO simple and countback, BPDSO, ADD and overdue shares', async () => {
    const res = await admin.get(`/api/reports/dso?asOf=${AS_OF}&months=3`);
    expect(res.status).toBe(200);
    // Sales Sep–Nov: 50000.50 + 8000.00 + 100000.00 + 1000.00 = 159000.50 over 30 + 31 + 30 = 91 days.
    expect(res.body).toMatchObject({
      creditSales: '159000.50',
      periodDays: 91,
      ar: { total: '203345.92', current: '100000.00', overdue: '103345.92', over90: '62345.67' },
      dso: '116.4',
      bestPossibleDso: '57.2',
      averageDaysDelinquent: '59.2',
      countbackDso: '785.2',
      overduePercent: '50.8',
      over90Percent: '30.7',
    });
  });

  it('CEI: one month (November) collects nothing of the book, so CEI is 0.0 %', async () => {
    // Beginning AR on 2026-10-31: #2 40000.25 (its 10000.25 received counts as before), #3 20000,
    // #4 30000, #5 0, #6 12345.67 = 102345.92; November sales 101000.00; ending total 203345.92,
    // ending current 100000.00: (102345.92 + 101000 − 203345.92) ÷ (102345.92 + 101000 − 100000) = 0.
    const res = await admin.get(`/api/reports/dso?asOf=${AS_OF}&months=1`);
    expect(res.body).toMatchObject({ beginningAr: '102345.92', creditSales: '101000.00', cei: '0.0' });
  });

  it('concentration and distribution', async () => {
    const conc = await admin.get(`/api/reports/concentration?asOf=${AS_OF}&limit=1`);
    expect(conc.body).toMatchObject({ totalAr: '203345.92', topTotal: '141000.25', topShare: '69.3', top: [{ customerId: customerA, share: '69.3' }] });
    const dist = await admin.get('/api/reports/distribution');
    expect(dist.body.grades).toEqual([]);
    expect(dist.body.classes.reduce((n: number, c: { count: number }) => n + c.count, 0)).toBe(2);
    const dso = await admin.get(`/api/reports/dso?asOf=${AS_OF}&months=1`);
    expect(dso.body.averageDaysToPay).toBeNull();
  });

  it('top overdue customers with their share of AR', async () => {
    const res = await admin.get(`/api/reports/top-overdue?asOf=${AS_OF}&limit=5`);
    expect(res.body.items.map((i: { customerId: string; overdue: string }) => [i.customerId, i.overdue])).toEqual([
      [customerB, '62345.67'],
      [customerA, '41000.25'],
    ]);
    expect(res.body.items[0]).toMatchObject({ maxDaysOverdue: 2476, shareOfAr: '30.7' });
  });

  it.each([
    ['no asOf', '/api/reports/aging', '/asOf'],
    ['an impossible date', '/api/reports/aging?asOf=2026-02-30', '/asOf'],
    ['an unknown basis', `/api/reports/aging?asOf=${AS_OF}&basis=weekly`, '/basis'],
    ['a 13-month window', `/api/reports/dso?asOf=${AS_OF}&months=13`, '/months'],
  ])('failing report with %s is 400', async (_label, url, path) => {
    const res = await admin.get(url);
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: { path: string }) => e.path)).toContain(path);
  });

  it('staff (own records only) cannot read company-wide reports', async () => {
    const staff = api(server.baseUrl, await login(server.baseUrl, 'staff@demo.local'));
    expect((await staff.get(`/api/reports/aging?asOf=${AS_OF}`)).status).toBe(403);
    const [{ n }] = await ownerQuery<{ n: number }>(server.databaseUrl, `SELECT count(*)::int AS n FROM records r JOIN forms f ON f.id = r.form_id WHERE f.key = 'receivable'`);
    expect(n).toBe(7);
  });
});

// Runs last: it records a payment, which changes the book the tests above read.
describe('CEI with payments', () => {
  it('CEI with payments: a payment allocated in November counts as collected in the period', async () => {
    const open = (await admin.get(`/api/forms/receivable/records?filter=${encodeURIComponent(JSON.stringify({ biz_date: { eq: '2026-07-01' } }))}`)).body.items[0];
    const pay = await admin.post('/api/forms/payment/records', {
      data: { customer: customerB, received_on: '2026-11-10', amount: '20000.00', allocations: [{ receivable: open.id, amount: '20000.00' }] },
    });
    expect(pay.status, pay.text).toBe(201);
    // The payment settled the receivable: received went up by the allocation.
    const settled = await admin.get(`/api/forms/receivable/records/${open.id}`);
    expect(settled.body.data).toMatchObject({ received: '20000.00', outstanding: '0.00', status: '已结清' });
    // Beginning AR unchanged (paid after 10-31): 102345.92; ending total 183345.92; current 100000.00:
    // (203345.92 − 183345.92) ÷ 103345.92 = 19.35 % -> 19.4.
    const res = await admin.get(`/api/reports/dso?asOf=${AS_OF}&months=1`);
    expect(res.body).toMatchObject({ beginningAr: '102345.92', ar: { total: '183345.92' }, cei: '19.4' });
    // ADP: 20,000 paid on 2026-11-10 for an invoice of 2026-07-01 = 132 days.
    expect(res.body.averageDaysToPay).toBe('132.0');
  });
});
