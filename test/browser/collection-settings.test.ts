import { beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { TestServer } from '../support/server.js';
import { screenshot, settled, signIn, useBrowserSuite } from '../support/browser.js';

/** 催收流程 settings screen (the tenant's stage plan) against the real API in real Chromium. */
describe('collection plan screen (real API, real Chromium)', () => {
  const suite = useBrowserSuite({ server: { demoCustomers: 0 } });
  let server: TestServer;
  let page: Page;

  beforeAll(async () => {
    ({ server, page } = suite);
  });

  const settings = () =>
    page.evaluate(async () => {
      const res = await fetch('/api/reminders/settings', { headers: { authorization: `Bearer ${localStorage.getItem('credo.token')}` } });
      return (await res.json()) as { stages: Array<{ stage: string; offset: number; email?: boolean; instruction: { 'zh-CN': string } }>; promiseGraceDays: number };
    });
  const offsetInput = (i: number) => page.locator(`[data-testid="stage-offset-${i}"] input`);
  const rowError = (i: number) => page.locator(`[data-testid="collection-stages"] .el-table__body tr:nth-child(${i + 1}) .el-form-item__error`);

  it('a credit manager changes offsets, e-mail and stages; out-of-order days are refused in place; the plan is saved and read back', async () => {
    await signIn(page, server.baseUrl, 'credit@demo.local');
    await page.getByTestId('nav-collection-settings').click();
    await page.getByTestId('collection-stages').waitFor();
    await expect.poll(() => page.locator('[data-testid="collection-stages"] .el-table__body tr').count()).toBe(8);
    await expect(offsetInput(3).inputValue()).resolves.toBe('7');

    // S3 at D+2 would come before S2 (D+3): refused next to the field, save disabled.
    await offsetInput(3).fill('2');
    await offsetInput(3).blur();
    await expect.poll(() => rowError(3).innerText()).toBe('阶段与天数须按顺序递增');
    await expect(page.getByTestId('collection-save').isDisabled()).resolves.toBe(true);
    await settled(page);
    await screenshot(page, 'collection-plan-error');

    await offsetInput(3).fill('5');
    await offsetInput(3).blur();
    await expect.poll(() => rowError(3).count()).toBe(0);
    // The phone stage also e-mails the customer now; the last stage (S7 法律程序) goes.
    await page.getByTestId('stage-email-3').click();
    await page.getByTestId('stage-remove-7').click();
    await page.locator('[data-testid="collection-grace"] input').fill('5');
    await page.locator('[data-testid="collection-grace"] input').blur();
    await page.getByTestId('collection-save').click();
    await page.locator('.el-message--success', { hasText: '催收流程已保存' }).waitFor();

    const saved = await settings();
    expect(saved.stages.map((s) => `${s.stage}${s.offset}${s.email ? '✉' : ''}`)).toEqual(['S0-7✉', 'S10✉', 'S23✉', 'S35✉', 'S430✉', 'S560', 'S690✉']);
    expect(saved.promiseGraceDays).toBe(5);

    await page.reload();
    await page.getByTestId('collection-stages').waitFor();
    await expect.poll(() => offsetInput(3).inputValue()).toBe('5');
    await expect(page.locator('[data-testid="stage-email-3"]').getAttribute('class')).resolves.toContain('is-checked');
    await settled(page);
    await screenshot(page, 'collection-plan');

    // A run from the screen answers with what it did (no SMTP configured in this suite: nothing sent).
    await page.getByTestId('collection-run').click();
    await page.locator('.el-message--success', { hasText: '已执行' }).waitFor();
  });

  it('staff see no collection settings in the menu, and the API refuses their change', async () => {
    await page.getByTestId('user-menu').click();
    await page.getByTestId('logout').click();
    await page.waitForURL(/\/login/);
    await signIn(page, server.baseUrl, 'staff@demo.local');
    await expect(page.getByTestId('nav-collection-settings').count()).resolves.toBe(0);
    const status = await page.evaluate(async () => {
      const res = await fetch('/api/reminders/settings', {
        method: 'PUT',
        headers: { authorization: `Bearer ${localStorage.getItem('credo.token')}`, 'content-type': 'application/json' },
        body: JSON.stringify({ stages: [{ stage: 'S0', offset: 0, assignee: 'system', instruction: { 'zh-CN': 'x', en: 'x' } }] }),
      });
      return res.status;
    });
    expect(status).toBe(403);
  });
});
