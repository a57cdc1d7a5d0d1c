import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, login } from '../support/http.js';
import { startTestServer, type TestServer } from '../support/server.js';

let server: TestServer;
let admin: ReturnType<typeof api>;

beforeAll(async () => {
  server = await startTestServer({ demoCustomers: 0 });
  admin = api(server.baseUrl, await login(server.baseUrl, 'admin@demo.local'));
});
afterAll(() => server?.close());

describe('users and roles', () => {
  it('admins create a user who can sign in with the given role; creation and role changes are audited', async () => {
    const created = await admin.post('/api/users', { email: 'new.staff@demo.local', displayName: '新同事', password: 'welcome-2026', roles: ['staff'] });
    expect(created.status, created.text).toBe(201);
    expect(created.body).toMatchObject({ email: 'new.staff@demo.local', displayName: '新同事', roles: ['staff'], active: true });
    const me = api(server.baseUrl, await login(server.baseUrl, 'new.staff@demo.local', 'welcome-2026'));
    expect((await me.get('/api/auth/me')).body.roles).toEqual(['staff']);
    const promoted = await admin.call('PATCH', `/api/users/${created.body.id}`, { body: { roles: ['staff', 'credit_manager'] } });
    expect(promoted.body.roles).toEqual(['staff', 'credit_manager']);
    // The new role counts at once, with the token issued before the change.
    expect((await me.post('/api/forms/customer/rules/publish', {})).status).not.toBe(403);
    const deactivated = await admin.call('PATCH', `/api/users/${created.body.id}`, { body: { active: false } });
    expect(deactivated.body.active).toBe(false);
    // A deactivated user's existing token stops working too.
    expect((await me.get('/api/auth/me')).status).toBe(401);
    const refused = await api(server.baseUrl).post('/api/auth/login', { email: 'new.staff@demo.local', password: 'welcome-2026' });
    expect(refused.status).toBe(401);
    const audit = await admin.get('/api/audit?action=permission.update');
    expect(audit.body.items.map((i: { entityId: string }) => i.entityId)).toContain(created.body.id);
    expect((await admin.get('/api/audit?action=user.create')).body.items).toHaveLength(1);
  });

  it('lists users for admins, names for everyone, and the roles', async () => {
    const staff = api(server.baseUrl, await login(server.baseUrl, 'staff@demo.local'));
    expect((await staff.get('/api/users')).status).toBe(403);
    const directory = await staff.get('/api/users/directory');
    expect(directory.body.items.map((u: { displayName: string }) => u.displayName)).toContain('系统管理员');
    expect(Object.keys(directory.body.items[0])).toEqual(['id', 'displayName']);
    const roles = await staff.get('/api/roles');
    expect(roles.body.items.map((r: { key: string }) => r.key)).toEqual(expect.arrayContaining(['admin', 'designer', 'staff', 'viewer', 'credit_manager']));
  });

  it.each([
    ['a taken e-mail', { email: 'admin@demo.local', displayName: 'x', password: 'long-enough-1', roles: ['staff'] }, 409],
    ['an unknown role', { email: 'x1@demo.local', displayName: 'x', password: 'long-enough-1', roles: ['boss'] }, 400],
    ['a short password', { email: 'x2@demo.local', displayName: 'x', password: 'short', roles: ['staff'] }, 400],
    ['no roles', { email: 'x3@demo.local', displayName: 'x', password: 'long-enough-1', roles: [] }, 400],
  ])('failing create with %s', async (_label, body, status) => {
    expect((await admin.post('/api/users', body)).status).toBe(status);
  });

  it('an admin cannot lock themselves out', async () => {
    const me = (await admin.get('/api/auth/me')).body;
    expect((await admin.call('PATCH', `/api/users/${me.id}`, { body: { active: false } })).status).toBe(409);
    expect((await admin.call('PATCH', `/api/users/${me.id}`, { body: { roles: ['staff'] } })).status).toBe(409);
  });
});
