import { beforeAll, describe, expect, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import type { TestServer } from '../support/server.js';
import { screenshot, settled, signIn, useBrowserSuite } from '../support/browser.js';
import { api, login } from '../support/http.js';

function fieldError(page: Page, field: string): Locator {
  return page.locator(`.record-form .el-form-item[data-field="${field}"] .el-form-item__error`);
}

/** Drags a palette type onto the canvas section and names the new (selected) field. */
async function dropField(page: Page, type: string, label: string, key: string): Promise<void> {
  const before = await page.locator('[data-testid^="canvas-field-"]').count();
  await page.getByTestId(`palette-${type}`).dragTo(page.getByTestId('section-main'));
  await expect.poll(() => page.locator('[data-testid^="canvas-field-"]').count()).toBe(before + 1);
  await page.locator('#prop-label-zh').fill(label);
  await page.locator('#prop-key').fill(key);
  await page.locator('#prop-key').press('Enter');
  await page.getByTestId(`canvas-field-${key}`).waitFor();
}

describe('designers: a 供应商 form from nothing, published and filled; a rule changed with its impact previewed (real API, real Chromium)', () => {
  const suite = useBrowserSuite({ server: { demoCustomers: 60 } });
  let server: TestServer;
  let page: Page;

  beforeAll(async () => {
    ({ server, page } = suite);
    await signIn(page, server.baseUrl, 'admin@demo.local');
  });

  it('designs a 供应商 form by drag and drop (text, money, integer and a formula), previews it live and publishes it', async () => {
    await page.getByTestId('form-create').click();
    await page.waitForURL(/\/forms\/new$/);
    await page.getByTestId('designer-palette').waitFor();
    // Every engine field type is in the palette, labelled by the engine's registry.
    await expect(page.locator('[data-testid^="palette-"]').count()).resolves.toBe(28);
    await expect(page.getByTestId('palette-uscc').innerText()).resolves.toBe('统一社会信用代码');

    // A fresh form shows no errors until the author leaves a property or tries to save / publish.
    const formProps = page.getByTestId('form-properties');
    const propErrors = () => formProps.locator('.el-form-item__error').allInnerTexts();
    const keyRule = '表单标识须以小写字母开头，只含小写字母、数字、下划线或连字符';
    await expect(propErrors()).resolves.toEqual([]);
    await expect(page.getByTestId('form-errors').count()).resolves.toBe(0);
    await expect(page.getByTestId('designer-error-count').count()).resolves.toBe(0);
    await expect(page.getByTestId('designer-status').innerText()).resolves.toBe('尚未创建');
    // Leaving the key empty flags the key only.
    await page.locator('#form-key').click();
    await page.locator('#form-title-en').click();
    await expect.poll(propErrors).toEqual([keyRule]);
    // Publishing shows every problem, in words naming the property.
    await page.getByTestId('designer-publish').click();
    await page.locator('.el-message--error', { hasText: '有 3 个错误，请先修正' }).waitFor();
    await expect.poll(propErrors).toEqual(['请填写表单名称', keyRule]);
    await expect.poll(() => page.getByTestId('form-errors').innerText()).toContain('请至少添加一个字段');
    await expect(page.getByTestId('form-errors').innerText()).resolves.not.toMatch(/fields|title|key/);
    await expect.poll(() => page.getByTestId('designer-error-count').innerText()).toBe('3 个错误');
    await settled(page);
    await screenshot(page, 'designer-new-form-errors');
    // Filling them clears them; saving without a field still says what is missing.
    await page.locator('#form-title-zh').fill('供应商');
    await expect.poll(propErrors).toEqual([keyRule]);
    await page.locator('#form-key').fill('supplier');
    await expect.poll(propErrors).toEqual([]);
    await page.getByTestId('designer-save').click();
    await page.locator('.el-message--error', { hasText: '请至少添加一个字段' }).waitFor();

    await dropField(page, 'text', '供应商名称', 'name');
    await expect.poll(() => page.getByTestId('designer-error-count').count()).toBe(0);
    await page.getByTestId('field-properties').getByText('必填', { exact: true }).click();
    await page.locator('#prop-maxLength').fill('40');

    await dropField(page, 'money', '单价', 'price');
    await page.getByTestId('field-properties').getByText('必填', { exact: true }).click();

    await dropField(page, 'integer', '数量', 'quantity');
    await page.locator('#prop-minimum').fill('1');

    await dropField(page, 'formula', '合计', 'total');
    // An engine error shows next to the property, then goes away once the formula is right.
    await page.locator('#prop-formula').fill('price * ');
    await expect.poll(() => page.locator('.el-form-item:has(#prop-formula) .el-form-item__error').count()).toBe(1);
    await page.locator('#prop-formula').fill('price * quantity');
    await expect.poll(() => page.locator('.el-form-item:has(#prop-formula) .el-form-item__error').count()).toBe(0);

    // The first valid draft creates the form (POST /forms) and the URL becomes its design URL.
    await page.waitForURL(/\/forms\/supplier\/design$/);
    await expect.poll(() => page.getByTestId('designer-status').getAttribute('data-status')).toBe('saved');

    // Reorder: drag 数量 before 单价.
    await page.getByTestId('canvas-field-quantity').dragTo(page.getByTestId('canvas-field-price'));
    await expect
      .poll(() => page.locator('[data-testid^="canvas-field-"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-field'))))
      .toEqual(['name', 'quantity', 'price', 'total']);
    // Undo puts it back, redo again.
    await page.getByTestId('designer-undo').click();
    await expect
      .poll(() => page.locator('[data-testid^="canvas-field-"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-field'))))
      .toEqual(['name', 'price', 'quantity', 'total']);
    await page.getByTestId('designer-redo').click();
    await expect
      .poll(() => page.locator('[data-testid^="canvas-field-"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-field'))))
      .toEqual(['name', 'quantity', 'price', 'total']);
    // A sub-table takes columns dropped from the palette; removing it again is one click.
    await page.getByTestId('palette-subtable').dragTo(page.getByTestId('section-main'));
    await page.getByTestId('canvas-field-subtable_1').waitFor();
    await page.getByTestId('palette-money').dragTo(page.getByTestId('columns-subtable_1'));
    await page.getByTestId('column-subtable_1-money_1').waitFor();
    await expect(page.locator('#prop-label-zh').inputValue()).resolves.toBe('金额');
    await settled(page);
    await screenshot(page, 'designer-subtable');
    await page.getByTestId('remove-subtable_1').click();
    await page.getByTestId('canvas-field-subtable_1').waitFor({ state: 'detached' });
    await page.getByTestId('canvas-field-total').click();
    await settled(page);
    await screenshot(page, 'designer-canvas');

    // Live preview through the record form's widgets and the engine; the formula follows.
    await page.getByTestId('designer-preview-tab').click();
    await page.locator('#preview-price').fill('12.50');
    await page.locator('#preview-quantity').fill('0');
    await page.locator('#preview-name').click();
    await expect.poll(() => page.locator('.el-form-item[data-field="quantity"] .el-form-item__error').innerText()).toContain('数量');
    await page.locator('#preview-quantity').fill('4');
    await expect.poll(() => page.getByTestId('preview-readonly-total').innerText()).toContain('50');
    await expect.poll(() => page.getByTestId('formula-result').innerText()).toContain('50');
    await settled(page);
    await screenshot(page, 'designer-preview');

    await expect.poll(() => page.getByTestId('designer-status').getAttribute('data-status')).toBe('saved');
    await page.getByTestId('designer-publish').click();
    await page.getByTestId('publish-records').waitFor();
    await expect(page.getByTestId('publish-first').isVisible()).resolves.toBe(true);
    await settled(page);
    await screenshot(page, 'designer-publish-dialog');
    await page.getByTestId('publish-confirm').click();
    await page.locator('.el-message--success', { hasText: '已发布第 1 版' }).waitFor();
  });

  it('fills the published 供应商 form: errors from the engine first, then a saved record with the formula computed', async () => {
    await page.goto(`${server.baseUrl}/forms/supplier/records/new`);
    await page.getByTestId('record-form').waitFor();
    await page.locator('#field-price').fill('12.50');
    await page.locator('#field-quantity').fill('0');
    await page.getByTestId('record-save').click();
    await expect.poll(() => fieldError(page, 'name').innerText()).toContain('供应商名称');
    await expect.poll(() => fieldError(page, 'quantity').innerText()).toContain('数量');
    await settled(page);
    await screenshot(page, 'designer-record-error');

    await page.locator('#field-name').fill('宁波测试五金供应商');
    await page.locator('#field-quantity').fill('4');
    await expect.poll(() => fieldError(page, 'quantity').count()).toBe(0);
    await page.getByTestId('record-save').click();
    await page.waitForURL(/\/forms\/supplier\/records\/[0-9a-f-]{36}$/);
    await expect.poll(() => page.locator('body').innerText()).toContain('宁波测试五金供应商');
    await expect.poll(() => page.locator('body').innerText()).toContain('50');
  });

  it('changes a classification threshold on the customer rules and previews the impact on every record', async () => {
    await page.goto(`${server.baseUrl}/forms/customer/rules`);
    await page.getByTestId('rules-list').waitFor();
    await page.getByTestId('rule-item-customer_class').click();
    const leaf = page.locator('[data-path="/rules/0/cases/0/conditions/any/1"]');
    await expect(leaf.innerText()).resolves.toContain('max_days_overdue');
    await leaf.getByTestId('cond-value').locator('input').fill('0');
    await expect.poll(() => page.getByTestId('rules-dirty').innerText()).toBe('有未保存修改');

    await page.getByTestId('rules-impact-run').click();
    await page.getByTestId('impact-total').waitFor();
    const total = Number(await page.getByTestId('impact-total').innerText());
    const changed = Number(await page.getByTestId('impact-changed').innerText());
    expect(total).toBeGreaterThanOrEqual(60);
    expect(changed).toBeGreaterThan(0);
    expect(changed).toBeLessThanOrEqual(total);

    // Test the draft on one record: the explanation tree names the changed leaf.
    await page.getByTestId('rules-test-run').click();
    await page.getByTestId('rules-test-result').waitFor();
    await expect.poll(() => page.getByTestId('rules-test-result').innerText()).toContain('max_days_overdue');
    await settled(page);
    await screenshot(page, 'rule-designer-impact', { fullPage: true });

    // An operator the fact's kind does not allow is not offered; a broken value is flagged in place.
    await leaf.getByTestId('cond-value').locator('input').fill('abc');
    await expect.poll(() => leaf.locator('.msg').count()).toBeGreaterThan(0);
    await leaf.getByTestId('cond-value').locator('input').fill('60');
    await expect.poll(() => leaf.locator('.msg').count()).toBe(0);
    await page.getByTestId('rules-save').click();
    await page.locator('.el-message--success', { hasText: '规则草稿已保存' }).waitFor();
  });

  it('says the new form’s problems in English too, only once Create draft is tried', async () => {
    await page.evaluate(() => localStorage.setItem('credo.locale', 'en'));
    try {
      await page.goto(`${server.baseUrl}/forms/new`);
      await page.getByTestId('designer-palette').waitFor();
      const formProps = page.getByTestId('form-properties');
      await expect(formProps.locator('.el-form-item__error').count()).resolves.toBe(0);
      await page.getByTestId('designer-save').click();
      await expect
        .poll(() => formProps.locator('.el-form-item__error').allInnerTexts())
        .toEqual(['Enter the form name', 'The form key must start with a lowercase letter and contain only lowercase letters, digits, underscores or hyphens']);
      await expect.poll(() => page.getByTestId('form-errors').innerText()).toContain('Add at least one field');
      await page.locator('.el-message--error', { hasText: 'Fix the 3 errors first' }).waitFor();
    } finally {
      await page.evaluate(() => localStorage.setItem('credo.locale', 'zh-CN'));
    }
  });

  it('names a section in the language the designer is used in, keeping the other', async () => {
    const titleInput = page.getByTestId('designer-canvas').getByRole('textbox', { name: /Section title|分区标题/ }).first();
    await page.evaluate(() => localStorage.setItem('credo.locale', 'en'));
    try {
      await page.goto(`${server.baseUrl}/forms/customer/design`);
      await page.getByTestId('designer-palette').waitFor();
      await expect.poll(() => titleInput.inputValue()).toBe('Basic information');
      await titleInput.fill('Company basics');
      await page.getByTestId('designer-save').click();
      const admin = api(server.baseUrl, await login(server.baseUrl, 'admin@demo.local'));
      await expect
        .poll(async () => (await admin.get('/api/forms/customer/draft')).body?.draft?.layout?.sections?.[0]?.title)
        .toEqual({ 'zh-CN': '基本信息', en: 'Company basics' });
    } finally {
      await page.evaluate(() => localStorage.setItem('credo.locale', 'zh-CN'));
    }
    // The Chinese designer shows (and would edit) the Chinese title.
    await page.goto(`${server.baseUrl}/forms/customer/design`);
    await page.getByTestId('designer-palette').waitFor();
    await expect.poll(() => titleInput.inputValue()).toBe('基本信息');
  });
});
