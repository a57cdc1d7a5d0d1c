import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebhooksService } from '../../apps/api/src/modules/webhooks/webhooks.service.js';
import type { ResolvedAddress } from '../../apps/api/src/modules/webhooks/webhook-target.js';
import { uniqueName, uniqueUscc } from '../support/factories.js';
import { api, login } from '../support/http.js';
import { ownerQuery, startTestServer, type TestServer } from '../support/server.js';

/**
 * The SSRF guard with WEBHOOK_ALLOW_PRIVATE_NETWORKS off (the default): a receiver on 127.0.0.1
 * stands for an internal service; it must never be reached. Names are resolved through the
 * guard's resolver, which this suite replaces to play a DNS server that changes its answers
 * (a rebinding attack) — the rest is the real API with pg-boss and real HTTP.
 */
let server: TestServer;
let admin: ReturnType<typeof api>;
let adminId: string;
let internal: Server;
let port: number;
const hits: string[] = [];
/** Answers of the fake DNS per name; a function answers per call. */
const dns = new Map<string, string[] | ((call: number) => string[])>();
const lookups: string[] = [];
const PUBLIC_IP = '93.184.215.14';

beforeAll(async () => {
  internal = createServer((req, res) => {
    hits.push(req.url ?? '/');
    req.resume();
    res.writeHead(200).end('internal secret');
  });
  await new Promise<void>((resolve) => internal.listen(0, '127.0.0.1', resolve));
  port = (internal.address() as AddressInfo).port;
  server = await startTestServer({ demoCustomers: 5, config: { jobs: true, webhookRetryBaseMs: 200, webhookTimeoutMs: 1500, webhookAllowPrivateNetworks: false } });
  admin = api(server.baseUrl, await login(server.baseUrl, 'admin@demo.local'));
  adminId = (await admin.get('/api/auth/me')).body.id;
  server.server.app.get(WebhooksService).targets.resolve = async (host: string): Promise<ResolvedAddress[]> => {
    const answer = dns.get(host);
    if (!answer) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
    lookups.push(host);
    const list = typeof answer === 'function' ? answer(lookups.filter((h) => h === host).length) : answer;
    return list.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  };
}, 120_000);
afterAll(async () => {
  await server?.close();
  await new Promise((resolve) => internal?.close(resolve));
});

async function until<T>(what: string, probe: () => Promise<T | undefined>, ms = 20_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function finalDelivery(hookId: string, deliveryId: string) {
  return until('a final delivery', async () => {
    const log = await admin.get(`/api/webhooks/${hookId}/deliveries`);
    const d = log.body.items.find((x: { id: string }) => x.id === deliveryId);
    return d && (d.status === 'failed' || d.status === 'delivered') ? d : undefined;
  });
}

describe('creating or editing a webhook that targets a non-public address', () => {
  const refused = () => [
    `http://127.0.0.1:${port}/x`,
    'http://0x7f.1/',
    'http://2130706433/',
    'http://[::1]/',
    'http://[::ffff:127.0.0.1]/',
    'http://169.254.169.254/latest/meta-data/',
    'http://10.1.2.3/',
    'http://172.20.0.1/',
    'http://192.168.1.10/',
    'http://100.64.0.1/',
    'http://0.0.0.0/',
    'http://[fd00::1]/',
    'http://[fe80::1]/',
    'http://224.0.0.1/',
    `http://localhost:${port}/x`,
    'http://api.localhost/',
  ];

  it('is a 400 problem+json naming /url, in zh-CN by default and in English on request', async () => {
    for (const url of refused()) {
      const res = await admin.post('/api/webhooks', { url, events: ['record.created'] });
      expect(res.status, url).toBe(400);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      expect(res.body.code, url).toBe('webhooks.url_private');
      expect(res.body.errors.map((e: { path: string }) => e.path)).toEqual(['/url']);
      expect(res.body.detail).toContain('只能发往公网地址');
    }
    const en = await admin.post('/api/webhooks', { url: 'http://0x7f.1/', events: ['record.created'] }, { 'accept-language': 'en' });
    expect(en.body.detail).toBe(
      'The URL "http://0x7f.1/" points to a private, loopback or reserved address (127.0.0.1); webhooks may only target public addresses (an operator can set WEBHOOK_ALLOW_PRIVATE_NETWORKS=true to allow this)',
    );
    expect(en.body.errors[0]).toMatchObject({ path: '/url', params: { address: '127.0.0.1', range: 'loopback' } });
    const [{ n }] = await ownerQuery<{ n: number }>(server.databaseUrl, 'SELECT count(*)::int AS n FROM webhook_subscriptions');
    expect(n).toBe(0);
  });

  it('refuses a name whose every address is non-public; accepts public ones and names that do not resolve yet', async () => {
    dns.set('inside.corp.test', ['10.0.0.7', 'fd00::7']);
    dns.set('mixed.corp.test', ['10.0.0.7', PUBLIC_IP]);
    const inside = await admin.post('/api/webhooks', { url: 'https://inside.corp.test/hook', events: ['record.created'] }, { 'accept-language': 'en' });
    expect(inside.status).toBe(400);
    expect(inside.body).toMatchObject({ code: 'webhooks.url_private', errors: [{ path: '/url', params: { address: 'inside.corp.test (10.0.0.7)', range: 'private' } }] });
    for (const url of [`https://${PUBLIC_IP}/hook`, 'https://mixed.corp.test/hook', 'https://not-yet-in-dns.test/hook']) {
      const ok = await admin.post('/api/webhooks', { url, events: ['record.created'], active: false });
      expect(ok.status, url).toBe(201);
    }
  });

  it('an edit to a non-public URL is refused and changes nothing', async () => {
    const hook = await admin.post('/api/webhooks', { url: `https://${PUBLIC_IP}/keep`, events: ['record.created'], active: false });
    for (const url of ['http://[::ffff:a9fe:a9fe]/', `http://127.0.0.1:${port}/`, 'http://localhost/']) {
      const res = await admin.call('PATCH', `/api/webhooks/${hook.body.id}`, { body: { url } });
      expect(res.status, url).toBe(400);
      expect(res.body.errors.map((e: { path: string }) => e.path)).toEqual(['/url']);
    }
    expect((await admin.get(`/api/webhooks/${hook.body.id}`)).body.url).toBe(`https://${PUBLIC_IP}/keep`);
  });
});

describe('delivering to a target that is (or became) non-public', () => {
  it('a name that resolved publicly at creation but resolves to 127.0.0.1 now is refused, logged, and not retried', async () => {
    dns.set('hooks.partner.test', [PUBLIC_IP]);
    const hook = await admin.post('/api/webhooks', { url: `http://hooks.partner.test:${port}/rebound`, events: ['record.created'], form: 'customer' });
    expect(hook.status, hook.text).toBe(201);
    dns.set('hooks.partner.test', ['127.0.0.1']);
    const ping = await admin.post(`/api/webhooks/${hook.body.id}/test`);
    expect(ping.status).toBe(202);
    const record = await admin.post('/api/forms/customer/records', {
      data: { name: uniqueName('钩子'), customer_type: '企业', country: 'CN', uscc: uniqueUscc(), contact_name: '张三', sales_owner: adminId },
    });
    expect(record.status, record.text).toBe(201);
    const d = await finalDelivery(hook.body.id, ping.body.id);
    expect(d).toMatchObject({ status: 'failed', attempts: 1, nextAttemptAt: null, lastStatusCode: null });
    expect(d.lastError).toBe('refused: hooks.partner.test (127.0.0.1) is a loopback address (set WEBHOOK_ALLOW_PRIVATE_NETWORKS=true to allow non-public targets)');
    expect(d.log).toHaveLength(1);
    expect(d.log[0].error).toBe(d.lastError);
    const event = await until('the record event', async () => {
      const log = await admin.get(`/api/webhooks/${hook.body.id}/deliveries?status=failed`);
      return log.body.items.find((x: { event: string }) => x.event === 'record.created');
    });
    expect(event).toMatchObject({ attempts: 1, lastError: d.lastError });
    // Several retry periods later: still one attempt each, and the internal service saw nothing.
    await new Promise((r) => setTimeout(r, 1000));
    const [{ attempts }] = await ownerQuery<{ attempts: number }>(server.databaseUrl, 'SELECT sum(attempts)::int AS attempts FROM webhook_deliveries WHERE subscription_id = $1', [hook.body.id]);
    expect(attempts).toBe(2);
    expect(hits).toEqual([]);
  });

  it('a literal private URL saved while private networks were allowed is refused at delivery', async () => {
    const hook = await admin.post('/api/webhooks', { url: `https://${PUBLIC_IP}/was-public`, events: ['record.created'] });
    // As if written when WEBHOOK_ALLOW_PRIVATE_NETWORKS was true (or before the guard existed).
    await ownerQuery(server.databaseUrl, 'UPDATE webhook_subscriptions SET url = $2 WHERE id = $1', [hook.body.id, `http://[::ffff:7f00:1]:${port}/legacy`]);
    const ping = await admin.post(`/api/webhooks/${hook.body.id}/test`);
    const d = await finalDelivery(hook.body.id, ping.body.id);
    expect(d).toMatchObject({ status: 'failed', attempts: 1 });
    expect(d.lastError).toMatch(/^refused: ::ffff:7f00:1 is a loopback address/);
    expect(hits).toEqual([]);
  });

  it('DNS rebinding between check and connect: the connection goes to the checked address, not the new answer', async () => {
    // First answer public (the check), every later one 127.0.0.1: a sender that resolved again
    // to connect would reach the internal service.
    dns.set('rebind.attacker.test', (call) => (call === 1 ? [PUBLIC_IP] : ['127.0.0.1']));
    const hook = await admin.post('/api/webhooks', { url: `http://rebind.attacker.test:${port}/rebind`, events: ['record.created'] });
    expect(hook.status, hook.text).toBe(201); // the creation check is the first lookup
    dns.set('rebind.attacker.test', (call) => (call === 2 ? [PUBLIC_IP] : ['127.0.0.1']));
    const before = lookups.length;
    const ping = await admin.post(`/api/webhooks/${hook.body.id}/test`);
    const d = await finalDelivery(hook.body.id, ping.body.id);
    // Attempt 1 resolved (public) and connected there — never to 127.0.0.1 — and did not get a
    // 2xx from the internal service; attempt 2 resolved again, got 127.0.0.1 and was refused.
    expect(d.log[0].error).not.toMatch(/^refused/);
    expect(d.log[0].statusCode).not.toBe(200);
    expect(d.log.at(-1).error).toMatch(/^refused: rebind\.attacker\.test \(127\.0\.0\.1\) is a loopback address/);
    expect(d).toMatchObject({ status: 'failed', attempts: d.log.length });
    expect(lookups.slice(before).filter((h) => h === 'rebind.attacker.test')).toHaveLength(d.log.length);
    expect(hits).toEqual([]);
  });
});
