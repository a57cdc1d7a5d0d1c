import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AlertMessages1765000000000 } from '../../apps/api/src/database/migrations/1765000000000-alert-messages.js';
import { uniqueName, uniqueUscc } from '../support/factories.js';
import { api, login } from '../support/http.js';
import { ownerQuery, runMigrationStep, startTestServer, type TestServer } from '../support/server.js';

/**
 * Risk alerts are stored with their message in zh-CN and en (the rule's templates with the
 * record's figures) and read in the reader's language; `message` as stored stays Chinese for
 * integrations; alerts stored before are given the English text by a migration.
 */
let server: TestServer;
let admin: ReturnType<typeof api>;
let adminId: string;

const CJK = /[\u4e00-\u9fff]/;
const EN = { 'accept-language': 'en' };

beforeAll(async () => {
  server = await startTestServer({ demoCustomers: 40 });
  admin = api(server.baseUrl, await login(server.baseUrl, 'admin@demo.local'));
  adminId = (await admin.get('/api/auth/me')).body.id;
});
afterAll(() => server?.close());

interface Alert {
  code: string;
  rule: string;
  message: string;
  messages?: { 'zh-CN': string; en?: string };
}

async function alertsRead(headers?: Record<string, string>): Promise<Map<string, Alert[]>> {
  const out = new Map<string, Alert[]>();
  let cursor: string | null = null;
  do {
    const page = await admin.get(`/api/forms/customer/records?limit=200&include=rules${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, headers);
    expect(page.status, page.text).toBe(200);
    for (const item of page.body.items) if (item.rules?.alerts?.length) out.set(item.id, item.rules.alerts);
    cursor = page.body.nextCursor ?? null;
  } while (cursor);
  return out;
}

const stored = () =>
  ownerQuery<{ record_id: string; alerts: Alert[] }>(server.databaseUrl, `SELECT record_id, alerts FROM record_rule_results WHERE jsonb_array_length(alerts) > 0 ORDER BY record_id`);

const migrate = (step: 'up' | 'down') => runMigrationStep(server.databaseUrl, new AlertMessages1765000000000(), step);

describe('alert messages in the reader’s language', () => {
  it('the alerts of the seeded rules read in English with an English Accept-Language, in Chinese otherwise; stored message stays zh-CN', async () => {
    const zh = await alertsRead();
    const en = await alertsRead(EN);
    const all = [...en.values()].flat();
    expect(all.length).toBeGreaterThan(3);
    for (const [id, alerts] of en) {
      for (const [i, a] of alerts.entries()) {
        expect(a.message, a.code).not.toMatch(CJK);
        expect(a.message).toBe(a.messages?.en);
        expect(zh.get(id)![i]!.message).toMatch(CJK);
        expect(zh.get(id)![i]!.message).toBe(a.messages?.['zh-CN']);
      }
    }
    // The figures are in both: "信用敞口{exposure}超过信用额度{credit_limit}…" / "Exposure {exposure} exceeds the credit limit {credit_limit}…".
    const over = all.find((a) => a.code === 'OVER_LIMIT');
    if (over) expect(over.message).toMatch(/^Exposure [\d.]+ exceeds the credit limit [\d.]+: new credit orders need the credit controller$/);
    for (const row of await stored()) for (const a of row.alerts) expect(a.message).toBe(a.messages?.['zh-CN']);
  });

  it('rules run on an English request still store the Chinese message, and an English reader gets English', async () => {
    const customer = await admin.post(
      '/api/forms/customer/records',
      { data: { name: uniqueName('告警'), customer_type: '企业', country: 'CN', uscc: uniqueUscc(), contact_name: '张三', sales_owner: adminId } },
      EN,
    );
    expect(customer.status, customer.text).toBe(201);
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());
    const old = new Date(Date.parse(`${today}T00:00:00Z`) - 150 * 86_400_000).toISOString().slice(0, 10);
    const receivable = await admin.post(
      '/api/forms/receivable/records',
      { data: { customer: customer.body.id, amount: '5000.00', biz_date: old, invoice_date: old, term_days: 30 } },
      EN,
    );
    expect(receivable.status, receivable.text).toBe(201);
    expect((await admin.post('/api/forms/customer/rules/evaluate', {}, EN)).status).toBe(200);
    const [row] = await ownerQuery<{ alerts: Alert[] }>(server.databaseUrl, 'SELECT alerts FROM record_rule_results WHERE record_id = $1', [customer.body.id]);
    const overdue = row!.alerts.find((a) => a.code === 'OVERDUE_90')!;
    expect(overdue.message).toMatch(/^存在逾期\d+天的应收（>90天），客户已冻结$/);
    expect(overdue.messages?.en).toMatch(/^A receivable is \d+ days overdue \(> 90\): customer frozen$/);

    const readEn = await admin.get(`/api/forms/customer/records/${customer.body.id}`, EN);
    expect(readEn.body.rules.alerts.find((a: Alert) => a.code === 'OVERDUE_90').message).toBe(overdue.messages?.en);
    const readZh = await admin.get(`/api/forms/customer/records/${customer.body.id}`, { 'accept-language': 'zh-CN' });
    expect(readZh.body.rules.alerts.find((a: Alert) => a.code === 'OVERDUE_90').message).toBe(overdue.message);
  });

  it('alerts stored before (one text, in either language) get both texts from the migration; down removes them', async () => {
    const before = await stored();
    expect(before.length).toBeGreaterThan(0);
    // As stored before: no `messages`; one alert's text in English (an English request ran the rules).
    await ownerQuery(
      server.databaseUrl,
      `UPDATE record_rule_results x SET alerts = (SELECT jsonb_agg(e.a - 'messages' ORDER BY e.ord) FROM jsonb_array_elements(x.alerts) WITH ORDINALITY e(a, ord))
       WHERE jsonb_array_length(alerts) > 0`,
    );
    const victim = before[0]!;
    await ownerQuery(server.databaseUrl, `UPDATE record_rule_results SET alerts = jsonb_set(alerts, '{0,message}', to_jsonb($2::text)) WHERE record_id = $1`, [
      victim.record_id,
      victim.alerts[0]!.messages!.en!,
    ]);
    const en = await alertsRead(EN);
    expect([...en.values()].flat().some((a) => CJK.test(a.message))).toBe(true);

    await migrate('up');
    expect(await stored()).toEqual(before);
    const enAfter = await alertsRead(EN);
    for (const a of [...enAfter.values()].flat()) expect(a.message, a.code).not.toMatch(CJK);

    await migrate('down');
    for (const row of await stored()) for (const a of row.alerts) expect(a.messages).toBeUndefined();
    await migrate('up');
    expect(await stored()).toEqual(before);
  });
});
