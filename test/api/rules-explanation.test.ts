import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, login } from '../support/http.js';
import { uniqueName, uniqueUscc } from '../support/factories.js';
import { ownerQuery, startTestServer, type TestServer } from '../support/server.js';

/*
 * Stored rule results keep a compact explanation (the facts the record's data cannot give back);
 * GET …/records/:id rebuilds the explanation from the record and the rule-set version. It must be
 * the document the evaluation produced: here compared with /rules/simulate on the same record
 * (json-rules-engine, the engine of record, on the same facts and day).
 */

let server: TestServer;
let admin: ReturnType<typeof api>;
let adminId: string;
let adminToken: string;

beforeAll(async () => {
  server = await startTestServer({ demoCustomers: 30 });
  adminToken = await login(server.baseUrl, 'admin@demo.local');
  admin = api(server.baseUrl, adminToken);
  adminId = (await admin.get('/api/auth/me')).body.id;
});
afterAll(() => server?.close());

const explanationOf = (sim: { ruleSet: unknown; asOf: string; inputs: unknown; outcomes: unknown }) => ({ ruleSet: sim.ruleSet, asOf: sim.asOf, inputs: sim.inputs, outcomes: sim.outcomes });

async function simulated(form: string, recordId: string, headers?: Record<string, string>) {
  const sim = await admin.post(`/api/forms/${form}/rules/simulate`, { recordId }, headers);
  expect(sim.status, sim.text).toBe(200);
  return explanationOf(sim.body);
}

async function importCsv(form: string, rows: string[][]) {
  const body = rows.map((r) => r.join(',')).join('\r\n') + '\r\n';
  const res = await fetch(`${server.baseUrl}/api/forms/${form}/imports?dryRun=false`, {
    method: 'POST',
    headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'text/csv' },
    body,
  });
  const text = await res.text();
  return { status: res.status, text };
}

async function storedExplanation(form: string, recordId: string) {
  const read = await admin.get(`/api/forms/${form}/records/${recordId}`);
  expect(read.status, read.text).toBe(200);
  expect(read.body.rules, `${form} ${recordId} has no rule result`).toBeDefined();
  return read.body.rules.explanation;
}

describe('rule explanations rebuilt on read', () => {
  it.each(['customer', 'receivable', 'credit_assessment'])('%s: every record’s explanation equals the evaluation’s, and little is stored', async (form) => {
    // Evaluate every record now, so the stored results and simulate see the same facts.
    const evaluated = await admin.post(`/api/forms/${form}/rules/evaluate`, {});
    expect(evaluated.status, evaluated.text).toBe(200);
    const list = await admin.get(`/api/forms/${form}/records?limit=25`);
    expect(list.body.items.length).toBeGreaterThan(0);
    let outcomes = 0;
    for (const item of list.body.items as Array<{ id: string }>) {
      const explanation = await storedExplanation(form, item.id);
      expect(explanation).toEqual(await simulated(form, item.id));
      outcomes += explanation.outcomes.length;
    }
    expect(outcomes).toBeGreaterThan(0);
    const [size] = await ownerQuery<{ n: number; compact: number; max: number }>(
      server.databaseUrl,
      `SELECT count(*)::int AS n, count(*) FILTER (WHERE NOT x.explanation ? 'outcomes')::int AS compact, max(octet_length(x.explanation::text))::int AS max
       FROM record_rule_results x JOIN records r ON r.id = x.record_id JOIN forms f ON f.id = r.form_id WHERE f.key = $1`,
      [form],
    );
    expect(size!.n).toBeGreaterThan(0);
    expect(size!.compact).toBe(size!.n);
    expect(size!.max).toBeLessThan(700);
  });

  it('a create (the fast path) and a PATCH store results whose explanation equals the evaluation’s, in the locale of the write', async () => {
    const created = await admin.post('/api/forms/customer/records', {
      data: { name: uniqueName('解释'), customer_type: '企业', country: 'CN', uscc: uniqueUscc(), contact_name: '张三', sales_owner: adminId, credit_limit: '500000.00' },
    });
    expect(created.status, created.text).toBe(201);
    expect(await storedExplanation('customer', created.body.id)).toEqual(await simulated('customer', created.body.id));

    const en = { 'accept-language': 'en' };
    const assessment = await admin.post(
      '/api/forms/credit_assessment/records',
      {
        data: {
          customer: created.body.id,
          assessed_on: '2026-11-01',
          total_assets: '10000000.00',
          total_liabilities: '3500000.00',
          current_assets: '5000000.00',
          current_liabilities: '2000000.00',
          revenue: '60000000.00',
          net_profit: '4800000.00',
          industry_risk: '中',
          public_record: '无不良',
        },
      },
      en,
    );
    expect(assessment.status, assessment.text).toBe(201);
    const explanation = await storedExplanation('credit_assessment', assessment.body.id);
    const english = await simulated('credit_assessment', assessment.body.id, en);
    expect(explanation).toEqual(english);
    // the policy terms are those of the write's locale, not the reader's
    expect(english).not.toEqual(await simulated('credit_assessment', assessment.body.id));

    const patched = await admin.call('PATCH', `/api/forms/customer/records/${created.body.id}`, { body: { data: { credit_limit: '10.00' } }, headers: { 'if-match': `"${created.body.rev}"` } });
    expect(patched.status, patched.text).toBe(200);
    expect(await storedExplanation('customer', created.body.id)).toEqual(await simulated('customer', created.body.id));
  });

  it('after a revert (no new evaluation) the explanation is still the one of the data that was evaluated', async () => {
    const created = await admin.post('/api/forms/customer/records', {
      data: { name: uniqueName('回退'), customer_type: '企业', country: 'CN', uscc: uniqueUscc(), contact_name: '张三', sales_owner: adminId, credit_limit: '800000.00' },
    });
    expect(created.status, created.text).toBe(201);
    const patched = await admin.call('PATCH', `/api/forms/customer/records/${created.body.id}`, {
      body: { data: { credit_limit: '0.00', customer_type: '事业单位' } },
      headers: { 'if-match': '"1"' },
    });
    expect(patched.status, patched.text).toBe(200);
    const evaluatedOnRev2 = await simulated('customer', created.body.id);
    const reverted = await admin.call('POST', `/api/forms/customer/records/${created.body.id}/revisions/1/revert`, { headers: { 'if-match': '"2"' } });
    expect(reverted.status, reverted.text).toBe(200);
    expect(reverted.body.data.customer_type).toBe('企业');
    // a revert does not evaluate the rules again: the stored result is still that of revision 2
    const explanation = await storedExplanation('customer', created.body.id);
    expect(explanation).toEqual(evaluatedOnRev2);
    expect(explanation).not.toEqual(await simulated('customer', created.body.id));
  });

  it('imported rows (COPY-staged results) and the customers their receivables touch explain as evaluated', async () => {
    const names = [uniqueName('导入解释'), uniqueName('导入解释')];
    const header = ['name', 'customer_type', 'country', 'uscc', 'contact_name', 'sales_owner', 'credit_limit', 'payment_term_days'];
    const rows = [
      [names[0]!, '企业', 'CN', uniqueUscc(), '张三', 'admin@demo.local', '120000.00', '90'],
      [names[1]!, '事业单位', 'CN', uniqueUscc(), '李四', 'admin@demo.local', '', '30'],
    ];
    const imported = await importCsv('customer', [header, ...rows]);
    expect(imported.status, imported.text).toBe(201);
    const customers = await ownerQuery<{ id: string }>(server.databaseUrl, `SELECT id FROM records WHERE data->>'name' = ANY($1::text[]) ORDER BY data->>'name'`, [names]);
    expect(customers).toHaveLength(2);
    const receivables = await importCsv('receivable', [
      ['customer', 'amount', 'biz_date', 'term_days', 'contract_no'],
      [customers[0]!.id, '100000.00', '2026-01-05', '30', 'EXPL-A'],
      [customers[1]!.id, '2500.00', '2026-11-01', '45', 'EXPL-B'],
    ]);
    expect(receivables.status, receivables.text).toBe(201);
    const items = await ownerQuery<{ id: string }>(server.databaseUrl, `SELECT id FROM records WHERE data->>'contract_no' IN ('EXPL-A', 'EXPL-B')`);
    expect(items).toHaveLength(2);
    for (const { id } of items) expect(await storedExplanation('receivable', id)).toEqual(await simulated('receivable', id));
    for (const { id } of customers) expect(await storedExplanation('customer', id)).toEqual(await simulated('customer', id));
    const [compact] = await ownerQuery<{ n: number }>(
      server.databaseUrl,
      `SELECT count(*)::int AS n FROM record_rule_results WHERE record_id = ANY($1::uuid[]) AND NOT explanation ? 'outcomes'`,
      [[...items, ...customers].map((r) => r.id)],
    );
    expect(compact!.n).toBe(4);
  });

  it('imported new customers store no zero rollups (z) and still explain as evaluated', async () => {
    const names = [uniqueName('导入零'), uniqueName('导入零'), uniqueName('导入零')];
    const header = ['name', 'customer_type', 'country', 'uscc', 'contact_name', 'sales_owner', 'credit_limit', 'payment_term_days'];
    const rows = [
      [names[0]!, '企业', 'CN', uniqueUscc(), '张三', 'admin@demo.local', '120000.00', '90'],
      [names[1]!, '事业单位', 'CN', uniqueUscc(), '李四', 'admin@demo.local', '', '30'],
      [names[2]!, '个人', 'CN', '', '王五', 'admin@demo.local', '0', '0'],
    ];
    const imported = await importCsv('customer', [header, ...rows]);
    expect(imported.status, imported.text).toBe(201);
    const stored = await ownerQuery<{ id: string; explanation: { f?: Record<string, unknown>; z?: number } }>(
      server.databaseUrl,
      `SELECT r.id, x.explanation FROM records r JOIN record_rule_results x ON x.record_id = r.id WHERE r.data->>'name' = ANY($1::text[]) ORDER BY r.data->>'name'`,
      [names],
    );
    expect(stored).toHaveLength(3);
    for (const { id, explanation } of stored) {
      expect(explanation.z).toBe(1);
      expect(Object.keys(explanation.f ?? {})).not.toContain('ar_balance');
      expect(await storedExplanation('customer', id)).toEqual(await simulated('customer', id));
    }
  });

  it('a whole explanation stored before results were compact is returned as stored', async () => {
    const created = await admin.post('/api/forms/customer/records', {
      data: { name: uniqueName('旧结果'), customer_type: '企业', country: 'CN', uscc: uniqueUscc(), contact_name: '张三', sales_owner: adminId },
    });
    const whole = await simulated('customer', created.body.id);
    const legacy = { ...whole, inputs: { ...whole.inputs, note: 'stored whole' } };
    await ownerQuery(server.databaseUrl, 'UPDATE record_rule_results SET explanation = $2::jsonb WHERE record_id = $1', [created.body.id, JSON.stringify(legacy)]);
    expect(await storedExplanation('customer', created.body.id)).toEqual(legacy);
  });
});
