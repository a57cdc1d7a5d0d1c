import { createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadTemplate } from '@credo/seeds';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TenantDatabase } from '../../apps/api/src/database/tenant-database.js';
import { FormsService } from '../../apps/api/src/modules/forms/forms.service.js';
import { RecordsService } from '../../apps/api/src/modules/records/records.service.js';
import { TenantsService } from '../../apps/api/src/modules/tenants/tenants.service.js';
import { uniqueName, uniqueUscc } from '../support/factories.js';
import { api, login } from '../support/http.js';
import { ownerQuery, startTestServer, type TestServer } from '../support/server.js';

/**
 * Webhooks end to end: the real API with pg-boss running, a real HTTP receiver on 127.0.0.1.
 * Every event is checked the way a receiver would: HMAC-SHA256 over "<timestamp>.<body>" with
 * the secret shown once at creation.
 */
interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  json: any;
  at: number;
}

let server: TestServer;
let admin: ReturnType<typeof api>;
let staff: ReturnType<typeof api>;
let rival: ReturnType<typeof api>;
let adminId: string;
let receiver: Server;
let receiverUrl: string;
const received: Received[] = [];
/** Status codes to answer next, per path (then 200). */
const scripted = new Map<string, number[]>();

beforeAll(async () => {
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const path = req.url ?? '/';
      received.push({ path, headers: req.headers, body, json: JSON.parse(body), at: Date.now() });
      if (path === '/redirect') {
        res.writeHead(302, { location: `${receiverUrl}/redirected` }).end();
        return;
      }
      const status = scripted.get(path)?.shift() ?? 200;
      res.writeHead(status, { 'content-type': 'text/plain' }).end(status === 200 ? 'ok' : 'receiver is down');
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;

  server = await startTestServer({ demoCustomers: 10, config: { jobs: true, webhookRetryBaseMs: 100, webhookAllowPrivateNetworks: true } });
  admin = api(server.baseUrl, await login(server.baseUrl, 'admin@demo.local'));
  staff = api(server.baseUrl, await login(server.baseUrl, 'staff@demo.local'));
  adminId = (await admin.get('/api/auth/me')).body.id;
  const app = server.server.app;
  await app.get(TenantsService).createTenant(
    { slug: 'rival', name: '竞争对手', users: [{ email: 'boss@rival.local', displayName: '对手老板', password: 'rival-pass-1', roles: ['admin'] }] },
    async (sql, tenantId, [bossId]) => {
      await app.get(FormsService).installOrThrow(sql, tenantId, loadTemplate('customer'), bossId!);
    },
  );
  rival = api(server.baseUrl, await login(server.baseUrl, 'boss@rival.local', 'rival-pass-1'));
}, 120_000);
afterAll(async () => {
  await server?.close();
  await new Promise((resolve) => receiver?.close(resolve));
});

function verify(secret: string, r: Received): boolean {
  const ts = r.headers['x-credo-timestamp'] as string;
  const expected = 'sha256=' + createHmac('sha256', secret).update(`${ts}.${r.body}`).digest('hex');
  return r.headers['x-credo-signature'] === expected && Math.abs(Date.now() / 1000 - Number(ts)) < 300;
}

async function until<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, ms = 20_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const at = (path: string) => received.filter((r) => r.path === path);

async function subscribe(body: Record<string, unknown>) {
  const res = await admin.post('/api/webhooks', body);
  expect(res.status, res.text).toBe(201);
  return res.body as { id: string; secret: string; secretPrefix: string; url: string; events: string[]; form: { key: string } | null; active: boolean };
}

function newCustomer(extra: Record<string, unknown> = {}) {
  return { name: uniqueName('钩子'), customer_type: '企业', country: 'CN', uscc: uniqueUscc(), contact_name: '张三', sales_owner: adminId, ...extra };
}

describe('successful: webhook events', () => {
  let hook: { id: string; secret: string };
  let other: { id: string; secret: string };

  beforeAll(async () => {
    hook = await subscribe({ url: `${receiverUrl}/customers`, events: ['record.created', 'record.updated', 'record.deleted', 'record.restored'], form: 'customer', description: 'CRM 同步' });
    // A webhook for another form: it must get none of the customer events.
    other = await subscribe({ url: `${receiverUrl}/payments`, events: ['record.created', 'record.updated', 'record.deleted'], form: 'payment' });
  });

  it('shows the secret once, keeps it encrypted, and lists the webhook without it', async () => {
    expect(hook.secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    const listed = await admin.get('/api/webhooks');
    expect(listed.status).toBe(200);
    expect(listed.text).not.toContain(hook.secret);
    expect(listed.body.items.find((w: { id: string }) => w.id === hook.id)).toMatchObject({
      url: `${receiverUrl}/customers`,
      form: { key: 'customer' },
      active: true,
      secretPrefix: hook.secret.slice(0, 12),
      createdBy: { email: 'admin@demo.local' },
    });
    const one = await admin.get(`/api/webhooks/${hook.id}`);
    expect(one.status).toBe(200);
    expect(one.text).not.toContain(hook.secret);
    const rows = await ownerQuery(server.databaseUrl, 'SELECT * FROM webhook_subscriptions');
    expect(JSON.stringify(rows)).not.toContain(hook.secret.slice(6));
    const audit = await admin.get('/api/audit?action=webhook.create');
    expect(audit.body.items.map((a: { entityId: string }) => a.entityId)).toContain(hook.id);
  });

  it('a created, updated, deleted and restored record reaches the receiver signed, in order, with data and changes', async () => {
    const sentAt = Date.now();
    const created = await admin.post('/api/forms/customer/records', { data: newCustomer({ contact_name: '王五' }) });
    expect(created.status, created.text).toBe(201);
    const id = created.body.id as string;
    // Dispatch is prompt (NOTIFY at commit, not the 1-second poll alone).
    const first = await until('the created event', () => at('/customers').find((r) => r.json.record?.id === id));
    expect(first.at - sentAt).toBeLessThan(2000);
    const patched = await admin.call('PATCH', `/api/forms/customer/records/${id}`, { body: { data: { contact_name: '赵六' } }, headers: { 'if-match': '"1"' } });
    expect(patched.status, patched.text).toBe(200);
    const deleted = await admin.call('DELETE', `/api/forms/customer/records/${id}`, { headers: { 'if-match': `"${patched.body.rev}"` } });
    expect(deleted.status, deleted.text).toBeLessThan(300);
    const restored = await admin.call('POST', `/api/forms/customer/records/${id}/restore`, { headers: { 'if-match': `"${patched.body.rev + 1}"` } });
    expect(restored.status, restored.text).toBeLessThan(300);

    const mine = await until('4 customer events', () => {
      const list = at('/customers').filter((r) => r.json.record?.id === id);
      return list.length >= 4 ? list : undefined;
    });
    expect(mine.map((r) => r.json.type)).toEqual(['record.created', 'record.updated', 'record.deleted', 'record.restored']);
    expect(mine.map((r) => r.json.record.rev)).toEqual([1, 2, 3, 4]);
    for (const r of mine) {
      expect(verify(hook.secret, r)).toBe(true);
      expect(verify('whsec_wrong', r)).toBe(false);
      expect(r.headers['content-type']).toBe('application/json');
      expect(r.headers['x-credo-event']).toBe(r.json.type);
      expect(r.headers['x-credo-delivery']).toMatch(/^[0-9a-f-]{36}$/);
      expect(r.json).toMatchObject({ form: { key: 'customer' }, tenant: { id: expect.any(String) } });
      expect(Date.parse(r.json.occurredAt)).toBeGreaterThan(Date.now() - 60_000);
    }
    // Each event has its own id; each delivery its own id.
    expect(new Set(mine.map((r) => r.json.id)).size).toBe(4);
    expect(new Set(mine.map((r) => r.headers['x-credo-delivery'])).size).toBe(4);
    expect(mine[0]!.json.record.data).toMatchObject({ contact_name: '王五', name: created.body.data.name });
    expect(mine[0]!.json.changes.contact_name).toEqual({ to: '王五' });
    expect(mine[1]!.json.record.data.contact_name).toBe('赵六');
    expect(mine[1]!.json.changes.contact_name).toEqual({ from: '王五', to: '赵六' });

    // The log shows one attempt each, delivered with 200 (the log is written just after the receiver answers).
    const ours = await until('4 delivered', async () => {
      const log = await admin.get(`/api/webhooks/${hook.id}/deliveries`);
      expect(log.status).toBe(200);
      const list = log.body.items.filter((d: { status: string; payload: { record?: { id: string } } }) => d.payload.record?.id === id);
      return list.every((d: { status: string }) => d.status === 'delivered') ? list : undefined;
    });
    expect(ours).toHaveLength(4);
    for (const d of ours) {
      expect(d).toMatchObject({ status: 'delivered', attempts: 1, lastStatusCode: 200, lastError: null, nextAttemptAt: null });
      expect(d.log).toEqual([expect.objectContaining({ attempt: 1, statusCode: 200, error: null, durationMs: expect.any(Number) })]);
    }
  });

  it('a write that rolls back leaves no event; a refused create leaves none either', async () => {
    const app = server.server.app;
    const [{ tenant_id: tenantId }] = await ownerQuery<{ tenant_id: string }>(server.databaseUrl, `SELECT id AS tenant_id FROM tenants WHERE slug = 'demo'`);
    const name = uniqueName('回滚');
    await expect(
      app.get(TenantDatabase).run(tenantId!, async (sql) => {
        await app.get(RecordsService).createManyOrThrow(sql, tenantId!, adminId, 'customer', [newCustomer({ name })]);
        const [{ n }] = await sql.rows<{ n: number }>(`SELECT count(*)::int AS n FROM webhook_deliveries WHERE payload->'record'->'data'->>'name' = $1`, [name]);
        expect(n).toBe(1); // written in the transaction…
        throw new Error('the caller gives up');
      }),
    ).rejects.toThrow('the caller gives up');
    // …and gone with it.
    const left = await ownerQuery<{ n: number }>(server.databaseUrl, `SELECT count(*)::int AS n FROM webhook_deliveries WHERE payload->'record'->'data'->>'name' = $1`, [name]);
    expect(left[0]!.n).toBe(0);
    expect((await ownerQuery<{ n: number }>(server.databaseUrl, 'SELECT count(*)::int AS n FROM records WHERE data->>$1 = $2', ['name', name]))[0]!.n).toBe(0);

    const refused = await admin.post('/api/forms/customer/records', { data: { name: uniqueName('缺字段') } });
    expect(refused.status).toBe(400);
    // A marker event afterwards, so we know the dispatcher has gone past the refused write.
    const marker = await admin.post('/api/forms/customer/records', { data: newCustomer() });
    await until('the marker event', () => at('/customers').find((r) => r.json.record?.id === marker.body.id));
    expect(at('/customers').filter((r) => [name, refused.body?.data?.name].includes(r.json.record?.data?.name))).toHaveLength(0);
  });

  it('a rule alert that appears raises alert.raised once, with its code, level and message', async () => {
    const alerts = await subscribe({ url: `${receiverUrl}/alerts`, events: ['alert.raised'], form: 'customer' });
    const customer = await admin.post('/api/forms/customer/records', { data: newCustomer() });
    expect(customer.status, customer.text).toBe(201);
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());
    const old = new Date(Date.parse(`${today}T00:00:00Z`) - 150 * 86_400_000).toISOString().slice(0, 10);
    const receivable = await admin.post('/api/forms/receivable/records', { data: { customer: customer.body.id, amount: '5000.00', biz_date: old, invoice_date: old, term_days: 30 } });
    expect(receivable.status, receivable.text).toBe(201);
    expect((await admin.post('/api/forms/customer/rules/evaluate', {})).status).toBe(200);
    const raised = await until('OVERDUE_90', () => at('/alerts').find((r) => r.json.record?.id === customer.body.id && r.json.alert?.code === 'OVERDUE_90'));
    expect(verify(alerts.secret, raised)).toBe(true);
    expect(raised.json).toMatchObject({ type: 'alert.raised', form: { key: 'customer' }, alert: { code: 'OVERDUE_90', level: expect.any(String), message: expect.any(String) } });
    // The message in zh-CN (as integrations read it) and in each language the rule gives.
    expect(raised.json.alert.message).toMatch(/^存在逾期\d+天的应收（>90天），客户已冻结$/);
    expect(raised.json.alert.messages).toEqual({ 'zh-CN': raised.json.alert.message, en: expect.stringMatching(/^A receivable is \d+ days overdue \(> 90\): customer frozen$/) });
    expect(raised.headers['x-credo-event']).toBe('alert.raised');
    // Evaluating again: the alert is still there, not new, so no second event.
    expect((await admin.post('/api/forms/customer/rules/evaluate', {})).status).toBe(200);
    await admin.post(`/api/webhooks/${alerts.id}/test`);
    await until('the ping after the second evaluation', () => at('/alerts').find((r) => r.json.type === 'ping'));
    expect(at('/alerts').filter((r) => r.json.record?.id === customer.body.id && r.json.alert?.code === 'OVERDUE_90')).toHaveLength(1);
    // The customer webhook (record.* only) saw the customer's frozen status as an update, never an alert.
    expect(at('/customers').some((r) => r.json.type === 'alert.raised')).toBe(false);
  });

  it('a failing receiver (500, then 200) is retried with backoff and the log shows both attempts', async () => {
    const flaky = await subscribe({ url: `${receiverUrl}/flaky`, events: ['record.created'], form: null });
    scripted.set('/flaky', [500]);
    const created = await admin.post('/api/forms/customer/records', { data: newCustomer() });
    const hits = await until('two attempts', () => {
      const list = at('/flaky').filter((r) => r.json.record?.id === created.body.id);
      return list.length >= 2 ? list : undefined;
    });
    expect(hits[0]!.headers['x-credo-delivery']).toBe(hits[1]!.headers['x-credo-delivery']);
    expect(hits[0]!.json.id).toBe(hits[1]!.json.id);
    expect(hits[1]!.at - hits[0]!.at).toBeGreaterThanOrEqual(90);
    for (const h of hits) expect(verify(flaky.secret, h)).toBe(true);
    const delivery = await until('delivered', async () => {
      const log = await admin.get(`/api/webhooks/${flaky.id}/deliveries`);
      const d = log.body.items.find((x: { payload: { record?: { id: string } } }) => x.payload.record?.id === created.body.id);
      return d?.status === 'delivered' ? d : undefined;
    });
    expect(delivery).toMatchObject({ attempts: 2, lastStatusCode: 200 });
    expect(delivery.log).toEqual([
      expect.objectContaining({ attempt: 1, statusCode: 500, error: 'HTTP 500', response: 'receiver is down' }),
      expect.objectContaining({ attempt: 2, statusCode: 200, error: null }),
    ]);
    // Three events only reached here once each (no duplicate delivered).
    expect(at('/flaky').filter((r) => r.json.record?.id === created.body.id)).toHaveLength(2);

    // Redelivery: the same event (same id and payload) as a new delivery.
    const again = await admin.post(`/api/webhooks/${flaky.id}/deliveries/${delivery.id}/redeliver`);
    expect(again.status, again.text).toBe(202);
    expect(again.body).toMatchObject({ eventId: delivery.eventId, redeliveryOf: delivery.id, status: 'pending' });
    const third = await until('the redelivery', () => at('/flaky').find((r) => r.headers['x-credo-delivery'] === again.body.id));
    expect(third.json.id).toBe(delivery.eventId);
    expect(third.body).toBe(hits[1]!.body);
    expect(verify(flaky.secret, third)).toBe(true);
    await admin.call('PATCH', `/api/webhooks/${flaky.id}`, { body: { active: false } });
  });

  it('a receiver that never answers 2xx is marked failed after the last attempt', async () => {
    const down = await subscribe({ url: `${receiverUrl}/down`, events: ['record.created'], form: 'customer' });
    scripted.set('/down', [503, 503, 503, 503, 503, 503]);
    const created = await admin.post('/api/forms/customer/records', { data: newCustomer() });
    // 100 ms base: 100, 600, 3000, 18000… ms. Check the schedule after three attempts, then fast-forward the rest.
    const d3 = await until('three attempts', async () => {
      const log = await admin.get(`/api/webhooks/${down.id}/deliveries`);
      const d = log.body.items.find((x: { payload: { record?: { id: string } } }) => x.payload.record?.id === created.body.id);
      return d?.attempts === 3 && d.status === 'pending' ? d : undefined;
    });
    expect(d3.lastStatusCode).toBe(503);
    expect(Date.parse(d3.nextAttemptAt) - Date.parse(d3.log[2].at)).toBeGreaterThanOrEqual(2900);
    expect(Date.parse(d3.nextAttemptAt) - Date.parse(d3.log[2].at)).toBeLessThan(5000);
    const gaps = [Date.parse(d3.log[1].at) - Date.parse(d3.log[0].at), Date.parse(d3.log[2].at) - Date.parse(d3.log[1].at)];
    expect(gaps[0]).toBeGreaterThanOrEqual(90);
    expect(gaps[1]).toBeGreaterThanOrEqual(590);
    for (let i = 0; i < 3; i++) {
      await ownerQuery(server.databaseUrl, `UPDATE webhook_deliveries SET next_attempt_at = now() WHERE id = $1 AND status = 'pending'`, [d3.id]);
      await until(`attempt ${4 + i}`, async () => (await ownerQuery<{ attempts: number; status: string }>(server.databaseUrl, 'SELECT attempts, status FROM webhook_deliveries WHERE id = $1', [d3.id]))[0]!.attempts >= 4 + i || undefined);
    }
    const final = await until('failed', async () => {
      const log = await admin.get(`/api/webhooks/${down.id}/deliveries?status=failed`);
      return log.body.items.find((x: { id: string }) => x.id === d3.id);
    });
    expect(final).toMatchObject({ status: 'failed', attempts: 6, nextAttemptAt: null, lastStatusCode: 503, lastError: 'HTTP 503' });
    expect(final.log).toHaveLength(6);
    expect(at('/down').filter((r) => r.json.record?.id === created.body.id)).toHaveLength(6);
    await admin.call('DELETE', `/api/webhooks/${down.id}`);
  });

  it('the delivery log says why an attempt failed in the reader\'s language (code + params), with the raw detail kept', async () => {
    // Port 1 on the loopback: nothing listens, the connection is refused (ECONNREFUSED).
    const dead = await subscribe({ url: 'http://127.0.0.1:1/hook', events: ['record.created'], form: 'customer' });
    const created = await admin.post('/api/forms/customer/records', { data: newCustomer() });
    const read = async (language: string) => {
      const log = await admin.call('GET', `/api/webhooks/${dead.id}/deliveries`, { headers: { 'accept-language': language } });
      return log.body.items.find((x: { payload: { record?: { id: string } } }) => x.payload.record?.id === created.body.id);
    };
    const zh = await until('a refused attempt', async () => {
      const d = await read('zh-CN');
      return d?.attempts >= 1 ? d : undefined;
    });
    expect(zh).toMatchObject({ lastError: 'ECONNREFUSED', lastErrorCode: 'connection_refused', lastErrorParams: { host: '127.0.0.1', port: '1' } });
    expect(zh.lastErrorMessage).toBe('连接被拒绝：127.0.0.1 的端口 1 上没有服务在监听');
    expect(zh.log[0]).toMatchObject({ error: 'ECONNREFUSED', errorCode: 'connection_refused', errorMessage: zh.lastErrorMessage });
    const en = await read('en');
    expect(en.log[0].errorMessage).toBe('Connection refused: nothing listens on port 1 of 127.0.0.1');
    expect(en.log[0].error).toBe('ECONNREFUSED');
    await admin.call('PATCH', `/api/webhooks/${dead.id}`, { body: { active: false } });

    // A non-2xx answer and an attempt logged before codes were stored (raw text only) read the same way.
    const flaky = await subscribe({ url: `${receiverUrl}/coded`, events: ['record.created'], form: 'customer' });
    scripted.set('/coded', [502]);
    const second = await admin.post('/api/forms/customer/records', { data: newCustomer() });
    const delivered = await until('delivered after a 502', async () => {
      const log = await admin.call('GET', `/api/webhooks/${flaky.id}/deliveries`, { headers: { 'accept-language': 'en' } });
      const d = log.body.items.find((x: { payload: { record?: { id: string } } }) => x.payload.record?.id === second.body.id);
      return d?.status === 'delivered' ? d : undefined;
    });
    expect(delivered.log[0]).toMatchObject({ error: 'HTTP 502', errorCode: 'http_status', errorParams: { status: 502 }, errorMessage: 'The receiver answered HTTP 502 (not 2xx)' });
    expect(delivered.log[1]).toMatchObject({ error: null, errorCode: null, errorMessage: null });
    expect(delivered).toMatchObject({ lastError: null, lastErrorCode: null, lastErrorMessage: null });
    await ownerQuery(server.databaseUrl, `UPDATE webhook_attempts SET error = 'ETIMEDOUT', error_code = NULL, error_params = NULL WHERE delivery_id = $1 AND attempt = 1`, [delivered.id]);
    const legacy = await admin.get(`/api/webhooks/${flaky.id}/deliveries`);
    const old = legacy.body.items.find((x: { id: string }) => x.id === delivered.id);
    expect(old.log[0]).toMatchObject({ error: 'ETIMEDOUT', errorCode: 'unreachable', errorMessage: `网络不可达：无法连接到 127.0.0.1` });
    await admin.call('DELETE', `/api/webhooks/${flaky.id}`);
  });

  it('test sends a signed ping; a disabled webhook receives no events; the other form got nothing', async () => {
    const ping = await admin.post(`/api/webhooks/${hook.id}/test`);
    expect(ping.status, ping.text).toBe(202);
    const got = await until('ping', () => at('/customers').find((r) => r.headers['x-credo-delivery'] === ping.body.id));
    expect(got.json).toMatchObject({ type: 'ping', webhook: { id: hook.id } });
    expect(got.headers['x-credo-event']).toBe('ping');
    expect(verify(hook.secret, got)).toBe(true);

    const off = await admin.call('PATCH', `/api/webhooks/${hook.id}`, { body: { active: false } });
    expect(off.status, off.text).toBe(200);
    expect(off.body.active).toBe(false);
    const quiet = await admin.post('/api/forms/customer/records', { data: newCustomer() });
    expect(quiet.status).toBe(201);
    const [{ n }] = await ownerQuery<{ n: number }>(server.databaseUrl, `SELECT count(*)::int AS n FROM webhook_deliveries WHERE subscription_id = $1 AND payload->'record'->>'id' = $2`, [hook.id, quiet.body.id]);
    expect(n).toBe(0);
    const updates = await admin.get(`/api/audit?action=webhook.update`);
    expect(updates.body.items.find((a: { entityId: string }) => a.entityId === hook.id)).toMatchObject({ details: { changes: { active: { from: true, to: false } } } });

    const counted = (await admin.get(`/api/webhooks/${hook.id}`)).body.stats;
    const [real] = await ownerQuery<{ delivered: number; failed: number }>(
      server.databaseUrl,
      `SELECT count(*) FILTER (WHERE status = 'delivered')::int AS delivered, count(*) FILTER (WHERE status = 'failed')::int AS failed FROM webhook_deliveries WHERE subscription_id = $1`,
      [hook.id],
    );
    expect(counted).toMatchObject(real!);
    expect(counted.delivered).toBeGreaterThanOrEqual(6);
    expect(at('/payments')).toHaveLength(0);
    expect((await admin.get(`/api/webhooks/${other.id}/deliveries`)).body.items).toHaveLength(0);
  });

  it('an edit (URL, form, events) changes where and which events go; the secret stays', async () => {
    const hook = await subscribe({ url: `${receiverUrl}/before-edit`, events: ['record.deleted'], form: 'payment' });
    const res = await admin.call('PATCH', `/api/webhooks/${hook.id}`, { body: { url: `${receiverUrl}/after-edit`, events: ['record.created', 'record.updated'], form: 'customer', description: '改为客户' } });
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({ url: `${receiverUrl}/after-edit`, events: ['record.created', 'record.updated'], form: { key: 'customer' }, active: true, description: '改为客户', secretPrefix: hook.secretPrefix });
    expect(res.body).not.toHaveProperty('secret');
    const created = await admin.post('/api/forms/customer/records', { data: newCustomer() });
    expect(created.status).toBe(201);
    const got = await until('the created event at the new URL', () => at('/after-edit').find((r) => r.json.record?.id === created.body.id));
    expect(got.headers['x-credo-event']).toBe('record.created');
    expect(verify(hook.secret, got)).toBe(true);
    expect(at('/before-edit')).toHaveLength(0);
    // Every form again (form null).
    const all = await admin.call('PATCH', `/api/webhooks/${hook.id}`, { body: { form: null } });
    expect(all.status, all.text).toBe(200);
    expect(all.body.form).toBeNull();
    await admin.call('DELETE', `/api/webhooks/${hook.id}`);
  });

  it('a redirect is not followed: the 302 is a failed attempt and the Location is never called', async () => {
    const hook = await subscribe({ url: `${receiverUrl}/redirect`, events: ['record.created'] });
    const ping = await admin.post(`/api/webhooks/${hook.id}/test`);
    const first = await until('the first attempt', async () => {
      const log = await admin.get(`/api/webhooks/${hook.id}/deliveries`);
      const d = log.body.items.find((x: { id: string }) => x.id === ping.body.id);
      return d?.attempts >= 1 ? d : undefined;
    });
    expect(first).toMatchObject({ lastStatusCode: 302, lastError: 'HTTP 302' });
    expect(at('/redirect').length).toBeGreaterThanOrEqual(1);
    expect(at('/redirected')).toHaveLength(0);
    await admin.call('DELETE', `/api/webhooks/${hook.id}`);
  });

  it('rotating the secret shows a new one once; later events are signed with it', async () => {
    const rotated = await admin.post(`/api/webhooks/${other.id}/rotate-secret`);
    expect(rotated.status, rotated.text).toBe(201);
    expect(rotated.body.secret).toMatch(/^whsec_/);
    expect(rotated.body.secret).not.toBe(other.secret);
    const ping = await admin.post(`/api/webhooks/${other.id}/test`);
    const got = await until('ping', () => at('/payments').find((r) => r.headers['x-credo-delivery'] === ping.body.id));
    expect(verify(rotated.body.secret, got)).toBe(true);
    expect(verify(other.secret, got)).toBe(false);
  });
});

describe('bad input and access', () => {
  it('refuses non-http(s) and malformed URLs, unknown events and forms with 400 problem+json', async () => {
    for (const url of ['ftp://example.com/hook', 'javascript:alert(1)', 'http://', 'http://user:pw@example.com/x', 'not a url']) {
      const res = await admin.post('/api/webhooks', { url, events: ['record.created'] });
      expect(res.status, url).toBe(400);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      expect(res.body.errors.map((e: { path: string }) => e.path)).toContain('/url');
    }
    const event = await admin.post('/api/webhooks', { url: 'https://example.com/x', events: ['record.exploded'] });
    expect(event.status).toBe(400);
    const none = await admin.post('/api/webhooks', { url: 'https://example.com/x', events: [] });
    expect(none.status).toBe(400);
    const form = await admin.post('/api/webhooks', { url: 'https://example.com/x', events: ['record.created'], form: 'no_such_form' }, { 'accept-language': 'en' });
    expect(form.status).toBe(400);
    expect(form.body).toMatchObject({ code: 'webhooks.form_unknown', detail: expect.stringContaining('no_such_form') });
    const secret = await admin.post('/api/webhooks', { url: 'https://example.com/x', events: ['record.created'], secret: 'mine' });
    expect(secret.status).toBe(400);
    expect((await admin.get('/api/webhooks/not-a-uuid')).status).toBe(404);
    expect((await admin.get('/api/webhooks/00000000-0000-7000-8000-000000000000')).status).toBe(404);
  });

  it('a bad edit is a 400 problem+json naming the member, and changes nothing', async () => {
    const hook = await subscribe({ url: 'https://example.com/keep', events: ['record.created'], description: '原样' });
    const before = (await admin.get(`/api/webhooks/${hook.id}`)).body;
    for (const [body, path] of [
      [{ url: 'ftp://example.com/hook' }, '/url'],
      [{ url: 'http://user:pw@example.com/x' }, '/url'],
      [{ url: 'not a url' }, '/url'],
      [{ events: [] }, '/events'],
      [{ events: ['record.exploded'] }, '/events/0'],
      [{ active: 'yes' }, '/active'],
      [{ description: 'x'.repeat(201) }, '/description'],
      [{ secret: 'mine' }, ''],
      [{}, ''],
    ] as Array<[Record<string, unknown>, string]>) {
      const res = await admin.call('PATCH', `/api/webhooks/${hook.id}`, { body, headers: { 'accept-language': 'en' } });
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      if (path) expect(res.body.errors.map((e: { path: string }) => e.path), JSON.stringify(body)).toContain(path);
    }
    const form = await admin.call('PATCH', `/api/webhooks/${hook.id}`, { body: { form: 'no_such_form', url: 'https://example.com/moved' }, headers: { 'accept-language': 'en' } });
    expect(form.status).toBe(400);
    expect(form.body).toMatchObject({ code: 'webhooks.form_unknown', detail: expect.stringContaining('no_such_form') });
    expect((await admin.get(`/api/webhooks/${hook.id}`)).body).toEqual(before);
    expect((await admin.call('PATCH', '/api/webhooks/00000000-0000-7000-8000-000000000000', { body: { active: false } })).status).toBe(404);
    await admin.call('DELETE', `/api/webhooks/${hook.id}`);
  });

  it('non-admins get 403 on every route', async () => {
    const hook = await subscribe({ url: 'https://example.com/admin-only', events: ['record.created'] });
    for (const res of [
      await staff.get('/api/webhooks'),
      await staff.post('/api/webhooks', { url: 'https://example.com/x', events: ['record.created'] }),
      await staff.get(`/api/webhooks/${hook.id}`),
      await staff.call('PATCH', `/api/webhooks/${hook.id}`, { body: { active: false } }),
      await staff.call('DELETE', `/api/webhooks/${hook.id}`),
      await staff.post(`/api/webhooks/${hook.id}/test`),
      await staff.get(`/api/webhooks/${hook.id}/deliveries`),
    ]) {
      expect(res.status).toBe(403);
    }
    expect((await admin.get(`/api/webhooks/${hook.id}`)).body.active).toBe(true);
  });

  it('another company cannot see, change, test or delete our webhooks, and our events do not reach theirs', async () => {
    const ours = await subscribe({ url: `${receiverUrl}/ours`, events: ['record.created'] });
    const theirs = await rival.post('/api/webhooks', { url: `${receiverUrl}/rival`, events: ['record.created', 'record.updated'] });
    expect(theirs.status, theirs.text).toBe(201);
    const list = await rival.get('/api/webhooks');
    expect(list.body.items.map((w: { id: string }) => w.id)).toEqual([theirs.body.id]);
    for (const res of [
      await rival.get(`/api/webhooks/${ours.id}`),
      await rival.call('PATCH', `/api/webhooks/${ours.id}`, { body: { url: `${receiverUrl}/stolen` } }),
      await rival.post(`/api/webhooks/${ours.id}/test`),
      await rival.post(`/api/webhooks/${ours.id}/rotate-secret`),
      await rival.get(`/api/webhooks/${ours.id}/deliveries`),
      await rival.call('DELETE', `/api/webhooks/${ours.id}`),
    ]) {
      expect(res.status).toBe(404);
    }
    expect((await admin.get(`/api/webhooks/${ours.id}`)).body).toMatchObject({ url: `${receiverUrl}/ours`, active: true });

    const created = await admin.post('/api/forms/customer/records', { data: newCustomer() });
    await until('our event', () => at('/ours').find((r) => r.json.record?.id === created.body.id));
    expect(at('/rival')).toHaveLength(0);
    // RLS: the app role sees only its tenant's deliveries even with no WHERE.
    expect((await rival.get(`/api/webhooks/${theirs.body.id}/deliveries`)).body.items).toHaveLength(0);
  });

  it('every route is in the OpenAPI document with the schemas from schemas/api', async () => {
    const doc = (await (await fetch(`${server.baseUrl}/api/docs-json`)).json()) as { paths: Record<string, Record<string, unknown>>; components: { schemas: Record<string, unknown> } };
    expect(Object.keys(doc.paths['/api/webhooks']!)).toEqual(expect.arrayContaining(['get', 'post']));
    expect(Object.keys(doc.paths['/api/webhooks/{id}']!)).toEqual(expect.arrayContaining(['get', 'patch', 'delete']));
    for (const path of ['/api/webhooks/{id}/test', '/api/webhooks/{id}/rotate-secret', '/api/webhooks/{id}/deliveries/{deliveryId}/redeliver']) expect(doc.paths[path]).toHaveProperty('post');
    expect(doc.paths['/api/webhooks/{id}/deliveries']).toHaveProperty('get');
    for (const name of ['Webhook', 'WebhookCreateRequest', 'WebhookUpdateRequest', 'WebhookDelivery', 'WebhookEventType']) expect(doc.components.schemas).toHaveProperty(name);
  });

  it('deleting a webhook removes it and its log (audited)', async () => {
    const hook = await subscribe({ url: `${receiverUrl}/gone`, events: ['record.deleted'] });
    const ping = await admin.post(`/api/webhooks/${hook.id}/test`);
    await until('the ping', () => at('/gone').find((r) => r.headers['x-credo-delivery'] === ping.body.id));
    await until('its log', async () => (await ownerQuery<{ n: number }>(server.databaseUrl, 'SELECT count(*)::int AS n FROM webhook_attempts WHERE delivery_id = $1', [ping.body.id]))[0]!.n === 1 || undefined);
    const res = await admin.call('DELETE', `/api/webhooks/${hook.id}`);
    expect(res.status).toBe(204);
    expect((await admin.get(`/api/webhooks/${hook.id}`)).status).toBe(404);
    expect((await admin.call('DELETE', `/api/webhooks/${hook.id}`)).status).toBe(404);
    const [left] = await ownerQuery<{ d: number; a: number }>(
      server.databaseUrl,
      'SELECT (SELECT count(*)::int FROM webhook_deliveries WHERE subscription_id = $1) AS d, (SELECT count(*)::int FROM webhook_attempts WHERE delivery_id = $2) AS a',
      [hook.id, ping.body.id],
    );
    expect(left).toEqual({ d: 0, a: 0 });
    const audit = await admin.get('/api/audit?action=webhook.delete');
    expect(audit.body.items.map((a: { entityId: string }) => a.entityId)).toContain(hook.id);
  });
});
