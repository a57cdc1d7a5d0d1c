import { readFile } from 'node:fs/promises';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import type { TestServer } from '../support/server.js';
import { screenshot, settled, signIn, useBrowserSuite } from '../support/browser.js';

/**
 * The "done when", in the browser only: a newly created admin designs a 供应商 form from
 * nothing, adds rules to it with an impact preview, publishes, enters records (errors inline and
 * word for word the server's), attaches a file, sees the rule outcome; then saves a list view and
 * edits the provision rates.
 */const PDF = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n', 'latin1');

function fieldError(page: Page, field: string): Locator {
  return page.locator(`.record-form .el-form-item[data-field="${field}"] .el-form-item__error`);
}

/** Picks an option of an Element Plus select by its visible text. */
async function choose(page: Page, select: Locator, text: string | RegExp): Promise<void> {
  // One dropdown at a time: a closing one may still list the same labels.
  await expect.poll(() => page.locator('.el-select-dropdown:visible').count()).toBe(0);
  await select.click();
  await page.locator('.el-select-dropdown:visible .el-select-dropdown__item', { hasText: text }).first().click();
  await expect.poll(() => page.locator('.el-select-dropdown:visible').count()).toBe(0);
}

async function dropField(page: Page, type: string, label: string, key: string): Promise<void> {
  const before = await page.locator('[data-testid^="canvas-field-"]').count();
  await page.getByTestId(`palette-${type}`).dragTo(page.getByTestId('section-main'));
  await expect.poll(() => page.locator('[data-testid^="canvas-field-"]').count()).toBe(before + 1);
  await page.locator('#prop-label-zh').fill(label);
  await page.locator('#prop-key').fill(key);
  await page.locator('#prop-key').press('Enter');
  await page.getByTestId(`canvas-field-${key}`).waitFor();
}

/** What the server answers for the same record (through the page's own session). */
async function serverErrors(page: Page, data: Record<string, unknown>): Promise<Record<string, string>> {
  return page.evaluate(async (body) => {
    const res = await fetch('/api/forms/supplier/records', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${localStorage.getItem('credo.token')}`, 'accept-language': 'zh-CN' },
      body: JSON.stringify({ data: body }),
    });
    const problem = (await res.json()) as { errors?: Array<{ path: string; message: string }> };
    if (res.status !== 400) throw new Error(`expected 400, got ${res.status}`);
    return Object.fromEntries((problem.errors ?? []).map((e) => [e.path.replace(/^\/(data\/)?/, ''), e.message]));
  }, data);
}

describe('supplier: a new admin designs, rules, publishes and fills a 供应商 form in the browser', () => {
  const suite = useBrowserSuite({ server: { demoCustomers: 10 }, context: { acceptDownloads: true } });
  let server: TestServer;
  let page: Page;

  beforeAll(async () => {
    ({ server, page } = suite);
  });

  it('the demo admin creates a new admin, who signs in', async () => {
    await signIn(page, server.baseUrl, 'admin@demo.local', 'demo1234');
    await page.getByTestId('nav-admin-users').click();
    await page.getByTestId('users-table').getByText('admin@demo.local').waitFor({ timeout: 15_000 });
    await page.getByTestId('user-create').click();
    await page.getByTestId('user-email').fill('buyer.admin@demo.local');
    await page.getByTestId('user-name').fill('采购管理员');
    await page.getByTestId('user-password').fill('buyer-pass-1');
    await page.getByTestId('user-roles').getByText('管理员', { exact: true }).click();
    await page.getByTestId('user-roles').getByText('业务员', { exact: true }).click();
    await page.getByTestId('user-create-submit').click();
    await page.getByTestId('users-table').getByText('buyer.admin@demo.local').waitFor();

    await page.getByTestId('user-menu').click();
    await page.getByTestId('logout').click();
    await page.waitForURL(/\/login/);
    await signIn(page, server.baseUrl, 'buyer.admin@demo.local', 'buyer-pass-1');
    await expect(page.getByTestId('user-menu').innerText()).resolves.toContain('采购管理员');
  });

  it('designs 供应商 from nothing: text with a placeholder, USCC, money with a cross-field compare, integer, formula, attachment; publishes', async () => {
    await page.getByTestId('form-create').click();
    await page.waitForURL(/\/forms\/new$/);
    await page.locator('#form-title-zh').fill('供应商');
    await page.locator('#form-key').fill('supplier');

    await dropField(page, 'text', '供应商名称', 'name');
    await page.getByTestId('field-properties').getByText('必填', { exact: true }).click();
    await page.locator('#prop-placeholder-zh').fill('请填写营业执照上的全称');
    await dropField(page, 'uscc', '统一社会信用代码', 'uscc');
    // Filled in later by the credit team: read-only on the entry form.
    await page.getByTestId('prop-readonly').click();
    await dropField(page, 'money', '最低报价', 'floor_price');
    await dropField(page, 'money', '单价', 'price');
    await page.getByTestId('field-properties').getByText('必填', { exact: true }).click();
    // 单价 ≥ 最低报价: the compare editor offers the other money fields.
    await page.getByTestId('compare-add').click();
    await choose(page, page.getByTestId('compare-0').getByTestId('compare-op'), '大于等于');
    await choose(page, page.getByTestId('compare-0').getByTestId('compare-field'), 'floor_price');
    await dropField(page, 'integer', '数量', 'quantity');
    await page.getByTestId('field-properties').getByText('必填', { exact: true }).click();
    await page.locator('#prop-minimum').fill('1');
    await dropField(page, 'formula', '合计', 'total');
    await page.locator('#prop-formula').fill('price * quantity');
    await expect.poll(() => page.locator('.el-form-item:has(#prop-formula) .el-form-item__error').count()).toBe(0);
    await dropField(page, 'attachment', '合同扫描件', 'contract');
    await page.waitForURL(/\/forms\/supplier\/design$/);
    await page.getByTestId('canvas-field-price').click();
    await settled(page);
    await screenshot(page, 'supplier-designer-compare');

    await expect.poll(() => page.getByTestId('designer-status').getAttribute('data-status')).toBe('saved');
    await page.getByTestId('designer-publish').click();
    await page.getByTestId('publish-records').waitFor();
    await page.getByTestId('publish-confirm').click();
    await page.locator('.el-message--success', { hasText: '已发布第 1 版' }).waitFor();
  });

  it('enters a first supplier, so the rules have a record to preview on', async () => {
    await page.getByTestId('nav-forms').click();
    await page.getByTestId('form-create').waitFor();
    await page.goto(`${server.baseUrl}/forms/supplier/records/new`);
    await page.getByTestId('record-form').waitFor();
    await expect(page.locator('#field-name').getAttribute('placeholder')).resolves.toBe('请填写营业执照上的全称');
    await expect(page.locator('div.readonly#field-uscc').count()).resolves.toBe(1);
    await page.locator('#field-name').fill('宁波港城五金有限公司');
    await page.locator('#field-price').fill('2000');
    await page.locator('#field-quantity').fill('3');
    await page.getByTestId('record-save').click();
    await page.waitForURL(/\/forms\/supplier\/records\/[0-9a-f-]{36}$/);
  });

  it('adds a validation and an alert rule to the new form, previews their impact, publishes them', async () => {
    await page.getByTestId('nav-forms').click();
    await page.getByTestId('form-rules-supplier').click();
    await page.waitForURL(/\/forms\/supplier\/rules$/);
    await page.getByTestId('rules-list').waitFor();

    // Validation: 合计 over 10,000 is refused, reported on 数量.
    await page.getByTestId('rules-add-validation').click();
    const editor = page.getByTestId('rule-editor');
    await editor.getByLabel('规则名称').fill('单笔采购不超过 1 万元');
    await choose(page, editor.locator('.el-form-item', { hasText: '报错字段' }).locator('.el-select'), 'quantity');
    await editor.locator('.el-form-item', { hasText: '提示信息（中文）' }).locator('input').fill('合计超过 1 万元，请拆分采购');
    const leaf = editor.getByTestId('cond-leaf').first();
    await choose(page, leaf.getByTestId('cond-fact'), '合计 · total');
    await choose(page, leaf.getByTestId('cond-operator'), /^大于$/);
    await leaf.getByTestId('cond-value').locator('input').fill('10000');

    // Alert: 合计 over 5,000 raises 大额采购.
    await page.getByTestId('rules-add-alert').click();
    await editor.getByLabel('规则名称').fill('大额采购提醒');
    await editor.locator('.el-form-item', { hasText: '预警代码' }).locator('input').fill('BIG_ORDER');
    await choose(page, editor.locator('.el-form-item', { hasText: '级别' }).locator('.el-select'), '高');
    await editor.locator('.el-form-item', { hasText: '提示信息（中文）' }).locator('input').fill('大额采购，请复核');
    const alertLeaf = editor.getByTestId('cond-leaf').first();
    await choose(page, alertLeaf.getByTestId('cond-fact'), '合计 · total');
    await choose(page, alertLeaf.getByTestId('cond-operator'), /^大于$/);
    await alertLeaf.getByTestId('cond-value').locator('input').fill('5000');
    await expect.poll(() => page.getByTestId('rules-problems').count()).toBe(0);

    await page.getByTestId('rules-impact-run').click();
    await page.getByTestId('impact-total').waitFor();
    await expect(page.getByTestId('impact-total').innerText()).resolves.toBe('1');
    await expect.poll(() => page.getByTestId('rules-impact').innerText()).toContain('BIG_ORDER +1');
    await settled(page);
    await screenshot(page, 'supplier-rules-impact', { fullPage: true });

    await page.getByTestId('rules-publish').click();
    await page.locator('.el-message-box__btns .el-button--primary').click();
    await page.locator('.el-message--success', { hasText: '已发布' }).first().waitFor();
  });

  it('fills the form: errors inline as typed and after saving are the server’s own words; corrected, saved with an attachment and the rule outcome', async () => {
    await page.goto(`${server.baseUrl}/forms/supplier/records/new`);
    await page.getByTestId('record-form').waitFor();
    await page.locator('#field-name').fill('温州瓯江紧固件厂');
    await page.locator('#field-floor_price').fill('2500');
    await page.locator('#field-price').fill('2000');
    await page.locator('#field-quantity').fill('0');
    await page.locator('#field-name').click();
    // The engine in the browser: 单价 below 最低报价, 数量 below 1 — as you type.
    await expect.poll(() => fieldError(page, 'price').count()).toBe(1);
    await expect.poll(() => fieldError(page, 'quantity').count()).toBe(1);
    const typed = { name: '温州瓯江紧固件厂', floor_price: '2500', price: '2000', quantity: 0 };
    const server1 = await serverErrors(page, typed);
    expect(await fieldError(page, 'price').innerText()).toBe(server1.price);
    expect(await fieldError(page, 'quantity').innerText()).toBe(server1.quantity);
    await settled(page);
    await screenshot(page, 'supplier-record-inline-errors');

    // The new validation rule: 2000 × 6 = 12000 > 10000, shown on 数量 as typed (the published rule
    // run by the same engine in the browser), and again after the server refused the save, word for word.
    await page.locator('#field-floor_price').fill('1500');
    await page.locator('#field-quantity').fill('6');
    await expect.poll(() => fieldError(page, 'price').count()).toBe(0);
    await expect.poll(() => fieldError(page, 'quantity').innerText()).toBe('合计超过 1 万元，请拆分采购');
    const server2 = await serverErrors(page, { ...typed, floor_price: '1500', quantity: 6 });
    expect(server2.quantity).toBe('合计超过 1 万元，请拆分采购');
    await page.getByTestId('record-save').click();
    await page.locator('.el-message--error', { hasText: '保存失败' }).waitFor();
    await expect.poll(() => fieldError(page, 'quantity').innerText()).toBe(server2.quantity);
    expect(page.url()).toMatch(/\/records\/new$/);
    await settled(page);
    await screenshot(page, 'supplier-record-rule-error');

    // Corrected: 2000 × 4 = 8000, with the contract attached.
    await page.locator('#field-quantity').fill('4');
    await expect.poll(() => fieldError(page, 'quantity').count()).toBe(0);
    await page.getByTestId('file-input-contract').setInputFiles({ name: '供货合同.pdf', mimeType: 'application/pdf', buffer: PDF });
    await page.getByTestId('attachments-contract').locator('[data-file="供货合同.pdf"]').waitFor();
    await page.locator('.el-message').last().waitFor({ state: 'detached', timeout: 10_000 }).catch(() => undefined);
    await settled(page);
    await screenshot(page, 'supplier-record-attachment');
    await page.getByTestId('record-save').click();
    await page.waitForURL(/\/forms\/supplier\/records\/[0-9a-f-]{36}$/);

    // The detail: the alert the rule raised, the computed total, and the file to download.
    const results = page.getByTestId('rule-results');
    await results.locator('[data-alert="BIG_ORDER"]').waitFor();
    await expect(results.innerText()).resolves.toContain('大额采购，请复核');
    await expect.poll(() => page.locator('body').innerText()).toMatch(/合计\s+8,000/);
    const download = page.waitForEvent('download');
    await page.locator('[data-testid^="download-"]', { hasText: '供货合同.pdf' }).click();
    const file = await download;
    expect(file.suggestedFilename()).toBe('供货合同.pdf');
    expect((await readFile((await file.path())!)).equals(PDF)).toBe(true);
    await settled(page);
    await screenshot(page, 'supplier-record-detail', { fullPage: true });
  });

  it('saves the sorted list as a view, picks it again after a reload, and deletes it', async () => {
    await page.goto(`${server.baseUrl}/forms/supplier/records`);
    await page.getByTestId('records-table').locator('.record-row').first().waitFor();
    // Newest first by default; the view sorts by 数量 ascending (3 before 4).
    await expect.poll(() => page.getByTestId('records-table').locator('.record-row').first().innerText()).toContain('温州瓯江紧固件厂');
    await page.locator('.th-sort[data-sort-key="quantity"]').click();
    await expect.poll(() => new URL(page.url()).searchParams.get('sort')).toBe('quantity');
    await page.getByTestId('views-save').click();
    await page.locator('#view-name').fill('按数量升序');
    await page.getByTestId('views-share').click();
    await settled(page);
    await screenshot(page, 'records-save-view');
    await page.getByTestId('views-save-confirm').click();
    await page.locator('.el-message--success', { hasText: '视图“按数量升序”已保存' }).waitFor();

    await page.goto(`${server.baseUrl}/forms/supplier/records`);
    await page.getByTestId('records-table').locator('.record-row').first().waitFor();
    expect(new URL(page.url()).searchParams.get('sort')).toBeNull();
    await expect.poll(() => page.getByTestId('records-table').locator('.record-row').first().innerText()).toContain('温州瓯江紧固件厂');
    await choose(page, page.getByTestId('views-select'), '按数量升序');
    await expect.poll(() => new URL(page.url()).searchParams.get('sort')).toBe('quantity');
    await expect.poll(() => page.getByTestId('records-table').locator('.record-row').first().innerText()).toContain('宁波港城五金有限公司');
    await expect.poll(() => page.locator('.records-table th.ascending').innerText()).toContain('数量');
    await settled(page);
    await screenshot(page, 'records-saved-view');
    await page.getByTestId('views-delete').click();
    await page.locator('.el-message-box__btns .el-button--primary').click();
    await page.locator('.el-message--success', { hasText: '已删除' }).waitFor();
  });

  it('edits the provision rates: out-of-range and descending values are refused in place, a valid set is saved', async () => {
    await page.getByTestId('nav-provision-settings').click();
    await page.getByTestId('provision-form').waitFor();
    await expect(page.locator('#rate-0').inputValue()).resolves.toBe('5');
    await page.locator('#rate-2').fill('8');
    const item = (i: number) => page.locator(`.el-form-item:has(#rate-${i}) .el-form-item__error`);
    await expect.poll(() => item(2).innerText()).toBe('不能低于上一账龄段（10%）');
    await expect(page.getByTestId('provision-save').isDisabled()).resolves.toBe(true);
    await page.locator('#rate-2').fill('100.5');
    await expect.poll(() => item(2).innerText()).toContain('0–100');
    await settled(page);
    await screenshot(page, 'provision-rates-error');
    await page.locator('#rate-2').fill('35');
    await expect.poll(() => item(2).count()).toBe(0);
    await page.getByTestId('provision-save').click();
    await page.locator('.el-message--success', { hasText: '坏账准备比例已保存' }).waitFor();
    const saved = await page.evaluate(async () => {
      const res = await fetch('/api/settings/provision-rates', { headers: { authorization: `Bearer ${localStorage.getItem('credo.token')}` } });
      return ((await res.json()) as { rates: string[] }).rates;
    });
    expect(saved).toEqual(['5', '10', '35', '50', '80', '100']);
    await settled(page);
    await screenshot(page, 'provision-rates');

    // A credit manager sees the rates but cannot change them.
    await page.getByTestId('user-menu').click();
    await page.getByTestId('logout').click();
    await page.waitForURL(/\/login/);
    await signIn(page, server.baseUrl, 'credit@demo.local', 'demo1234');
    await page.getByTestId('nav-provision-settings').click();
    await page.getByTestId('provision-form').waitFor();
    await expect(page.locator('#rate-2').inputValue()).resolves.toBe('35');
    await expect(page.locator('#rate-2').isDisabled()).resolves.toBe(true);
    await expect(page.getByTestId('provision-save').count()).resolves.toBe(0);
  });
});
