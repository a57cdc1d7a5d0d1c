import { loadTemplate } from '@credo/seeds';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FormsService } from '../../apps/api/src/modules/forms/forms.service.js';
import { TenantsService } from '../../apps/api/src/modules/tenants/tenants.service.js';
import { api, login } from '../support/http.js';
import { ownerQuery, startTestServer, type TestServer } from '../support/server.js';

/** API tokens for integrations: made by admins, shown once, stored hashed, revocable, audited, rate limited. */
let server: TestServer;
let admin: ReturnType<typeof api>;
const inAYear = () => new Date(Date.now() + 365 * 86_400_000).toISOString();

beforeAll(async () => {
  server = await startTestServer({ demoCustomers: 5 });
  admin = api(server.baseUrl, await login(server.baseUrl, 'admin@demo.local'));
});
afterAll(() => server?.close());

async function makeToken(body: Record<string, unknown>) {
  const res = await admin.post('/api/tokens', { name: 'ERP 同步', role: 'viewer', expiresAt: inAYear(), ...body });
  expect(res.status, res.text).toBe(201);
  return res.body as { id: string; token: string; prefix: string; role: string; rateLimit: number };
}

describe('successful: API tokens', () => {
  it('is shown once, stored as a sha256 hash, and works as a bearer with its role in its tenant', async () => {
    const made = await makeToken({ role: 'staff' });
    expect(made.token).toMatch(/^credo_[A-Za-z0-9_-]{43}$/);
    expect(made.token.startsWith(made.prefix)).toBe(true);
    expect(made.rateLimit).toBe(600);

    const [stored] = await ownerQuery<{ hash: string; tenant: string }>(
      server.databaseUrl,
      `SELECT encode(token_hash, 'hex') AS hash, (SELECT slug FROM tenants WHERE id = tenant_id) AS tenant FROM api_tokens WHERE id = $1`,
      [made.id],
    );
    const { createHash } = await import('node:crypto');
    expect(stored!.hash).toBe(createHash('sha256').update(made.token).digest('hex'));
    expect(stored!.tenant).toBe('demo');
    const everything = await ownerQuery(server.databaseUrl, 'SELECT * FROM api_tokens');
    expect(JSON.stringify(everything)).not.toContain(made.token);

    const listed = await admin.get('/api/tokens');
    expect(listed.status).toBe(200);
    expect(listed.text).not.toContain(made.token);
    expect(listed.body.items.find((t: { id: string }) => t.id === made.id)).toMatchObject({ role: 'staff', revokedAt: null, createdBy: { email: 'admin@demo.local' } });

    const integration = api(server.baseUrl, made.token);
    const page = await integration.get('/api/forms/customer/records?limit=2');
    expect(page.status, page.text).toBe(200);
    expect(page.body.items).toHaveLength(2);
    // staff may create; the record names the token as its creator.
    const owner = (await admin.get('/api/auth/me')).body.id;
    const created = await integration.post('/api/forms/customer/records', {
      data: { name: '令牌创建有限公司', customer_type: '个人', country: 'CN', contact_name: '李四', sales_owner: owner },
    });
    expect(created.status, created.text).toBe(201);
    expect(created.body.createdBy).toBe(made.id);
  });

  it('a viewer token reads but may not write, and never manages tokens', async () => {
    const made = await makeToken({ role: 'viewer' });
    const integration = api(server.baseUrl, made.token);
    expect((await integration.get('/api/forms/customer/records?limit=1')).status).toBe(200);
    const write = await integration.post('/api/forms/customer/records', { data: { name: 'x' } });
    expect(write.status).toBe(403);
    const adminToken = api(server.baseUrl, (await makeToken({ role: 'admin' })).token);
    const mint = await adminToken.post('/api/tokens', { name: 'more', role: 'admin', expiresAt: inAYear() });
    expect(mint.status).toBe(403);
    expect(mint.body.code).toBe('tokens.people_only');
    expect((await adminToken.get('/api/tokens')).status).toBe(403);
  });

  it('revocation is immediate and audited, creation too', async () => {
    const made = await makeToken({ name: '待吊销' });
    const integration = api(server.baseUrl, made.token);
    expect((await integration.get('/api/forms/customer/records?limit=1')).status).toBe(200);
    expect((await admin.call('DELETE', `/api/tokens/${made.id}`)).status).toBe(204);
    const refused = await integration.get('/api/forms/customer/records?limit=1', { 'accept-language': 'en' });
    expect(refused.status).toBe(401);
    expect(refused.headers.get('content-type')).toContain('application/problem+json');
    expect(refused.body.code).toBe('auth.api_token_revoked');
    // Revoking again is a no-op.
    expect((await admin.call('DELETE', `/api/tokens/${made.id}`)).status).toBe(204);
    const audit = await admin.get(`/api/audit?entity=api_token&entityId=${made.id}`);
    expect(audit.body.items.map((a: { action: string }) => a.action)).toEqual(['api_token.revoke', 'api_token.create']);
    expect(JSON.stringify(audit.body)).not.toContain(made.token);
    const listed = (await admin.get('/api/tokens')).body.items.find((t: { id: string }) => t.id === made.id);
    expect(listed.revokedAt).not.toBeNull();
  });

  it('rate limits per token: a burst over the limit gets 429 problem+json with Retry-After', async () => {
    const made = await makeToken({ rateLimit: 5 });
    const other = await makeToken({ rateLimit: 5 });
    const integration = api(server.baseUrl, made.token);
    const statuses: number[] = [];
    let limited: Awaited<ReturnType<typeof integration.get>> | undefined;
    for (let i = 0; i < 7; i++) {
      const res = await integration.get('/api/forms', { 'accept-language': 'en' });
      statuses.push(res.status);
      if (res.status === 429) limited = res;
    }
    expect(statuses.slice(0, 5)).toEqual([200, 200, 200, 200, 200]);
    expect(statuses.slice(5)).toEqual([429, 429]);
    expect(limited!.headers.get('content-type')).toContain('application/problem+json');
    expect(Number(limited!.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(limited!.body).toMatchObject({ status: 429, code: 'auth.rate_limited' });
    // Another token has its own bucket.
    expect((await api(server.baseUrl, other.token).get('/api/forms')).status).toBe(200);
  });
});

describe('OpenAPI', () => {
  it('documents tokens, exports and imports with their schemas', async () => {
    const doc = (await (await fetch(`${server.baseUrl}/api/docs-json`)).json()) as { paths: Record<string, Record<string, unknown>>; components: { schemas: Record<string, unknown> } };
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/api/tokens', '/api/tokens/{id}', '/api/forms/{key}/export.csv', '/api/forms/{key}/export.xlsx', '/api/forms/{key}/imports']));
    expect(doc.components.schemas).toHaveProperty('ApiTokenCreateRequest');
    expect(doc.components.schemas).toHaveProperty('RecordExportQuery');
    expect(JSON.stringify(doc.paths['/api/tokens'])).toContain('#/components/schemas/ApiTokenCreateRequest');
  });
});

describe('failing: API tokens', () => {
  it('an expired token is 401', async () => {
    const made = await makeToken({ name: '将过期' });
    await ownerQuery(server.databaseUrl, `UPDATE api_tokens SET expires_at = now() - interval '1 second' WHERE id = $1`, [made.id]);
    const res = await api(server.baseUrl, made.token).get('/api/forms');
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('auth.token_expired');
  });

  it.each([
    ['unknown', `credo_${'A'.repeat(43)}`],
    ['malformed', 'credo_short'],
    ['tampered', 'credo_' + 'x'.repeat(42) + '!'],
  ])('a %s token is 401', async (_label, token) => {
    const res = await api(server.baseUrl, token).get('/api/forms');
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('auth.token_invalid');
  });

  it('only admins create, list and revoke tokens', async () => {
    const staff = api(server.baseUrl, await login(server.baseUrl, 'staff@demo.local'));
    expect((await staff.post('/api/tokens', { name: 'x', role: 'staff', expiresAt: inAYear() })).status).toBe(403);
    expect((await staff.get('/api/tokens')).status).toBe(403);
    const made = await makeToken({});
    expect((await staff.call('DELETE', `/api/tokens/${made.id}`)).status).toBe(403);
    expect((await api(server.baseUrl).get('/api/tokens')).status).toBe(401);
  });

  it.each([
    ['no expiry', { name: 'x', role: 'viewer' }, '/expiresAt'],
    ['expiry in the past', { name: 'x', role: 'viewer', expiresAt: '2020-01-01T00:00:00Z' }, '/expiresAt'],
    ['expiry in ten years', { name: 'x', role: 'viewer', expiresAt: new Date(Date.now() + 3650 * 86_400_000).toISOString() }, '/expiresAt'],
    ['unknown role', { name: 'x', role: 'overlord', expiresAt: inAYear() }, '/role'],
    ['empty name', { name: '', role: 'viewer', expiresAt: inAYear() }, '/name'],
    ['extra property', { name: 'x', role: 'viewer', expiresAt: inAYear(), tenantId: 'x' }, '/tenantId'],
    ['zero rate', { name: 'x', role: 'viewer', expiresAt: inAYear(), rateLimit: 0 }, '/rateLimit'],
  ])('%s is 400 and creates nothing', async (_label, body, path) => {
    const before = await ownerQuery<{ n: number }>(server.databaseUrl, 'SELECT count(*)::int AS n FROM api_tokens');
    const res = await admin.post('/api/tokens', body);
    expect(res.status, res.text).toBe(400);
    expect(res.body.errors.map((e: { path: string }) => e.path)).toContain(path);
    const after = await ownerQuery<{ n: number }>(server.databaseUrl, 'SELECT count(*)::int AS n FROM api_tokens');
    expect(after[0]!.n).toBe(before[0]!.n);
  });

  it('revoking an unknown or malformed id is 404', async () => {
    expect((await admin.call('DELETE', '/api/tokens/0190a5c0-0000-7000-8000-000000000000')).status).toBe(404);
    expect((await admin.call('DELETE', '/api/tokens/nope')).status).toBe(404);
  });

  it("another company's token never sees this company's data, and its admin cannot revoke ours", async () => {
    const app = server.server.app;
    await app.get(TenantsService).createTenant(
      { slug: 'other-co', name: '别家公司', users: [{ email: 'boss@other.local', displayName: '老板', password: 'other-pass-1', roles: ['admin'] }] },
      async (sql, tenantId, [bossId]) => {
        await app.get(FormsService).installOrThrow(sql, tenantId, loadTemplate('customer'), bossId!);
      },
    );
    const boss = api(server.baseUrl, await login(server.baseUrl, 'boss@other.local', 'other-pass-1'));
    const theirs = await boss.post('/api/tokens', { name: 'theirs', role: 'admin', expiresAt: inAYear() });
    expect(theirs.status, theirs.text).toBe(201);
    const page = await api(server.baseUrl, theirs.body.token).get('/api/forms/customer/records');
    expect(page.status).toBe(200);
    expect(page.body.items).toEqual([]);
    const ours = await makeToken({});
    expect((await boss.call('DELETE', `/api/tokens/${ours.id}`)).status).toBe(404);
    expect((await boss.get('/api/tokens')).body.items.map((t: { id: string }) => t.id)).toEqual([theirs.body.id]);
    expect((await api(server.baseUrl, ours.token).get('/api/forms')).status).toBe(200);
  });
});
