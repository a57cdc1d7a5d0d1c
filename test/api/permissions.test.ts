import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, login } from '../support/http.js';
import { uniqueName } from '../support/factories.js';
import { ownerQuery, startTestServer, type TestServer } from '../support/server.js';

let server: TestServer;
let admin: ReturnType<typeof api>;
let staff: ReturnType<typeof api>;
let viewer: ReturnType<typeof api>;
let adminId: string;
let staffId: string;

const rules = {
  roles: { staff: { read: true, create: true, update: true, delete: false, rows: 'own' } },
  fields: { credit_limit: { staff: 'readonly', viewer: 'hidden' } },
  ownerField: 'sales_owner',
};

function customer(owner: string, extra: Record<string, unknown> = {}) {
  return { name: uniqueName('权限'), customer_type: '个人', country: 'CN', contact_name: '张三', sales_owner: owner, ...extra };
}

beforeAll(async () => {
  server = await startTestServer({ demoCustomers: 40 });
  admin = api(server.baseUrl, await login(server.baseUrl, 'admin@demo.local'));
  staff = api(server.baseUrl, await login(server.baseUrl, 'staff@demo.local'));
  viewer = api(server.baseUrl, await login(server.baseUrl, 'viewer@demo.local'));
  adminId = (await admin.get('/api/auth/me')).body.id;
  staffId = (await staff.get('/api/auth/me')).body.id;
  const res = await admin.call('PUT', '/api/forms/customer/permissions', { body: rules });
  expect(res.status).toBe(200);
});
afterAll(() => server?.close());

describe('form permissions', () => {
  it('only admins read or change permissions; changes are audited', async () => {
    expect((await staff.get('/api/forms/customer/permissions')).status).toBe(403);
    expect((await staff.call('PUT', '/api/forms/customer/permissions', { body: {} })).status).toBe(403);
    expect((await admin.get('/api/forms/customer/permissions')).body).toEqual(rules);
    const audit = await admin.get('/api/audit?action=permission.update');
    expect(audit.body.items[0]).toMatchObject({ entity: 'form:customer', details: { permissions: rules } });
  });

  it.each([
    ['an unknown field', { fields: { no_such: { staff: 'hidden' } } }, '/fields/no_such'],
    ['an owner field that is not a user link', { ownerField: 'name' }, '/ownerField'],
    ['an unknown level', { fields: { name: { staff: 'invisible' } } }, '/fields/name/staff'],
  ])('failing permissions with %s are 400 and change nothing', async (_label, body, path) => {
    const res = await admin.call('PUT', '/api/forms/customer/permissions', { body });
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: { path: string }) => e.path)).toContain(path);
    expect((await admin.get('/api/forms/customer/permissions')).body).toEqual(rules);
  });

  it('staff see only their own customers, in the list, the count and by id', async () => {
    const [{ n }] = await ownerQuery<{ n: number }>(
      server.databaseUrl,
      `SELECT count(*)::int AS n FROM records r JOIN forms f ON f.id = r.form_id WHERE f.key = 'customer' AND r.data->>'sales_owner' = $1 AND r.deleted_at IS NULL`,
      [staffId],
    );
    expect(n).toBeGreaterThan(0);
    expect(n).toBeLessThan(40);
    const list = await staff.get('/api/forms/customer/records?limit=200&total=true');
    expect(list.body.total).toBe(n);
    expect(list.body.items.every((r: { data: { sales_owner: string } }) => r.data.sales_owner === staffId)).toBe(true);
    const [{ id: adminsRecord }] = await ownerQuery<{ id: string }>(
      server.databaseUrl,
      `SELECT r.id FROM records r JOIN forms f ON f.id = r.form_id WHERE f.key = 'customer' AND r.data->>'sales_owner' = $1 LIMIT 1`,
      [adminId],
    );
    expect((await staff.get(`/api/forms/customer/records/${adminsRecord}`)).status).toBe(404);
    expect((await staff.get(`/api/forms/customer/records/${adminsRecord}/revisions`)).status).toBe(404);
    expect((await staff.call('PATCH', `/api/forms/customer/records/${adminsRecord}`, { body: { data: { contact_name: 'x' } }, headers: { 'if-match': '"1"' } })).status).toBe(404);
    expect((await admin.get(`/api/forms/customer/records/${adminsRecord}`)).status).toBe(200);
  });

  it('staff cannot write credit_limit (read-only for them) nor create for someone else', async () => {
    const limit = await staff.post('/api/forms/customer/records', { data: customer(staffId, { credit_limit: '50000.00' }) });
    expect(limit.status).toBe(403);
    expect(limit.body).toMatchObject({ code: 'records.fields_forbidden', errors: [{ path: '/credit_limit', keyword: 'forbidden' }] });
    const other = await staff.post('/api/forms/customer/records', { data: customer(adminId) });
    expect(other.status).toBe(403);
    expect(other.body.code).toBe('records.owner_forbidden');
    const own = await staff.post('/api/forms/customer/records', { data: customer(staffId) });
    expect(own.status).toBe(201);
    const patched = await staff.call('PATCH', `/api/forms/customer/records/${own.body.id}`, { body: { data: { credit_limit: '1.00' } }, headers: { 'if-match': '"1"' } });
    expect(patched.status).toBe(403);
    const asAdmin = await admin.call('PATCH', `/api/forms/customer/records/${own.body.id}`, { body: { data: { credit_limit: '80000.00' } }, headers: { 'if-match': '"1"' } });
    expect(asAdmin.status).toBe(200);
    const seen = await staff.get(`/api/forms/customer/records/${own.body.id}`);
    expect(seen.body.data.credit_limit).toBe('80000.00');
    expect((await staff.call('DELETE', `/api/forms/customer/records/${own.body.id}`, { headers: { 'if-match': '"2"' } })).status).toBe(403);
  });

  it('a user with only the credit-manager role reads every customer and sets credit limits, but does not delete', async () => {
    const email = `credit-only-${Date.now()}@demo.local`;
    const made = await admin.post('/api/users', { email, displayName: '只有信用主管角色', password: 'demo1234', roles: ['credit_manager'] });
    expect(made.status, made.text).toBe(201);
    const manager = api(server.baseUrl, await login(server.baseUrl, email));
    // All rows (staff see only their own under these rules): the same count as the admin's.
    const all = await admin.get('/api/forms/customer/records?limit=1&total=exact');
    const seen = await manager.get('/api/forms/customer/records?limit=1&total=exact');
    expect(seen.status, seen.text).toBe(200);
    expect(seen.body.total).toBe(all.body.total);
    const own = await staff.post('/api/forms/customer/records', { data: customer(staffId) });
    expect(own.status).toBe(201);
    const limited = await manager.call('PATCH', `/api/forms/customer/records/${own.body.id}`, { body: { data: { credit_limit: '120000.00' } }, headers: { 'if-match': '"1"' } });
    expect(limited.status, limited.text).toBe(200);
    expect(limited.body.data.credit_limit).toBe('120000.00');
    expect((await manager.call('DELETE', `/api/forms/customer/records/${own.body.id}`, { headers: { 'if-match': '"2"' } })).status).toBe(403);
  });

  it('GET /api/forms/:key tells each caller what it may do on the records (defaults and per-form rules merged)', async () => {
    expect((await admin.get('/api/forms/customer')).body.access).toEqual({ read: true, create: true, update: true, delete: true });
    expect((await staff.get('/api/forms/customer')).body.access).toEqual({ read: true, create: true, update: true, delete: false });
    expect((await viewer.get('/api/forms/customer')).body.access).toEqual({ read: true, create: false, update: false, delete: false });
    // A per-form rule that lets staff delete receivables shows up for staff only on that form.
    const put = await admin.call('PUT', '/api/forms/receivable/permissions', { body: { roles: { staff: { read: true, create: true, update: true, delete: true } } } });
    expect(put.status, put.text).toBe(200);
    expect((await staff.get('/api/forms/receivable')).body.access.delete).toBe(true);
    expect((await staff.get('/api/forms/customer')).body.access.delete).toBe(false);
  });

  it('viewers never receive a hidden field, in records or revisions', async () => {
    const created = await admin.post('/api/forms/customer/records', { data: customer(adminId, { credit_limit: '123.45' }) });
    const one = await viewer.get(`/api/forms/customer/records/${created.body.id}`);
    expect(one.status).toBe(200);
    expect(one.body.data).not.toHaveProperty('credit_limit');
    expect(one.body.data.name).toBe(created.body.data.name);
    const list = await viewer.get('/api/forms/customer/records?limit=200');
    expect(list.body.items.some((r: { data: object }) => 'credit_limit' in r.data)).toBe(false);
    const history = await viewer.get(`/api/forms/customer/records/${created.body.id}/revisions`);
    expect(history.text).not.toContain('123.45');
  });
});

describe('sensitive fields', () => {
  it('reads that return a sensitive field are audited; a mistyped field is refused', async () => {
    expect((await admin.call('PUT', '/api/forms/customer/permissions', { body: { ...rules, sensitive: ['nope'] } })).body.errors[0].path).toBe('/sensitive/0');
    expect((await admin.call('PUT', '/api/forms/customer/permissions', { body: { ...rules, sensitive: ['bank_account'] } })).status).toBe(200);
    const [{ id }] = await ownerQuery<{ id: string }>(
      server.databaseUrl,
      `SELECT r.id FROM records r JOIN forms f ON f.id = r.form_id WHERE f.key = 'customer' AND r.data ? 'bank_account' LIMIT 1`,
    );
    expect((await viewer.get(`/api/forms/customer/records/${id}`)).status).toBe(200);
    const one = await admin.get('/api/audit?action=record.read_sensitive');
    expect(one.body.items[0]).toMatchObject({ actor: { email: 'viewer@demo.local' }, entityId: id, details: { fields: ['bank_account'], records: [id] } });
    // Asking only for other fields reads nothing sensitive.
    await viewer.get('/api/forms/customer/records?fields=name');
    expect((await admin.get('/api/audit?action=record.read_sensitive')).body.items).toHaveLength(1);
    await viewer.get('/api/forms/customer/records?limit=5');
    expect((await admin.get('/api/audit?action=record.read_sensitive')).body.items).toHaveLength(2);
  });
});

