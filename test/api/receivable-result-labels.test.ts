import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ReceivableResultLabels1765000000100 } from '../../apps/api/src/database/migrations/1765000000100-receivable-result-labels.js';
import { api, login } from '../support/http.js';
import { ownerQuery, runMigrationStep, startTestServer, type TestServer } from '../support/server.js';

/**
 * The receivable's text formulas (逾期账龄段, 账龄段, 状态) name their results like select options,
 * so English screens say Settled / Within 1 year; the stored values stay Chinese. Receivable forms
 * installed before get the options from a migration; down takes them away again.
 */
let server: TestServer;
let admin: ReturnType<typeof api>;

beforeAll(async () => {
  server = await startTestServer({ demoCustomers: 5 });
  admin = api(server.baseUrl, await login(server.baseUrl, 'admin@demo.local'));
});
afterAll(() => server?.close());

const migrate = (step: 'up' | 'down') => runMigrationStep(server.databaseUrl, new ReceivableResultLabels1765000000100(), step);

type Field = { key: string; options?: Array<{ value: string; label: { 'zh-CN': string; en: string } }> };

const storedOptions = async () => {
  const [row] = await ownerQuery<{ def: unknown; ui: unknown }>(
    server.databaseUrl,
    `SELECT (SELECT jsonb_object_agg(x ->> 'key', x -> 'options') FROM jsonb_array_elements(v.definition -> 'fields') x WHERE x ->> 'key' IN ('status', 'aging_bucket', 'overdue_bucket')) AS def,
            (SELECT jsonb_object_agg(x ->> 'key', x -> 'options') FROM jsonb_array_elements(v.ui -> 'sections') s, jsonb_array_elements(s -> 'fields') x WHERE x ->> 'key' IN ('status', 'aging_bucket', 'overdue_bucket')) AS ui
     FROM forms f JOIN form_versions v ON v.tenant_id = f.tenant_id AND v.id = f.current_version_id WHERE f.key = 'receivable'`,
  );
  return row!;
};

describe('receivable formula results with labels', () => {
  it('the installed receivable form labels its status / buckets; records keep the Chinese values', async () => {
    const form = await admin.get('/api/forms/receivable');
    expect(form.status, form.text).toBe(200);
    const fields = form.body.version.definition.fields as Field[];
    const status = fields.find((f) => f.key === 'status')!;
    expect(status.options).toContainEqual({ value: '已结清', label: { 'zh-CN': '已结清', en: 'Settled' } });
    expect(fields.find((f) => f.key === 'aging_bucket')!.options).toContainEqual({ value: '1年以内', label: { 'zh-CN': '1年以内', en: 'Within 1 year' } });
    const list = await admin.get('/api/forms/receivable/records?limit=50');
    const values = new Set((list.body.items as Array<{ data: { status: string } }>).map((r) => r.data.status));
    for (const v of values) expect(status.options!.map((o) => o.value)).toContain(v);
  });

  it('rule sets give the labels of rollups that carry a related form’s select field (GET …/rules rollupLabels)', async () => {
    const receivable = await admin.get('/api/forms/receivable/rules');
    expect(receivable.body.rollupLabels.customer_credit_status['黑名单']).toEqual({ 'zh-CN': '黑名单', en: 'Blacklisted' });
    expect(receivable.body.rollupLabels.customer_type['企业']).toEqual({ 'zh-CN': '企业', en: 'Enterprise' });
    const customer = await admin.get('/api/forms/customer/rules');
    expect(customer.body.rollupLabels.public_record['失信被执行人']).toEqual({ 'zh-CN': '失信被执行人', en: 'Dishonest judgment debtor' });
    expect((await admin.get('/api/forms/payment/rules')).body.rollupLabels ?? {}).toEqual({});
  });

  it('forms installed before get the options from the migration (definition and ui); down removes them', async () => {
    const labelled = await storedOptions();
    expect(Object.keys(labelled.def as object).sort()).toEqual(['aging_bucket', 'overdue_bucket', 'status']);
    await migrate('down');
    expect(await storedOptions()).toEqual({ def: { status: null, aging_bucket: null, overdue_bucket: null }, ui: { status: null, aging_bucket: null, overdue_bucket: null } });
    await migrate('up');
    expect(await storedOptions()).toEqual(labelled);
    // Once more changes nothing (the fields have options now).
    await migrate('up');
    expect(await storedOptions()).toEqual(labelled);
    // A formula someone changed gets the labels of the results it still yields only.
    await migrate('down');
    await ownerQuery(
      server.databaseUrl,
      `UPDATE form_versions v SET definition = jsonb_set(definition, ARRAY['fields', (SELECT (x.ord - 1)::text FROM jsonb_array_elements(v.definition -> 'fields') WITH ORDINALITY x(f, ord) WHERE x.f ->> 'key' = 'status')],
         (SELECT x.f FROM jsonb_array_elements(v.definition -> 'fields') x(f) WHERE x.f ->> 'key' = 'status') || '{"formula": "IF(outstanding <= 0, \\"已结清\\", \\"未结清\\")"}')
       FROM forms f WHERE f.tenant_id = v.tenant_id AND f.id = v.form_id AND f.key = 'receivable'`,
    );
    await migrate('up');
    expect(((await storedOptions()).def as Record<string, unknown>).status).toEqual([{ value: '已结清', label: { 'zh-CN': '已结清', en: 'Settled' } }]);
  });
});
