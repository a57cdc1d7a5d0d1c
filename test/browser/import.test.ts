import { readFile } from 'node:fs/promises';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import { readXlsx } from '../../apps/api/src/modules/imports/xlsx-read.js';
import { api, login } from '../support/http.js';
import { ownerQuery, type TestServer } from '../support/server.js';
import { screenshot, useBrowserSuite } from '../support/browser.js';

/** Picks an option of an Element Plus select by its visible text. */
async function choose(page: Page, select: Locator, text: string | RegExp): Promise<void> {
  await expect.poll(() => page.locator('.el-select-dropdown:visible').count()).toBe(0);
  await select.click();
  await page.locator('.el-select-dropdown:visible .el-select-dropdown__item', { hasText: text }).first().click();
  await expect.poll(() => page.locator('.el-select-dropdown:visible').count()).toBe(0);
}

/** The import wizard: upload → mapping with suggestions → dry run → job with progress → errors workbook. */
describe('import wizard (real API, real Chromium)', () => {
  const suite = useBrowserSuite({ server: { demoCustomers: 5 }, context: { acceptDownloads: true } });
  let server: TestServer;
  let page: Page;

  beforeAll(async () => {
    ({ server, page } = suite);
  });

  it('imports a CSV from the records list: suggested columns, dry run names the bad row, the job skips it, the errors download', async () => {
    await page.goto(`${server.baseUrl}/login`);
    await page.getByLabel('邮箱').fill('admin@demo.local');
    await page.getByLabel('密码', { exact: true }).fill('demo1234');
    await page.getByTestId('login-submit').click();
    await page.waitForURL(/\/forms$/);

    await page.goto(`${server.baseUrl}/forms/customer/records`);
    await page.getByTestId('records-import').click();
    await page.waitForURL(/\/forms\/customer\/import$/);

    const lines = ['公司名称,客户类型,国家/地区,联系人,销售负责人,信用额度,手机号码'];
    for (let i = 0; i < 5; i++) lines.push(`浏览器导入${i}有限公司,个人,中国大陆,张三,admin@demo.local,${i === 3 ? '很多' : '1000'},1380013800${i}`);
    await page.getByTestId('import-file').setInputFiles({ name: '客户.csv', mimeType: 'text/csv', buffer: Buffer.from(`\uFEFF${lines.join('\r\n')}\r\n`) });

    // The mapping step: 公司名称 and 手机号码 are common names of name and mobile.
    const mapping = page.getByTestId('import-mapping');
    await mapping.waitFor();
    await expect.poll(() => mapping.locator('tbody tr').count()).toBe(7);
    const firstRow = mapping.locator('tbody tr').first();
    await expect.poll(() => firstRow.innerText()).toMatch(/客户名称 \(name\)[\s\S]*常用别名/);
    await expect.poll(() => mapping.locator('tbody tr').nth(6).innerText()).toMatch(/手机 \(mobile\)/);
    await screenshot(page, 'import-mapping');

    await page.getByTestId('import-dry-run').click();
    await page.getByTestId('import-report').waitFor();
    await expect.poll(() => page.getByTestId('import-valid').innerText()).toBe('4');
    await expect.poll(() => page.getByTestId('import-invalid').innerText()).toBe('1');
    await expect.poll(() => page.getByTestId('import-errors').innerText()).toMatch(/5[\s\S]*信用额度[\s\S]*“很多”不是有效数字/);
    await expect.poll(() => page.getByTestId('import-start').isDisabled()).toBe(true);
    await page.getByTestId('import-skip').click();
    await page.getByTestId('import-start').click();

    await page.locator('[data-testid="import-status"][data-status="succeeded"]').waitFor({ timeout: 30_000 });
    await expect.poll(() => page.getByTestId('import-counts').innerText()).toContain('新增 4');
    await screenshot(page, 'import-done');
    const [row] = await ownerQuery<{ n: number }>(server.databaseUrl, `SELECT count(*)::int AS n FROM records WHERE data->>'name' LIKE '浏览器导入%'`);
    expect(row!.n).toBe(4);
    const [phone] = await ownerQuery<{ mobile: string }>(server.databaseUrl, `SELECT data->>'mobile' AS mobile FROM records WHERE data->>'name' = '浏览器导入0有限公司'`);
    expect(phone!.mobile).toBe('13800138000');

    const download = page.waitForEvent('download');
    await page.getByTestId('import-download-errors').click();
    const file = await (await download).path();
    const sheet = [...readXlsx(await readFile(file!))].map((r) => r.cells);
    expect(sheet).toHaveLength(2);
    expect(sheet[0]![0]).toBe('行号');
    expect(sheet[1]!.slice(0, 2)).toEqual(['5', '浏览器导入3有限公司']);
    expect(sheet[1]![8]).toContain('不是有效数字');
    // A dry run no longer saves a mapping: only an explicit save does.
    const [saved] = await ownerQuery<{ n: number }>(server.databaseUrl, 'SELECT count(*)::int AS n FROM import_mappings');
    expect(saved!.n).toBe(0);
  }, 120_000);

  it('applies a saved mapping to headers it would not guess, and saves the current one under a name', async () => {
    const token = await login(server.baseUrl, 'admin@demo.local');
    const created = await api(server.baseUrl, token).post('/api/forms/customer/import-mappings', {
      name: '德文客户表',
      columns: [
        { header: 'Firma', field: 'name' },
        { header: 'Art', field: 'customer_type' },
        { header: 'Land', field: 'country' },
        { header: 'Kontakt', field: 'contact_name' },
        { header: 'Betreuer', field: 'sales_owner' },
        { header: 'Notiz', field: null },
      ],
    });
    expect(created.status, created.text).toBe(201);

    await page.goto(`${server.baseUrl}/forms/customer/import`);
    const lines = ['Firma,Art,Land,Kontakt,Betreuer,Notiz'];
    for (let i = 0; i < 2; i++) lines.push(`映射导入${i}有限公司,个人,中国大陆,李四,admin@demo.local,备注${i}`);
    // Dropped onto the upload area this time (the first test picks the file through the input).
    const dropped = await page.evaluateHandle((text) => {
      const transfer = new DataTransfer();
      transfer.items.add(new File([text], 'kunden.csv', { type: 'text/csv' }));
      return transfer;
    }, `${lines.join('\r\n')}\r\n`);
    await page.getByTestId('import-drop').dispatchEvent('drop', { dataTransfer: dropped });
    const mapping = page.getByTestId('import-mapping');
    await mapping.waitFor();
    await expect.poll(() => mapping.locator('tbody tr').count()).toBe(6);
    // Nothing guessed for "Firma": a dry run now would refuse the unknown columns.
    await expect.poll(() => mapping.locator('tbody tr').first().innerText()).not.toMatch(/\(name\)/);

    await choose(page, page.getByTestId('import-mapping-pick'), '德文客户表');
    await expect.poll(() => mapping.locator('tbody tr').first().innerText()).toMatch(/客户名称 \(name\)/);
    await expect.poll(() => mapping.locator('tbody tr').nth(4).innerText()).toMatch(/\(sales_owner\)/);
    await expect.poll(() => page.getByTestId('import-mapping-name').inputValue()).toBe('德文客户表');
    await screenshot(page, 'import-mapping-picked');

    // Saved explicitly under another name (the list then offers both).
    await page.getByTestId('import-mapping-name').fill('德文客户表（副本）');
    await page.getByTestId('import-mapping-save').click();
    await expect
      .poll(async () => (await ownerQuery<{ name: string; columns: Array<{ header: string; field: string | null }> }>(server.databaseUrl, 'SELECT name, columns FROM import_mappings ORDER BY name')).map((m) => m.name))
      .toEqual(['德文客户表', '德文客户表（副本）']);
    const [copy] = await ownerQuery<{ columns: Array<{ header: string; field: string | null }> }>(server.databaseUrl, `SELECT columns FROM import_mappings WHERE name = '德文客户表（副本）'`);
    expect(copy!.columns).toContainEqual({ header: 'Firma', field: 'name' });
    expect(copy!.columns).toContainEqual({ header: 'Notiz', field: null });

    await page.getByTestId('import-dry-run').click();
    await page.getByTestId('import-report').waitFor();
    await expect.poll(() => page.getByTestId('import-valid').innerText()).toBe('2');
    await expect.poll(() => page.getByTestId('import-invalid').innerText()).toBe('0');
    await page.getByTestId('import-start').click();
    await page.locator('[data-testid="import-status"][data-status="succeeded"]').waitFor({ timeout: 30_000 });
    const [row] = await ownerQuery<{ n: number }>(server.databaseUrl, `SELECT count(*)::int AS n FROM records WHERE data->>'name' LIKE '映射导入%' AND data->>'contact_name' = '李四'`);
    expect(row!.n).toBe(2);
    // The dry run and the import saved nothing more.
    const [count] = await ownerQuery<{ n: number }>(server.databaseUrl, 'SELECT count(*)::int AS n FROM import_mappings');
    expect(count!.n).toBe(2);
  }, 120_000);
});
