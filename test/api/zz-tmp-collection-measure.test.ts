import { afterAll, beforeAll, expect, it } from 'vitest';
import { api, login } from '../support/http.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { startSmtpPeer } from '../support/smtp.js';

let server: TestServer;
let smtp: Awaited<ReturnType<typeof startSmtpPeer>>;
beforeAll(async () => {
  smtp = await startSmtpPeer();
  server = await startTestServer({ demoCustomers: 500, config: { smtpUrl: smtp.url } });
}, 300_000);
afterAll(async () => { await server?.close(); await smtp?.close(); });

it('measure', async () => {
  const admin = api(server.baseUrl, await login(server.baseUrl, 'admin@demo.local'));
  let t = performance.now();
  const first = await admin.post('/api/reminders/run', {});
  const firstMs = performance.now() - t;
  t = performance.now();
  const second = await admin.post('/api/reminders/run', {});
  const secondMs = performance.now() - t;
  t = performance.now();
  const list = await admin.get('/api/forms/customer/records?limit=100&include=rollups');
  const listMs = performance.now() - t;
  t = performance.now();
  await admin.get('/api/forms/customer/records?limit=100&include=rollups');
  const list2Ms = performance.now() - t;
  const tasks = await admin.get('/api/forms/collection_task/records?limit=1&total=true');
  console.log(JSON.stringify({ first: first.body, firstMs, second: second.body, secondMs, listMs, list2Ms, mails: smtp.mails.length, tasks: tasks.body.total, broken: list.body.items.filter((c: any) => c.rollups.broken_promises_90d > 0).length }));
  expect(first.status).toBe(200);
}, 300_000);
