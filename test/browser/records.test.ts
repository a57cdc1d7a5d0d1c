import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { usccCheckChar } from '@credo/form-engine';
import { startTestServer } from '../support/server.js';
import { launchBrowser, screenshot, settled, signIn } from '../support/browser.js';

const WEB_DIST = fileURLToPath(new URL('../../apps/web/dist/index.html', import.meta.url));

const rows = (page: Page) => page.locator('[data-testid="records-table"] .el-table__body-wrapper tbody tr.el-table__row');
const headers = (page: Page) => page.locator('[data-testid="records-table"] .el-table__header-wrapper th');

/** Picks an option of the el-select inside the form item of `field`. */
async function choose(page: Page, field: string, option: string): Promise<void> {
  await page.locator(`.el-form-item[data-field="${field}"] .el-select__wrapper`).click();
  await page.getByRole('option', { name: option, exact: true }).locator('visible=true').first().click();
}

function fieldError(page: Page, field: string): Locator {
  return page.locator(`.el-form-item[data-field="${field}"] .el-form-item__error`);
}

/** A USCC with the right GB 32100 check character, and the same with a wrong one. */
function usccPair(body17: string): { valid: string; invalid: string } {
  const check = usccCheckChar(body17)!;
  const wrong = check === '0' ? '1' : '0';
  return { valid: body17 + check, invalid: body17 + wrong };
}

describe('records: create with live validation, edit conflict, history and revert, filters, sort, columns (real API, real Chromium)', () => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  let browser: Browser;
  let contextA: BrowserContext;
  let contextB: BrowserContext;
  let page: Page;
  let token = '';
  let recordUrl = '';
  const name = '杭州浏览器测试机械有限公司';
  const uscc = usccPair('91330100MA2H4K7B0');

  const api = async (path: string, init: RequestInit = {}) =>
    fetch(`${server.baseUrl}/api${path}`, {
      ...init,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'accept-language': 'zh-CN', ...(init.headers ?? {}) },
    });

  beforeAll(async () => {
    if (!existsSync(WEB_DIST)) throw new Error('apps/web/dist is missing: run `npm run build -w @credo/web` first');
    server = await startTestServer({ demoCustomers: 80 });
    browser = await launchBrowser();
    const options = { viewport: { width: 1440, height: 900 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' };
    contextA = await browser.newContext(options);
    contextB = await browser.newContext(options);
    page = await contextA.newPage();
    const res = await fetch(`${server.baseUrl}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'admin@demo.local', password: 'demo1234' }),
    });
    token = ((await res.json()) as { accessToken: string }).accessToken;
  });

  afterAll(async () => {
    await contextA?.close();
    await contextB?.close();
    await browser?.close();
    await server?.close();
  });

  it('shows the server’s own message for an invalid USCC as the user types, then saves the fixed record', async () => {
    // What the server says about this USCC (same payload otherwise valid).
    const me = (await (await api('/auth/me')).json()) as { id: string };
    const rejected = await api('/forms/customer/records', {
      method: 'POST',
      body: JSON.stringify({ data: { name, customer_type: '企业', contact_name: '王工', sales_owner: me.id, uscc: uscc.invalid } }),
    });
    expect(rejected.status).toBe(400);
    const problem = (await rejected.json()) as { errors: { path: string; message: string }[] };
    const serverMessage = problem.errors.find((e) => e.path === '/uscc')!.message;
    expect(serverMessage).toBeTruthy();

    await signIn(page, server.baseUrl, 'admin@demo.local');
    await page.goto(`${server.baseUrl}/forms/customer/records`);
    await rows(page).first().waitFor();
    await page.getByTestId('record-create').click();
    await page.waitForURL(/\/records\/new$/);
    await page.getByTestId('record-form').waitFor();

    await page.locator('#field-name').fill(name);
    await choose(page, 'customer_type', '企业');
    await page.locator('#field-contact_name').fill('王工');
    await page.locator('#field-uscc').fill(uscc.invalid);
    await expect.poll(() => fieldError(page, 'uscc').innerText()).toBe(serverMessage);
    // Computed and auto-number fields are shown, not edited.
    await expect(page.locator('.el-form-item[data-field="customer_code"] .readonly').innerText()).resolves.toContain('保存后自动生成');
    await settled(page);
    await screenshot(page, 'record-create-error');

    // Conditional fields follow the values live: 境外税号 only outside CN.
    await expect(page.locator('#field-foreign_tax_id').count()).resolves.toBe(0);
    await choose(page, 'country', '美国');
    await page.locator('#field-foreign_tax_id').waitFor();
    await choose(page, 'country', '中国大陆');
    await page.locator('#field-foreign_tax_id').waitFor({ state: 'detached' });

    await page.locator('#field-uscc').fill(uscc.valid);
    await fieldError(page, 'uscc').waitFor({ state: 'detached' });
    await page.locator('#field-credit_limit').fill('520000');
    await page.getByTestId('record-save').click();
    await page.waitForURL(/\/forms\/customer\/records\/[0-9a-f-]{36}$/);
    recordUrl = page.url();
    await expect.poll(() => page.getByTestId('record-title').innerText()).toBe(name);

    await page.goto(`${server.baseUrl}/forms/customer/records`);
    await rows(page).first().waitFor();
    await settled(page);
    await expect(rows(page).first().innerText()).resolves.toContain(name);
  });

  it('maps a 409 duplicate from the server onto the field', async () => {
    await page.goto(`${server.baseUrl}/forms/customer/records/new`);
    await page.getByTestId('record-form').waitFor();
    await page.locator('#field-name').fill(name);
    await choose(page, 'customer_type', '企业');
    await page.locator('#field-contact_name').fill('李工');
    await page.locator('#field-uscc').fill(usccPair('91330100MA2H4K7C0').valid);
    await page.getByTestId('record-save').click();
    await expect.poll(() => fieldError(page, 'name').count()).toBe(1);
    expect((await fieldError(page, 'name').innerText()).length).toBeGreaterThan(0);
    expect(page.url()).toMatch(/\/records\/new$/);
    // Leaving with unsaved input asks first.
    await page.getByTestId('record-cancel').click();
    await page.locator('.el-message-box').waitFor();
    await page.locator('.el-message-box .el-button--danger, .el-message-box .el-button--primary').first().click();
    await page.waitForURL(/\/records$/);
  });

  it('edits the record in two tabs: the second save gets the conflict dialog with both values', async () => {
    const pageB = await contextB.newPage();
    // The second tab is the credit manager: credit limits are read-only for plain staff (demo policy).
    await signIn(pageB, server.baseUrl, 'credit@demo.local');

    await page.goto(`${recordUrl}/edit`);
    await pageB.goto(`${recordUrl}/edit`);
    await page.locator('#field-credit_limit').waitFor();
    await pageB.locator('#field-credit_limit').waitFor();

    await pageB.locator('#field-credit_limit').fill('800000');
    await pageB.getByTestId('record-save').click();
    await pageB.waitForURL(/\/records\/[0-9a-f-]{36}$/);

    await page.locator('#field-credit_limit').fill('900000');
    await page.getByTestId('record-save').click();
    const dialog = page.getByTestId('conflict-dialog');
    await dialog.waitFor();
    const row = dialog.locator('tr[data-field="credit_limit"]');
    await expect(row.locator('[data-side="theirs"]').innerText()).resolves.toBe('800,000.00');
    await expect(row.locator('[data-side="mine"]').innerText()).resolves.toBe('900,000.00');
    // Who saved first is named by their display name, not their e-mail.
    await expect(dialog.locator('.intro').innerText()).resolves.toContain('信用主管老李');
    await settled(page);
    await screenshot(page, 'record-conflict');
    // Nothing was overwritten behind the user's back.
    const latest = (await (await api(`/forms/customer/records/${recordUrl.split('/').pop()}`)).json()) as { data: { credit_limit: string } };
    expect(Number(latest.data.credit_limit)).toBe(800000);

    await page.getByTestId('conflict-reapply').click();
    await page.waitForURL(/\/records\/[0-9a-f-]{36}$/);
    await expect(page.getByTestId('detail-section').locator('[data-field="credit_limit"]').innerText()).resolves.toBe('900,000.00');
    await pageB.close();
  });

  it('shows the history with field diffs and reverts to an earlier revision', async () => {
    const history = page.getByTestId('history');
    await history.getByTestId('history-entry').nth(2).waitFor();
    const entries = history.getByTestId('history-entry');
    await expect(entries.count()).resolves.toBe(3);
    const newest = entries.first();
    await expect(newest.innerText()).resolves.toContain('修改');
    const change = newest.locator('li[data-field="credit_limit"]');
    await expect(change.locator('.from').innerText()).resolves.toBe('800,000.00');
    await expect(change.locator('.to').innerText()).resolves.toBe('900,000.00');
    await expect(change.locator('.label').innerText()).resolves.toBe('信用额度');
    // The actor is the user's display name (the e-mail stays in the tooltip).
    const actor = newest.getByTestId('history-actor');
    await expect(actor.innerText()).resolves.toBe('系统管理员');
    await expect(actor.getAttribute('title')).resolves.toBe('admin@demo.local');
    await expect(history.getByTestId('history-actor').nth(1).innerText()).resolves.toBe('信用主管老李');
    // The rules' conclusions for this record, with the reasons on request.
    const rules = page.getByTestId('rule-results');
    await rules.waitFor();
    await rules.getByTestId('rule-why').click();
    await rules.locator('.outcomes li').first().waitFor();
    // Facts and untitled alerts are named, never shown as keys (max_days_overdue, near_limit).
    const why = await rules.locator('.outcomes').innerText();
    expect(why).toContain('最长逾期天数');
    expect(why).not.toMatch(/max_days_overdue|near_limit|overdue_90|utilisation/);
    await settled(page);
    await screenshot(page, 'record-history', { fullPage: true });

    const second = entries.nth(1);
    const rev = await second.getAttribute('data-rev');
    await second.getByTestId(`revert-${rev}`).click();
    await page.locator('.el-message-box').waitFor();
    await page.locator('.el-message-box .el-button--primary').click();
    await expect.poll(() => page.getByTestId('detail-section').locator('[data-field="credit_limit"]').innerText()).toBe('800,000.00');
    await expect.poll(() => entries.count()).toBe(4);
    await expect(entries.first().innerText()).resolves.toContain('回滚');
  });

  it('deletes with a confirmation and restores', async () => {
    await page.getByTestId('record-delete').click();
    await page.locator('.el-message-box').waitFor();
    await page.locator('.el-message-box .el-button--danger, .el-message-box .el-button--primary').first().click();
    await page.getByTestId('record-deleted').waitFor();
    await page.getByTestId('record-restore').click();
    await page.getByTestId('record-deleted').waitFor({ state: 'detached' });
    await page.getByTestId('record-edit').waitFor();
  });

  it('filters by 信用额度 ≥ a value, sorts by it on the server, and totals the money', async () => {
    await page.goto(`${server.baseUrl}/forms/customer/records`);
    await rows(page).first().waitFor();
    // 信用额度 is not among the default columns: add it with the column chooser (and make room).
    await page.getByTestId('column-chooser').click();
    const chooser = page.getByTestId('column-chooser-panel');
    for (const key of ['credit_limit', 'foreign_tax_id', 'industry', 'established_on']) await chooser.locator(`[data-column="${key}"]`).click();
    await headers(page).filter({ hasText: '信用额度' }).first().waitFor();
    await page.keyboard.press('Escape');
    await page.mouse.click(700, 20);
    await page.getByTestId('filter-add').click();
    await page.getByTestId('filter-form').waitFor();
    await page.getByTestId('filter-field').click();
    await page.getByRole('option', { name: '信用额度', exact: true }).locator('visible=true').first().click();
    const value = page.getByTestId('filter-value');
    await ((await value.evaluate((e) => e.tagName)) === 'INPUT' ? value : value.locator('input').first()).fill('500000');
    await page.getByTestId('filter-apply').click();
    await page.getByTestId('filter-tag').filter({ hasText: '信用额度 ≥ 500,000.00' }).waitFor();
    await page.waitForURL(/filter=/);
    await settled(page);

    const filter = encodeURIComponent(JSON.stringify({ credit_limit: { gte: '500000' } }));
    const expected = (await (await api(`/forms/customer/records?limit=1&total=true&filter=${filter}`)).json()) as { total: number };
    await expect.poll(async () => Number((await page.getByTestId('summary-count').innerText()).replace(/[^\d]/g, ''))).toBe(expected.total);
    const sum = (await (await api(`/forms/customer/records/summary?sum=credit_limit&filter=${filter}`)).json()) as { groups: { sums: { credit_limit: string } }[] };
    const shown = (await page.getByTestId('summary-sum-credit_limit').innerText()).replace(/[^\d.]/g, '');
    expect(Number(shown)).toBe(Number(sum.groups[0]!.sums.credit_limit));

    const header = headers(page).filter({ hasText: '信用额度' }).first();
    const columnIndex = await header.evaluate((th) => Array.from(th.parentElement!.children).indexOf(th));
    const limits = async () =>
      (await rows(page).locator(`td:nth-child(${columnIndex + 1})`).allInnerTexts()).map((t) => Number(t.replace(/[^\d.]/g, '')));

    await header.locator('.cell').click();
    await page.waitForURL(/sort=credit_limit/);
    await settled(page);
    await expect.poll(async () => (await limits()).length).toBeGreaterThan(0);
    const asc = await limits();
    expect(asc.every((v) => v >= 500000)).toBe(true);
    expect([...asc].sort((a, b) => a - b)).toEqual(asc);

    await header.locator('.cell').click();
    await page.waitForURL(/sort=-credit_limit/);
    await settled(page);
    await expect.poll(async () => (await limits())[0]).toBeGreaterThanOrEqual(asc[asc.length - 1]!);
    const desc = await limits();
    expect([...desc].sort((a, b) => b - a)).toEqual(desc);

    // Sorting works from the keyboard: the header label is a button.
    await page.locator('button.th-sort[data-sort-key="credit_limit"]').focus();
    await page.keyboard.press('Enter');
    await page.waitForURL((url) => !url.search.includes('sort='));
    await page.keyboard.press('Enter');
    await page.waitForURL(/sort=credit_limit/);
    await page.keyboard.press('Enter');
    await page.waitForURL(/sort=-credit_limit/);
    await settled(page);
    await page.locator('[data-testid="records-table"] .el-table__body-wrapper .el-scrollbar__wrap').evaluate((el) => el.scrollTo({ left: el.scrollWidth }));
    await screenshot(page, 'records-filter-sort');

    // Export (made by the server's export.csv): every matching record, the columns on screen, in the chosen order.
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('records-export').click()]);
    const csv = await readFile((await download.path())!, 'utf8');
    const lines = csv.replace(/^\uFEFF/, '').trim().split('\r\n');
    expect(lines[0]).toContain('信用额度');
    expect(lines).toHaveLength(expected.total + 1);
    expect(download.suggestedFilename()).toMatch(/^客户档案-\d{4}-\d{2}-\d{2}\.csv$/);
  });

  it('chooses columns and remembers the choice for the form', async () => {
    await page.goto(`${server.baseUrl}/forms/customer/records`);
    await rows(page).first().waitFor();
    const before = await headers(page).allInnerTexts();
    expect(before.join('|')).toContain('客户类型');

    await page.getByTestId('column-chooser').click();
    const panel = page.getByTestId('column-chooser-panel');
    await panel.waitFor();
    await panel.locator('[data-column="customer_type"]').click();
    await panel.locator('[data-column="credit_limit"]').isVisible();
    await expect.poll(async () => (await headers(page).allInnerTexts()).join('|')).not.toContain('客户类型');
    await settled(page);
    await screenshot(page, 'records-columns');

    await page.reload();
    await rows(page).first().waitFor();
    await expect.poll(async () => (await headers(page).allInnerTexts()).join('|')).not.toContain('客户类型');
    const saved = await page.evaluate(() => localStorage.getItem('credo.columns.customer'));
    expect(saved).not.toContain('customer_type');

    await page.getByTestId('column-chooser').click();
    await page.getByTestId('column-reset').click();
    await expect.poll(async () => (await headers(page).allInnerTexts()).join('|')).toContain('客户类型');
  });

  it('speaks English too: form labels, engine messages and the history', async () => {
    await page.evaluate(() => localStorage.setItem('credo.locale', 'en'));
    await page.goto(`${recordUrl}/edit`);
    await page.getByTestId('record-form').waitFor();
    await expect(page.getByTestId('record-form-title').innerText()).resolves.toContain('Edit');
    // The auto number the server assigned stays on show while editing.
    await expect(page.locator('.el-form-item[data-field="customer_code"] .readonly-value').innerText()).resolves.toMatch(/^C\d{4}\d{5}$/);
    await page.locator('#field-uscc').fill(uscc.invalid);
    const rejected = await api('/forms/customer/records', {
      method: 'POST',
      headers: { 'accept-language': 'en' },
      body: JSON.stringify({ data: { uscc: uscc.invalid } }),
    });
    const problem = (await rejected.json()) as { errors: { path: string; message: string }[] };
    await expect.poll(() => fieldError(page, 'uscc').innerText()).toBe(problem.errors.find((e) => e.path === '/uscc')!.message);
    await settled(page);
    await screenshot(page, 'record-edit-en');
    await page.locator('#field-uscc').fill(uscc.valid);
    await page.getByTestId('record-cancel').click();
    await page.waitForURL(/\/records\/[0-9a-f-]{36}$/);
    await page.getByTestId('history').getByText('Reverted').first().waitFor();
    await page.evaluate(() => localStorage.removeItem('credo.locale'));
  });

  it('edits a sub-table (回款 allocations) with the engine’s messages in its cells', async () => {
    await page.goto(`${server.baseUrl}/forms/payment/records/new`);
    await page.getByTestId('record-form').waitFor();
    const table = page.locator('.el-form-item[data-field="allocations"] .subtable');
    await table.getByRole('button', { name: '添加一行' }).click();
    await table.locator('tbody tr').first().waitFor();
    await page.locator('#field-amount').fill('1000');
    await page.locator('#field-allocations-0-amount').fill('-5');
    await page.getByTestId('record-save').click();
    await expect.poll(() => table.locator('.cell-error').count()).toBeGreaterThanOrEqual(1);
    // Formulas are previewed from the values on screen.
    // (money arithmetic: shown with its two places, like the money fields around it)
    await expect.poll(() => page.locator('.el-form-item[data-field="unallocated"] .readonly-value').innerText()).toBe('1,005.00');
    expect(page.url()).toMatch(/\/records\/new$/);
    await expect.poll(() => fieldError(page, 'received_on').innerText()).not.toBe('');
    await table.evaluate((el) => el.scrollIntoView({ block: 'center' }));
    await settled(page);
    await page.waitForTimeout(400); // the error messages zoom in
    await screenshot(page, 'record-create-subtable');
  });

  it('explains a missing form or record without offering what cannot work', async () => {
    await page.goto(`${server.baseUrl}/forms/no_such_form/records`);
    await page.getByText('表单加载失败').or(page.locator('.el-result')).first().waitFor({ timeout: 15_000 });
    await expect(page.getByTestId('record-create').count()).resolves.toBe(0);
    await expect(page.locator('.el-result').getByRole('button').count()).resolves.toBe(0);

    await page.goto(`${server.baseUrl}/forms/customer/records/00000000-0000-4000-8000-000000000000`);
    await page.locator('.el-result').waitFor({ timeout: 15_000 });
    // The breadcrumb names the form (客户档案), not its key; a 404 has no 重试.
    await expect.poll(() => page.locator('.el-breadcrumb').innerText()).toContain('客户档案');
    await expect(page.locator('.el-result').getByRole('button').count()).resolves.toBe(0);
  });
});
