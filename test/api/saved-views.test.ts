import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FormsService } from '../../apps/api/src/modules/forms/forms.service.js';
import { TenantsService } from '../../apps/api/src/modules/tenants/tenants.service.js';
import { loadTemplate } from '@credo/seeds';
import { api, login } from '../support/http.js';
import { ownerQuery, startTestServer, type TestServer } from '../support/server.js';

/** Saved record-list views: personal for anyone who reads the form, shared by admins, per tenant. */
let server: TestServer;
let admin: ReturnType<typeof api>;
let staff: ReturnType<typeof api>;
let viewer: ReturnType<typeof api>;
let rival: ReturnType<typeof api>;

const STATE = { filter: { customer_type: { eq: '企业' }, credit_limit: { gte: '100000' } }, sort: '-credit_limit', columns: ['name', 'credit_limit', 'customer_type'] };

beforeAll(async () => {
  server = await startTestServer({ demoCustomers: 5 });
  const app = server.server.app;
  await app.get(TenantsService).createTenant(
    { slug: 'rival', name: '竞争对手', users: [{ email: 'boss@rival.local', displayName: '对手老板', password: 'rival-pass-1', roles: ['admin'] }] },
    async (sql, tenantId, [bossId]) => {
      await app.get(FormsService).installOrThrow(sql, tenantId, loadTemplate('customer'), bossId!);
    },
  );
  admin = api(server.baseUrl, await login(server.baseUrl, 'admin@demo.local'));
  staff = api(server.baseUrl, await login(server.baseUrl, 'staff@demo.local'));
  viewer = api(server.baseUrl, await login(server.baseUrl, 'viewer@demo.local'));
  rival = api(server.baseUrl, await login(server.baseUrl, 'boss@rival.local', 'rival-pass-1'));
});
afterAll(() => server?.close());

describe('successful: saved views', () => {
  it('a personal view keeps filters, sort and columns and is seen by its owner only', async () => {
    const made = await staff.post('/api/forms/customer/views', { name: '大额企业客户', state: STATE });
    expect(made.status, made.text).toBe(201);
    expect(made.body).toMatchObject({ form: 'customer', name: '大额企业客户', shared: false, mine: true, state: STATE });

    const mine = await staff.get('/api/forms/customer/views');
    expect(mine.body.items.map((v: { id: string }) => v.id)).toContain(made.body.id);
    expect((await viewer.get('/api/forms/customer/views')).body.items.map((v: { id: string }) => v.id)).not.toContain(made.body.id);
    // Someone else's personal view does not exist for you: 404, and it stays.
    expect((await admin.call('DELETE', `/api/forms/customer/views/${made.body.id}`)).status).toBe(404);
    expect((await staff.call('DELETE', `/api/forms/customer/views/${made.body.id}`)).status).toBe(204);
    expect((await staff.get('/api/forms/customer/views')).body.items).toEqual([]);
  });

  it('an admin shares a view with everyone who reads the form; only admins delete it; sharing is audited', async () => {
    const shared = await admin.post('/api/forms/customer/views', { name: '逾期关注', shared: true, state: { sort: 'name', columns: null } });
    expect(shared.status, shared.text).toBe(201);
    const seen = await viewer.get('/api/forms/customer/views');
    expect(seen.body.items).toEqual([expect.objectContaining({ id: shared.body.id, shared: true, mine: false, name: '逾期关注' })]);
    expect((await viewer.call('DELETE', `/api/forms/customer/views/${shared.body.id}`)).status).toBe(403);
    const audit = await admin.get('/api/audit?action=view.share');
    expect(audit.status, audit.text).toBe(200);
    expect(JSON.stringify(audit.body)).toContain(shared.body.id);
    expect((await admin.call('DELETE', `/api/forms/customer/views/${shared.body.id}`)).status).toBe(204);
    expect((await viewer.get('/api/forms/customer/views')).body.items).toEqual([]);
  });
});

describe('failing: saved views', () => {
  it('a non-admin cannot share; names are unique per person (case-insensitive); bad bodies are 400', async () => {
    const shared = await staff.post('/api/forms/customer/views', { name: '想共享', shared: true, state: {} }, { 'accept-language': 'en' });
    expect(shared.status).toBe(403);
    expect(shared.body.code).toBe('views.shared_admin_only');
    expect((await staff.post('/api/forms/customer/views', { name: 'Mine', state: {} })).status).toBe(201);
    const dup = await staff.post('/api/forms/customer/views', { name: 'mine', state: {} });
    expect(dup.status).toBe(409);
    expect(dup.body).toMatchObject({ code: 'views.name_taken', errors: [{ path: '/name' }] });
    // Another person may use the same name.
    expect((await viewer.post('/api/forms/customer/views', { name: 'Mine', state: {} })).status).toBe(201);
    for (const body of [{ state: {} }, { name: '', state: {} }, { name: '   ', state: {} }, { name: 'x', state: { sort: 5 } }, { name: 'x', state: {}, extra: 1 }, { name: 'x'.repeat(61), state: {} }]) {
      const res = await staff.post('/api/forms/customer/views', body);
      expect(res.status, JSON.stringify(body)).toBe(400);
    }
    expect((await staff.post('/api/forms/nope/views', { name: 'x', state: {} })).status).toBe(404);
    expect((await staff.call('DELETE', '/api/forms/customer/views/not-a-uuid')).status).toBe(404);
  });

  it('a role that cannot read the form has no views of it', async () => {
    expect((await admin.call('PUT', '/api/forms/receivable/permissions', { body: { roles: { viewer: { read: false } } } })).status).toBe(200);
    expect((await viewer.get('/api/forms/receivable/views')).status).toBe(403);
    expect((await viewer.post('/api/forms/receivable/views', { name: 'x', state: {} })).status).toBe(403);
  });

  it('another tenant sees none of these views, and cannot delete them (RLS)', async () => {
    const shared = await admin.post('/api/forms/customer/views', { name: '全公司', shared: true, state: {} });
    expect(shared.status).toBe(201);
    expect((await rival.get('/api/forms/customer/views')).body.items).toEqual([]);
    expect((await rival.call('DELETE', `/api/forms/customer/views/${shared.body.id}`)).status).toBe(404);
    const [row] = await ownerQuery<{ n: number }>(server.databaseUrl, 'SELECT count(*)::int AS n FROM saved_views WHERE id = $1', [shared.body.id]);
    expect(row!.n).toBe(1);
  });
});
