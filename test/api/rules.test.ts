import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, login } from '../support/http.js';
import { uniqueName, uniqueUscc } from '../support/factories.js';
import { ownerQuery, startTestServer, type TestServer } from '../support/server.js';

let server: TestServer;
let admin: ReturnType<typeof api>;
let staff: ReturnType<typeof api>;
let adminId: string;
let published: any;

beforeAll(async () => {
  server = await startTestServer({ demoCustomers: 40 });
  admin = api(server.baseUrl, await login(server.baseUrl, 'admin@demo.local'));
  staff = api(server.baseUrl, await login(server.baseUrl, 'staff@demo.local'));
  adminId = (await admin.get('/api/auth/me')).body.id;
  published = (await admin.get('/api/forms/customer/rules')).body.published.document;
});
afterAll(() => server?.close());

describe('rule sets', () => {
  it('the demo company starts with the default rule sets published and every record evaluated', async () => {
    const rules = await admin.get('/api/forms/customer/rules');
    expect(rules.body.published).toMatchObject({ version: 1 });
    expect(rules.body.published.document.rules.map((r: { id: string }) => r.id)).toContain('customer_class');
    const [{ n }] = await ownerQuery<{ n: number }>(
      server.databaseUrl,
      `SELECT count(*)::int AS n FROM record_rule_results x JOIN records r ON r.id = x.record_id JOIN forms f ON f.id = r.form_id WHERE f.key = 'customer'`,
    );
    expect(n).toBe(40);
    const list = await admin.get('/api/forms/customer/records?limit=5&include=rules');
    for (const item of list.body.items) expect(['优质', '普通', '高风险']).toContain(item.rules.values.customer_class);
  });

  it('a rule naming an unknown fact or operator is refused with its path, and nothing is saved', async () => {
    const bad = structuredClone(published);
    bad.rules[0].cases[0].conditions = { all: [{ fact: 'no_such_fact', operator: 'equal', value: 1 }, { fact: 'max_days_overdue', operator: 'sortOf', value: 1 }] };
    const res = await admin.call('PUT', '/api/forms/customer/rules', { body: { ruleSet: bad } });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('rules.invalid');
    const paths = res.body.errors.map((e: { path: string }) => e.path);
    expect(paths.some((p: string) => p.startsWith('/ruleSet/rules/0/cases/0/conditions/all/0'))).toBe(true);
    expect(paths.some((p: string) => p.startsWith('/ruleSet/rules/0/cases/0/conditions/all/1'))).toBe(true);
    for (const error of res.body.errors) expect(error.message).toMatch(/[\u4e00-\u9fa5]/);
    expect((await admin.get('/api/forms/customer/rules')).body.draft).toMatchObject({ version: 1 });
  });

  it('rule problems come back in words with labels, in zh-CN by default and in English on request', async () => {
    const bad = structuredClone(published);
    // The 优质 case: percentOf(overdue_amount ÷ <a text fact>), a text fact compared with greaterThan, an unknown option.
    bad.rules[0].cases[1].conditions = {
      all: [
        { fact: 'percentOf', operator: 'lessThan', value: 10, params: { part: 'overdue_amount', whole: 'name' } },
        { fact: 'name', operator: 'greaterThan', value: 1 },
        { fact: 'public_record', operator: 'equal', value: '不存在的记录' },
      ],
    };
    const put = (language?: string) => admin.call('PUT', '/api/forms/customer/rules', { body: { ruleSet: bad }, headers: language ? { 'accept-language': language } : {} });
    const zh = await put();
    expect(zh.status, zh.text).toBe(400);
    const at = (res: typeof zh, path: string) => res.body.errors.find((e: { path: string }) => e.path === path);
    const base = '/ruleSet/rules/0/cases/1/conditions/all';
    expect(at(zh, `${base}/0/params/whole`)).toMatchObject({ keyword: 'paramsRequired', message: '占比(%)：请为“整体”选择一个数值事实', params: { fact: 'percentOf', param: 'whole' } });
    expect(at(zh, `${base}/1/operator`).message).toBe('运算符“大于”不能用于文本类型的事实“客户名称”');
    expect(at(zh, `${base}/2/value`).message).toBe('“不存在的记录”不是“公共记录（最新评估）”的可选值');
    const en = await put('en');
    expect(en.status).toBe(400);
    expect(at(en, `${base}/0/params/whole`).message).toBe('Share (%): choose a number fact for "Whole"');
    expect(at(en, `${base}/1/operator`).message).toBe('operator "greater than" cannot be used on the text fact "Customer name"');
    expect(at(en, `${base}/2/value`).message).toBe('"不存在的记录" is not an option of "Public record (latest assessment)"');
    for (const error of en.body.errors) expect(error.message).not.toMatch(/percentOf|greaterThan|public_record|decimal/);

    // A rule set of another form, and a simulation with nothing to simulate, are said in words too.
    const other = { ...structuredClone(published), form: 'receivable' };
    const wrongForm = await admin.call('PUT', '/api/forms/customer/rules', { body: { ruleSet: other }, headers: { 'accept-language': 'en' } });
    expect(wrongForm.status).toBe(400);
    expect(at(wrongForm, '/ruleSet/form').message).toBe('the rule set belongs to form "receivable", not "customer"');
    const empty = await admin.post('/api/forms/customer/rules/simulate', {});
    expect(empty.status).toBe(400);
    expect(empty.body.errors[0]).toMatchObject({ path: '/recordId', message: '请提供 recordId（已保存的记录）或 data（记录内容）之一' });
    expect((await admin.get('/api/forms/customer/rules')).body.draft).toMatchObject({ version: 1 });
  });

  it('simulate explains a stored record without writing; impact previews a draft over all records', async () => {
    const customerId = (await admin.get('/api/forms/customer/records?limit=1')).body.items[0].id;
    const sim = await admin.post('/api/forms/customer/rules/simulate', { recordId: customerId });
    expect(sim.status, sim.text).toBe(200);
    expect(sim.body.values.customer_class).toBeDefined();
    const classification = sim.body.outcomes.find((o: { rule: string }) => o.rule === 'customer_class');
    expect(classification.cases.length).toBeGreaterThan(1);
    expect(sim.body.inputs).toHaveProperty('ar_balance');

    // Draft: everybody is 高风险 (the first case always holds).
    const draft = structuredClone(published);
    draft.rules[0].cases[0].conditions = { all: [{ fact: 'ar_balance', operator: 'greaterThanInclusive', value: 0 }] };
    expect((await admin.call('PUT', '/api/forms/customer/rules', { body: { ruleSet: draft } })).status).toBe(200);
    const before = await ownerQuery<{ n: number }>(server.databaseUrl, `SELECT count(*)::int AS n FROM record_rule_results WHERE vals->>'customer_class' = '高风险'`);
    const impact = await admin.post('/api/forms/customer/rules/impact', {});
    expect(impact.status, impact.text).toBe(200);
    expect(impact.body.total).toBe(40);
    expect(impact.body.distribution['customer_class=高风险']).toBe(40);
    expect(impact.body.changed).toBe(40 - before[0]!.n);
    expect(impact.body.examples.length).toBeGreaterThan(0);
    // Nothing was written by the preview.
    const after = await ownerQuery<{ n: number }>(server.databaseUrl, `SELECT count(*)::int AS n FROM record_rule_results WHERE vals->>'customer_class' = '高风险'`);
    expect(after[0]!.n).toBe(before[0]!.n);

    const pub = await admin.post('/api/forms/customer/rules/publish', {});
    expect(pub.status, pub.text).toBe(200);
    expect(pub.body).toMatchObject({ version: 2, evaluated: 40 });
    const read = await admin.get(`/api/forms/customer/records/${customerId}`);
    expect(read.body.rules).toMatchObject({ version: 2, values: { customer_class: '高风险' } });
    expect((await admin.get('/api/audit?action=rules.publish')).body.items).toHaveLength(1);
  });

  it('validation rules block the save with their field and message', async () => {
    const customer = await admin.post('/api/forms/customer/records', {
      data: { name: uniqueName('评估'), customer_type: '企业', country: 'CN', uscc: uniqueUscc(), contact_name: '张三', sales_owner: adminId },
    });
    const res = await admin.post('/api/forms/credit_assessment/records', {
      data: {
        customer: customer.body.id,
        assessed_on: '2026-11-01',
        total_assets: '1000000.00',
        total_liabilities: '400000.00',
        revenue: '100000.00',
        net_profit: '200000.00',
        industry_risk: '低',
        public_record: '无不良',
      },
    });
    expect(res.status, res.text).toBe(400);
    expect(res.body.errors.map((e: { keyword: string }) => e.keyword)).toContain('rule');
  });

  it('only designers, admins and credit managers change rules', async () => {
    expect((await staff.call('PUT', '/api/forms/customer/rules', { body: { ruleSet: published } })).status).toBe(403);
    expect((await staff.post('/api/forms/customer/rules/publish', {})).status).toBe(403);
  });

  it('an alert with a setField action changes the record on re-evaluation: OVERDUE_90 freezes the customer', async () => {
    const customer = await admin.post('/api/forms/customer/records', {
      data: { name: uniqueName('冻结'), customer_type: '企业', country: 'CN', uscc: uniqueUscc(), contact_name: '张三', sales_owner: adminId },
    });
    expect(customer.body.data.credit_status).toBe('正常');
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());
    const old = new Date(Date.parse(`${today}T00:00:00Z`) - 150 * 86_400_000).toISOString().slice(0, 10);
    const receivable = await admin.post('/api/forms/receivable/records', {
      data: { customer: customer.body.id, amount: '5000.00', biz_date: old, invoice_date: old, term_days: 30 },
    });
    expect(receivable.status, receivable.text).toBe(201);
    const run = await admin.post('/api/forms/customer/rules/evaluate', {});
    expect(run.status, run.text).toBe(200);
    expect(run.body.fieldsSet).toBeGreaterThanOrEqual(1);
    const read = await admin.get(`/api/forms/customer/records/${customer.body.id}`);
    expect(read.body.data.credit_status).toBe('冻结');
    expect(read.body.rules.alerts.map((a: { code: string }) => a.code)).toContain('OVERDUE_90');
    const history = await admin.get(`/api/forms/customer/records/${customer.body.id}/revisions`);
    expect(history.body.items[0]).toMatchObject({ action: 'recompute', changes: { credit_status: { from: '正常', to: '冻结' } } });
    // A frozen customer takes no new credit.
    const more = await admin.post('/api/forms/receivable/records', { data: { customer: customer.body.id, amount: '1.00', biz_date: today, term_days: 30 } });
    expect(more.status).toBe(422);
  });

  it('an assessment of a 失信被执行人 is graded C, and the explanation names the knock-out', async () => {
    const customer = await admin.post('/api/forms/customer/records', {
      data: { name: uniqueName('失信'), customer_type: '企业', country: 'CN', uscc: uniqueUscc(), contact_name: '张三', sales_owner: adminId, established_on: '2010-01-01' },
    });
    const res = await admin.post('/api/forms/credit_assessment/records', {
      data: {
        customer: customer.body.id,
        assessed_on: '2026-11-01',
        total_assets: '1000000.00',
        total_liabilities: '350000.00',
        current_assets: '500000.00',
        current_liabilities: '200000.00',
        revenue: '60000000.00',
        net_profit: '4800000.00',
        industry_risk: '中',
        public_record: '失信被执行人',
      },
    });
    expect(res.status, res.text).toBe(201);
    const read = await admin.get(`/api/forms/credit_assessment/records/${res.body.id}`);
    const scoring = read.body.rules.explanation.outcomes.find((o: { kind: string }) => o.kind === 'scoring');
    expect(scoring.grade).toBe('C');
    expect(scoring.score).toBe(0);
    expect(scoring.knockouts.filter((k: { held: boolean }) => k.held).map((k: { id: string }) => k.id)).toEqual(['dishonest_debtor']);
  });

  it("a customer's class follows its receivables and assessments as they change, not just overnight", async () => {
    const customer = await admin.post('/api/forms/customer/records', {
      data: { name: uniqueName('跟随'), customer_type: '企业', country: 'CN', uscc: uniqueUscc(), contact_name: '张三', sales_owner: adminId },
    });
    const classOf = async () => (await admin.get(`/api/forms/customer/records/${customer.body.id}`)).body;
    const first = await classOf();
    expect(first.rollups).toMatchObject({ rating: null, ar_balance: '0.00' });
    // An assessment of a 失信被执行人 makes the customer 高风险 at once.
    const assessment = await admin.post('/api/forms/credit_assessment/records', {
      data: {
        customer: customer.body.id, assessed_on: '2026-11-01', total_assets: '1000000.00', total_liabilities: '350000.00',
        revenue: '60000000.00', net_profit: '4800000.00', industry_risk: '中', public_record: '失信被执行人',
      },
    });
    expect(assessment.status, assessment.text).toBe(201);
    const after = await classOf();
    expect(after.rollups).toMatchObject({ rating: 'C', public_record: '失信被执行人' });
    expect(after.rules.values.customer_class).toBe('高风险');
  });
});
