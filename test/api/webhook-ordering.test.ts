import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uniqueName, uniqueUscc } from '../support/factories.js';
import { api, login } from '../support/http.js';
import { ownerQuery, startTestServer, type TestServer } from '../support/server.js';

/**
 * Per-webhook, per-record ordering: a later event of a record waits while an earlier one for the
 * same webhook is pending or retrying, and goes once that one is delivered or finally failed.
 * Real API with pg-boss, a real receiver on 127.0.0.1 (private networks allowed), 1 s retry base.
 */
interface Hit {
  path: string;
  type: string;
  recordId: string | undefined;
  rev: number | undefined;
  status: number;
  at: number;
}

let server: TestServer;
let admin: ReturnType<typeof api>;
let adminId: string;
let receiver: Server;
let receiverUrl: string;
const hits: Hit[] = [];
/** Status codes to answer next, per path (then 200). */
const scripted = new Map<string, number[]>();
const RETRY_BASE_MS = 1000;
const TIMEOUT_MS = 600;

beforeAll(async () => {
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      // A receiver that answers the headers and then stalls, and one that never answers.
      if (req.url === '/stalls') return void res.writeHead(200, { 'content-type': 'text/plain' }).write('partial…');
      if (req.url === '/silent') return;
      const json = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      const path = req.url ?? '/';
      const status = scripted.get(path)?.shift() ?? 200;
      hits.push({ path, type: json.type, recordId: json.record?.id, rev: json.record?.rev, status, at: Date.now() });
      res.writeHead(status).end(status === 200 ? 'ok' : 'down');
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
  server = await startTestServer({ demoCustomers: 5, config: { jobs: true, webhookRetryBaseMs: RETRY_BASE_MS, webhookTimeoutMs: TIMEOUT_MS, webhookAllowPrivateNetworks: true } });
  admin = api(server.baseUrl, await login(server.baseUrl, 'admin@demo.local'));
  adminId = (await admin.get('/api/auth/me')).body.id;
}, 120_000);
afterAll(async () => {
  await server?.close();
  await new Promise((resolve) => receiver?.close(resolve));
});

async function until<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, ms = 20_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

async function subscribe(path: string): Promise<string> {
  const res = await admin.post('/api/webhooks', { url: `${receiverUrl}${path}`, events: ['record.created', 'record.updated'], form: 'customer' });
  expect(res.status, res.text).toBe(201);
  return res.body.id as string;
}

async function createCustomer(): Promise<string> {
  const res = await admin.post('/api/forms/customer/records', {
    data: { name: uniqueName('顺序'), customer_type: '企业', country: 'CN', uscc: uniqueUscc(), contact_name: '张三', sales_owner: adminId },
  });
  expect(res.status, res.text).toBe(201);
  return res.body.id as string;
}

async function rename(id: string, rev: number, contact: string): Promise<void> {
  const res = await admin.call('PATCH', `/api/forms/customer/records/${id}`, { body: { data: { contact_name: contact } }, headers: { 'if-match': `"${rev}"` } });
  expect(res.status, res.text).toBe(200);
}

const of = (path: string, recordId: string) => hits.filter((h) => h.path === path && h.recordId === recordId);

describe('deliveries of one webhook for one record go out in event order', () => {
  it('an update waits while the create is retrying, then follows it; another record is not held up', async () => {
    await subscribe('/ordered');
    scripted.set('/ordered', [503]);
    const id = await createCustomer();
    const failed = await until('the failed first attempt of the create', () => of('/ordered', id).find((h) => h.type === 'record.created'));
    expect(failed.status).toBe(503);
    // Event 2 happens while event 1 waits for its retry (1 s away).
    await rename(id, 1, '李四');
    // A different record of the same webhook goes straight through.
    const other = await createCustomer();
    const otherHit = await until('the other record', () => of('/ordered', other)[0]);
    const list = await until('create delivered, then update', () => {
      const l = of('/ordered', id);
      return l.length >= 3 ? l : undefined;
    });
    expect(list.map((h) => [h.type, h.rev, h.status])).toEqual([
      ['record.created', 1, 503],
      ['record.created', 1, 200],
      ['record.updated', 2, 200],
    ]);
    expect(list[1]!.at - failed.at).toBeGreaterThanOrEqual(RETRY_BASE_MS - 50);
    expect(list[2]!.at).toBeGreaterThanOrEqual(list[1]!.at);
    expect(otherHit.at).toBeLessThan(list[1]!.at);
    // Nothing more arrives for it.
    await new Promise((r) => setTimeout(r, 300));
    expect(of('/ordered', id)).toHaveLength(3);
  });

  it('a create that never gets through does not block the update forever: after its last attempt the update goes', async () => {
    const hook = await subscribe('/dead');
    // Six 503s: every attempt of the create fails; then the receiver is up again.
    scripted.set('/dead', [503, 503, 503, 503, 503, 503]);
    const id = await createCustomer();
    await until('the first attempt', () => of('/dead', id)[0]);
    await rename(id, 1, '王五');
    const [created] = await ownerQuery<{ id: string }>(
      server.databaseUrl,
      `SELECT id FROM webhook_deliveries WHERE subscription_id = $1 AND event_type = 'record.created' AND payload->'record'->>'id' = $2`,
      [hook, id],
    );
    // Fast-forward the create's backoff (1 s, 6 s, 30 s, …) attempt by attempt.
    for (let attempt = 2; attempt <= 6; attempt++) {
      await until(`attempt ${attempt - 1} logged`, async () => {
        const [row] = await ownerQuery<{ attempts: number; status: string }>(server.databaseUrl, 'SELECT attempts, status FROM webhook_deliveries WHERE id = $1', [created!.id]);
        return row!.attempts >= attempt - 1 && row!.status === 'pending' ? true : undefined;
      });
      // The update is still held back while the create has attempts left.
      expect(of('/dead', id).filter((h) => h.type === 'record.updated')).toHaveLength(0);
      await ownerQuery(server.databaseUrl, `UPDATE webhook_deliveries SET next_attempt_at = now() WHERE id = $1 AND status = 'pending'`, [created!.id]);
    }
    const update = await until('the update after the final failure', () => of('/dead', id).find((h) => h.type === 'record.updated'));
    const list = of('/dead', id);
    expect(list.map((h) => [h.type, h.status])).toEqual([...Array(6).fill(['record.created', 503]), ['record.updated', 200]]);
    expect(update.at).toBeGreaterThanOrEqual(list[5]!.at);
    const log = await admin.get(`/api/webhooks/${hook}/deliveries`);
    expect(log.body.items.map((d: { event: string; status: string; attempts: number }) => [d.event, d.status, d.attempts])).toEqual([
      ['record.updated', 'delivered', 1],
      ['record.created', 'failed', 6],
    ]);
  });
});

describe('a receiver that does not finish its answer in time', () => {
  it('silent or stalling mid-body: the attempt is logged as a timeout and retried', async () => {
    for (const path of ['/silent', '/stalls']) {
      const hook = await subscribe(path);
      const ping = await admin.post(`/api/webhooks/${hook}/test`);
      expect(ping.status).toBe(202);
      const d = await until(`the first attempt to ${path}`, async () => {
        const log = await admin.get(`/api/webhooks/${hook}/deliveries`);
        const x = log.body.items.find((i: { id: string }) => i.id === ping.body.id);
        return x?.attempts >= 1 ? x : undefined;
      });
      expect(d, path).toMatchObject({ status: 'pending', lastError: `timeout after ${TIMEOUT_MS} ms` });
      expect(d.lastDurationMs).toBeGreaterThanOrEqual(TIMEOUT_MS - 20);
      expect(d.lastDurationMs).toBeLessThan(TIMEOUT_MS + 1000);
      await admin.call('DELETE', `/api/webhooks/${hook}`);
    }
  });
});
