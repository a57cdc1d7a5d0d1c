import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, login } from '../support/http.js';
import { uniqueName, uniqueUscc } from '../support/factories.js';
import { ownerQuery, startTestServer, type TestServer } from '../support/server.js';

/**
 * An import meets the business checks a single create meets (issue 8): credit limits (cumulative
 * within the file and across its chunks), 冻结 / 黑名单 customers, approvals, payment allocations,
 * and payments settle their receivables in the import's transaction. Each refusal is a row error
 * with the single create's message; atomic imports write nothing, skip-bad-rows the other rows.
 */
let server: TestServer;
let tokens: Record<'admin' | 'staff' | 'credit', string>;
let admin: ReturnType<typeof api>;
let adminId: string;

beforeAll(async () => {
  server = await startTestServer({ demoCustomers: 0 });
  tokens = {
    admin: await login(server.baseUrl, 'admin@demo.local'),
    staff: await login(server.baseUrl, 'staff@demo.local'),
    credit: await login(server.baseUrl, 'credit@demo.local'),
  };
  admin = api(server.baseUrl, tokens.admin);
  adminId = (await admin.get('/api/auth/me')).body.id;
});
afterAll(() => server?.close());

const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());

function csv(rows: string[][]): string {
  return rows.map((r) => r.map((c) => (/[",\r\n]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c)).join(',')).join('\r\n') + '\r\n';
}

async function importCsv(form: string, body: string, query: string, who: keyof typeof tokens = 'admin') {
  const res = await fetch(`${server.baseUrl}/api/forms/${form}/imports?${query}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${tokens[who]}`, 'content-type': 'text/csv' },
    body,
  });
  const text = await res.text();
  return { status: res.status, text, body: JSON.parse(text) };
}

async function customer(extra: Record<string, unknown>): Promise<string> {
  const res = await admin.post('/api/forms/customer/records', {
    data: { name: uniqueName('导入额度'), customer_type: '企业', country: 'CN', uscc: uniqueUscc(), contact_name: '张三', sales_owner: adminId, ...extra },
  });
  expect(res.status, res.text).toBe(201);
  return res.body.id;
}

async function receivable(customerId: string, amount: string): Promise<string> {
  const res = await admin.post('/api/forms/receivable/records', { data: { customer: customerId, amount, biz_date: '2026-11-01', term_days: 30 } });
  expect(res.status, res.text).toBe(201);
  return res.body.id;
}

async function receivableCount(customerId: string): Promise<number> {
  const [{ n }] = await ownerQuery<{ n: number }>(
    server.databaseUrl,
    `SELECT count(*)::int AS n FROM records r JOIN forms f ON f.id = r.form_id WHERE f.key = 'receivable' AND r.data->>'customer' = $1`,
    [customerId],
  );
  return n;
}

const RECEIVABLE_HEADER = ['customer', 'amount', 'biz_date', 'term_days'];

describe('credit control on imported receivables', () => {
  it('a frozen customer\'s row is refused with the single create\'s message: dry run reports it, atomic writes nothing, skip writes the others', async () => {
    const ok = await customer({ credit_limit: '100000.00' });
    const frozen = await customer({ credit_limit: '1000000.00', credit_status: '冻结' });
    const file = csv([RECEIVABLE_HEADER, [ok, '100.00', '2026-11-01', '30'], [frozen, '100.00', '2026-11-01', '30'], [ok, '200.00', '2026-11-02', '30']]);

    const single = await admin.post('/api/forms/receivable/records', { data: { customer: frozen, amount: '100.00', biz_date: '2026-11-01', term_days: 30 } });
    expect(single.status).toBe(422);
    expect(single.body.code).toBe('credit.customer_blocked');

    const dry = await importCsv('receivable', file, 'dryRun=true');
    expect(dry.status, dry.text).toBe(200);
    expect(dry.body.rows).toMatchObject({ total: 3, valid: 2, invalid: 1 });
    expect(dry.body.errors).toEqual([{ row: 3, column: 1, header: 'customer', field: 'customer', message: single.body.detail }]);
    expect(single.body.detail).toContain('冻结');

    const atomic = await importCsv('receivable', file, 'dryRun=false');
    expect(atomic.status).toBe(400);
    expect(atomic.body.code).toBe('imports.invalid_rows');
    expect(atomic.body.report.errors[0]).toMatchObject({ row: 3, field: 'customer', message: single.body.detail });
    expect(await receivableCount(ok)).toBe(0);

    const skip = await importCsv('receivable', file, 'dryRun=false&skipInvalid=true');
    expect(skip.status, skip.text).toBe(201);
    expect(skip.body).toMatchObject({ created: 2, skipped: 1 });
    expect(await receivableCount(ok)).toBe(2);
    expect(await receivableCount(frozen)).toBe(0);
  });

  it('a blacklisted customer\'s row gets the single create\'s credit message, not the receivable rule set\'s validation rule (credit is checked first)', async () => {
    const ok = await customer({ credit_limit: '100000.00' });
    const blacklisted = await customer({ credit_limit: '1000000.00', credit_status: '黑名单' });
    const single = await admin.post('/api/forms/receivable/records', { data: { customer: blacklisted, amount: '100.00', biz_date: '2026-11-01', term_days: 30 } });
    expect(single.status).toBe(422);
    expect(single.body.code).toBe('credit.customer_blocked');
    // The rule set refuses the row too ("黑名单客户不能新增应收"): the import must not show that instead.
    const rules = await admin.get('/api/forms/receivable/rules');
    expect(JSON.stringify(rules.body)).toContain('黑名单客户不能新增应收');

    const file = csv([RECEIVABLE_HEADER, [ok, '100.00', '2026-11-01', '30'], [blacklisted, '100.00', '2026-11-01', '30']]);
    for (const query of ['dryRun=true', 'dryRun=false&skipInvalid=true']) {
      const res = await importCsv('receivable', file, query);
      expect(res.status, res.text).toBe(query.startsWith('dryRun=true') ? 200 : 201);
      const report = res.body;
      expect(report.rows).toMatchObject({ total: 2, valid: 1, invalid: 1 });
      expect(report.errors).toEqual([{ row: 3, column: 1, header: 'customer', field: 'customer', message: single.body.detail }]);
    }
    expect(await receivableCount(ok)).toBe(1);
    expect(await receivableCount(blacklisted)).toBe(0);
  });

  it('exposure adds up within the file: two rows each under the limit but together over it — the second is refused, naming limit, exposure and excess', async () => {
    const id = await customer({ credit_limit: '10000.00' });
    await receivable(id, '3000.00');
    const file = csv([RECEIVABLE_HEADER, [id, '4000.00', '2026-11-01', '30'], [id, '4000.00', '2026-11-02', '30']]);
    const dry = await importCsv('receivable', file, 'dryRun=true');
    expect(dry.status, dry.text).toBe(200);
    expect(dry.body.rows).toMatchObject({ total: 2, valid: 1, invalid: 1 });
    expect(dry.body.errors).toHaveLength(1);
    expect(dry.body.errors[0]).toMatchObject({ row: 3, column: 2, header: 'amount', field: 'amount' });
    expect(dry.body.errors[0].message).toContain('¥10000.00');
    expect(dry.body.errors[0].message).toContain('¥11000.00');
    expect(dry.body.errors[0].message).toContain('¥1000.00');

    // In English too.
    const en = await fetch(`${server.baseUrl}/api/forms/receivable/imports?dryRun=true`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tokens.admin}`, 'content-type': 'text/csv', 'accept-language': 'en' },
      body: file,
    }).then((r) => r.json());
    expect(en.errors[0].message).toMatch(/^Over the credit limit: .* has a limit of ¥10000\.00; with this item the exposure is ¥11000\.00, ¥1000\.00 over$/);

    const skip = await importCsv('receivable', file, 'dryRun=false&skipInvalid=true');
    expect(skip.status, skip.text).toBe(201);
    expect(skip.body).toMatchObject({ created: 1, skipped: 1 });
    expect(await receivableCount(id)).toBe(2);
    // The same receivable created alone now meets the same refusal, word for word.
    const single = await admin.post('/api/forms/receivable/records', { data: { customer: id, amount: '4000.00', biz_date: '2026-11-02', term_days: 30 } });
    expect(single.status).toBe(422);
    expect(single.body.detail).toBe(dry.body.errors[0].message);
  });

  it('exposure carries across chunks (5,000 rows a chunk): row 5,002 of a file at the limit is refused', async () => {
    const id = await customer({ credit_limit: '5000.00' });
    const rows = [RECEIVABLE_HEADER];
    for (let i = 0; i < 5001; i++) rows.push([id, '1.00', '2026-11-01', '30']);
    const dry = await importCsv('receivable', csv(rows), 'dryRun=true');
    expect(dry.status, dry.text).toBe(200);
    expect(dry.body.rows).toMatchObject({ total: 5001, valid: 5000, invalid: 1 });
    expect(dry.body.errors[0]).toMatchObject({ row: 5002, field: 'amount' });
    expect(dry.body.errors[0].message).toContain('¥5001.00');
  });

  it('upsert checks only increases, as PATCH does: lowering an amount over the limit passes, raising it is refused', async () => {
    const id = await customer({ credit_limit: '10000.00' });
    // Two items at the limit, entered by a credit manager's override.
    const a = await admin.post('/api/forms/receivable/records', { data: { customer: id, amount: '8000.00', biz_date: '2026-11-01', term_days: 30, contract_no: 'UP-1' }, override: { reason: '特批' } });
    const b = await admin.post('/api/forms/receivable/records', { data: { customer: id, amount: '4000.00', biz_date: '2026-11-01', term_days: 30, contract_no: 'UP-2' }, override: { reason: '特批' } });
    expect([a.status, b.status]).toEqual([201, 201]);
    const arNo = (await admin.get(`/api/forms/receivable/records/${a.body.id}`)).body.data.ar_no;
    const arNo2 = (await admin.get(`/api/forms/receivable/records/${b.body.id}`)).body.data.ar_no;
    const file = csv([
      ['ar_no', 'customer', 'amount', 'biz_date', 'term_days'],
      [arNo, id, '7000.00', '2026-11-01', '30'],
      [arNo2, id, '4500.00', '2026-11-01', '30'],
    ]);
    const dry = await importCsv('receivable', file, 'dryRun=true&mode=update&key=ar_no');
    expect(dry.status, dry.text).toBe(200);
    expect(dry.body.rows).toMatchObject({ valid: 1, invalid: 1 });
    // 7,000 (lowered) + 4,500 = 11,500 over 10,000.
    expect(dry.body.errors[0]).toMatchObject({ row: 3, field: 'amount' });
    expect(dry.body.errors[0].message).toContain('¥11500.00');
  });

  it('a credit manager overrides with a reason (audited once, with the rows); anyone else is refused with 403', async () => {
    const id = await customer({ credit_limit: '1000.00' });
    const frozen = await customer({ credit_status: '冻结' });
    const file = csv([RECEIVABLE_HEADER, [id, '800.00', '2026-11-01', '30'], [id, '800.00', '2026-11-01', '30'], [frozen, '50.00', '2026-11-01', '30']]);
    const reason = encodeURIComponent('年末特批，客户承诺1月回款');
    const staffTry = await importCsv('receivable', file, `dryRun=false&creditOverrideReason=${reason}`, 'staff');
    expect(staffTry.status).toBe(403);
    expect(staffTry.body.code).toBe('credit.override_forbidden');
    expect(await receivableCount(id)).toBe(0);

    const ok = await importCsv('receivable', file, `dryRun=false&creditOverrideReason=${reason}`, 'credit');
    expect(ok.status, ok.text).toBe(201);
    expect(ok.body.created).toBe(3);
    const audit = await admin.get('/api/audit?action=credit.override');
    const entry = audit.body.items[0];
    expect(entry).toMatchObject({ actor: { email: 'credit@demo.local' }, details: { import: true, reason: '年末特批，客户承诺1月回款', count: 2 } });
    expect(entry.details.rows.map((r: { row: number }) => r.row)).toEqual([3, 4]);
    expect(entry.details.rows[0]).toMatchObject({ customerId: id, problem: 'credit.limit_exceeded', exposure: '1600.00', excess: '600.00' });
    // The frozen customer's CUSTOMER_FROZEN alert wants the 信用主管's approval: the same reason gives it.
    const approvals = await admin.get('/api/audit?action=rules.approval');
    expect(approvals.body.items[0]).toMatchObject({ actor: { email: 'credit@demo.local' }, details: { import: true, alerts: ['CUSTOMER_FROZEN'], count: 1 } });
  });

  it('a write-off imported by a credit manager is audited once for the import, with its rows and total', async () => {
    const id = await customer({});
    const file = csv([[...RECEIVABLE_HEADER, 'written_off'], [id, '100.00', '2026-11-01', '30', '100.00'], [id, '300.00', '2026-11-01', '30', '50.00']]);
    const res = await importCsv('receivable', file, 'dryRun=false', 'credit');
    expect(res.status, res.text).toBe(201);
    const audit = await admin.get('/api/audit?action=credit.write_off');
    expect(audit.body.items[0]).toMatchObject({ actor: { email: 'credit@demo.local' }, details: { import: true, count: 2, amount: '150.00' } });
  });
});

describe('imported credit-limit requests', () => {
  it('only a credit manager decides, as the approver; an approval sets the customer\'s limit in the import, audited once', async () => {
    const id = await customer({ credit_limit: '10000.00' });
    const header = ['customer', 'requested_limit', 'reason', 'status', 'approver', 'approved_limit', 'decided_on'];
    const file = csv([header, [id, '50000.00', '业务扩大', '已批准', 'credit@demo.local', '40000.00', today]]);
    const staffTry = await importCsv('credit_limit_request', file, 'dryRun=false', 'staff');
    expect(staffTry.status).toBe(400);
    expect(staffTry.body.report.errors[0]).toMatchObject({ row: 2, field: 'status', message: '只有信用主管可以审批或驳回信用额度申请' });
    const notSelf = await importCsv('credit_limit_request', csv([header, [id, '50000.00', '业务扩大', '已批准', 'admin@demo.local', '40000.00', today]]), 'dryRun=true', 'credit');
    expect(notSelf.body.errors[0]).toMatchObject({ row: 2, field: 'approver' });
    expect((await admin.get(`/api/forms/customer/records/${id}`)).body.data.credit_limit).toBe('10000.00');

    const ok = await importCsv('credit_limit_request', file, 'dryRun=false', 'credit');
    expect(ok.status, ok.text).toBe(201);
    const read = (await admin.get(`/api/forms/customer/records/${id}`)).body;
    expect(read).toMatchObject({ rev: 2, data: { credit_limit: '40000.00' } });
    const audit = await admin.get('/api/audit?action=credit.limit_approved');
    expect(audit.body.items[0]).toMatchObject({ actor: { email: 'credit@demo.local' }, details: { import: true, count: 1, rows: [{ row: 2, customerId: id, to: '40000.00' }] } });
  });
});

describe('imported payments', () => {
  const PAYMENT_HEADER = ['customer', 'received_on', 'amount', 'allocations'];
  const alloc = (items: Array<[string, string]>) => JSON.stringify(items.map(([receivable, amount]) => ({ receivable, amount })));

  it('allocations over the outstanding (as earlier rows of the file left it) or over the payment are row errors; atomic writes nothing, skip settles the good rows', async () => {
    const id = await customer({});
    const r1 = await receivable(id, '1000.00');
    const r2 = await receivable(id, '500.00');
    const file = csv([
      PAYMENT_HEADER,
      [id, today, '800.00', alloc([[r1, '800.00']])],
      [id, today, '300.00', alloc([[r1, '300.00']])],
      [id, today, '100.00', alloc([[r2, '200.00']])],
    ]);
    const dry = await importCsv('payment', file, 'dryRun=true');
    expect(dry.status, dry.text).toBe(200);
    expect(dry.body.rows).toMatchObject({ total: 3, valid: 1, invalid: 2 });
    expect(dry.body.errors).toEqual([
      expect.objectContaining({ row: 3, field: 'allocations', column: 4, message: '核销金额 ¥300.00 超过该应收单未收金额 ¥200.00' }),
      expect.objectContaining({ row: 4, field: 'allocations', message: '分配合计 ¥200.00 超过回款金额 ¥100.00' }),
    ]);

    const atomic = await importCsv('payment', file, 'dryRun=false');
    expect(atomic.status).toBe(400);
    expect((await admin.get(`/api/forms/receivable/records/${r1}`)).body).toMatchObject({ rev: 1, data: { outstanding: '1000.00' } });

    const skip = await importCsv('payment', file, 'dryRun=false&skipInvalid=true');
    expect(skip.status, skip.text).toBe(201);
    expect(skip.body).toMatchObject({ created: 1, skipped: 2 });
    expect((await admin.get(`/api/forms/receivable/records/${r1}`)).body).toMatchObject({ rev: 2, data: { received: '800.00', outstanding: '200.00' } });

    // A single payment of the refused row meets the same message.
    const single = await admin.post('/api/forms/payment/records', { data: { customer: id, received_on: today, amount: '300.00', allocations: [{ receivable: r1, amount: '300.00' }] } });
    expect(single.status).toBe(400);
    expect(single.body.errors[0]).toMatchObject({ path: '/allocations/0/amount', message: dry.body.errors[0].message });
  });

  it('a payment import settles its receivables in the same transaction: received, outstanding, status, revisions and the customer\'s AR balance follow', async () => {
    const id = await customer({ credit_limit: '50000.00' });
    const r1 = await receivable(id, '1000.00');
    const r2 = await receivable(id, '500.00');
    const r3 = await receivable(id, '2000.00');
    const file = csv([
      PAYMENT_HEADER,
      [id, today, '600.00', alloc([[r1, '400.00'], [r2, '200.00']])],
      [id, today, '900.00', alloc([[r1, '600.00'], [r2, '300.00']])],
    ]);
    const res = await importCsv('payment', file, 'dryRun=false');
    expect(res.status, res.text).toBe(201);
    expect(res.body.created).toBe(2);
    const one = (await admin.get(`/api/forms/receivable/records/${r1}`)).body;
    expect(one).toMatchObject({ rev: 2, data: { received: '1000.00', outstanding: '0.00', status: '已结清' } });
    const two = (await admin.get(`/api/forms/receivable/records/${r2}`)).body;
    expect(two.data).toMatchObject({ received: '500.00', outstanding: '0.00' });
    const history = await admin.get(`/api/forms/receivable/records/${r1}/revisions`);
    expect(history.body.items[0].changes.received).toEqual({ to: '1000.00' });
    const read = await admin.get(`/api/forms/customer/records/${id}`);
    expect(read.body.rollups).toMatchObject({ ar_balance: '2000.00', open_items: 1, utilisation: '4.0' });
    void r3;
    // Two payments of one file cannot take more than a receivable's outstanding together.
    const again = await importCsv('payment', csv([PAYMENT_HEADER, [id, today, '1500.00', alloc([[r3, '1500.00']])], [id, today, '600.00', alloc([[r3, '600.00']])]]), 'dryRun=false');
    expect(again.status).toBe(400);
    expect(again.body.report.errors).toEqual([expect.objectContaining({ row: 3, field: 'allocations', message: '核销金额 ¥600.00 超过该应收单未收金额 ¥500.00' })]);
    expect((await admin.get(`/api/forms/receivable/records/${r3}`)).body).toMatchObject({ rev: 1, data: { outstanding: '2000.00' } });
  });

  it('an allocation to a receivable that does not exist is a row error', async () => {
    const id = await customer({});
    const file = csv([PAYMENT_HEADER, [id, today, '10.00', alloc([['0193b0a0-0000-7000-8000-000000000001', '10.00']])]]);
    const dry = await importCsv('payment', file, 'dryRun=true');
    expect(dry.status, dry.text).toBe(200);
    expect(dry.body.errors[0]).toMatchObject({ row: 2, field: 'allocations' });
  });
});
