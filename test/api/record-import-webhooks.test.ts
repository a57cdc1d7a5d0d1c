import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, login } from '../support/http.js';
import { uniqueName } from '../support/factories.js';
import { startTestServer, type TestServer } from '../support/server.js';

/** Imported rows reach webhook subscribers as record.created events, one per row (the revisions trigger). */
let server: TestServer;
let adminToken: string;
let receiver: Server;
let receiverUrl: string;
const received: Array<{ path: string; json: { type: string; record: { id: string; data: Record<string, unknown> }; changes: Record<string, unknown> } }> = [];

beforeAll(async () => {
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ path: req.url ?? '/', json: JSON.parse(Buffer.concat(chunks).toString('utf8')) });
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
  server = await startTestServer({ demoCustomers: 3, config: { jobs: true, webhookRetryBaseMs: 100, webhookAllowPrivateNetworks: true } });
  adminToken = await login(server.baseUrl, 'admin@demo.local');
}, 120_000);
afterAll(async () => {
  await server?.close();
  await new Promise((resolve) => receiver?.close(resolve));
});

describe('webhooks of an import', () => {
  it('an import of 3 rows yields 3 record.created events', async () => {
    const admin = api(server.baseUrl, adminToken);
    const hook = await admin.post('/api/webhooks', { url: `${receiverUrl}/imported`, events: ['record.created'], form: 'customer' });
    expect(hook.status, hook.text).toBe(201);
    const names = [uniqueName('钩子导入'), uniqueName('钩子导入'), uniqueName('钩子导入')];
    const file = ['name,customer_type,country,contact_name,sales_owner', ...names.map((n) => `${n},个人,CN,张三,admin@demo.local`)].join('\r\n') + '\r\n';
    const res = await fetch(`${server.baseUrl}/api/forms/customer/imports?dryRun=false`, {
      method: 'POST',
      headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'text/csv' },
      body: file,
    });
    expect(res.status).toBe(201);
    await expect.poll(() => received.filter((r) => r.path === '/imported').length, { timeout: 20_000 }).toBe(3);
    const events = received.filter((r) => r.path === '/imported');
    expect(events.map((e) => e.json.type)).toEqual(['record.created', 'record.created', 'record.created']);
    expect(events.map((e) => e.json.record.data.name).sort()).toEqual([...names].sort());
    // The import stores a create revision's changes once (NULL: every field); the event still carries them.
    for (const e of events) expect(e.json.changes).toEqual(Object.fromEntries(Object.entries(e.json.record.data).map(([k, v]) => [k, { to: v }])));
  }, 60_000);
});
