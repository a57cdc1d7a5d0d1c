import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, login } from '../support/http.js';
import { uniqueName, uniqueUscc } from '../support/factories.js';
import { ownerQuery, startTestServer, type TestServer } from '../support/server.js';

/*
 * 信用额度申请 with approval (issue 8): only a credit manager decides, as the approver; approval
 * writes the limit (and term) to the customer in the same transaction, audited, as a customer
 * revision; rejection changes nothing; a decided request is final. Plus the bad input of issue 8.
 */

let server: TestServer;
let admin: ReturnType<typeof api>;
let staff: ReturnType<typeof api>;
let credit: ReturnType<typeof api>;
let designer: ReturnType<typeof api>;
let adminId: string;
let staffId: string;
let creditId: string;
const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());
const day = (offset: number) => new Date(Date.parse(`${today}T00:00:00Z`) + offset * 86_400_000).toISOString().slice(0, 10);

beforeAll(async () => {
  server = await startTestServer({ demoCustomers: 0 });
  admin = api(server.baseUrl, await login(server.baseUrl, 'admin@demo.local'));
  staff = api(server.baseUrl, await login(server.baseUrl, 'staff@demo.local'));
  credit = api(server.baseUrl, await login(server.baseUrl, 'credit@demo.local'));
  designer = api(server.baseUrl, await login(server.baseUrl, 'designer@demo.local'));
  adminId = (await admin.get('/api/auth/me')).body.id;
  staffId = (await staff.get('/api/auth/me')).body.id;
  creditId = (await credit.get('/api/auth/me')).body.id;
});
afterAll(() => server?.close());

async function customer(extra: Record<string, unknown> = {}) {
  const res = await admin.post('/api/forms/customer/records', {
    data: { name: uniqueName('额度申请'), customer_type: '企业', country: 'CN', uscc: uniqueUscc(), contact_name: '张三', sales_owner: staffId, ...extra },
  });
  expect(res.status, res.text).toBe(201);
  return res.body as { id: string; rev: number; data: Record<string, unknown> };
}

async function request(customerId: string, extra: Record<string, unknown> = {}) {
  const res = await staff.post('/api/forms/credit_limit_request/records', {
    data: { customer: customerId, current_limit: '10000.00', requested_limit: '20000.00', reason: '年度采购量增加', status: '待审批', ...extra },
  });
  expect(res.status, res.text).toBe(201);
  return res.body as { id: string; rev: number; data: Record<string, unknown> };
}

const patch = (client: ReturnType<typeof api>, form: string, id: string, rev: number, data: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
  client.call('PATCH', `/api/forms/${form}/records/${id}`, { body: { data, ...extra }, headers: { 'if-match': `"${rev}"` } });

const readCustomer = async (id: string) => (await admin.get(`/api/forms/customer/records/${id}`)).body;

describe('credit-limit request approval', () => {
  it('a credit manager approves: the customer takes the approved limit and term in the same write, audited, as a revision by the approver', async () => {
    const c = await customer({ credit_limit: '10000.00', payment_term_days: 30 });
    const req = await request(c.id, { requested_term_days: 45 });
    // The old limit blocks a 15,000 receivable …
    const blocked = await staff.post('/api/forms/receivable/records', { data: { customer: c.id, amount: '15000.00', biz_date: day(0), term_days: 30 } });
    expect(blocked.status).toBe(422);

    const decision = { status: '已批准', approver: creditId, approved_limit: '18000.00', decided_on: day(0), decision_note: '年审通过' };
    const approved = await patch(credit, 'credit_limit_request', req.id, req.rev, decision);
    expect(approved.status, approved.text).toBe(200);
    const after = await readCustomer(c.id);
    expect(after).toMatchObject({ rev: 2, data: { credit_limit: '18000.00', payment_term_days: 45 } });
    const revisions = (await admin.get(`/api/forms/customer/records/${c.id}/revisions`)).body.items;
    expect(revisions[0]).toMatchObject({ rev: 2, actor: { email: 'credit@demo.local' }, changes: { credit_limit: { from: '10000.00', to: '18000.00' }, payment_term_days: { from: 30, to: 45 } } });
    const audit = await admin.get('/api/audit?action=credit.limit_approved');
    expect(audit.body.items[0]).toMatchObject({ actor: { email: 'credit@demo.local' }, details: { customerId: c.id, from: '10000.00', to: '18000.00', termFrom: 30, termTo: 45 } });
    // … the new one lets it through.
    const allowed = await staff.post('/api/forms/receivable/records', { data: { customer: c.id, amount: '15000.00', biz_date: day(0), term_days: 30 } });
    expect(allowed.status, allowed.text).toBe(201);
    expect((await readCustomer(c.id)).rollups).toMatchObject({ ar_balance: '15000.00', utilisation: '83.3' });
  });

  it('staff cannot approve (403 naming the status), nor can someone approve in another person\'s name (422); nothing is written', async () => {
    const c = await customer({ credit_limit: '10000.00' });
    const req = await request(c.id);
    const byStaff = await patch(staff, 'credit_limit_request', req.id, req.rev, { status: '已批准', approver: staffId, approved_limit: '20000.00', decided_on: day(0) });
    expect(byStaff.status).toBe(403);
    expect(byStaff.body).toMatchObject({ code: 'credit.limit_approval_forbidden', errors: [{ path: '/status' }] });
    expect(byStaff.body.detail).toContain('信用主管');
    const created = await staff.post('/api/forms/credit_limit_request/records', {
      data: { customer: c.id, requested_limit: '99999.00', reason: '自批', status: '已批准', approver: staffId, approved_limit: '99999.00', decided_on: day(0) },
    });
    expect(created.status).toBe(403);
    const otherName = await patch(credit, 'credit_limit_request', req.id, req.rev, { status: '已批准', approver: adminId, approved_limit: '20000.00', decided_on: day(0) });
    expect(otherName.status).toBe(422);
    expect(otherName.body).toMatchObject({ code: 'credit.limit_approver_self', errors: [{ path: '/approver' }] });
    expect(await readCustomer(c.id)).toMatchObject({ rev: 1, data: { credit_limit: '10000.00' } });
    expect((await admin.get(`/api/forms/credit_limit_request/records/${req.id}`)).body).toMatchObject({ rev: 1, data: { status: '待审批' } });
    const [{ n }] = await ownerQuery<{ n: number }>(server.databaseUrl, `SELECT count(*)::int AS n FROM records r JOIN forms f ON f.id = r.form_id WHERE f.key = 'credit_limit_request' AND r.data->>'customer' = $1`, [c.id]);
    expect(n).toBe(1);
  });

  it('a rejection leaves the customer unchanged; a decided request cannot be approved (again)', async () => {
    const c = await customer({ credit_limit: '10000.00' });
    const rejected = await request(c.id);
    const no = await patch(credit, 'credit_limit_request', rejected.id, rejected.rev, { status: '已驳回', approver: creditId, decided_on: day(0), decision_note: '逾期未清' });
    expect(no.status, no.text).toBe(200);
    expect(await readCustomer(c.id)).toMatchObject({ rev: 1, data: { credit_limit: '10000.00' } });
    const flip = await patch(credit, 'credit_limit_request', rejected.id, no.body.rev, { status: '已批准', approved_limit: '20000.00' });
    expect(flip.status).toBe(409);
    expect(flip.body).toMatchObject({ code: 'credit.limit_request_decided', errors: [{ path: '/status' }] });

    const req = await request(c.id);
    const yes = await patch(credit, 'credit_limit_request', req.id, req.rev, { status: '已批准', approver: creditId, approved_limit: '12000.00', decided_on: day(0) });
    expect(yes.status, yes.text).toBe(200);
    const twice = await patch(credit, 'credit_limit_request', req.id, yes.body.rev, { approved_limit: '30000.00' });
    expect(twice.status).toBe(409);
    expect(twice.body.detail).toContain('已批准');
    expect(await readCustomer(c.id)).toMatchObject({ rev: 2, data: { credit_limit: '12000.00' } });
    // A credit manager may also record a decision made directly on a new request.
    const direct = await credit.post('/api/forms/credit_limit_request/records', {
      data: { customer: c.id, requested_limit: '13000.00', reason: '补录', status: '已批准', approver: creditId, approved_limit: '13000.00', decided_on: day(0) },
    });
    expect(direct.status, direct.text).toBe(201);
    expect((await readCustomer(c.id)).data.credit_limit).toBe('13000.00');
  });
});

describe('bad input of issue 8: a clear 4xx naming the field, nothing written', () => {
  it('a payment allocating more than the outstanding amount, or more than the payment itself', async () => {
    const c = await customer();
    const item = (await staff.post('/api/forms/receivable/records', { data: { customer: c.id, amount: '1000.00', biz_date: day(-10), term_days: 30 } })).body;
    const over = await staff.post('/api/forms/payment/records', {
      data: { customer: c.id, received_on: day(0), amount: '1500.00', allocations: [{ receivable: item.id, amount: '1500.00' }] },
    });
    expect(over.status).toBe(400);
    expect(over.body.errors[0]).toMatchObject({ path: '/allocations/0/amount', keyword: 'maxOutstanding' });
    const beyond = await staff.post('/api/forms/payment/records', {
      data: { customer: c.id, received_on: day(0), amount: '100.00', allocations: [{ receivable: item.id, amount: '600.00' }] },
    });
    expect(beyond.status).toBe(400);
    expect(beyond.body.errors[0]).toMatchObject({ path: '/allocations', keyword: 'maxAmount' });
    const [{ n }] = await ownerQuery<{ n: number }>(server.databaseUrl, `SELECT count(*)::int AS n FROM records r JOIN forms f ON f.id = r.form_id WHERE f.key = 'payment' AND r.data->>'customer' = $1`, [c.id]);
    expect(n).toBe(0);
    expect((await staff.get(`/api/forms/receivable/records/${item.id}`)).body).toMatchObject({ rev: 1, data: { outstanding: '1000.00' } });
  });

  it('a write-off without a credit manager: 403 naming written_off (field policy for staff, the credit rule for anyone else); with one: audited', async () => {
    const c = await customer();
    const item = (await staff.post('/api/forms/receivable/records', { data: { customer: c.id, amount: '800.00', biz_date: day(-10), term_days: 30 } })).body;
    const byStaff = await patch(staff, 'receivable', item.id, 1, { written_off: '800.00' });
    expect(byStaff.status).toBe(403);
    expect(byStaff.body.errors[0].path).toBe('/written_off');
    const byDesigner = await patch(designer, 'receivable', item.id, 1, { written_off: '800.00' });
    expect(byDesigner.status).toBe(403);
    expect(byDesigner.body).toMatchObject({ code: 'credit.write_off_forbidden', errors: [{ path: '/written_off' }] });
    expect((await staff.get(`/api/forms/receivable/records/${item.id}`)).body).toMatchObject({ rev: 1, data: { outstanding: '800.00' } });
    const ok = await patch(credit, 'receivable', item.id, 1, { written_off: '800.00' }, { override: { reason: '客户破产清算' } });
    expect(ok.status, ok.text).toBe(200);
    expect(ok.body.data).toMatchObject({ outstanding: '0.00', status: '已核销' });
    const audit = await admin.get('/api/audit?action=credit.write_off');
    expect(audit.body.items[0]).toMatchObject({ actor: { email: 'credit@demo.local' }, details: { amount: '800.00', reason: '客户破产清算' } });
  });

  it('a due date before the invoice date, negative terms, an invoice before the business date', async () => {
    const c = await customer();
    const base = { customer: c.id, amount: '500.00', biz_date: day(-20), invoice_date: day(-15), term_days: 30 };
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ ...base, due_date: day(-16) }, '/due_date'],
      [{ ...base, term_days: -5 }, '/term_days'],
      [{ ...base, invoice_date: day(-25) }, '/invoice_date'],
    ];
    for (const [data, path] of cases) {
      const res = await staff.post('/api/forms/receivable/records', { data });
      expect(res.status, `${path}: ${res.text}`).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
      expect(res.body.errors.map((e: { path: string }) => e.path)).toContain(path);
    }
    const [{ n }] = await ownerQuery<{ n: number }>(server.databaseUrl, `SELECT count(*)::int AS n FROM records WHERE data->>'customer' = $1`, [c.id]);
    expect(n).toBe(0);
  });
});
