import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, login } from '../support/http.js';
import { ownerQuery, startTestServer, type TestServer } from '../support/server.js';

let server: TestServer;
let admin: ReturnType<typeof api>;

beforeAll(async () => {
  server = await startTestServer({ demoCustomers: 15, config: { jobs: true } });
  admin = api(server.baseUrl, await login(server.baseUrl, 'admin@demo.local'));
});
afterAll(() => server?.close());

describe('background jobs (pg-boss)', () => {
  it('schedules the nightly rule re-evaluation at 02:00 in the business time zone', async () => {
    const rows = await ownerQuery<{ name: string; cron: string; timezone: string }>(server.databaseUrl, 'SELECT name, cron, timezone FROM pgboss.schedule');
    expect(rows).toEqual([{ name: 'rules-nightly', cron: '0 2 * * *', timezone: 'Asia/Shanghai' }]);
  });

  it('runs it on demand: every record of every rule-governed form is evaluated again', async () => {
    const [{ before }] = await ownerQuery<{ before: Date }>(server.databaseUrl, 'SELECT max(computed_at) AS before FROM record_rule_results');
    const queued = await admin.post('/api/jobs/rules-nightly/run');
    expect(queued.status).toBe(202);
    let state = '';
    for (let i = 0; i < 120 && state !== 'completed' && state !== 'failed'; i++) {
      await new Promise((r) => setTimeout(r, 250));
      state = (await admin.get(`/api/jobs/rules-nightly/${queued.body.id}`)).body.state;
    }
    expect(state).toBe('completed');
    const [{ stale, total }] = await ownerQuery<{ stale: number; total: number }>(
      server.databaseUrl,
      'SELECT count(*) FILTER (WHERE computed_at <= $1)::int AS stale, count(*)::int AS total FROM record_rule_results',
      [before],
    );
    expect(total).toBeGreaterThan(15);
    expect(stale).toBe(0);
  });

  it('only admins may start jobs', async () => {
    const staff = api(server.baseUrl, await login(server.baseUrl, 'staff@demo.local'));
    expect((await staff.post('/api/jobs/rules-nightly/run')).status).toBe(403);
  });
});
