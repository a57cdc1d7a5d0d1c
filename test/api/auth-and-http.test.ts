import jwt from 'jsonwebtoken';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, login } from '../support/http.js';
import { TEST_JWT_SECRET, startTestServer, type TestServer } from '../support/server.js';

let server: TestServer;
let token: string;

beforeAll(async () => {
  server = await startTestServer({ demoCustomers: 20 });
  token = await login(server.baseUrl, 'admin@demo.local');
});
afterAll(() => server?.close());

describe('auth', () => {
  it('successful login returns a bearer token that opens /api/auth/me', async () => {
    const me = await api(server.baseUrl, token).get('/api/auth/me');
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ email: 'admin@demo.local', roles: ['admin'], tenant: { name: '演示公司' } });
  });

  it('failing login with a wrong password is 401 problem+json, in zh-CN by default and en on request', async () => {
    const zh = await api(server.baseUrl).post('/api/auth/login', { email: 'admin@demo.local', password: 'wrong-password' });
    expect(zh.status).toBe(401);
    expect(zh.headers.get('content-type')).toContain('application/problem+json');
    expect(zh.body).toMatchObject({ status: 401, code: 'auth.invalid_credentials', detail: '邮箱或密码错误' });
    const en = await api(server.baseUrl).post(
      '/api/auth/login',
      { email: 'admin@demo.local', password: 'wrong-password' },
      { 'accept-language': 'en-US,en;q=0.9' },
    );
    expect(en.body).toMatchObject({ status: 401, detail: 'Wrong e-mail or password' });
  });

  it('failing login for an unknown e-mail is the same 401', async () => {
    const res = await api(server.baseUrl).post('/api/auth/login', { email: 'nobody@demo.local', password: 'demo1234' });
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('auth.invalid_credentials');
  });

  it('failing login with a malformed body names the missing field', async () => {
    const res = await api(server.baseUrl).post('/api/auth/login', { email: 'admin@demo.local' });
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([expect.objectContaining({ path: '/password', keyword: 'required' })]);
  });

  it.each([
    ['missing', undefined, 'auth.unauthenticated'],
    ['not a bearer header', 'Basic abc', 'auth.unauthenticated'],
    ['garbage', 'Bearer not-a-jwt', 'auth.token_invalid'],
    ['forged (other secret)', `Bearer ${jwt.sign({ sub: 'x', tid: 'y', roles: ['admin'] }, 'another-secret-0123456789abcdef0123')}`, 'auth.token_invalid'],
    ['alg none', `Bearer ${jwt.sign({ sub: 'x', tid: 'y', roles: ['admin'] }, '', { algorithm: 'none' })}`, 'auth.token_invalid'],
    [
      'expired',
      `Bearer ${jwt.sign({ sub: 'x', tid: 'y', email: 'e', roles: ['admin'], exp: Math.floor(Date.now() / 1000) - 60 }, TEST_JWT_SECRET)}`,
      'auth.token_expired',
    ],
  ])('failing request with a %s token is 401', async (_label, header, code) => {
    const res = await api(server.baseUrl).get('/api/forms', header ? { authorization: header } : {});
    expect(res.status).toBe(401);
    expect(res.body).toMatchObject({ status: 401, code });
  });
});

describe('http conventions', () => {
  it('GET /api/health checks the database', async () => {
    const res = await api(server.baseUrl).get('/api/health');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'ok', database: { status: 'ok' } });
  });

  it('echoes a request id, or makes one', async () => {
    const given = await api(server.baseUrl).get('/api/health', { 'x-request-id': 'trace-123' });
    expect(given.headers.get('x-request-id')).toBe('trace-123');
    const made = await api(server.baseUrl).get('/api/health');
    expect(made.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('malformed JSON is 400 problem+json', async () => {
    const res = await api(server.baseUrl).call('POST', '/api/auth/login', { raw: '{"email": "a@b.c",', headers: { 'content-type': 'application/json' } });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(res.body).toMatchObject({ code: 'http.malformed_json', detail: '请求体不是合法的 JSON' });
  });

  it('a non-JSON content type is 415', async () => {
    const res = await api(server.baseUrl).call('POST', '/api/auth/login', { raw: 'email=a', headers: { 'content-type': 'text/plain' } });
    expect(res.status).toBe(415);
    expect(res.body.code).toBe('http.unsupported_media_type');
  });

  it('a body over the default 10 MB limit is 413', async () => {
    const big = JSON.stringify({ email: 'a@b.c', password: 'x'.repeat(11 * 1024 * 1024) });
    const res = await api(server.baseUrl, token).call('POST', '/api/auth/login', { raw: big, headers: { 'content-type': 'application/json' } });
    expect(res.status).toBe(413);
    expect(res.body).toMatchObject({ code: 'http.payload_too_large', detail: '请求体超过上限 10 MB' });
  });

  it('unknown routes and unknown forms are 404 problem+json', async () => {
    const route = await api(server.baseUrl, token).get('/api/nope');
    expect(route.status).toBe(404);
    expect(route.body).toMatchObject({ status: 404, code: 'http.route_not_found' });
    const form = await api(server.baseUrl, token).get('/api/forms/no_such_form', { 'accept-language': 'en' });
    expect(form.status).toBe(404);
    expect(form.body).toMatchObject({ code: 'forms.not_found', detail: 'Form "no_such_form" does not exist' });
  });

  it('publishes OpenAPI at /api/docs and /api/docs-json', async () => {
    const json = await api(server.baseUrl).get('/api/docs-json');
    expect(json.status).toBe(200);
    expect(Object.keys(json.body.paths)).toEqual(
      expect.arrayContaining(['/api/auth/login', '/api/forms', '/api/forms/{key}', '/api/forms/{key}/records', '/api/forms/{key}/records/{id}', '/api/health']),
    );
    const html = await api(server.baseUrl).get('/api/docs');
    expect(html.status).toBe(200);
    expect(html.text).toContain('swagger');
    expect(json.body.components.schemas.Problem.properties.errors.type).toBe('array');
    expect(json.body.paths['/api/forms/{key}/records'].get.responses['200'].content['application/json'].schema).toEqual({ $ref: '#/components/schemas/RecordPage' });
  });

  it('serves the built web app at / with a history fallback', async () => {
    const root = await api(server.baseUrl).get('/', { accept: 'text/html' });
    expect(root.status).toBe(200);
    expect(root.text).toContain('<div id="app"');
    const deep = await api(server.baseUrl).get('/forms/customer/records', { accept: 'text/html' });
    expect(deep.status).toBe(200);
    expect(deep.text).toBe(root.text);
  });
});

describe('configurable body limit', () => {
  let small: TestServer;
  beforeAll(async () => {
    small = await startTestServer({ demoCustomers: 0, config: { bodyLimit: '1kb', demoSeed: false } });
  });
  afterAll(() => small?.close());

  it('BODY_LIMIT lowers the limit', async () => {
    const res = await api(small.baseUrl).post('/api/auth/login', { email: 'a@b.c', password: 'x'.repeat(2000) }, { 'accept-language': 'en' });
    expect(res.status).toBe(413);
    expect(res.body.detail).toBe('The request body exceeds the limit of 1 KB');
  });
});
