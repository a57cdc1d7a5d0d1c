import { beforeAll, describe, expect, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import type { TestServer } from '../support/server.js';
import { api, login } from '../support/http.js';
import { screenshot, settled, signIn, useBrowserSuite } from '../support/browser.js';

/** Opens an Element Plus select and clicks the visible option with `text`. */
async function pick(page: Page, select: Locator, text: string): Promise<void> {
  await select.click();
  await page.locator('.el-select-dropdown__item:visible', { hasText: text }).first().click();
}

interface Leaf {
  fact: string;
  operator: string;
  value: unknown;
  params?: Record<string, unknown>;
}

/** Every leaf condition under a node. */
function leaves(node: unknown): Leaf[] {
  if (!node || typeof node !== 'object') return [];
  if ('fact' in node) return [node as Leaf];
  return Object.values(node).flatMap((v) => (Array.isArray(v) ? v.flatMap(leaves) : leaves(v)));
}

describe('rule designer: computed facts with parameters (percentOf, daysSince) shown, edited and added (real API, real Chromium)', () => {
  const suite = useBrowserSuite({ server: { demoCustomers: 5 } });
  let server: TestServer;
  let page: Page;
  let token: string;

  beforeAll(async () => {
    ({ server, page } = suite);
    token = await login(server.baseUrl, 'admin@demo.local');
    await signIn(page, server.baseUrl, 'admin@demo.local');
  });

  async function draftRules(): Promise<Array<{ id: string; kind: string; cases?: Array<{ id: string; conditions: unknown }>; conditions?: unknown }>> {
    const res = await api(server.baseUrl, token).get('/api/forms/customer/rules');
    expect(res.status).toBe(200);
    return res.body.draft.rules;
  }

  it('shows the 优质 case’s percentOf condition with its params’ labels; changing the whole is saved in the draft', async () => {
    await page.goto(`${server.baseUrl}/forms/customer/rules`);
    await page.getByTestId('rules-list').waitFor();
    // The seeded alerts are listed by their titles, not their ids.
    await expect(page.getByTestId('rule-item-overdue_90').innerText()).resolves.toContain('逾期超过90天');
    await expect(page.getByTestId('rules-list').innerText()).resolves.not.toMatch(/overdue_90|near_limit|ptp_broken/);
    await page.getByTestId('rule-item-customer_class').click();
    const leaf = page.locator('[data-path="/rules/0/cases/1/conditions/all/2/any/0"]');
    await expect.poll(() => leaf.getByTestId('cond-fact').innerText()).toContain('占比(%)');
    await expect(leaf.getByTestId('cond-params').innerText()).resolves.toMatch(/占比\(%\)：\s*逾期金额\s*÷\s*应收余额/);
    await expect(leaf.getByTestId('cond-params').getAttribute('title')).resolves.toBe('占比(%)：逾期金额 ÷ 应收余额');
    // The operators are the decimal ones (no date operators) and the line has no problem.
    await leaf.getByTestId('cond-operator').click();
    await expect.poll(() => page.locator('.el-select-dropdown__item:visible').allInnerTexts()).toContain('小于');
    await expect(page.locator('.el-select-dropdown__item:visible', { hasText: '早于' }).count()).resolves.toBe(0);
    await page.keyboard.press('Escape');
    await expect(leaf.locator('.msg').count()).resolves.toBe(0);

    // Only number / decimal facts are offered for the whole.
    await leaf.getByTestId('cond-param-whole').click();
    const offered = async () => (await page.locator('.el-select-dropdown__item:visible').allInnerTexts()).map((o) => o.split('\n')[0]!.trim());
    // (polled: the dropdown just closed may still be fading out)
    await expect.poll(async () => (await offered()).includes('信用额度') && !(await offered()).includes('小于')).toBe(true);
    expect(await offered()).toContain('应收余额');
    expect((await offered()).filter((o) => ['成立日期', '信用等级（最新有效评估）', '评估有效期至', '本公司为中小企业'].includes(o))).toEqual([]);
    await page.locator('.el-select-dropdown__item:visible', { hasText: '信用额度' }).first().click();
    await expect.poll(() => leaf.getByTestId('cond-params').getAttribute('title')).toBe('占比(%)：逾期金额 ÷ 信用额度');
    await expect.poll(() => page.getByTestId('rules-dirty').innerText()).toBe('有未保存修改');
    await settled(page);
    await screenshot(page, 'rule-designer-params', { fullPage: true });

    await page.getByTestId('rules-save').click();
    await page.locator('.el-message--success', { hasText: '规则草稿已保存' }).waitFor();
    const premium = (await draftRules()).find((r) => r.id === 'customer_class')!.cases!.find((c) => c.id === 'premium')!;
    expect(leaves(premium.conditions).find((l) => l.fact === 'percentOf')).toEqual({ fact: 'percentOf', operator: 'lessThan', value: 10, params: { part: 'overdue_amount', whole: 'credit_limit' } });

    // Tested on a record, the explanation names the computed fact the same way.
    await page.getByTestId('rules-test-run').click();
    await page.getByTestId('rules-test-result').waitFor();
    await expect.poll(() => page.getByTestId('rules-test-result').innerText()).toContain('占比(%)：逾期金额 ÷ 信用额度');
  });

  it('says on the line when a param names the wrong kind of fact (a draft from before the form changed), and clears it once fixed', async () => {
    // The API refuses such a draft, so the GET is rewritten to stand for one saved before the form changed.
    await page.route('**/api/forms/customer/rules', async (route) => {
      if (route.request().method() !== 'GET') return route.fallback();
      const res = await route.fetch();
      const body = await res.json();
      const premium = body.draft.rules.find((r: { id: string }) => r.id === 'customer_class').cases.find((c: { id: string }) => c.id === 'premium');
      premium.conditions.all[2].any[0].params = { part: 'overdue_amount', whole: 'established_on' };
      await route.fulfill({ response: res, json: body });
    });
    try {
      await page.goto(`${server.baseUrl}/forms/customer/rules`);
      await page.getByTestId('rules-list').waitFor();
      await page.getByTestId('rule-item-customer_class').click();
      const leaf = page.locator('[data-path="/rules/0/cases/1/conditions/all/2/any/0"]');
      await expect.poll(() => leaf.getByTestId('cond-param-msg-whole').innerText()).toBe('占比(%)：请为“整体”选择一个数值事实');
      await expect(leaf.locator('.param.bad').count()).resolves.toBe(1);
      await expect(leaf.getByTestId('cond-params').getAttribute('title')).resolves.toBe('占比(%)：逾期金额 ÷ 成立日期');
      await expect(leaf.getByTestId('cond-param-whole').innerText()).resolves.toContain('成立日期');
      await expect(page.getByTestId('rules-save').isDisabled()).resolves.toBe(true);
      // The summary under the editor names the rule and says the same thing.
      await expect.poll(() => page.locator('.problems').innerText()).toContain('客户分类 占比(%)：请为“整体”选择一个数值事实');
      await settled(page);
      await screenshot(page, 'rule-designer-param-problem', { fullPage: true });
      await pick(page, leaf.getByTestId('cond-param-whole'), '信用额度');
      await expect.poll(() => leaf.getByTestId('cond-param-msg-whole').count()).toBe(0);
      await expect(leaf.locator('.param.bad').count()).resolves.toBe(0);
      await expect.poll(() => page.getByTestId('rules-save').isDisabled()).toBe(false);
    } finally {
      await page.unroute('**/api/forms/customer/rules');
    }
  });

  it('adds a daysSince condition on a date field in a new alert rule, with number operators, and saves it', async () => {
    await page.getByTestId('rules-add-alert').click();
    const leaf = page.locator('.main [data-testid="cond-leaf"]').first();
    await leaf.waitFor();
    // The fact picker lists the computed facts under their own group.
    await leaf.getByTestId('cond-fact').click();
    const group = page.locator('.el-select-group__wrap:visible', { has: page.locator('.el-select-group__title', { hasText: '计算' }) });
    await expect.poll(() => group.locator('.el-select-dropdown__item').allInnerTexts()).toEqual(['距到期天数', '已过天数', '已过月数', '占比(%)']);
    await group.locator('.el-select-dropdown__item', { hasText: '已过天数' }).click();
    await leaf.getByTestId('cond-params').waitFor();
    // Only date facts for its parameter.
    await leaf.getByTestId('cond-param-fact').click();
    const dateChoices = async () => (await page.locator('.el-select-dropdown__item:visible').allInnerTexts()).map((o) => o.split('\n')[0]!.trim());
    await expect.poll(dateChoices).toEqual(['成立日期', '评估有效期至']);
    await page.locator('.el-select-dropdown__item:visible', { hasText: '成立日期' }).first().click();
    await pick(page, leaf.getByTestId('cond-operator'), '大于');
    await leaf.getByTestId('cond-value').locator('input').fill('365');
    await expect.poll(() => leaf.getByTestId('cond-params').getAttribute('title')).toBe('已过天数：成立日期');
    await expect.poll(() => leaf.locator('.msg').count()).toBe(0);
    await settled(page);
    await screenshot(page, 'rule-designer-days-since');

    await page.getByTestId('rules-save').click();
    await page.locator('.el-message--success', { hasText: '规则草稿已保存' }).waitFor();
    const added = (await draftRules()).find((r) => r.id === 'alert_1')!;
    expect(leaves(added.conditions)).toEqual([{ fact: 'daysSince', operator: 'greaterThan', value: 365, params: { fact: 'established_on' } }]);
  });
});
