import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, login } from '../support/http.js';
import { uniqueName, uniqueUscc } from '../support/factories.js';
import { ownerQuery, startTestServer, type TestServer } from '../support/server.js';

let server: TestServer;
let admin: ReturnType<typeof api>;
let staff: ReturnType<typeof api>;
let credit: ReturnType<typeof api>;
let adminId: string;

async function customer(extra: Record<string, unknown>): Promise<string> {
  const res = await admin.post('/api/forms/customer/records', {
    data: { name: uniqueName('额度'), customer_type: '企业', country: 'CN', uscc: uniqueUscc(), contact_name: '张三', sales_owner: adminId, ...extra },
  });
  expect(res.status, res.text).toBe(201);
  return res.body.id;
}

function receivable(client: ReturnType<typeof api>, customerId: string, amount: string, override?: string) {
  return client.post('/api/forms/receivable/records', {
    data: { customer: customerId, amount, biz_date: '2026-11-01', term_days: 30 },
    ...(override ? { override: { reason: override } } : {}),
  });
}

async function receivableCount(customerId: string): Promise<number> {
  const [{ n }] = await ownerQuery<{ n: number }>(server.databaseUrl, `SELECT count(*)::int AS n FROM records WHERE data->>'customer' = $1`, [customerId]);
  return n;
}

beforeAll(async () => {
  server = await startTestServer({ demoCustomers: 0 });
  admin = api(server.baseUrl, await login(server.baseUrl, 'admin@demo.local'));
  staff = api(server.baseUrl, await login(server.baseUrl, 'staff@demo.local'));
  credit = api(server.baseUrl, await login(server.baseUrl, 'credit@demo.local'));
  const me = (await admin.get('/api/auth/me')).body;
  adminId = me.id;
});
afterAll(() => server?.close());

describe('credit-limit check on receivables', () => {
  it('blocks a receivable that takes the exposure over the limit, naming limit, exposure and excess', async () => {
    const id = await customer({ credit_limit: '100000.00' });
    expect((await receivable(staff, id, '60000.00')).status).toBe(201);
    const over = await receivable(staff, id, '50000.00');
    expect(over.status).toBe(422);
    expect(over.body).toMatchObject({
      code: 'credit.limit_exceeded',
      creditCheck: { customerId: id, limit: '100000.00', exposure: '110000.00', excess: '10000.00' },
      errors: [{ path: '/amount', keyword: 'creditLimit' }],
    });
    expect(over.body.detail).toContain('¥10000.00');
    expect(await receivableCount(id)).toBe(1);
  });

  it('a credit manager may override with a reason (audited); others may not', async () => {
    const id = await customer({ credit_limit: '10000.00' });
    expect((await receivable(staff, id, '20000.00', '老客户')).status).toBe(403);
    const ok = await receivable(credit, id, '20000.00', '总经理特批，月底回款');
    expect(ok.status, ok.text).toBe(201);
    const audit = await admin.get('/api/audit?action=credit.override');
    expect(audit.body.items[0]).toMatchObject({ actor: { email: 'credit@demo.local' }, details: { reason: '总经理特批，月底回款', excess: '10000.00' } });
  });

  it('no limit means no check; a limit of 0 means cash only', async () => {
    const free = await customer({});
    expect((await receivable(staff, free, '999999.00')).status).toBe(201);
    const cash = await customer({ credit_limit: '0.00' });
    const res = await receivable(staff, cash, '0.01');
    expect(res.status).toBe(422);
    expect(res.body.creditCheck).toMatchObject({ limit: '0.00', excess: '0.01' });
  });

  it('a frozen or blacklisted customer takes no new credit', async () => {
    const frozen = await customer({ credit_limit: '1000000.00', credit_status: '冻结' });
    const res = await receivable(staff, frozen, '100.00', undefined);
    expect(res.status).toBe(422);
    expect(res.body.code).toBe('credit.customer_blocked');
    expect(res.body.detail).toContain('冻结');
  });

  it('payments never need credit: raising received on an item over the limit is allowed', async () => {
    const id = await customer({ credit_limit: '10000.00' });
    const first = await receivable(credit, id, '15000.00', '特批');
    expect(first.status).toBe(201);
    const paid = await staff.call('PATCH', `/api/forms/receivable/records/${first.body.id}`, {
      body: { data: { received: '5000.00' } },
      headers: { 'if-match': '"1"' },
    });
    expect(paid.status, paid.text).toBe(200);
    const raised = await staff.call('PATCH', `/api/forms/receivable/records/${first.body.id}`, {
      body: { data: { amount: '16000.00' } },
      headers: { 'if-match': '"2"' },
    });
    expect(raised.status).toBe(422);
  });

  it("a customer's rollups (AR balance, overdue, utilisation) follow its receivables", async () => {
    const id = await customer({ credit_limit: '200000.00' });
    await receivable(staff, id, '50000.00');
    const old = await staff.post('/api/forms/receivable/records', { data: { customer: id, amount: '30000.00', biz_date: '2020-01-01', term_days: 30 } });
    expect(old.status).toBe(201);
    const read = await admin.get(`/api/forms/customer/records/${id}`);
    expect(read.body.rollups).toMatchObject({ ar_balance: '80000.00', overdue_amount: '30000.00', open_items: 2, utilisation: '40.0' });
    expect(read.body.rollups.max_days_overdue).toBeGreaterThan(2000);
    const paid = await staff.call('PATCH', `/api/forms/receivable/records/${old.body.id}`, { body: { data: { received: '30000.00' } }, headers: { 'if-match': '"1"' } });
    expect(paid.status).toBe(200);
    const after = await admin.get(`/api/forms/customer/records?limit=200&include=rollups`);
    expect(after.body.items.find((r: { id: string }) => r.id === id).rollups).toMatchObject({ ar_balance: '50000.00', overdue_amount: '0.00', max_days_overdue: 0, utilisation: '25.0' });
  });

  it('concurrent receivables cannot squeeze past the limit together', async () => {
    const id = await customer({ credit_limit: '100000.00' });
    const results = await Promise.all(Array.from({ length: 10 }, () => receivable(staff, id, '20000.00')));
    expect(results.filter((r) => r.status === 201)).toHaveLength(5);
    expect(results.filter((r) => r.status === 422)).toHaveLength(5);
    expect(await receivableCount(id)).toBe(5);
  });
});

describe('issue 8 worked example', () => {
  it('limit 15,000; 12,345.67 invoiced 75 days ago on 30-day terms, 2,345.67 received: 10,000.00 outstanding, 45 days late, 31-60; an 8,000 receivable is blocked', async () => {
    const me = (await admin.get('/api/auth/me')).body;
    // The server's business date (Asia/Shanghai), which may differ from the machine's UTC date.
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());
    const daysAgo = (n: number) => new Date(Date.parse(`${today}T00:00:00Z`) - n * 86_400_000).toISOString().slice(0, 10);
    const id = await customer({ credit_limit: '15000.00' });
    const res = await staff.post('/api/forms/receivable/records', {
      data: { customer: id, amount: '12345.67', received: '2345.67', biz_date: daysAgo(75), invoice_date: daysAgo(75), term_days: 30, sales_owner: me.id },
    });
    expect(res.status, res.text).toBe(201);
    expect(res.body.data).toMatchObject({ outstanding: '10000.00', due_date: daysAgo(45), days_overdue: 45, overdue_bucket: '31-60' });
    const read = await admin.get(`/api/forms/customer/records/${id}`);
    expect(read.body.rollups).toMatchObject({ ar_balance: '10000.00', overdue_amount: '10000.00', max_days_overdue: 45 });
    const blocked = await receivable(staff, id, '8000.00');
    expect(blocked.status).toBe(422);
    expect(blocked.body.creditCheck).toMatchObject({ limit: '15000.00', exposure: '18000.00', excess: '3000.00' });
  });
});

describe('payments settle receivables', () => {
  it('allocations raise received on the receivables; more than outstanding or another customer\'s item is refused, nothing written', async () => {
    const a = await customer({});
    const b = await customer({});
    const first = (await receivable(staff, a, '1000.00')).body;
    const second = (await receivable(staff, a, '500.00')).body;
    const others = (await receivable(staff, b, '300.00')).body;
    const pay = (allocations: Array<{ receivable: string; amount: string }>, customerId = a) =>
      staff.post('/api/forms/payment/records', {
        data: { customer: customerId, received_on: '2026-11-20', amount: allocations.reduce((s, x) => (Number(s) + Number(x.amount)).toFixed(2), '0'), allocations },
      });
    const over = await pay([{ receivable: first.id, amount: '1000.01' }]);
    expect(over.status).toBe(400);
    expect(over.body.errors[0]).toMatchObject({ path: '/allocations/0/amount', keyword: 'maxOutstanding' });
    const foreign = await pay([{ receivable: others.id, amount: '100.00' }]);
    expect(foreign.status).toBe(400);
    expect(foreign.body.errors[0].path).toBe('/allocations/0/receivable');
    const [{ n }] = await ownerQuery<{ n: number }>(server.databaseUrl, `SELECT count(*)::int AS n FROM records r JOIN forms f ON f.id = r.form_id WHERE f.key = 'payment'`);
    expect(n).toBe(0);

    const ok = await pay([{ receivable: first.id, amount: '400.00' }, { receivable: second.id, amount: '500.00' }]);
    expect(ok.status, ok.text).toBe(201);
    const one = (await staff.get(`/api/forms/receivable/records/${first.id}`)).body;
    expect(one).toMatchObject({ rev: 2, data: { received: '400.00', outstanding: '600.00' } });
    const two = (await staff.get(`/api/forms/receivable/records/${second.id}`)).body;
    expect(two.data).toMatchObject({ received: '500.00', outstanding: '0.00', status: '已结清' });
    const history = await staff.get(`/api/forms/receivable/records/${first.id}/revisions`);
    expect(history.body.items[0].changes.received).toEqual({ to: '400.00' });
  });
});


describe('credit policy as configuration (demo permissions)', () => {
  it('staff may not set a credit limit or write off a receivable; a credit manager may', async () => {
    const me = (await staff.get('/api/auth/me')).body;
    const limited = await staff.post('/api/forms/customer/records', {
      data: { name: uniqueName('额度权限'), customer_type: '个人', country: 'CN', contact_name: '王', sales_owner: me.id, credit_limit: '1000.00' },
    });
    expect(limited.status).toBe(403);
    expect(limited.body.errors[0].path).toBe('/credit_limit');
    const id = await customer({});
    const item = (await receivable(staff, id, '100.00')).body;
    const writeOff = await staff.call('PATCH', `/api/forms/receivable/records/${item.id}`, { body: { data: { written_off: '100.00' } }, headers: { 'if-match': '"1"' } });
    expect(writeOff.status).toBe(403);
    const approved = await credit.call('PATCH', `/api/forms/receivable/records/${item.id}`, { body: { data: { written_off: '100.00' } }, headers: { 'if-match': '"1"' } });
    expect(approved.status, approved.text).toBe(200);
    expect(approved.body.data).toMatchObject({ outstanding: '0.00', status: '已核销' });
  });
});

describe('rule actions that require approval', () => {
  it('a credit sale to a cash-only customer needs the credit manager: staff are stopped, the credit manager approves with a reason (audited)', async () => {
    const id = await customer({ credit_limit: '0.00' });
    const data = { customer: id, amount: '100.00', biz_date: '2026-11-01', term_days: 30 };
    // The credit check stops it first (limit 0 = cash only) …
    const staffTry = await staff.post('/api/forms/receivable/records', { data, override: { reason: '客户保证下周付款' } });
    expect(staffTry.status).toBe(403);
    // … and the rule set's NO_LIMIT_CREDIT_SALE alert wants the 信用主管's approval; without a reason it says so.
    const noReason = await credit.post('/api/forms/receivable/records', { data });
    expect(noReason.status).toBe(422);
    const approved = await credit.post('/api/forms/receivable/records', { data, override: { reason: '总经理同意，货到付款改为30天' } });
    expect(approved.status, approved.text).toBe(201);
    expect(approved.body.rules).toBeUndefined();
    const read = await credit.get(`/api/forms/receivable/records/${approved.body.id}`);
    expect(read.body.rules.alerts.map((a: { code: string }) => a.code)).toContain('NO_LIMIT_CREDIT_SALE');
    const audit = await admin.get('/api/audit?action=rules.approval');
    expect(audit.body.items[0]).toMatchObject({ actor: { email: 'credit@demo.local' }, details: { alerts: ['NO_LIMIT_CREDIT_SALE'], reason: '总经理同意，货到付款改为30天' } });
    // Recording a payment on it later needs no approval.
    const paid = await staff.call('PATCH', `/api/forms/receivable/records/${approved.body.id}`, { body: { data: { received: '100.00' } }, headers: { 'if-match': '"1"' } });
    expect(paid.status, paid.text).toBe(200);
  });
});
