import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Clock } from '../../apps/api/src/common/clock.js';
import { JobsService } from '../../apps/api/src/modules/jobs/jobs.service.js';
import { api, login } from '../support/http.js';
import { uniqueName, uniqueUscc } from '../support/factories.js';
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
    expect(rows).toEqual(
      expect.arrayContaining([
        { name: 'rules-nightly', cron: '0 2 * * *', timezone: 'Asia/Shanghai' },
        { name: 'reminders-daily', cron: '0 8 * * *', timezone: 'Asia/Shanghai' },
      ]),
    );
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

  it('the nightly job moves a receivable from 1-30 to 31-60 as days pass (injected clock)', async () => {
    const me = (await admin.get('/api/auth/me')).body;
    const customer = await admin.post('/api/forms/customer/records', {
      data: { name: uniqueName('时钟'), customer_type: '企业', country: 'CN', uscc: uniqueUscc(), contact_name: '张三', sales_owner: me.id },
    });
    const clock = server.server.app.get(Clock);
    // Days relative to the server's business date (Asia/Shanghai), not the machine's UTC date.
    const today = clock.today('Asia/Shanghai');
    const day = (offset: number) => new Date(Date.parse(`${today}T00:00:00Z`) + offset * 86_400_000).toISOString().slice(0, 10);
    const receivable = await admin.post('/api/forms/receivable/records', {
      data: { customer: customer.body.id, amount: '1000.00', biz_date: day(-40), invoice_date: day(-40), term_days: 20 },
    });
    expect(receivable.status, receivable.text).toBe(201);
    expect(receivable.body.data).toMatchObject({ days_overdue: 20, overdue_bucket: '1-30' });
    const realNow = clock.now.bind(clock);
    clock.now = () => new Date(realNow().getTime() + 15 * 86_400_000);
    try {
      const report = await server.server.app.get(JobsService).reevaluateAll();
      expect(report.recomputed).toBeGreaterThan(0);
    } finally {
      clock.now = realNow;
    }
    const after = await admin.get(`/api/forms/receivable/records/${receivable.body.id}`);
    expect(after.body.data).toMatchObject({ days_overdue: 35, overdue_bucket: '31-60' });
    expect((await admin.get(`/api/forms/receivable/records/${receivable.body.id}/revisions`)).body.items[0]).toMatchObject({
      action: 'recompute',
      changes: { days_overdue: { from: 20, to: 35 }, overdue_bucket: { from: '1-30', to: '31-60' } },
    });
  });
});
