import { beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { TestServer } from '../support/server.js';
import { screenshot, settled, useBrowserSuite } from '../support/browser.js';

type LocalizedText = string | { 'zh-CN': string; en?: string };
const text = (t: LocalizedText | undefined, locale: 'zh-CN' | 'en') => (typeof t === 'string' ? t : (t?.[locale] ?? t?.['zh-CN'] ?? ''));

/** Rows of the records table body (the fixed columns are rendered as separate tables). */
const rows = (page: Page) => page.locator('[data-testid="records-table"] .el-table__body-wrapper tbody tr.el-table__row');

describe('web foundation: log in, form list, customer records (real API, real Chromium)', () => {
  const suite = useBrowserSuite();
  let server: TestServer;
  let page: Page;
  /** The customer form as the API describes it, to check the UI against. */
  let nameLabel: LocalizedText = '';
  let formTitle: LocalizedText = '';

  beforeAll(async () => {
    ({ server, page } = suite);

    const login = await fetch(`${server.baseUrl}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'admin@demo.local', password: 'demo1234' }),
    });
    const { accessToken } = (await login.json()) as { accessToken: string };
    const form = (await (await fetch(`${server.baseUrl}/api/forms/customer`, { headers: { authorization: `Bearer ${accessToken}` } })).json()) as {
      title: LocalizedText;
      version: { definition: { fields: { key: string; label: LocalizedText }[] } };
    };
    formTitle = form.title;
    nameLabel = form.version.definition.fields.find((f) => f.key === 'name')?.label ?? '';
  });

  it('sends an anonymous visitor to the login page and shows the server’s message for a wrong password', async () => {
    await page.goto(`${server.baseUrl}/forms`);
    await page.waitForURL(/\/login/);
    await expect(page.title()).resolves.toContain('登录');
    await settled(page);
    await screenshot(page, 'login');
    await expect(page.evaluate(() => document.documentElement.lang)).resolves.toBe('zh-CN');

    const wrong = await fetch(`${server.baseUrl}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'accept-language': 'zh-CN' },
      body: JSON.stringify({ email: 'admin@demo.local', password: 'not-the-password' }),
    });
    expect(wrong.status).toBe(401);
    const { detail } = (await wrong.json()) as { detail: string };

    await page.getByLabel('邮箱').fill('admin@demo.local');
    await page.getByLabel('密码', { exact: true }).fill('not-the-password');
    await page.getByTestId('login-submit').click();
    const error = page.getByTestId('login-error');
    await error.waitFor();
    expect((await error.innerText()).trim()).toBe(detail);
    expect(page.url()).toContain('/login');
    await screenshot(page, 'login-error');
  });

  it('logs the admin in and lists 客户档案 with its record count', async () => {
    await page.getByLabel('密码', { exact: true }).fill('demo1234');
    await page.getByTestId('login-submit').click();
    await page.waitForURL(/\/forms$/);

    const card = page.getByTestId('form-card-customer');
    await card.waitFor();
    await expect(card.innerText()).resolves.toContain('客户档案');
    const count = Number((await card.getByTestId('record-count').innerText()).replace(/[^\d]/g, ''));
    expect(count).toBeGreaterThanOrEqual(500);
    await expect(page.getByTestId('tenant-name').innerText()).resolves.toBe('演示公司');
    await settled(page);
    await screenshot(page, 'forms');
  });

  it('opens the customer records and pages with the keyset cursor', async () => {
    await page.getByTestId('form-card-customer').click();
    await page.waitForURL(/\/forms\/customer\/records$/);
    await rows(page).first().waitFor();
    await settled(page);

    await expect(page.getByTestId('records-title').innerText()).resolves.toBe(text(formTitle, 'zh-CN'));
    expect(await rows(page).count()).toBe(50);
    const headers = await page.locator('[data-testid="records-table"] .el-table__header-wrapper th').allInnerTexts();
    expect(headers.length).toBeGreaterThanOrEqual(5);
    if (nameLabel) expect(headers).toContain(text(nameLabel, 'zh-CN'));
    const total = Number((await page.getByTestId('records-total').innerText()).replace(/[^\d]/g, ''));
    expect(total).toBeGreaterThanOrEqual(500);
    await expect(page.getByTestId('records-prev').isDisabled()).resolves.toBe(true);
    await screenshot(page, 'records');

    const firstRowPage1 = await rows(page).first().innerText();
    await page.getByTestId('records-next').click();
    await page.getByTestId('records-page').filter({ hasText: '第 2 页' }).waitFor();
    await settled(page);
    const firstRowPage2 = await rows(page).first().innerText();
    expect(firstRowPage2).not.toBe(firstRowPage1);
    expect(firstRowPage2.trim().split(/\s+/)[0]).toBe('51');
    await screenshot(page, 'records-page-2');
  });

  it('opens a record’s detail from the list and comes back to the same page', async () => {
    const firstRow = rows(page).first();
    const code = (await firstRow.locator('a.record-link').innerText()).trim();
    const rowText = await firstRow.innerText();
    await firstRow.locator('a.record-link').click();
    await page.waitForURL(/\/forms\/customer\/records\/[0-9a-f-]{36}$/);
    await page.getByTestId('detail-section').first().waitFor();
    const title = (await page.getByTestId('record-title').innerText()).trim();
    // The detail names the record by its title field, and that value is on the list row too.
    expect(rowText).toContain(title);
    await expect(page.locator('[data-field="customer_code"]').innerText()).resolves.toBe(code);
    expect(await page.getByTestId('detail-section').count()).toBeGreaterThanOrEqual(2);
    await settled(page);
    await screenshot(page, 'record-detail', { fullPage: true });

    await page.goBack();
    await page.waitForURL(/\/forms\/customer\/records$/);
    await page.getByTestId('records-page').filter({ hasText: '第 2 页' }).waitFor();

    await page.getByTestId('records-prev').click();
    await page.getByTestId('records-page').filter({ hasText: '第 1 页' }).waitFor();
    await settled(page);
    await expect(rows(page).first().innerText()).resolves.toMatch(/^1\s/);
  });

  it('switches to English, shows English labels and remembers the choice', async () => {
    await page.getByTestId('locale-switcher').click();
    await page.getByTestId('locale-en').click();
    await page.getByTestId('records-next').filter({ hasText: 'Next' }).waitFor();
    await expect(page.evaluate(() => document.documentElement.lang)).resolves.toBe('en');
    await expect(page.title()).resolves.toContain('Records');
    await expect(page.getByTestId('nav-forms').innerText()).resolves.toBe('Forms');
    await expect(page.getByTestId('records-title').innerText()).resolves.toBe(text(formTitle, 'en'));
    const headers = await page.locator('[data-testid="records-table"] .el-table__header-wrapper th').allInnerTexts();
    if (nameLabel) expect(headers).toContain(text(nameLabel, 'en'));
    await page.mouse.click(700, 20);
    await page.locator('.el-dropdown-menu').first().waitFor({ state: 'hidden' }).catch(() => undefined);
    await screenshot(page, 'records-en');

    await page.reload();
    await rows(page).first().waitFor();
    await expect(page.getByTestId('records-next').innerText()).resolves.toContain('Next');
  });

  it('fits a tablet: the sidebar collapses to icons and the table keeps its pager in view', async () => {
    await page.setViewportSize({ width: 1024, height: 768 });
    await page.getByTestId('locale-switcher').click();
    await page.getByTestId('locale-zh-CN').click();
    await page.getByTestId('records-next').filter({ hasText: '下一页' }).waitFor();
    await page.mouse.click(500, 20);
    await page.locator('.el-dropdown-menu').first().waitFor({ state: 'hidden' }).catch(() => undefined);
    await page.waitForFunction(() => (document.querySelector('.aside') as HTMLElement | null)?.offsetWidth === 64);
    await expect(page.getByTestId('records-next').isVisible()).resolves.toBe(true);
    await settled(page);
    await screenshot(page, 'records-tablet');
    await page.setViewportSize({ width: 1440, height: 900 });
  });

  it('shows one exact count above a list with more than 1,000 records (the summary’s, not the planner estimate)', async () => {
    await page.goto(`${server.baseUrl}/forms/receivable/records`);
    await rows(page).first().waitFor();
    const summaryCount = page.getByTestId('summary-count');
    await summaryCount.waitFor();
    const counted = Number((await summaryCount.innerText()).replace(/[^\d]/g, ''));
    expect(counted).toBeGreaterThan(1000);
    await expect.poll(() => page.getByTestId('records-total').innerText()).toBe(`共 ${counted.toLocaleString('en-US')} 条`);
  });

  it('signs out from the user menu', async () => {
    await page.getByTestId('user-menu').click();
    await page.getByTestId('logout').click();
    await page.waitForURL(/\/login/);
    await expect(page.evaluate(() => localStorage.getItem('credo.token'))).resolves.toBeNull();
  });

  it('drops a forged token and goes back to the login page', async () => {
    await page.evaluate(() => localStorage.setItem('credo.token', 'forged.token.value'));
    await page.goto(`${server.baseUrl}/forms`);
    await page.waitForURL(/\/login/);
    await expect(page.evaluate(() => localStorage.getItem('credo.token'))).resolves.toBeNull();
  });

  it('asks the API in the chosen language (Accept-Language) and shows its English message', async () => {
    const wrong = await fetch(`${server.baseUrl}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'accept-language': 'en' },
      body: JSON.stringify({ email: 'admin@demo.local', password: 'not-the-password' }),
    });
    const { detail } = (await wrong.json()) as { detail: string };

    await page.getByTestId('locale-switcher').click();
    await page.getByTestId('locale-en').click();
    await page.getByLabel('Email').fill('admin@demo.local');
    await page.getByLabel('Password', { exact: true }).fill('not-the-password');
    await page.getByTestId('login-submit').click();
    await page.getByTestId('login-error').filter({ hasText: detail }).waitFor();
    // Back to the default language for whoever runs the suite next in this profile.
    await page.evaluate(() => localStorage.removeItem('credo.locale'));
  });
});
