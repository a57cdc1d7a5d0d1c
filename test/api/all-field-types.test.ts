import { readFileSync } from 'node:fs';
import { FIELD_TYPES, type FieldDefinition, type FormDefinition } from '@credo/form-engine';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, login } from '../support/http.js';
import { startTestServer, type TestServer } from '../support/server.js';

/*
 * Every engine field type in one form created through the API: the valid and invalid sample
 * values come from the engine's own case files (libs/form-engine/test/cases/<type>.cases.json).
 */
interface CaseTest { value: unknown; valid: boolean; locale?: string }
interface CaseFile { cases: Array<{ field: Partial<FieldDefinition>; tests: CaseTest[] }> }

const SELF_CONTAINED = (field: Partial<FieldDefinition>) =>
  !field.compare && !field.requiredIf && !field.visibleIf && !field.formula && !field.minDate?.toString().includes('today') && !field.maxDate?.toString().includes('today');

let server: TestServer;
let designer: ReturnType<typeof api>;
let adminId: string;
let customerId: string;
const valid: Record<string, unknown> = {};
const invalid: Record<string, unknown> = {};
const fields: FieldDefinition[] = [];

beforeAll(async () => {
  server = await startTestServer({ demoCustomers: 1 });
  designer = api(server.baseUrl, await login(server.baseUrl, 'designer@demo.local'));
  const admin = api(server.baseUrl, await login(server.baseUrl, 'admin@demo.local'));
  adminId = (await admin.get('/api/auth/me')).body.id;
  customerId = (await admin.get('/api/forms/customer/records?limit=1')).body.items[0].id;

  for (const type of FIELD_TYPES) {
    const key = `f_${type}`;
    const label = { 'zh-CN': `字段${type}`, en: `Field ${type}` };
    if (type === 'autonumber') {
      fields.push({ key, type, label, autoNumber: { pattern: 'T{YYYY}{####}' } });
      continue;
    }
    if (type === 'formula') {
      fields.push({ key, type, label, formula: 'f_integer + 1', resultType: 'integer' });
      continue;
    }
    if (type === 'reference') {
      fields.push({ key, type, label, reference: { form: 'customer' } });
      valid[key] = customerId;
      invalid[key] = 'not-a-uuid';
      continue;
    }
    if (type === 'user') {
      fields.push({ key, type, label });
      valid[key] = adminId;
      invalid[key] = 12;
      continue;
    }
    const file = JSON.parse(readFileSync(new URL(`../../libs/form-engine/test/cases/${type}.cases.json`, import.meta.url), 'utf8')) as CaseFile;
    const chosen = file.cases.find((c) => SELF_CONTAINED(c.field) && c.tests.some((t) => t.valid) && c.tests.some((t) => !t.valid && !t.locale));
    if (!chosen) throw new Error(`no self-contained case for ${type}`);
    fields.push({ ...(chosen.field as object), key, type, label } as FieldDefinition);
    valid[key] = chosen.tests.find((t) => t.valid)!.value;
    invalid[key] = chosen.tests.find((t) => !t.valid && !t.locale)!.value;
  }
  const definition: FormDefinition = { key: 'every_type', title: { 'zh-CN': '全部字段类型', en: 'Every field type' }, fields };
  const created = await designer.post('/api/forms', { definition });
  expect(created.status, created.text).toBe(201);
  const published = await designer.post('/api/forms/every_type/publish', {});
  expect(published.status, published.text).toBe(200);
});
afterAll(() => server?.close());

describe('every field type through the API', () => {
  it(`covers all ${FIELD_TYPES.length} engine types`, () => {
    expect(new Set(fields.map((f) => f.type))).toEqual(new Set(FIELD_TYPES));
  });

  it('a record with a valid value in every field is stored, with the server-assigned ones filled', async () => {
    const res = await designer.post('/api/forms/every_type/records', { data: valid });
    expect(res.status, res.text).toBe(201);
    for (const key of Object.keys(valid)) expect(res.body.data, key).toHaveProperty(key);
    expect(res.body.data.f_autonumber).toMatch(/^T\d{4}0001$/);
    expect(res.body.data.f_formula).toBe(Number(valid.f_integer) + 1);
    expect(res.body.labels).toMatchObject({ f_user: '系统管理员' });
    const read = await designer.get(`/api/forms/every_type/records/${res.body.id}`);
    expect(read.body.data).toEqual(res.body.data);
  });

  it.each(FIELD_TYPES.filter((t) => t !== 'autonumber' && t !== 'formula'))('an invalid %s value is 400 naming its field', async (type) => {
    const key = `f_${type}`;
    const res = await designer.post('/api/forms/every_type/records', { data: { ...valid, [key]: invalid[key] } });
    expect(res.status, JSON.stringify(invalid[key])).toBe(400);
    expect(res.body.errors.some((e: { path: string }) => e.path === `/${key}` || e.path.startsWith(`/${key}/`))).toBe(true);
  });

  it('server-assigned types refuse client values', async () => {
    const res = await designer.post('/api/forms/every_type/records', { data: { ...valid, f_autonumber: 'T0', f_formula: 1 } });
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: { path: string }) => e.path)).toEqual(expect.arrayContaining(['/f_autonumber', '/f_formula']));
  });
});
