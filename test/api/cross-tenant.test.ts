import { loadTemplate } from '@credo/seeds';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FormsService } from '../../apps/api/src/modules/forms/forms.service.js';
import { RecordsService } from '../../apps/api/src/modules/records/records.service.js';
import { TenantsService } from '../../apps/api/src/modules/tenants/tenants.service.js';
import { api, login } from '../support/http.js';
import { ownerQuery, startTestServer, type TestServer } from '../support/server.js';

/**
 * Cross-tenant attacks: the demo company's admin aims every route at another company's ids,
 * names, cursors and revisions. Whatever the route, nothing of the other company comes back
 * and nothing of it changes.
 */
let server: TestServer;
let demo: ReturnType<typeof api>;
let rival: ReturnType<typeof api>;
let rivalRecord: string;
const RIVAL_NAME = '绝密竞争对手客户有限公司';

beforeAll(async () => {
  server = await startTestServer({ demoCustomers: 20 });
  const app = server.server.app;
  await app.get(TenantsService).createTenant(
    { slug: 'rival', name: '竞争对手', users: [{ email: 'boss@rival.local', displayName: '对手老板', password: 'rival-pass-1', roles: ['admin'] }] },
    async (sql, tenantId, [bossId]) => {
      await app.get(FormsService).installOrThrow(sql, tenantId, loadTemplate('customer'), bossId!);
      await app.get(RecordsService).createManyOrThrow(sql, tenantId, bossId!, 'customer', [
        { name: RIVAL_NAME, customer_type: '个人', country: 'CN', contact_name: '丙', sales_owner: bossId, credit_limit: '7777777.77' },
      ]);
    },
  );
  [{ id: rivalRecord }] = await ownerQuery<{ id: string }>(
    server.databaseUrl,
    `SELECT r.id FROM records r JOIN tenants t ON t.id = r.tenant_id WHERE t.slug = 'rival'`,
  );
  demo = api(server.baseUrl, await login(server.baseUrl, 'admin@demo.local'));
  rival = api(server.baseUrl, await login(server.baseUrl, 'boss@rival.local', 'rival-pass-1'));
  // The rival's record gets a history of its own.
  expect((await rival.call('PATCH', `/api/forms/customer/records/${rivalRecord}`, { body: { data: { contact_name: '丁' } }, headers: { 'if-match': '"1"' } })).status).toBe(200);
});
afterAll(() => server?.close());

async function rivalState() {
  return ownerQuery<{ rev: number; data: Record<string, unknown>; deleted_at: Date | null }>(server.databaseUrl, 'SELECT rev, data, deleted_at FROM records WHERE id = $1', [rivalRecord]);
}

describe('cross-tenant attacks leak nothing and change nothing', () => {
  const ifMatch = { 'if-match': '"2"' };
  it.each([
    ['read by id', () => demo.get(`/api/forms/customer/records/${rivalRecord}`)],
    ['revisions', () => demo.get(`/api/forms/customer/records/${rivalRecord}/revisions`)],
    ['update', () => demo.call('PATCH', `/api/forms/customer/records/${rivalRecord}`, { body: { data: { contact_name: 'x' } }, headers: ifMatch })],
    ['delete', () => demo.call('DELETE', `/api/forms/customer/records/${rivalRecord}`, { headers: ifMatch })],
    ['restore', () => demo.post(`/api/forms/customer/records/${rivalRecord}/restore`)],
    ['revert', () => demo.call('POST', `/api/forms/customer/records/${rivalRecord}/revisions/1/revert`, { headers: ifMatch })],
  ])('%s of a rival record is 404', async (_label, attack) => {
    const res = await attack();
    expect(res.status).toBe(404);
    expect(res.text).not.toContain(RIVAL_NAME);
  });

  it('filters, cursors, summaries and the audit log never include the rival', async () => {
    const byName = await demo.get(`/api/forms/customer/records?filter=${encodeURIComponent(JSON.stringify({ name: { eq: RIVAL_NAME } }))}&total=true`);
    expect(byName.body).toMatchObject({ items: [], total: 0 });
    // A cursor positioned on the rival's id just pages the demo company's own records.
    const cursor = Buffer.from(JSON.stringify([0, null, 'ffffffff-ffff-7fff-bfff-ffffffffffff'])).toString('base64url');
    const paged = await demo.get(`/api/forms/customer/records?cursor=${cursor}&limit=200`);
    expect(paged.status).toBe(200);
    expect(paged.text).not.toContain(RIVAL_NAME);
    expect(paged.body.items).toHaveLength(20);
    const summary = await demo.get('/api/forms/customer/records/summary?sum=credit_limit');
    expect(summary.body.groups[0].count).toBe(20);
    expect(summary.text).not.toContain('7777777.77');
    const audit = await demo.get('/api/audit?limit=200');
    expect(audit.text).not.toContain('boss@rival.local');
    expect(audit.text).not.toContain(rivalRecord);
  });

  it("the rival's record is exactly as its owner left it", async () => {
    const [state] = await rivalState();
    expect(state).toMatchObject({ rev: 2, deleted_at: null, data: { name: RIVAL_NAME, contact_name: '丁' } });
  });

  it('and the rival sees none of the demo company', async () => {
    const list = await rival.get('/api/forms/customer/records?total=true');
    expect(list.body.total).toBe(1);
    expect((await rival.get('/api/auth/me')).body.tenant.name).toBe('竞争对手');
  });
});
