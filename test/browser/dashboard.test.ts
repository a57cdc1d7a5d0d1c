import { beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { TestServer } from '../support/server.js';
import { screenshot, useBrowserSuite } from '../support/browser.js';
const TIME_ZONE = 'Asia/Shanghai';

/** Today where the browser is (the dashboard's default asOf). */
const today = () => new Intl.DateTimeFormat('en-CA', { timeZone: TIME_ZONE, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());

/** "1234567.8" → "1,234,567.80": how the screens show an exact decimal string. */
function money(value: string): string {
  const negative = value.startsWith('-');
  const [int, frac = ''] = value.replace('-', '').split('.');
  return `${negative ? '-' : ''}${int!.replace(/\B(?=(\d{3})+(?!\d))/g, ',')}.${(frac + '00').slice(0, 2)}`;
}

async function settled(page: Page): Promise<void> {
  await page.locator('.el-loading-mask').first().waitFor({ state: 'hidden' }).catch(() => undefined);
  await page.locator('[aria-busy="true"]').first().waitFor({ state: 'detached' }).catch(() => undefined);
  await page.evaluate(() => document.fonts.ready);
}

describe('credit dashboard, customer 360 and admin screens (real API, real Chromium)', () => {
  const suite = useBrowserSuite({ server: { demoCustomers: 60 }, context: { timezoneId: TIME_ZONE } });
  let server: TestServer;
  let page: Page;
  let token = '';

  const api = async <T>(path: string, init: RequestInit = {}): Promise<T> => {
    const res = await fetch(`${server.baseUrl}/api${path}`, {
      ...init,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'accept-language': 'zh-CN', ...(init.headers ?? {}) },
    });
    expect(res.status, `${init.method ?? 'GET'} ${path}`).toBeLessThan(300);
    return (await res.json()) as T;
  };

  beforeAll(async () => {
    ({ server, page } = suite);
    const res = await fetch(`${server.baseUrl}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'admin@demo.local', password: 'demo1234' }),
    });
    token = ((await res.json()) as { accessToken: string }).accessToken;
  });

  it('dashboard: the AR total is the aging report’s total; charts, top overdue and alerts are drawn', async () => {
    await page.goto(`${server.baseUrl}/login`);
    await page.getByLabel('邮箱').fill('admin@demo.local');
    await page.getByLabel('密码', { exact: true }).fill('demo1234');
    await page.getByTestId('login-submit').click();
    await page.waitForURL(/\/forms$/);

    await page.getByTestId('nav-dashboard').click();
    await page.waitForURL(/\/dashboard$/);
    const aging = await api<{ totals: { total: string } }>(`/reports/aging?asOf=${today()}&basis=due&groupBy=company`);
    expect(Number(aging.totals.total)).toBeGreaterThan(0);
    await expect.poll(() => page.getByTestId('kpi-ar-total').innerText(), { timeout: 15_000 }).toBe(money(aging.totals.total));

    // Every chart has a canvas, the top list links to customers, and alerts are counted.
    for (const id of ['chart-aging', 'chart-dso', 'chart-provision', 'chart-grades', 'chart-classes']) {
      await page.locator(`[data-testid="${id}"] canvas`).first().waitFor({ timeout: 15_000 });
    }
    const top = await api<{ items: Array<{ customerId: string; name: string }> }>(`/reports/top-overdue?asOf=${today()}&limit=10`);
    expect(top.items.length).toBeGreaterThan(0);
    await expect(page.getByTestId('top-overdue-link').first().innerText()).resolves.toBe(top.items[0]!.name);
    await expect.poll(() => page.getByTestId('alerts-summary').innerText(), { timeout: 15_000 }).toMatch(/\d+ 家客户触发预警（共 60 家）/);
    expect(await page.locator('[data-testid="alerts"] [data-alert]').count()).toBeGreaterThan(0);
    await settled(page);
    await page.waitForTimeout(1500); // chart entrance animation
    await screenshot(page, 'dashboard', { fullPage: true });
  });

  it('customer 360: the balance is the record’s rollups.ar_balance, with its receivables and rule results', async () => {
    await page.getByTestId('top-overdue-link').first().click();
    await page.waitForURL(/\/customers\/[^/]+$/);
    const id = decodeURIComponent(page.url().split('/').pop()!);
    const customer = await api<{ data: { name: string }; rollups: { ar_balance: string; overdue_amount: string } }>(`/forms/customer/records/${id}`);
    await expect.poll(() => page.getByTestId('c360-balance').innerText(), { timeout: 15_000 }).toBe(money(customer.rollups.ar_balance));
    await expect(page.getByTestId('c360-overdue').innerText()).resolves.toBe(money(customer.rollups.overdue_amount));
    await expect(page.getByTestId('c360-name').innerText()).resolves.toContain(customer.data.name);

    const receivables = page.locator('[data-testid="related-receivable"] .el-table__body-wrapper tbody tr.el-table__row');
    await receivables.first().waitFor({ timeout: 15_000 });
    await page.getByTestId('rule-results').waitFor();
    await page.locator('[data-testid="c360-usage"] canvas').waitFor();
    await settled(page);
    await page.waitForTimeout(1500);
    await screenshot(page, 'customer-360', { fullPage: true });

    // A receivable row opens its record page.
    await receivables.first().locator('a').first().click();
    await page.waitForURL(/\/forms\/receivable\/records\/[^/]+$/);
  });

  it('users & roles: lists users, creates one and changes its roles', async () => {
    await page.getByTestId('nav-admin-users').click();
    await page.waitForURL(/\/admin\/users$/);
    const table = page.getByTestId('users-table');
    await table.getByText('admin@demo.local').waitFor({ timeout: 15_000 });
    await page.getByTestId('user-create').click();
    await page.getByTestId('user-email').fill('auditor@demo.local');
    await page.getByTestId('user-name').fill('审计员');
    await page.getByTestId('user-password').fill('auditor-pass-1');
    await page.getByTestId('user-create-submit').click();
    await table.getByText('auditor@demo.local').waitFor();
    const users = await api<{ items: Array<{ email: string; roles: string[] }> }>('/users');
    expect(users.items.find((u) => u.email === 'auditor@demo.local')?.roles).toEqual(['staff']);

    await page.getByTestId('user-roles-auditor@demo.local').click();
    await page.getByTestId('user-edit-roles').getByText('只读用户').click();
    await page.getByTestId('user-roles-save').click();
    await expect
      .poll(async () => (await api<{ items: Array<{ email: string; roles: string[] }> }>('/users')).items.find((u) => u.email === 'auditor@demo.local')?.roles.sort())
      .toEqual(['staff', 'viewer']);
    await settled(page);
    await page.locator('.el-message').last().waitFor({ state: 'detached', timeout: 10_000 }).catch(() => undefined);
    await screenshot(page, 'admin-users');

    // Deactivate after a confirmation; the API then says inactive.
    await page.getByTestId('user-active-auditor@demo.local').click();
    await page.locator('.el-message-box').getByRole('button', { name: '停用' }).click();
    await expect
      .poll(async () => (await api<{ items: Array<{ email: string; active: boolean }> }>('/users')).items.find((u) => u.email === 'auditor@demo.local')?.active)
      .toBe(false);
    // The row follows once the UI has the answer (the API may say inactive a moment before).
    await expect.poll(() => page.getByTestId('user-active-auditor@demo.local').innerText()).toBe('启用');
  });

  it('field permissions: hides a field from a role and saves the document', async () => {
    await page.getByTestId('nav-admin-permissions').click();
    await page.waitForURL(/\/admin\/permissions\/customer$/);
    const row = page.locator('[data-testid="field-matrix"] tr[data-field="credit_limit"]');
    await row.waitFor({ timeout: 15_000 });
    const viewerCell = row.locator('td').nth(await viewerColumn(page));
    await viewerCell.getByText('隐藏').click();
    await row.locator('td').last().locator('.el-checkbox').click();
    await page.getByTestId('permissions-save').click();
    await expect
      .poll(async () => (await api<{ fields?: Record<string, Record<string, string>>; sensitive?: string[] }>('/forms/customer/permissions')).fields?.credit_limit?.viewer)
      .toBe('hidden');
    const doc = await api<{ sensitive?: string[] }>('/forms/customer/permissions');
    expect(doc.sensitive).toContain('credit_limit');
    await settled(page);
    await page.locator('.el-message').last().waitFor({ state: 'detached', timeout: 10_000 }).catch(() => undefined);
    await screenshot(page, 'admin-permissions');
  });

  it('audit log: lists the admin’s login, filters by action, pages by keyset', async () => {
    await page.goto(`${server.baseUrl}/admin/audit`);
    const table = page.getByTestId('audit-table');
    await table.locator('tbody tr.el-table__row').first().waitFor({ timeout: 15_000 });
    await page.getByTestId('audit-action').click();
    // Actions are named (登录), with the code beside it in the list and as the tag's tooltip.
    await page.getByRole('option', { name: /^登录\s*auth\.login$/ }).click();
    await page.getByTestId('audit-search').click();
    await expect.poll(() => page.url()).toContain('action=auth.login');
    await settled(page);
    const rowsText = await table.locator('tbody tr.el-table__row').allInnerTexts();
    expect(rowsText.length).toBeGreaterThan(0);
    expect(rowsText.every((r) => r.includes('登录') && !r.includes('auth.login'))).toBe(true);
    await expect(page.getByTestId('audit-action-cell').first().getAttribute('title')).resolves.toBe('auth.login');
    // The entity is named too (用户, not "user").
    await expect(table.locator('tbody tr.el-table__row').first().locator('td').nth(4).innerText()).resolves.toBe('用户');
    // Entities are picked by name too (the API matches them exactly).
    await page.getByTestId('audit-entity').click();
    await page.getByRole('option', { name: '用户', exact: true }).click();
    await page.getByTestId('audit-search').click();
    await expect.poll(() => page.url()).toContain('entity=user');
    expect(rowsText.some((r) => r.includes('admin@demo.local'))).toBe(true);
    await screenshot(page, 'admin-audit');

    // Keyset paging: two entries a page (login, user create/update, permission update are > 2).
    await page.goto(`${server.baseUrl}/admin/audit?size=2`);
    await table.locator('tbody tr.el-table__row').nth(1).waitFor({ timeout: 15_000 });
    const first = await table.locator('tbody tr.el-table__row').allInnerTexts();
    await page.getByTestId('audit-next').click();
    await expect.poll(() => page.getByTestId('audit-page').innerText()).toBe('第 2 页');
    await settled(page);
    const second = await table.locator('tbody tr.el-table__row').allInnerTexts();
    expect(second.length).toBeGreaterThan(0);
    expect(second).not.toEqual(first);
    await page.getByTestId('audit-prev').click();
    await expect.poll(() => table.locator('tbody tr.el-table__row').allInnerTexts()).toEqual(first);
  });
});

describe('what each role is shown, and English layout (real API, real Chromium)', () => {
  const suite = useBrowserSuite({ server: { demoCustomers: 20 } });
  let server: TestServer;
  let page: Page;

  const signInAs = async (email: string) => {
    await page.evaluate(() => localStorage.clear());
    await page.goto(`${server.baseUrl}/login`);
    await page.getByLabel('邮箱').fill(email);
    await page.getByLabel('密码', { exact: true }).fill('demo1234');
    await page.getByTestId('login-submit').click();
    await page.waitForURL(/\/(forms|dashboard)$/);
  };
  const firstReceivable = async (email: string): Promise<string> => {
    const login = await fetch(`${server.baseUrl}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password: 'demo1234' }) });
    const { accessToken } = (await login.json()) as { accessToken: string };
    const list = await fetch(`${server.baseUrl}/api/forms/receivable/records?limit=1`, { headers: { authorization: `Bearer ${accessToken}` } });
    return ((await list.json()) as { items: Array<{ id: string }> }).items[0]!.id;
  };

  beforeAll(async () => {
    ({ server, page } = suite);
    await page.goto(`${server.baseUrl}/login`);
  });

  it('a viewer sees no create, design, edit or delete buttons, and an admin page bounces with a message', async () => {
    await signInAs('viewer@demo.local');
    await page.goto(`${server.baseUrl}/forms`);
    await page.getByTestId('record-count').first().waitFor({ timeout: 15_000 });
    await expect(page.getByTestId('form-create').count()).resolves.toBe(0);
    await expect(page.locator('[data-testid^="form-design-"]').count()).resolves.toBe(0);
    await expect(page.locator('[data-testid^="form-rules-"]').count()).resolves.toBe(0);

    const id = await firstReceivable('viewer@demo.local');
    await page.goto(`${server.baseUrl}/forms/receivable/records/${id}`);
    await page.getByText('修订历史').waitFor({ timeout: 15_000 });
    await settled(page);
    await expect(page.getByTestId('record-edit').count()).resolves.toBe(0);
    await expect(page.getByTestId('record-delete').count()).resolves.toBe(0);

    // Following a link to the record form: told at once, 保存 disabled (no 403 after typing).
    await page.goto(`${server.baseUrl}/forms/receivable/records/${id}/edit`);
    await page.getByTestId('record-no-permission').waitFor({ timeout: 15_000 });
    await expect(page.getByTestId('record-save').isDisabled()).resolves.toBe(true);

    await page.goto(`${server.baseUrl}/admin/users`);
    await page.locator('.el-message').getByText('没有权限查看此页面').waitFor({ timeout: 10_000 });
    await expect.poll(() => page.url()).not.toContain('/admin/users');
    await expect(page.getByTestId('user-create').count()).resolves.toBe(0);
  });

  it('staff may edit a receivable but not delete it (the form says so), and see neither 新建表单 nor 设计', async () => {
    await signInAs('staff@demo.local');
    await page.getByTestId('record-count').first().waitFor({ timeout: 15_000 });
    await expect(page.getByTestId('form-create').count()).resolves.toBe(0);
    await expect(page.locator('[data-testid^="form-design-"]').count()).resolves.toBe(0);
    const id = await firstReceivable('staff@demo.local');
    await page.goto(`${server.baseUrl}/forms/receivable/records/${id}`);
    await page.getByTestId('record-edit').waitFor({ timeout: 15_000 });
    await expect(page.getByTestId('record-delete').count()).resolves.toBe(0);

    // No dashboard for staff (the reports API refuses them): bounced with a message, and
    // customer 360 leads back to the customer list instead.
    await page.goto(`${server.baseUrl}/dashboard`);
    await page.locator('.el-message').getByText('没有权限查看此页面').waitFor({ timeout: 10_000 });
    await expect.poll(() => page.url()).not.toContain('/dashboard');
    const customer = await page.evaluate(async (base) => {
      const res = await fetch(`${base}/api/forms/customer/records?limit=1`, { headers: { authorization: `Bearer ${localStorage.getItem('credo.token') ?? ''}` } });
      return ((await res.json()) as { items: Array<{ id: string }> }).items[0]!.id;
    }, server.baseUrl);
    await page.goto(`${server.baseUrl}/customers/${customer}`);
    const back = page.getByTestId('c360-back');
    await expect.poll(() => back.innerText(), { timeout: 15_000 }).toBe('客户档案');
    await back.click();
    await page.waitForURL(/\/forms\/customer\/records$/);
  });

  it('English at 1440×900: the BPDSO / ADD figures, the forms list footer and the field matrix are not cut or wrapped', async () => {
    await signInAs('admin@demo.local');
    await page.evaluate(() => localStorage.setItem('credo.locale', 'en'));
    await page.goto(`${server.baseUrl}/forms`);
    await page.getByTestId('record-count').first().waitFor({ timeout: 15_000 });
    // "View records" stays on one line next to Design / Rules.
    const open = page.locator('.card-foot .open').first();
    const box = await open.boundingBox();
    expect(box!.height).toBeLessThan(24);

    await page.goto(`${server.baseUrl}/dashboard`);
    const pair = page.getByTestId('kpi-bpdso-add');
    await expect.poll(() => pair.innerText(), { timeout: 15_000 }).toMatch(/days \/\s+[\d.]+ days$/);
    expect(await pair.evaluate((el) => el.scrollWidth <= el.clientWidth)).toBe(true);
    // No Chinese left in the English panel titles ("Aging (账龄) and provision" was).
    const titles = (await page.locator('h2.block-title').allInnerTexts()).join(' | ');
    expect(titles).toContain('Aging and bad-debt provision');
    expect(titles).not.toMatch(/[\u4e00-\u9fff]/);

    await page.goto(`${server.baseUrl}/admin/permissions/customer`);
    const group = page.locator('[data-testid="field-matrix"] tr[data-field="name"] .el-radio-group').first();
    await group.waitFor({ timeout: 15_000 });
    const buttons = await group.locator('.el-radio-button').evaluateAll((els) => els.map((el) => el.getBoundingClientRect().top));
    expect(new Set(buttons.map((t) => Math.round(t))).size).toBe(1);
    await page.evaluate(() => localStorage.setItem('credo.locale', 'zh-CN'));
  });
});

/** Index of the 只读用户 (viewer) column among the field-matrix cells (th is the field name). */
async function viewerColumn(page: Page): Promise<number> {
  const headers = await page.locator('[data-testid="field-matrix"] thead th').allInnerTexts();
  return headers.indexOf('只读用户') - 1;
}
