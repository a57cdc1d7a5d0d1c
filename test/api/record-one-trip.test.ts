// One-round-trip creates and lists (PERFORMANCE.md T6/T7): once a form has been used, a create or
// a list page goes to PostgreSQL in one round trip on the form facts the API remembered (version,
// permissions, rule set, tenant settings), with a guard statement that refuses stale facts. These
// tests change those facts between two requests and expect the very next request to follow the
// change, and check that a refused one-trip write leaves nothing behind.
import type { FormDefinition } from '@credo/form-engine';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, login } from '../support/http.js';
import { ownerQuery, startTestServer, type TestServer } from '../support/server.js';

let server: TestServer;
let admin: ReturnType<typeof api>;
let designer: ReturnType<typeof api>;
let staff: ReturnType<typeof api>;

const v1: FormDefinition = {
  key: 'trip',
  title: { 'zh-CN': '单程', en: 'Trip' },
  fields: [
    { key: 'name', type: 'text', label: { 'zh-CN': '名称', en: 'Name' }, required: true, maxLength: 100, unique: true },
    { key: 'amount', type: 'money', label: { 'zh-CN': '金额', en: 'Amount' }, minimum: '0' },
  ],
};

const v2: FormDefinition = {
  ...v1,
  fields: [...v1.fields, { key: 'grade', type: 'select', label: { 'zh-CN': '等级', en: 'Grade' }, required: true, default: 'A', options: [{ value: 'A' }, { value: 'B' }] }],
};

async function counts() {
  return (
    await ownerQuery<{ records: number; revisions: number; audits: number }>(
      server.databaseUrl,
      `SELECT (SELECT count(*)::int FROM records r JOIN forms f ON f.id = r.form_id WHERE f.key = 'trip') AS records,
              (SELECT count(*)::int FROM record_revisions rv JOIN records r ON r.id = rv.record_id JOIN forms f ON f.id = r.form_id WHERE f.key = 'trip') AS revisions,
              (SELECT count(*)::int FROM audit_log WHERE action = 'record.create' AND entity = 'form:trip') AS audits`,
    )
  )[0]!;
}

beforeAll(async () => {
  server = await startTestServer({ demoCustomers: 0 });
  admin = api(server.baseUrl, await login(server.baseUrl, 'admin@demo.local'));
  designer = api(server.baseUrl, await login(server.baseUrl, 'designer@demo.local'));
  staff = api(server.baseUrl, await login(server.baseUrl, 'staff@demo.local'));
  expect((await designer.post('/api/forms', { definition: v1 })).status).toBe(201);
  expect((await designer.post('/api/forms/trip/publish', {})).status).toBe(200);
  const open = await admin.call('PUT', '/api/forms/trip/permissions', {
    body: { roles: { staff: { read: true, create: true, update: true, delete: false } }, fields: {} },
  });
  expect(open.status, open.text).toBe(200);
});
afterAll(() => server?.close());

describe('one-round-trip creates and lists', () => {
  it('a create right after a publish is validated against, and pinned to, the new version', async () => {
    for (const name of ['一号', '二号', '三号']) {
      const res = await staff.post('/api/forms/trip/records', { data: { name, amount: '10.00' } });
      expect(res.status, res.text).toBe(201);
      expect(res.body.formVersion).toBe(1);
      expect(res.body.data.grade).toBeUndefined();
    }
    expect((await designer.call('PUT', '/api/forms/trip/draft', { body: { definition: v2 } })).status).toBe(200);
    const published = await designer.post('/api/forms/trip/publish', {});
    expect(published.status, published.text).toBe(200);
    expect(published.body.version).toBe(2);

    // The new version's required field is required at once…
    const missing = await staff.post('/api/forms/trip/records', { data: { name: '四号' } });
    expect(missing.status).toBe(400);
    expect(missing.body.errors[0]).toMatchObject({ path: '/grade', keyword: 'required' });
    // …and a record that has it is pinned to version 2.
    const next = await staff.post('/api/forms/trip/records', { data: { name: '四号', grade: 'B' } });
    expect(next.status, next.text).toBe(201);
    expect(next.body).toMatchObject({ formVersion: 2, data: { name: '四号', grade: 'B' } });
    expect((await staff.post('/api/forms/trip/records', { data: { name: '五号', grade: 'Z' } })).status).toBe(400);
  });

  it('a permission change applies to the very next create and list', async () => {
    // Lists and creates on the current facts first (the second of each in one round trip).
    for (let i = 0; i < 2; i++) expect((await staff.get('/api/forms/trip/records?limit=5')).status).toBe(200);
    const listed = await staff.get('/api/forms/trip/records?limit=5&sort=name');
    expect(listed.body.items[0].data.amount).toBeDefined();
    expect((await staff.post('/api/forms/trip/records', { data: { name: '六号', amount: '1.00', grade: 'A' } })).status).toBe(201);

    const closed = await admin.call('PUT', '/api/forms/trip/permissions', {
      body: { roles: { staff: { read: true, create: false, update: true, delete: false } }, fields: { amount: { staff: 'hidden' } } },
    });
    expect(closed.status, closed.text).toBe(200);
    const before = await counts();
    const refused = await staff.post('/api/forms/trip/records', { data: { name: '七号', grade: 'A' } });
    expect(refused.status).toBe(403);
    expect(await counts()).toEqual(before);
    const hidden = await staff.get('/api/forms/trip/records?limit=5&sort=name');
    expect(hidden.status).toBe(200);
    for (const item of hidden.body.items) expect(item.data.amount).toBeUndefined();
    // Sorting or filtering on the now hidden field is refused, as it would leak its values.
    expect((await staff.get('/api/forms/trip/records?limit=5&sort=amount')).status).toBe(400);
  });

  it('the guard runs inside the page statement even for an empty page: a lost read permission is a 403, not an empty list', async () => {
    const nothing = `/api/forms/trip/records?limit=5&filter=${encodeURIComponent(JSON.stringify({ name: { eq: '无此名称' } }))}`;
    for (let i = 0; i < 2; i++) {
      const empty = await staff.get(nothing);
      expect(empty.status, empty.text).toBe(200);
      expect(empty.body.items).toEqual([]);
    }
    const denied = await admin.call('PUT', '/api/forms/trip/permissions', {
      body: { roles: { staff: { read: false, create: false, update: false, delete: false } }, fields: {} },
    });
    expect(denied.status, denied.text).toBe(200);
    expect((await staff.get(nothing)).status).toBe(403);
  });

  it('a duplicate refused inside the one-trip pipeline writes nothing; the connection and the next creates are fine', async () => {
    for (const name of ['八号', '九号']) expect((await admin.post('/api/forms/trip/records', { data: { name, grade: 'A' } })).status).toBe(201);
    const before = await counts();
    const dupes = await Promise.all(Array.from({ length: 25 }, () => admin.post('/api/forms/trip/records', { data: { name: '八号', grade: 'A' } })));
    for (const res of dupes) {
      expect(res.status).toBe(409);
      expect(res.body).toMatchObject({ code: 'records.duplicate', errors: [{ path: '/name', keyword: 'unique' }] });
    }
    expect(await counts()).toEqual(before);
    const after = await Promise.all(Array.from({ length: 25 }, (_, i) => admin.post('/api/forms/trip/records', { data: { name: `后续${i}`, grade: 'A' } })));
    for (const res of after) expect(res.status, res.text).toBe(201);
    expect(await counts()).toEqual({ records: before.records + 25, revisions: before.revisions + 25, audits: before.audits + 25 });
    const page = await admin.get('/api/forms/trip/records?limit=100&total=exact');
    expect(page.body.total).toBe(before.records + 25);
  });

  it('an archived form answers 404 to the next create and list', async () => {
    expect((await admin.post('/api/forms/trip/records', { data: { name: '十号', grade: 'A' } })).status).toBe(201);
    expect((await admin.get('/api/forms/trip/records?limit=1')).status).toBe(200);
    await ownerQuery(server.databaseUrl, `UPDATE forms SET archived_at = now() WHERE key = 'trip'`);
    expect((await admin.post('/api/forms/trip/records', { data: { name: '十一号', grade: 'A' } })).status).toBe(404);
    expect((await admin.get('/api/forms/trip/records?limit=1')).status).toBe(404);
  });

  it('a form with an auto-number (taken by the insert) is guarded too: archived, the next create writes nothing', async () => {
    const me = (await admin.get('/api/auth/me')).body;
    const customer = (n: number) => ({ name: `单程客户${n}`, customer_type: '个人', country: 'CN', contact_name: '张三', sales_owner: me.id });
    for (const n of [1, 2, 3]) {
      const res = await admin.post('/api/forms/customer/records', { data: customer(n) });
      expect(res.status, res.text).toBe(201);
      expect(res.body.data.customer_code).toMatch(/^C\d+/);
    }
    const before = (await ownerQuery<{ n: number }>(server.databaseUrl, `SELECT count(*)::int AS n FROM records r JOIN forms f ON f.id = r.form_id WHERE f.key = 'customer'`))[0]!.n;
    await ownerQuery(server.databaseUrl, `UPDATE forms SET archived_at = now() WHERE key = 'customer'`);
    expect((await admin.post('/api/forms/customer/records', { data: customer(4) })).status).toBe(404);
    const after = (await ownerQuery<{ n: number }>(server.databaseUrl, `SELECT count(*)::int AS n FROM records r JOIN forms f ON f.id = r.form_id WHERE f.key = 'customer'`))[0]!.n;
    expect(after).toBe(before);
  });
});
