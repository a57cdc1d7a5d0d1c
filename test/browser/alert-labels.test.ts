import { beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { TestServer } from '../support/server.js';
import { api, login } from '../support/http.js';
import { screenshot, signIn, useBrowserSuite } from '../support/browser.js';

/**
 * In English, a customer's risk alerts (stored when the rules ran) read in English, and the
 * rule explanation says a rollup's values with the related field's option labels (公共记录
 * 失信被执行人 → Dishonest judgment debtor); in Chinese both read in Chinese again.
 */
const CJK = /[\u4e00-\u9fff]/;

interface Alert {
  code: string;
  message: string;
  messages?: { 'zh-CN': string; en?: string };
}

describe('alerts and rollup values in the UI language: record view and customer 360 (real API, real Chromium)', () => {
  const suite = useBrowserSuite({ server: { demoCustomers: 30 } });
  let server: TestServer;
  let page: Page;
  let customer: { id: string; alerts: Alert[] };

  beforeAll(async () => {
    ({ server, page } = suite);
    const admin = api(server.baseUrl, await login(server.baseUrl, 'admin@demo.local'));
    const list = await admin.get('/api/forms/customer/records?limit=100&include=rules');
    // A 高风险 customer with alerts: its explanation shows the high-risk case's conditions (public_record ∈ [失信被执行人, …]).
    const risky = (list.body.items as Array<{ id: string; rules?: { values?: { customer_class?: string }; alerts?: Alert[] } }>)
      .filter((r) => r.rules?.values?.customer_class === '高风险' && r.rules.alerts?.some((a) => a.messages?.en))
      .map((r) => ({ id: r.id, alerts: r.rules!.alerts! }));
    expect(risky.length).toBeGreaterThan(0);
    customer = risky[0]!;
    await signIn(page, server.baseUrl, 'admin@demo.local');
    await page.evaluate(() => localStorage.setItem('credo.locale', 'en'));
  });

  it('the record view says the alerts and the public-record condition in English', async () => {
    await page.goto(`${server.baseUrl}/forms/customer/records/${customer.id}`);
    const rules = page.getByTestId('rule-results');
    await rules.waitFor();
    const alerts = rules.locator('.alerts [data-alert]');
    await expect.poll(() => alerts.count()).toBe(customer.alerts.length);
    const texts = await alerts.allInnerTexts();
    for (const a of customer.alerts.filter((x) => x.messages?.en)) expect(texts.join('\n')).toContain(a.messages!.en);
    for (const text of texts) expect(text).not.toMatch(CJK);
    await rules.getByTestId('rule-why').click();
    const why = await rules.locator('.conditions').allInnerTexts();
    expect(why.join('\n')).toContain('Dishonest judgment debtor');
    expect(why.join('\n')).not.toContain('失信被执行人');
    await screenshot(page, 'alert-labels-record-en', { fullPage: true });
  });

  it('the rule designer says option values by their labels and edits the English title in English', async () => {
    await page.goto(`${server.baseUrl}/forms/customer/rules`);
    await page.getByTestId('rules-list').waitFor();
    const title = page.getByTestId('rule-title');
    await expect.poll(() => title.inputValue(), { timeout: 15_000 }).toBe('Customer classification');
    const highRisk = page.locator('[data-testid="rule-case"][data-case="high_risk"]');
    await expect(highRisk.locator('.case-value').innerText()).resolves.toContain('High risk');
    // The public-record condition's values (a rollup of credit_assessment.public_record) by their English labels.
    const editor = await page.locator('.case').first().innerText();
    expect(editor).toContain('Dishonest judgment debtor');
    expect(editor).not.toMatch(CJK);
    await screenshot(page, 'alert-labels-rule-designer-en', { fullPage: true });
    // The receivable's blacklist check: 客户信用状态 = 黑名单 (a customer field carried as a rollup) says Blacklisted.
    await page.goto(`${server.baseUrl}/forms/receivable/rules`);
    await page.getByTestId('rules-list').getByText('No receivables for blacklisted customers').click();
    await expect.poll(() => page.getByTestId('cond-leaf').first().innerText(), { timeout: 15_000 }).toContain('Blacklisted');
  });

  it('receivables say their status and buckets (text formulas with labelled results) in English', async () => {
    const zh = ['已核销', '已结清', '争议中', '逾期', '部分回款', '未到期', '1年以内', '5年以上'];
    const admin = api(server.baseUrl, await login(server.baseUrl, 'admin@demo.local'));
    const list = await admin.get(`/api/forms/receivable/records?limit=1&filter=${encodeURIComponent(JSON.stringify({ customer: { eq: customer.id } }))}`);
    expect(list.status, list.text).toBe(200);
    const receivable = list.body.items[0] as { id: string; data: { status: string } };
    await page.goto(`${server.baseUrl}/forms/receivable/records/${receivable.id}`);
    await page.getByText('Aging bracket').first().waitFor({ timeout: 15_000 });
    const view = await page.locator('main').innerText();
    expect(view).toMatch(/Within 1 year|1–2 years|2–3 years|3–4 years|4–5 years|Over 5 years/);
    expect(view).toMatch(/Settled|Not yet due|Overdue|In dispute|Partly paid|Written off/);
    for (const word of zh) expect(view).not.toContain(word);
    // Customer 360's receivables list too.
    await page.goto(`${server.baseUrl}/customers/${customer.id}`);
    const related = page.getByTestId('related-receivable');
    await related.locator('.el-table__body tr').first().waitFor({ timeout: 15_000 });
    const rows = await related.innerText();
    expect(rows).toMatch(/Settled|Not yet due|Overdue|In dispute|Partly paid|Written off/);
    for (const word of zh) expect(rows).not.toContain(word);
  });

  it('customer 360 says the latest assessment’s public record by its English label', async () => {
    const admin = api(server.baseUrl, await login(server.baseUrl, 'admin@demo.local'));
    const list = await admin.get('/api/forms/customer/records?limit=100&include=rollups');
    const withRecord = (list.body.items as Array<{ id: string; rollups?: { public_record?: string | null } }>).find((c) => c.rollups?.public_record);
    expect(withRecord).toBeDefined();
    const form = await admin.get('/api/forms/credit_assessment');
    const option = (form.body.version.definition.fields as Array<{ key: string; options?: Array<{ value: string; label: { en: string } }> }>)
      .find((f) => f.key === 'public_record')!
      .options!.find((o) => o.value === withRecord!.rollups!.public_record)!;
    await page.goto(`${server.baseUrl}/customers/${withRecord!.id}`);
    await expect.poll(() => page.getByTestId('c360-public-record').innerText(), { timeout: 15_000 }).toBe(option.label.en);
  });

  it('customer 360 says the alerts in English; in Chinese they read in Chinese again', async () => {
    await page.goto(`${server.baseUrl}/customers/${customer.id}`);
    const rules = page.getByTestId('rule-results');
    await rules.waitFor({ timeout: 15_000 });
    const alerts = rules.locator('.alerts [data-alert]');
    await expect.poll(() => alerts.count()).toBe(customer.alerts.length);
    for (const text of await alerts.allInnerTexts()) expect(text).not.toMatch(CJK);

    await page.evaluate(() => localStorage.setItem('credo.locale', 'zh-CN'));
    await page.goto(`${server.baseUrl}/forms/customer/records/${customer.id}`);
    const zh = page.getByTestId('rule-results');
    await zh.waitFor();
    await expect.poll(() => zh.locator('.alerts [data-alert]').allInnerTexts()).toEqual(expect.arrayContaining([expect.stringContaining(customer.alerts[0]!.messages!['zh-CN'])]));
    await zh.getByTestId('rule-why').click();
    expect((await zh.locator('.conditions').allInnerTexts()).join('\n')).toContain('失信被执行人');
  });
});
