import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, login } from '../support/http.js';
import { uniqueName, uniqueUscc } from '../support/factories.js';
import { ownerQuery, startTestServer, type TestServer } from '../support/server.js';

let server: TestServer;
let admin: ReturnType<typeof api>;
let adminId: string;

/** A customer the customer template accepts (DOMAIN §6.1). */
function validCustomer(overrides: Record<string, unknown> = {}) {
  return {
    name: uniqueName(),
    customer_type: '企业',
    country: 'CN',
    uscc: uniqueUscc(),
    contact_name: '张三',
    mobile: '13800138000',
    sales_owner: adminId,
    ...overrides,
  };
}

async function recordCount(): Promise<number> {
  const [row] = await ownerQuery<{ n: number }>(server.databaseUrl, 'SELECT count(*)::int AS n FROM records');
  return row!.n;
}

beforeAll(async () => {
  server = await startTestServer();
  admin = api(server.baseUrl, await login(server.baseUrl, 'admin@demo.local'));
  adminId = (await admin.get('/api/auth/me')).body.id;
});
afterAll(() => server?.close());

describe('customer form (seeded template)', () => {
  it('lists the customer form with the 500 demo customers', async () => {
    const res = await admin.get('/api/forms');
    expect(res.status).toBe(200);
    const customer = res.body.items.find((f: { key: string }) => f.key === 'customer');
    expect(customer).toMatchObject({ title: { 'zh-CN': '客户档案' }, version: 1, recordCount: 500 });
  });

  it('serves the published version with a JSON Schema 2020-12', async () => {
    const res = await admin.get('/api/forms/customer');
    expect(res.status).toBe(200);
    expect(res.body.version.number).toBe(1);
    expect(res.body.version.schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(res.body.version.definition.fields.map((f: { key: string }) => f.key)).toEqual(
      expect.arrayContaining(['customer_code', 'name', 'customer_type', 'uscc', 'credit_limit', 'sales_owner']),
    );
  });

  it('pages through every customer with the keyset cursor, newest first, no duplicates', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res: Awaited<ReturnType<typeof admin.get>> = await admin.get(`/api/forms/customer/records?limit=120${cursor ? `&cursor=${cursor}` : ''}`);
      expect(res.status).toBe(200);
      seen.push(...res.body.items.map((r: { id: string }) => r.id));
      cursor = res.body.next;
      pages += 1;
    } while (cursor);
    expect(pages).toBe(5);
    expect(seen).toHaveLength(500);
    expect(new Set(seen).size).toBe(500);
    expect([...seen].sort().reverse()).toEqual(seen);
  });

  it('counts only on request', async () => {
    const plain = await admin.get('/api/forms/customer/records?limit=5');
    expect(plain.body.total).toBeUndefined();
    expect(plain.body.items).toHaveLength(5);
    const counted = await admin.get('/api/forms/customer/records?limit=5&total=true');
    expect(counted.body).toMatchObject({ total: 500, totalCapped: false });
  });

  it('demo customers carry server-assigned codes and valid USCCs', async () => {
    const res = await admin.get('/api/forms/customer/records?limit=200');
    const year = new Date().getFullYear();
    for (const record of res.body.items) {
      expect(record.data.customer_code).toMatch(new RegExp(`^C${year}\\d{5}$`));
      // Rule actions may already have changed a seeded customer (OVERDUE_90 freezes it): rev 1 or 2.
      expect([1, 2]).toContain(record.rev);
    }
    const codes = new Set(res.body.items.map((r: { data: { customer_code: string } }) => r.data.customer_code));
    expect(codes.size).toBe(200);
  });

  it.each([
    ['limit=0', '/limit'],
    ['limit=201', '/limit'],
    ['limit=abc', '/limit'],
    ['total=maybe', '/total'],
    ['sort=nope', '/sort'],
    ['fields=Name', '/fields'],
  ])('failing list query %s is 400 naming the parameter', async (query, path) => {
    const res = await admin.get(`/api/forms/customer/records?${query}`);
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: { path: string }) => e.path)).toContain(path);
  });

  it('failing list with a forged cursor is 400', async () => {
    const res = await admin.get('/api/forms/customer/records?cursor=bm90LWEtdXVpZA');
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('records.bad_cursor');
  });
});

describe('creating customers', () => {
  it('successful create: 201, server-assigned customer_code, ETag, readable by id', async () => {
    const res = await admin.post('/api/forms/customer/records', { data: validCustomer({ name: '上海新建客户有限公司', uscc: '91110000600037341L' }) });
    expect(res.status).toBe(201);
    expect(res.headers.get('etag')).toBe('"1"');
    expect(res.headers.get('location')).toBe(`/api/forms/customer/records/${res.body.id}`);
    expect(res.body).toMatchObject({ rev: 1, formVersion: 1, createdBy: adminId, data: { name: '上海新建客户有限公司', uscc: '91110000600037341L' } });
    expect(res.body.data.customer_code).toMatch(/^C\d{4}00501$/);
    const again = await admin.get(`/api/forms/customer/records/${res.body.id}`);
    expect(again.status).toBe(200);
    const { rollups, rules, ...rest } = again.body;
    expect(rest).toEqual(res.body);
    // The demo's customer rule set classified it on the write, and says why.
    expect(rules).toMatchObject({ version: 1, values: { customer_class: expect.any(String) } });
    expect(rules.explanation.outcomes.length).toBeGreaterThan(0);
    expect(rollups).toEqual({
      ar_balance: '0.00',
      overdue_amount: '0.00',
      max_days_overdue: 0,
      open_items: 0,
      utilisation: null,
      rating: null,
      debt_ratio: null,
      public_record: null,
      assessment_valid_until: null,
      broken_promises_90d: 0,
      open_broken_promises: 0,
    });
  });

  it('failing create with a bad USCC check digit and a missing name is 400 with field paths, nothing written', async () => {
    const before = await recordCount();
    const { name: _omit, ...withoutName } = validCustomer({ uscc: '91110000600037341A' });
    const res = await admin.post('/api/forms/customer/records', { data: withoutName });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    const paths = res.body.errors.map((e: { path: string }) => e.path);
    expect(paths).toEqual(expect.arrayContaining(['/uscc', '/name']));
    for (const error of res.body.errors) expect(error.message).toMatch(/[\u4e00-\u9fa5]/);
    expect(await recordCount()).toBe(before);
  });

  it('failing create in English gives English messages', async () => {
    const res = await admin.post('/api/forms/customer/records', { data: validCustomer({ mobile: '12345' }) }, { 'accept-language': 'en' });
    expect(res.status).toBe(400);
    const mobile = res.body.errors.find((e: { path: string }) => e.path === '/mobile');
    expect(mobile.message).toMatch(/[A-Za-z]/);
    expect(mobile.message).not.toMatch(/[\u4e00-\u9fa5]{3}/);
  });

  it('uscc is required for a Chinese company but not for an individual', async () => {
    const { uscc: _a, ...company } = validCustomer();
    const res = await admin.post('/api/forms/customer/records', { data: company });
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: { path: string }) => e.path)).toContain('/uscc');
    const { uscc: _b, ...person } = validCustomer({ customer_type: '个人', name: '李四个人' });
    const ok = await admin.post('/api/forms/customer/records', { data: person });
    expect(ok.status).toBe(201);
  });

  it.each([
    ['an unknown field', { hacker: 1 }, '/hacker'],
    ['the server-assigned customer_code', { customer_code: 'C202600001' }, '/customer_code'],
    ['a __proto__ key', JSON.parse('{"__proto__": {"admin": true}}'), '/__proto__'],
  ])('failing create with %s is 400, nothing written', async (_label, extra, path) => {
    const before = await recordCount();
    const res = await admin.post('/api/forms/customer/records', { data: { ...validCustomer(), ...extra } });
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: { path: string }) => e.path)).toContain(path);
    expect(await recordCount()).toBe(before);
  });

  it.each([
    ['no data envelope', { name: 'x' }],
    ['data is an array', { data: [] }],
    ['data is null', { data: null }],
  ])('failing create with %s is 400', async (_label, body) => {
    const res = await admin.post('/api/forms/customer/records', body);
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('http.validation_failed');
  });

  it('a viewer cannot create records (403) but can read them', async () => {
    const viewer = api(server.baseUrl, await login(server.baseUrl, 'viewer@demo.local'));
    const denied = await viewer.post('/api/forms/customer/records', { data: validCustomer() });
    expect(denied.status).toBe(403);
    expect((await viewer.get('/api/forms/customer/records?limit=1')).status).toBe(200);
  });

  it('a record id that does not exist, or is not a uuid, is 404', async () => {
    expect((await admin.get('/api/forms/customer/records/0190d6f0-0000-7000-8000-000000000000')).status).toBe(404);
    expect((await admin.get('/api/forms/customer/records/not-a-uuid')).status).toBe(404);
  });

  it('never answers 500 to random payloads', async () => {
    const payloads: unknown[] = [
      { data: { name: 12 } },
      { data: { credit_limit: 1e308 } },
      { data: { credit_limit: '1e5' } },
      { data: { established_on: '2023-02-30' } },
      { data: { payment_term_days: 1.5 } },
      { data: { name: 'x'.repeat(100_000) } },
      { data: { sales_owner: "'; DROP TABLE records; --" } },
      { data: { is_sme: 'yes' } },
      { data: { customer_type: { $ne: null } } },
    ];
    for (const payload of payloads) {
      const res = await admin.post('/api/forms/customer/records', payload);
      expect(res.status, JSON.stringify(payload).slice(0, 80)).toBe(400);
    }
  });
});
