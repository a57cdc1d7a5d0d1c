import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TenantsService } from '../../apps/api/src/modules/tenants/tenants.service.js';
import { api, login } from '../support/http.js';
import { startTestServer, type TestServer } from '../support/server.js';

let server: TestServer;
let boss: ReturnType<typeof api>;

beforeAll(async () => {
  server = await startTestServer({ demoCustomers: 0 });
  // A brand-new company with no forms at all.
  await server.server.app.get(TenantsService).createTenant({
    slug: 'newco',
    name: '新公司',
    users: [{ email: 'owner@newco.local', displayName: '老板', password: 'newco-pass-1', roles: ['admin'] }],
  });
  boss = api(server.baseUrl, await login(server.baseUrl, 'owner@newco.local', 'newco-pass-1'));
});
afterAll(() => server?.close());

describe('templates', () => {
  it('a new company installs the credit pack from templates, dependencies first', async () => {
    const list = await boss.get('/api/templates');
    expect(list.body.items.map((t: { key: string }) => t.key)).toEqual(['customer', 'credit_assessment', 'receivable', 'payment', 'collection_record', 'credit_limit_request', 'collection_task']);
    expect(list.body.items.every((t: { installed: boolean }) => !t.installed)).toBe(true);
    expect(list.body.items.find((t: { key: string }) => t.key === 'receivable').requires).toEqual(['customer']);

    const early = await boss.post('/api/templates/receivable/install');
    expect(early.status).toBe(409);
    expect(early.body.code).toBe('templates.missing_dependency');
    expect((await boss.get('/api/forms')).body.items).toHaveLength(0);

    const customer = await boss.post('/api/templates/customer/install');
    expect(customer.status, customer.text).toBe(201);
    expect(customer.body.version.number).toBe(1);
    expect((await boss.post('/api/templates/receivable/install')).status).toBe(201);
    expect((await boss.post('/api/templates/customer/install')).status).toBe(409);
    expect((await boss.get('/api/forms/customer/rules')).body.published.version).toBe(1);
    const me = (await boss.get('/api/auth/me')).body;
    const created = await boss.post('/api/forms/customer/records', {
      data: { name: '新公司的第一个客户', customer_type: '个人', country: 'CN', contact_name: '甲', sales_owner: me.id },
    });
    expect(created.status, created.text).toBe(201);
    expect(created.body.data.customer_code).toMatch(/^C\d{9}$/);
    expect((await boss.get('/api/templates')).body.items.filter((t: { installed: boolean }) => t.installed).map((t: { key: string }) => t.key)).toEqual(['customer', 'receivable']);
  });

  it('unknown templates are 404; staff cannot install', async () => {
    expect((await boss.post('/api/templates/nope/install')).status).toBe(404);
    const staff = api(server.baseUrl, await login(server.baseUrl, 'staff@demo.local'));
    expect((await staff.post('/api/templates/customer/install')).status).toBe(403);
  });
});
