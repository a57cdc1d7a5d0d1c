import { beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { TestServer } from '../support/server.js';
import { api, login } from '../support/http.js';
import { screenshot, signIn, useBrowserSuite } from '../support/browser.js';

/**
 * Rule outputs (客户分类 of seeds/rules/customer.rules.json) are stored as their zh values and
 * carry zh-CN / en labels in the rule set like select options do: the English screens say
 * Premium / Standard / High risk wherever the class shows, the Chinese ones 优质 / 普通 / 高风险.
 */
const EN: Record<string, string> = { 优质: 'Premium', 普通: 'Standard', 高风险: 'High risk' };
const ZH = Object.keys(EN);

describe('rule output values in the UI language: record view, explanation, customer 360, dashboard, rule designer (real API, real Chromium)', () => {
  const suite = useBrowserSuite({ server: { demoCustomers: 30 } });
  let server: TestServer;
  let page: Page;
  let customer: { id: string; cls: string };

  beforeAll(async () => {
    ({ server, page } = suite);
    const admin = api(server.baseUrl, await login(server.baseUrl, 'admin@demo.local'));
    const list = await admin.get('/api/forms/customer/records?limit=100&include=rules');
    const classified = (list.body.items as Array<{ id: string; rules?: { values?: { customer_class?: string } } }>)
      .map((r) => ({ id: r.id, cls: r.rules?.values?.customer_class ?? '' }))
      .filter((r) => ZH.includes(r.cls));
    expect(classified.length).toBeGreaterThan(0);
    // The stored values stay the zh ones. Prefer a customer the rules changed (a 'recompute' revision in its history).
    const recomputed: typeof classified = [];
    for (const c of classified.filter((x) => x.cls !== '普通').slice(0, 15)) {
      const revisions = await admin.get(`/api/forms/customer/records/${c.id}/revisions`);
      if (revisions.body.items.some((r: { action: string }) => r.action === 'recompute')) recomputed.push(c);
    }
    expect(recomputed.length).toBeGreaterThan(0);
    customer = recomputed[0]!;
    await signIn(page, server.baseUrl, 'admin@demo.local');
    await page.evaluate(() => localStorage.setItem('credo.locale', 'en'));
  });

  it('the record view and its explanation say the class by its English label', async () => {
    await page.goto(`${server.baseUrl}/forms/customer/records/${customer.id}`);
    const rules = page.getByTestId('rule-results');
    await rules.waitFor();
    await expect.poll(() => rules.locator('[data-value="customer_class"]').innerText()).toBe(EN[customer.cls]);
    await rules.getByTestId('rule-why').click();
    const results = await rules.getByTestId('rule-outcome-result').allInnerTexts();
    expect(results).toContain(EN[customer.cls]);
    for (const zh of ZH) expect(results.join('|')).not.toContain(zh);
    // The history names the rules' own change (no message key on show).
    const history = page.getByTestId('history');
    await history.getByTestId('history-entry').first().waitFor();
    await expect(history.innerText()).resolves.toContain('Recomputed');
    await expect(history.innerText()).resolves.not.toContain('history.actions');
    await screenshot(page, 'rule-output-labels-record-en', { fullPage: true });
  });

  it('customer 360 says the class in English in its header and rule results', async () => {
    await page.goto(`${server.baseUrl}/customers/${customer.id}`);
    await expect.poll(() => page.getByTestId('c360-class').innerText(), { timeout: 15_000 }).toContain(EN[customer.cls]);
    await expect(page.getByTestId('rule-results').locator('[data-value="customer_class"]').innerText()).resolves.toBe(EN[customer.cls]);
  });

  it('the dashboard class chart names its slices in English', async () => {
    await page.goto(`${server.baseUrl}/dashboard`);
    const chart = page.getByTestId('chart-classes');
    await chart.locator('canvas').first().waitFor({ timeout: 15_000 });
    await chart.scrollIntoViewIfNeeded();
    await page.waitForTimeout(1200); // entrance animation
    const box = (await chart.locator('canvas').first().boundingBox())!;
    // Walk around the ring (radius 42–68 % around 50 %, 44 %) and read the slice tooltips.
    const seen = new Set<string>();
    const radius = (Math.min(box.width, box.height) / 2) * 0.55;
    for (let step = 0; step < 24; step++) {
      const angle = (step / 24) * 2 * Math.PI;
      await page.mouse.move(box.x + box.width * 0.5 + radius * Math.cos(angle), box.y + box.height * 0.44 + radius * Math.sin(angle));
      await page.waitForTimeout(60);
      const tip = chart.locator('div', { hasText: /:\s*\d+\s*\(/ }).last();
      if (await tip.count()) seen.add((await tip.innerText()).trim());
    }
    const text = [...seen].join('\n');
    expect(text).toMatch(/Premium|Standard|High risk/);
    for (const zh of ZH) expect(text).not.toContain(zh);
  });

  it('the rule designer test panel says the class in English; in Chinese the screens say 高风险 again', async () => {
    await page.goto(`${server.baseUrl}/forms/customer/rules`);
    await page.getByTestId('rules-list').waitFor();
    const run = page.getByTestId('rules-test-run');
    await expect.poll(() => run.isEnabled(), { timeout: 15_000 }).toBe(true);
    await run.click();
    const result = page.getByTestId('rules-test-result');
    await result.waitFor();
    const cls = await result.getByTestId('test-class').first().innerText();
    expect(Object.values(EN)).toContain(cls);
    expect(Object.values(EN)).toContain(await result.locator('[data-value="customer_class"]').innerText());

    await page.evaluate(() => localStorage.setItem('credo.locale', 'zh-CN'));
    await page.goto(`${server.baseUrl}/forms/customer/records/${customer.id}`);
    await expect.poll(() => page.getByTestId('rule-results').locator('[data-value="customer_class"]').innerText(), { timeout: 15_000 }).toBe(customer.cls);
  });
});
