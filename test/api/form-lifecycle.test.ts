import type { FormDefinition } from '@credo/form-engine';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, login } from '../support/http.js';
import { ownerQuery, startTestServer, type TestServer } from '../support/server.js';

let server: TestServer;
let designer: ReturnType<typeof api>;
let staff: ReturnType<typeof api>;

const v1: FormDefinition = {
  key: 'supplier',
  title: { 'zh-CN': '供应商', en: 'Suppliers' },
  fields: [
    { key: 'name', type: 'text', label: { 'zh-CN': '供应商名称', en: 'Name' }, required: true, maxLength: 100 },
    { key: 'credit_limit', type: 'money', label: { 'zh-CN': '授信额度', en: 'Credit limit' }, minimum: '0' },
    {
      key: 'rating',
      type: 'select',
      label: { 'zh-CN': '评级', en: 'Rating' },
      options: [{ value: 'A' }, { value: 'B' }, { value: 'C' }],
    },
  ],
};

const ids: string[] = [];

function publish(body: Record<string, unknown> = {}) {
  return designer.post('/api/forms/supplier/publish', body);
}

async function versionNumber(): Promise<number | null> {
  return (await designer.get('/api/forms/supplier')).body.version?.number ?? null;
}

beforeAll(async () => {
  server = await startTestServer({ demoCustomers: 0 });
  designer = api(server.baseUrl, await login(server.baseUrl, 'designer@demo.local'));
  staff = api(server.baseUrl, await login(server.baseUrl, 'staff@demo.local'));
});
afterAll(() => server?.close());

describe('form lifecycle: create, draft, publish with migration', () => {
  it('a new form is a draft until published', async () => {
    const created = await designer.post('/api/forms', { definition: v1 });
    expect(created.status, created.text).toBe(201);
    expect(created.body).toMatchObject({ key: 'supplier', version: null });
    const early = await staff.post('/api/forms/supplier/records', { data: { name: '甲' } });
    expect(early.status).toBe(409);
    expect(early.body.code).toBe('forms.not_published');
    const first = await publish();
    expect(first.status, first.text).toBe(200);
    expect(first.body).toMatchObject({ version: 1, dryRun: false, records: { total: 0 } });
    for (const [name, limit, rating] of [['华东钢材', '1000.50', 'A'], ['北方物流', '20000.00', 'B'], ['南方包装', undefined, 'C']] as const) {
      const res = await staff.post('/api/forms/supplier/records', { data: { name, rating, ...(limit ? { credit_limit: limit } : {}) } });
      expect(res.status, res.text).toBe(201);
      ids.push(res.body.id);
    }
  });

  it('adding a required field with a default and removing one: dry run reports, publish migrates', async () => {
    const v2: FormDefinition = {
      ...v1,
      fields: [
        ...v1.fields.filter((f) => f.key !== 'rating'),
        {
          key: 'region',
          type: 'select',
          label: { 'zh-CN': '区域', en: 'Region' },
          required: true,
          default: '华东',
          options: [{ value: '华东' }, { value: '华北' }],
        },
      ],
    };
    const draft = await designer.call('PUT', '/api/forms/supplier/draft', { body: { definition: v2 } });
    expect(draft.status, draft.text).toBe(200);
    const kinds = draft.body.diff.changes.map((c: { field: string; kind: string }) => `${c.field}:${c.kind}`);
    expect(kinds).toEqual(expect.arrayContaining(['region:fieldAdded', 'rating:fieldArchived']));

    const dry = await publish({ dryRun: true });
    expect(dry.status, dry.text).toBe(200);
    expect(dry.body).toMatchObject({ dryRun: true, version: 2, records: { total: 3, changed: 3, failed: 0 } });
    expect(dry.body.examples[0].changes.region).toEqual({ to: '华东' });
    expect(await versionNumber()).toBe(1);
    expect((await staff.get(`/api/forms/supplier/records/${ids[0]}`)).body.data).not.toHaveProperty('region');

    const done = await publish();
    expect(done.status, done.text).toBe(200);
    expect(done.body).toMatchObject({ version: 2, records: { total: 3, changed: 3 } });
    expect(await versionNumber()).toBe(2);
    const record = (await staff.get(`/api/forms/supplier/records/${ids[0]}`)).body;
    expect(record).toMatchObject({ rev: 2, formVersion: 2, data: { name: '华东钢材', region: '华东', rating: 'A' } });
    const history = await staff.get(`/api/forms/supplier/records/${ids[0]}/revisions`);
    expect(history.body.items[0]).toMatchObject({ rev: 2, action: 'migrate', formVersion: 2, changes: { region: { to: '华东' } } });
    // The removed field is archived: its data stays, but it takes no new input.
    const definition = (await designer.get('/api/forms/supplier')).body.version.definition;
    expect(definition.fields.find((f: { key: string }) => f.key === 'rating')).toMatchObject({ archived: true });
    const newRecord = await staff.post('/api/forms/supplier/records', { data: { name: '新供应商', region: '华北' } });
    expect(newRecord.status, newRecord.text).toBe(201);
    ids.push(newRecord.body.id);
    const missingRegion = await staff.post('/api/forms/supplier/records', { data: { name: '缺区域' } });
    expect(missingRegion.status).toBe(400);
    expect(missingRegion.body.errors.map((e: { path: string }) => e.path)).toContain('/region');
  });

  it('a new required field without a default is blocked with the report, until a backfill is given', async () => {
    const current = (await designer.get('/api/forms/supplier')).body.version.definition as FormDefinition;
    const v3: FormDefinition = {
      ...current,
      fields: [...current.fields.filter((f) => !f.archived), { key: 'tax_no', type: 'text', label: { 'zh-CN': '税号', en: 'Tax number' }, required: true, maxLength: 30 }],
    };
    expect((await designer.call('PUT', '/api/forms/supplier/draft', { body: { definition: v3 } })).status).toBe(200);
    const blocked = await publish();
    expect(blocked.status).toBe(409);
    expect(blocked.body).toMatchObject({ code: 'forms.publish_blocked', report: { needsDefault: ['tax_no'] } });
    expect(blocked.body.report.records.failed).toBe(4);
    expect(await versionNumber()).toBe(2);
    const [{ n }] = await ownerQuery<{ n: number }>(server.databaseUrl, `SELECT count(*)::int AS n FROM records WHERE data ? 'tax_no'`);
    expect(n).toBe(0);

    const filled = await publish({ backfill: { tax_no: '待补录' } });
    expect(filled.status, filled.text).toBe(200);
    expect(filled.body).toMatchObject({ version: 3, records: { total: 4, changed: 4, failed: 0 } });
    expect((await staff.get(`/api/forms/supplier/records/${ids[1]}`)).body.data.tax_no).toBe('待补录');
  });

  it('a type change that some records cannot survive is refused, naming them; nothing changes', async () => {
    const current = (await designer.get('/api/forms/supplier')).body.version.definition as FormDefinition;
    const v4: FormDefinition = {
      ...current,
      fields: current.fields.filter((f) => !f.archived).map((f) => (f.key === 'credit_limit' ? { key: 'credit_limit', type: 'integer', label: f.label } : f)),
    };
    expect((await designer.call('PUT', '/api/forms/supplier/draft', { body: { definition: v4 } })).status).toBe(200);
    const dry = await publish({ dryRun: true });
    expect(dry.status).toBe(200);
    expect(dry.body.changes.find((c: { field: string }) => c.field === 'credit_limit')).toMatchObject({ kind: 'typeChanged', impact: 'needsMigration' });
    expect(dry.body.records.failed).toBe(1);
    expect(dry.body.failures[0].id).toBe(ids[0]);
    const refused = await publish();
    expect(refused.status).toBe(409);
    expect(await versionNumber()).toBe(3);
    expect((await staff.get(`/api/forms/supplier/records/${ids[0]}`)).body.data.credit_limit).toBe('1000.50');
  });

  it('lists versions newest first', async () => {
    const res = await designer.get('/api/forms/supplier/versions');
    expect(res.body.items.map((v: { number: number }) => v.number)).toEqual([3, 2, 1]);
    expect(res.body.items[0].createdBy.email).toBe('designer@demo.local');
  });
});

describe('failing form changes', () => {
  it('a definition that breaks the meta-schema is 400 with paths into the body', async () => {
    const res = await designer.post('/api/forms', { definition: { key: 'Bad Key', title: 'x', fields: [{ key: 'a', type: 'nope', label: 'A' }] } });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('forms.definition_invalid');
    expect(res.body.errors.every((e: { path: string }) => e.path.startsWith('/definition'))).toBe(true);
    expect((await designer.get('/api/forms/Bad Key')).status).toBe(404);
  });

  it('a formula cycle is refused at design time', async () => {
    const res = await designer.post('/api/forms', {
      definition: {
        key: 'cyclic',
        title: '循环',
        fields: [
          { key: 'a', type: 'formula', label: 'A', formula: 'b + 1', resultType: 'decimal' },
          { key: 'b', type: 'formula', label: 'B', formula: 'a + 1', resultType: 'decimal' },
        ],
      },
    });
    expect(res.status).toBe(400);
  });

  it('a taken key is 409, a key change in a draft 400, staff may not design (403)', async () => {
    expect((await designer.post('/api/forms', { definition: v1 })).status).toBe(409);
    expect((await designer.call('PUT', '/api/forms/supplier/draft', { body: { definition: { ...v1, key: 'other' } } })).status).toBe(400);
    expect((await staff.post('/api/forms', { definition: { ...v1, key: 'mine' } })).status).toBe(403);
    expect((await staff.post('/api/forms/supplier/publish', {})).status).toBe(403);
  });

  it('archiving hides the form and refuses its records', async () => {
    expect((await designer.call('POST', '/api/forms/supplier/archive')).status).toBe(204);
    expect((await designer.get('/api/forms')).body.items.map((f: { key: string }) => f.key)).not.toContain('supplier');
    expect((await staff.get('/api/forms/supplier/records')).status).toBe(404);
    const [{ n }] = await ownerQuery<{ n: number }>(server.databaseUrl, `SELECT count(*)::int AS n FROM records r JOIN forms f ON f.id = r.form_id WHERE f.key = 'supplier'`);
    expect(n).toBe(4);
  });
});
