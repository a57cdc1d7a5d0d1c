import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CustomerClassLabels1764990000200 } from '../../apps/api/src/database/migrations/1764990000200-customer-class-labels.js';
import { api, login } from '../support/http.js';
import { ownerQuery, runMigrationStep, startTestServer, type TestServer } from '../support/server.js';

/**
 * Rule outputs label their values like select options ({ value, label }): the seeded 客户分类
 * does, the API accepts and checks the shape, and rule sets installed before (plain options) are
 * relabelled by a migration without touching any stored value.
 */
let server: TestServer;
let admin: ReturnType<typeof api>;

const LABELLED = [
  { value: '优质', label: { 'zh-CN': '优质', en: 'Premium' } },
  { value: '普通', label: { 'zh-CN': '普通', en: 'Standard' } },
  { value: '高风险', label: { 'zh-CN': '高风险', en: 'High risk' } },
];

beforeAll(async () => {
  server = await startTestServer({ demoCustomers: 10 });
  admin = api(server.baseUrl, await login(server.baseUrl, 'admin@demo.local'));
});
afterAll(() => server?.close());

const migrate = (step: 'up' | 'down') => runMigrationStep(server.databaseUrl, new CustomerClassLabels1764990000200(), step);

/** customer_class options of the stored published document and draft. */
async function storedOptions(): Promise<{ published: unknown; draft: unknown }> {
  const [row] = await ownerQuery<{ published: unknown; draft: unknown }>(
    server.databaseUrl,
    `SELECT (SELECT o -> 'options' FROM jsonb_array_elements(v.document -> 'outputs') o WHERE o ->> 'key' = 'customer_class') AS published,
            (SELECT o -> 'options' FROM jsonb_array_elements(f.rules_draft -> 'outputs') o WHERE o ->> 'key' = 'customer_class') AS draft
     FROM forms f JOIN rule_set_versions v ON v.tenant_id = f.tenant_id AND v.id = f.rules_version_id WHERE f.key = 'customer'`,
  );
  return row!;
}

const resultsDigest = async () =>
  (await ownerQuery<{ sum: string }>(server.databaseUrl, `SELECT md5(string_agg(x::text, ',' ORDER BY x.record_id)) AS sum FROM record_rule_results x`))[0]!.sum;

describe('rule output labels', () => {
  it('the seeded 客户分类 output labels its values; the rule set API accepts { value, label } options and refuses a malformed one', async () => {
    const rules = await admin.get('/api/forms/customer/rules');
    const output = rules.body.published.document.outputs.find((o: { key: string }) => o.key === 'customer_class');
    expect(output.options).toEqual(LABELLED);

    const bad = structuredClone(rules.body.published.document);
    bad.outputs.find((o: { key: string }) => o.key === 'customer_class').options = [{ value: '优质', colour: 'green' }, '普通', '高风险'];
    const refused = await admin.call('PUT', '/api/forms/customer/rules', { body: { ruleSet: bad }, headers: { 'accept-language': 'en' } });
    expect(refused.status).toBe(400);
    expect(refused.body.errors.map((e: { path: string }) => e.path)).toContain('/ruleSet/outputs/0/options/0');
    // A value the classification sets must still be one of the (labelled) options.
    const unknown = structuredClone(rules.body.published.document);
    unknown.rules.find((r: { id: string }) => r.id === 'customer_class').default = '未知';
    const refusedValue = await admin.call('PUT', '/api/forms/customer/rules', { body: { ruleSet: unknown } });
    expect(refusedValue.status).toBe(400);
    expect(refusedValue.body.errors[0]).toMatchObject({ keyword: 'unknownOption', message: '“未知”不是“客户分类”的可选值' });
    expect((await admin.call('PUT', '/api/forms/customer/rules', { body: { ruleSet: rules.body.published.document } })).status).toBe(200);
  });

  it('a rule set installed before labels (plain options) is relabelled by the migration; values and results stay; down restores', async () => {
    const before = await resultsDigest();
    await ownerQuery(
      server.databaseUrl,
      `UPDATE rule_set_versions v SET document = jsonb_set(document, '{outputs,0,options}', '["优质", "普通", "高风险"]') WHERE document ->> 'key' = 'customer-risk';
       UPDATE forms SET rules_draft = jsonb_set(rules_draft, '{outputs,0,options}', '["优质", "普通", "高风险"]') WHERE rules_draft ->> 'key' = 'customer-risk'`,
    );
    expect(await storedOptions()).toEqual({ published: ['优质', '普通', '高风险'], draft: ['优质', '普通', '高风险'] });
    await migrate('up');
    expect(await storedOptions()).toEqual({ published: LABELLED, draft: LABELLED });
    expect(await resultsDigest()).toBe(before);
    // Re-evaluating gives the same stored values (labels change no outcome).
    expect((await admin.post('/api/forms/customer/rules/evaluate', {})).status).toBe(200);
    const list = await admin.get('/api/forms/customer/records?limit=50&include=rules');
    for (const item of list.body.items) expect(['优质', '普通', '高风险']).toContain(item.rules.values.customer_class);

    await migrate('down');
    expect(await storedOptions()).toEqual({ published: ['优质', '普通', '高风险'], draft: ['优质', '普通', '高风险'] });
    // A document someone changed (another option list) is left alone.
    await ownerQuery(server.databaseUrl, `UPDATE forms SET rules_draft = jsonb_set(rules_draft, '{outputs,0,options}', '["优质", "普通", "高风险", "观察"]') WHERE rules_draft ->> 'key' = 'customer-risk'`);
    await migrate('up');
    expect(await storedOptions()).toEqual({ published: LABELLED, draft: ['优质', '普通', '高风险', '观察'] });
  });
});
