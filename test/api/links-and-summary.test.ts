import type { FormDefinition } from '@credo/form-engine';
import { loadTemplate } from '@credo/seeds';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FormsService } from '../../apps/api/src/modules/forms/forms.service.js';
import { RecordsService } from '../../apps/api/src/modules/records/records.service.js';
import { TenantsService } from '../../apps/api/src/modules/tenants/tenants.service.js';
import { TenantDatabase } from '../../apps/api/src/database/tenant-database.js';
import { api, login } from '../support/http.js';
import { ownerQuery, startTestServer, type TestServer } from '../support/server.js';

let server: TestServer;
let admin: ReturnType<typeof api>;
let adminId: string;
let otherUserId: string;
let otherCustomerId: string;

/** A small form that points at customers: a contact person of a customer. */
const contactForm: FormDefinition = {
  key: 'contact',
  title: { 'zh-CN': '联系人', en: 'Contacts' },
  fields: [
    { key: 'name', type: 'text', label: { 'zh-CN': '姓名', en: 'Name' }, required: true, maxLength: 50 },
    { key: 'customer', type: 'reference', label: { 'zh-CN': '所属客户', en: 'Customer' }, required: true, reference: { form: 'customer' } },
  ],
  settings: { titleField: 'name' },
};

beforeAll(async () => {
  server = await startTestServer({ demoCustomers: 60 });
  const app = server.server.app;
  admin = api(server.baseUrl, await login(server.baseUrl, 'admin@demo.local'));
  adminId = (await admin.get('/api/auth/me')).body.id;
  const [{ id: demoTenant }] = await ownerQuery<{ id: string }>(server.databaseUrl, `SELECT id FROM tenants WHERE slug = 'demo'`);
  await app.get(TenantDatabase).run(demoTenant, (sql) => app.get(FormsService).installOrThrow(sql, demoTenant, contactForm, adminId));
  await app.get(TenantsService).createTenant(
    { slug: 'rival', name: '竞争对手', users: [{ email: 'x@rival.local', displayName: '对手', password: 'rival-pass', roles: ['admin'] }] },
    async (sql, tenantId, [userId]) => {
      otherUserId = userId!;
      await app.get(FormsService).installOrThrow(sql, tenantId, loadTemplate('customer'), userId!);
      await app.get(RecordsService).createManyOrThrow(sql, tenantId, userId!, 'customer', [
        { name: '对手的客户', customer_type: '个人', country: 'CN', contact_name: '甲', sales_owner: userId },
      ]);
    },
  );
  [{ id: otherCustomerId }] = await ownerQuery<{ id: string }>(
    server.databaseUrl,
    `SELECT r.id FROM records r JOIN tenants t ON t.id = r.tenant_id WHERE t.slug = 'rival'`,
  );
});
afterAll(() => server?.close());

describe('user links and references', () => {
  const person = (owner: string) => ({ name: `链接测试${Math.random().toString(36).slice(2, 8)}`, customer_type: '个人', country: 'CN', contact_name: '乙', sales_owner: owner });

  it('a user link must name a user of this company', async () => {
    const unknown = await admin.post('/api/forms/customer/records', { data: person('0190d6f0-0000-7000-8000-00000000beef') });
    expect(unknown.status).toBe(400);
    expect(unknown.body.errors).toEqual([expect.objectContaining({ path: '/sales_owner', keyword: 'user', message: '“销售负责人”不是本公司的用户' })]);
    const foreign = await admin.post('/api/forms/customer/records', { data: person(otherUserId) });
    expect(foreign.status).toBe(400);
    expect(foreign.body.errors[0].path).toBe('/sales_owner');
  });

  it('records carry display labels for user links and references', async () => {
    const customer = await admin.post('/api/forms/customer/records', { data: person(adminId) });
    expect(customer.status).toBe(201);
    const read = await admin.get(`/api/forms/customer/records/${customer.body.id}`);
    expect(read.body.labels).toEqual({ sales_owner: '系统管理员' });
    const contact = await admin.post('/api/forms/contact/records', { data: { name: '王经理', customer: customer.body.id } });
    expect(contact.status).toBe(201);
    const list = await admin.get('/api/forms/contact/records');
    expect(list.body.items[0].labels).toEqual({ customer: customer.body.data.name });
  });

  it.each([
    ['a record that does not exist', () => '0190d6f0-0000-7000-8000-00000000abcd'],
    ["another company's customer", () => otherCustomerId],
  ])('a reference to %s is 400, nothing written', async (_label, id) => {
    const res = await admin.post('/api/forms/contact/records', { data: { name: '张三', customer: id() } }, { 'accept-language': 'en' });
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([expect.objectContaining({ path: '/customer', keyword: 'reference', message: 'Customer refers to a record that does not exist' })]);
  });

  it('a reference to a record of another form is 400', async () => {
    const contact = (await admin.get('/api/forms/contact/records')).body.items[0];
    const res = await admin.post('/api/forms/contact/records', { data: { name: '李四', customer: contact.id } });
    expect(res.status).toBe(400);
  });
});

describe('summary', () => {
  it('counts and sums money exactly per group, in SQL', async () => {
    const all: Array<{ data: Record<string, string> }> = [];
    let cursor: string | null = null;
    do {
      const page: any = await admin.get(`/api/forms/customer/records?limit=200${cursor ? `&cursor=${cursor}` : ''}`);
      all.push(...page.body.items);
      cursor = page.body.next;
    } while (cursor);
    const expected = new Map<string, { count: number; cents: bigint }>();
    for (const { data } of all) {
      const group = expected.get(data.customer_type) ?? { count: 0, cents: 0n };
      group.count += 1;
      if (data.credit_limit !== undefined) group.cents += BigInt(data.credit_limit.replace('.', ''));
      expected.set(data.customer_type, group);
    }
    const res = await admin.get('/api/forms/customer/records/summary?groupBy=customer_type&sum=credit_limit');
    expect(res.status, res.text).toBe(200);
    expect(res.body.groups).toHaveLength(expected.size);
    for (const group of res.body.groups) {
      const want = expected.get(group.value)!;
      expect(group.count).toBe(want.count);
      const cents = want.cents.toString().padStart(3, '0');
      expect(group.sums.credit_limit === null ? '0.00' : group.sums.credit_limit).toBe(`${cents.slice(0, -2)}.${cents.slice(-2)}`);
    }
    const overall = await admin.get(`/api/forms/customer/records/summary?filter=${encodeURIComponent(JSON.stringify({ customer_type: { eq: '企业' } }))}`);
    expect(overall.body.groups).toEqual([{ value: null, count: expected.get('企业')!.count, sums: {} }]);
  });

  it.each([
    ['groupBy=nope', '/groupBy'],
    ['sum=name', '/sum'],
    ['sum=nope', '/sum'],
    ['groupBy=Name', '/groupBy'],
  ])('failing summary %s is 400', async (query, path) => {
    const res = await admin.get(`/api/forms/customer/records/summary?${query}`);
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: { path: string }) => e.path)).toContain(path);
  });
});
