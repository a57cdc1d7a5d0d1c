import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, login } from '../support/http.js';
import { uniqueUscc } from '../support/factories.js';
import { ownerQuery, startTestServer, type TestServer } from '../support/server.js';

let server: TestServer;
let admin: ReturnType<typeof api>;
let adminId: string;

async function createCustomer(name: string, extra: Record<string, unknown> = {}) {
  const res = await admin.post('/api/forms/customer/records', {
    data: { name, customer_type: '企业', country: 'CN', uscc: uniqueUscc(), contact_name: '张三', sales_owner: adminId, credit_limit: '100000.00', ...extra },
  });
  expect(res.status).toBe(201);
  return res.body as { id: string; rev: number; data: Record<string, unknown> };
}

function patch(id: string, data: Record<string, unknown>, ifMatch?: string, client = admin) {
  return client.call('PATCH', `/api/forms/customer/records/${id}`, { body: { data }, headers: ifMatch === undefined ? {} : { 'if-match': ifMatch } });
}

beforeAll(async () => {
  server = await startTestServer({ demoCustomers: 5 });
  admin = api(server.baseUrl, await login(server.baseUrl, 'admin@demo.local'));
  adminId = (await admin.get('/api/auth/me')).body.id;
});
afterAll(() => server?.close());

describe('optimistic concurrency', () => {
  it('PATCH without If-Match is 428, with a stale one 412, with the current one 200', async () => {
    const record = await createCustomer('并发测试一有限公司');
    const missing = await patch(record.id, { contact_name: '李四' });
    expect(missing.status).toBe(428);
    expect(missing.body.code).toBe('records.precondition_required');
    const stale = await patch(record.id, { contact_name: '李四' }, '"7"');
    expect(stale.status).toBe(412);
    expect(stale.body).toMatchObject({ code: 'records.stale' });
    const ok = await patch(record.id, { contact_name: '李四', credit_limit: null }, '"1"');
    expect(ok.status).toBe(200);
    expect(ok.headers.get('etag')).toBe('"2"');
    expect(ok.body.rev).toBe(2);
    expect(ok.body.data.contact_name).toBe('李四');
    expect(ok.body.data).not.toHaveProperty('credit_limit');
    expect(ok.body.data.customer_code).toBe(record.data.customer_code);
    const again = await patch(record.id, { contact_name: '王五' }, '"1"');
    expect(again.status).toBe(412);
    expect(again.body.detail).toContain('2');
  });

  it('50 concurrent writers at the same revision: exactly one wins, the rest get 412', async () => {
    const record = await createCustomer('五十人并发有限公司');
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) => patch(record.id, { contact_name: `写手${i}` }, '"1"')),
    );
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(statuses.filter((s) => s === 412)).toHaveLength(49);
    const winner = results.find((r) => r.status === 200)!.body.data.contact_name;
    const now = await admin.get(`/api/forms/customer/records/${record.id}`);
    expect(now.body).toMatchObject({ rev: 2, data: { contact_name: winner } });
    const revisions = await admin.get(`/api/forms/customer/records/${record.id}/revisions`);
    expect(revisions.body.items.map((r: { rev: number }) => r.rev)).toEqual([2, 1]);
  });

  it('failing PATCH with invalid data or a server-assigned field is 400 and writes nothing', async () => {
    const record = await createCustomer('校验失败有限公司');
    const bad = await patch(record.id, { uscc: '91110000600037341A', customer_code: 'C999' }, '"1"');
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { path: string }) => e.path)).toEqual(expect.arrayContaining(['/uscc', '/customer_code']));
    const now = await admin.get(`/api/forms/customer/records/${record.id}`);
    expect(now.body.rev).toBe(1);
    const [{ n }] = await ownerQuery<{ n: number }>(server.databaseUrl, 'SELECT count(*)::int AS n FROM record_revisions WHERE record_id = $1', [record.id]);
    expect(n).toBe(1);
  });

  it('a viewer cannot PATCH (403)', async () => {
    const record = await createCustomer('只读测试有限公司');
    const viewer = api(server.baseUrl, await login(server.baseUrl, 'viewer@demo.local'));
    expect((await patch(record.id, { contact_name: 'x' }, '"1"', viewer)).status).toBe(403);
  });
});

describe('delete, restore, revisions and revert', () => {
  it('soft delete needs If-Match, hides the record, and restore brings it back', async () => {
    const record = await createCustomer('删除恢复有限公司');
    expect((await admin.call('DELETE', `/api/forms/customer/records/${record.id}`)).status).toBe(428);
    const del = await admin.call('DELETE', `/api/forms/customer/records/${record.id}`, { headers: { 'if-match': '"1"' } });
    expect(del.status).toBe(204);
    expect(del.headers.get('etag')).toBe('"2"');
    expect((await admin.get(`/api/forms/customer/records/${record.id}`)).status).toBe(404);
    const list = await admin.get('/api/forms/customer/records?limit=200');
    expect(list.body.items.map((r: { id: string }) => r.id)).not.toContain(record.id);
    const restored = await admin.post(`/api/forms/customer/records/${record.id}/restore`);
    expect(restored.status).toBe(200);
    expect(restored.body.rev).toBe(3);
    expect((await admin.get(`/api/forms/customer/records/${record.id}`)).status).toBe(200);
    expect((await admin.post(`/api/forms/customer/records/${record.id}/restore`)).status).toBe(409);
  });

  it('revisions record who, when and what changed; revert is itself a revision', async () => {
    const record = await createCustomer('历史版本有限公司');
    await patch(record.id, { contact_name: '第二版' }, '"1"');
    await patch(record.id, { contact_name: '第三版', mobile: '13900139000' }, '"2"');
    const history = await admin.get(`/api/forms/customer/records/${record.id}/revisions`);
    expect(history.status).toBe(200);
    const [third, second, first] = history.body.items;
    expect(first).toMatchObject({ rev: 1, action: 'create', actor: { id: adminId, name: '系统管理员', email: 'admin@demo.local' } });
    expect(first.changes.name).toEqual({ to: '历史版本有限公司' });
    expect(second).toMatchObject({ rev: 2, action: 'update', changes: { contact_name: { from: '张三', to: '第二版' } } });
    expect(third.changes).toEqual({ contact_name: { from: '第二版', to: '第三版' }, mobile: { to: '13900139000' } });

    const reverted = await admin.call('POST', `/api/forms/customer/records/${record.id}/revisions/1/revert`, { headers: { 'if-match': '"3"' } });
    expect(reverted.status).toBe(200);
    expect(reverted.body).toMatchObject({ rev: 4, data: { contact_name: '张三', customer_code: record.data.customer_code } });
    expect(reverted.body.data).not.toHaveProperty('mobile');
    const after = await admin.get(`/api/forms/customer/records/${record.id}/revisions`);
    expect(after.body.items[0]).toMatchObject({ rev: 4, action: 'revert', revertedFrom: 1, actor: { name: '系统管理员', email: 'admin@demo.local' } });
    expect((await admin.call('POST', `/api/forms/customer/records/${record.id}/revisions/99/revert`, { headers: { 'if-match': '"4"' } })).status).toBe(404);
  });
});

describe('audit log', () => {
  it('records logins and writes; admins read it with filters, others get 403', async () => {
    const record = await createCustomer('审计测试有限公司');
    await patch(record.id, { contact_name: '审计' }, '"1"');
    await api(server.baseUrl).post('/api/auth/login', { email: 'staff@demo.local', password: 'wrong' });
    const updates = await admin.get(`/api/audit?action=record.update&entityId=${record.id}`);
    expect(updates.status).toBe(200);
    expect(updates.body.items).toHaveLength(1);
    expect(updates.body.items[0]).toMatchObject({ action: 'record.update', entity: 'form:customer', actor: { email: 'admin@demo.local' } });
    expect(updates.body.items[0].requestId).toBeTruthy();
    const failed = await admin.get('/api/audit?action=auth.login_failed');
    expect(failed.body.items.length).toBeGreaterThanOrEqual(1);
    const staff = api(server.baseUrl, await login(server.baseUrl, 'staff@demo.local'));
    expect((await staff.get('/api/audit')).status).toBe(403);
    expect((await admin.get('/api/audit?action=DROP')).status).toBe(400);
    const page = await admin.get('/api/audit?limit=2');
    expect(page.body.items).toHaveLength(2);
    const next = await admin.get(`/api/audit?limit=2&cursor=${page.body.next}`);
    expect(Number(next.body.items[0].id)).toBeLessThan(Number(page.body.items[1].id));
  });

  it('is append-only for the app role', async () => {
    const client = new pg.Client({ connectionString: server.server.config.resolvedAppDatabaseUrl });
    await client.connect();
    try {
      await expect(client.query('UPDATE audit_log SET action = $1', ['x'])).rejects.toThrow(/permission denied/);
      await expect(client.query('DELETE FROM audit_log')).rejects.toThrow(/permission denied/);
      await expect(client.query('DELETE FROM record_revisions')).rejects.toThrow(/permission denied/);
      await expect(client.query('DELETE FROM records')).rejects.toThrow(/permission denied/);
    } finally {
      await client.end();
    }
  });
});

describe('conditional fields on PATCH', () => {
  it('switching a company abroad drops its stored postal code (now hidden) instead of refusing the change', async () => {
    const record = await createCustomer('出海测试有限公司', { postal_code: '100000' });
    const moved = await patch(record.id, { country: 'US', customer_type: '境外企业', foreign_tax_id: 'EIN-12-3456789' }, '"1"');
    expect(moved.status, moved.text).toBe(200);
    expect(moved.body.data).toMatchObject({ country: 'US', foreign_tax_id: 'EIN-12-3456789' });
    expect(moved.body.data).not.toHaveProperty('postal_code');
    const smuggled = await patch(record.id, { postal_code: '200000' }, '"2"');
    expect(smuggled.status).toBe(400);
    expect(smuggled.body.errors).toEqual([expect.objectContaining({ path: '/postal_code', keyword: 'notVisible' })]);
  });

  it('an established date in the future is refused (≤ today, checked with the server date)', async () => {
    const record = await createCustomer('未来日期有限公司');
    const res = await patch(record.id, { established_on: '2999-01-01' }, '"1"');
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: { path: string }) => e.path)).toContain('/established_on');
  });
});
