import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, login } from '../support/http.js';
import { uniqueName, uniqueUscc } from '../support/factories.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { mailText, startSmtpPeer } from '../support/smtp.js';

let server: TestServer;
let smtp: Awaited<ReturnType<typeof startSmtpPeer>>;
let admin: ReturnType<typeof api>;
const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());
const day = (offset: number) => new Date(Date.parse(`${today}T00:00:00Z`) + offset * 86_400_000).toISOString().slice(0, 10);

beforeAll(async () => {
  smtp = await startSmtpPeer();
  server = await startTestServer({ demoCustomers: 0, config: { smtpUrl: smtp.url } });
  admin = api(server.baseUrl, await login(server.baseUrl, 'admin@demo.local'));
});
afterAll(async () => {
  await server?.close();
  await smtp?.close();
});

describe('dunning reminders by e-mail', () => {
  it('one e-mail per customer with the items at a new stage; disputed and paid items left out; each stage sent once', async () => {
    const me = (await admin.get('/api/auth/me')).body;
    const customer = async (extra: Record<string, unknown>) =>
      (await admin.post('/api/forms/customer/records', {
        data: { name: uniqueName('催收'), customer_type: '企业', country: 'CN', uscc: uniqueUscc(), contact_name: '张三', sales_owner: me.id, ...extra },
      })).body;
    const withMail = await customer({ email: 'ap@customer.example' });
    const noMail = await customer({});
    const receivable = async (customerId: string, bizOffset: number, extra: Record<string, unknown> = {}) => {
      const res = await admin.post('/api/forms/receivable/records', {
        data: { customer: customerId, amount: '1000.00', biz_date: day(bizOffset), invoice_date: day(bizOffset), term_days: 30, ...extra },
      });
      expect(res.status, res.text).toBe(201);
      return res.body.data.ar_no as string;
    };
    const dueSoon = await receivable(withMail.id, -25); // due in 5 days: S0
    const overdue = await receivable(withMail.id, -40); // 10 days late: S2
    await receivable(withMail.id, -40, { disputed: true, dispute_reason: '质量争议' }); // paused
    await receivable(withMail.id, -40, { received: '1000.00' }); // paid
    await receivable(noMail.id, -40); // nobody to write to

    const run = await admin.post('/api/reminders/run');
    expect(run.status, run.text).toBe(200);
    expect(run.body).toMatchObject({ emails: 1, items: 2, skippedNoEmail: 1 });
    expect(smtp.mails).toHaveLength(1);
    expect(smtp.mails[0]!.to).toEqual(['ap@customer.example']);
    const text = mailText(smtp.mails[0]!.raw);
    expect(text).toContain(withMail.data.name);
    expect(text).toContain('2 笔');
    expect(text).toContain(dueSoon);
    expect(text).toContain(overdue);
    expect(text).toContain('已逾期 10 天');
    expect(text).toContain('演示公司');

    const again = await admin.post('/api/reminders/run');
    expect(again.body).toMatchObject({ emails: 0, items: 0 });
    expect(smtp.mails).toHaveLength(1);
  });

  it('only admins and credit managers send reminders', async () => {
    const staff = api(server.baseUrl, await login(server.baseUrl, 'staff@demo.local'));
    expect((await staff.post('/api/reminders/run')).status).toBe(403);
  });
});

describe('without SMTP_URL', () => {
  it('sends nothing and records nothing as sent, so a later run with SMTP still sends the stage', async () => {
    const bare = await startTestServer({ demoCustomers: 0 });
    try {
      const admin2 = api(bare.baseUrl, await login(bare.baseUrl, 'admin@demo.local'));
      const me = (await admin2.get('/api/auth/me')).body;
      const customer = (await admin2.post('/api/forms/customer/records', {
        data: { name: uniqueName('无邮件'), customer_type: '企业', country: 'CN', uscc: uniqueUscc(), contact_name: '李四', sales_owner: me.id, email: 'ap@nosmtp.example' },
      })).body;
      const res = await admin2.post('/api/forms/receivable/records', {
        data: { customer: customer.id, amount: '500.00', biz_date: day(-40), invoice_date: day(-40), term_days: 30 },
      });
      expect(res.status, res.text).toBe(201);
      const run = await admin2.post('/api/reminders/run');
      expect(run.status, run.text).toBe(200);
      expect(run.body).toMatchObject({ emails: 0, skippedNoSmtp: 1 });
      const pg = await import('pg');
      const client = new pg.default.Client({ connectionString: bare.databaseUrl });
      await client.connect();
      try {
        expect((await client.query('SELECT count(*)::int AS n FROM reminders_sent')).rows[0].n).toBe(0);
      } finally {
        await client.end();
      }
    } finally {
      await bare.close();
    }
  });
});
