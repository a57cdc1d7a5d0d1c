import { createHmac } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { uniqueUscc } from '../support/factories.js';
import { api, login } from '../support/http.js';
import { startTestServer } from '../support/server.js';
import { launchBrowser, screenshot } from '../support/browser.js';

const WEB_DIST = fileURLToPath(new URL('../../apps/web/dist/index.html', import.meta.url));

/** The admin Webhooks screen against the real API (jobs on) and a real receiver on 127.0.0.1. */
describe('admin webhooks screen (real API, real Chromium, real receiver)', () => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let receiver: Server;
  let receiverUrl = '';
  const received: Array<{ headers: IncomingHttpHeaders; body: string }> = [];

  beforeAll(async () => {
    if (!existsSync(WEB_DIST)) throw new Error('apps/web/dist is missing: run `npm run build -w @credo/web` first');
    receiver = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
        res.writeHead(200).end('ok');
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
    server = await startTestServer({ demoCustomers: 5, config: { jobs: true, webhookAllowPrivateNetworks: true } });
    browser = await launchBrowser();
    context = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
    page = await context.newPage();
  });

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await server?.close();
    await new Promise((resolve) => receiver?.close(resolve));
  });

  it('creates a webhook, shows its secret once, sends a signed test ping and shows it delivered in the log', async () => {
    await page.goto(`${server.baseUrl}/login`);
    await page.getByLabel('邮箱').fill('admin@demo.local');
    await page.getByLabel('密码', { exact: true }).fill('demo1234');
    await page.getByTestId('login-submit').click();
    await page.waitForURL(/\/forms$/);

    await page.goto(`${server.baseUrl}/admin/webhooks`);
    await page.getByTestId('admin-webhooks').waitFor();
    await page.getByTestId('webhook-create').click();
    // "No form" means every form, and the empty select says so (it said 请选择).
    await expect.poll(() => page.getByTestId('webhook-form').innerText()).toContain('全部表单');
    // A bad address is refused next to the field.
    await page.getByTestId('webhook-url').fill('ftp://example.com/x');
    await page.getByTestId('webhook-create-submit').click();
    await expect.poll(() => page.getByTestId('webhook-create-form').textContent()).toContain('http://');
    await page.getByTestId('webhook-url').fill(receiverUrl);
    await page.getByTestId('webhook-create-submit').click();

    const secretInput = page.getByTestId('webhook-secret');
    await secretInput.waitFor();
    const secret = await secretInput.inputValue();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    await screenshot(page, 'webhooks-secret-once');
    await page.getByRole('button', { name: '我已保存密钥' }).click();

    const table = page.getByTestId('webhooks-table');
    await expect.poll(() => table.textContent()).toContain(receiverUrl);
    expect(await page.content()).not.toContain(secret);
    // At 1440×900 the fixed 操作 column no longer covers 创建时间 (header and cell fully visible).
    const created = table.locator('.el-table__header-wrapper th.created-col').first();
    const actions = table.locator('.el-table__fixed-right, th.el-table-fixed-column--right').first();
    const [c, a] = [await created.boundingBox(), await actions.boundingBox()];
    expect(c!.x + c!.width).toBeLessThanOrEqual(a!.x + 1);

    await table.getByRole('button', { name: '发送测试' }).click();
    await expect.poll(() => received.length, { timeout: 15_000 }).toBeGreaterThan(0);
    const ping = received[0]!;
    const ts = ping.headers['x-credo-timestamp'] as string;
    expect(ping.headers['x-credo-signature']).toBe('sha256=' + createHmac('sha256', secret).update(`${ts}.${ping.body}`).digest('hex'));
    expect(JSON.parse(ping.body)).toMatchObject({ type: 'ping' });

    await table.getByRole('button', { name: '投递日志' }).click();
    const log = page.getByTestId('webhook-log');
    await log.waitFor();
    await expect.poll(async () => {
      await log.getByRole('button', { name: '刷新' }).click();
      return log.textContent();
    }, { timeout: 15_000 }).toContain('已送达');
    expect(await log.textContent()).toContain('ping');
    await screenshot(page, 'webhooks-delivery-log');
  });

  it('edits a webhook: URL, form, events and active flag are saved (same secret), a bad URL is refused in the dialog', async () => {
    const admin = api(server.baseUrl, await login(server.baseUrl, 'admin@demo.local'));
    const [before] = (await admin.get('/api/webhooks')).body.items;
    expect(before).toMatchObject({ url: receiverUrl, form: null, active: true });

    // A fresh screen (the delivery log drawer of the test above is open).
    await page.goto(`${server.baseUrl}/admin/webhooks`);
    await page.getByTestId('admin-webhooks').waitFor();
    const table = page.getByTestId('webhooks-table');
    await page.getByTestId(`webhook-edit-${before.id}`).click();
    const form = page.getByTestId('webhook-create-form');
    await form.waitFor();
    // The dialog opens with the webhook's current values.
    expect(await page.getByTestId('webhook-url').inputValue()).toBe(receiverUrl);
    expect(await page.getByRole('dialog').textContent()).toContain('编辑 Webhook');

    await page.getByTestId('webhook-url').fill('mailto:someone@example.com');
    await page.getByTestId('webhook-create-submit').click();
    await expect.poll(() => form.textContent()).toContain('须为 http:// 或 https:// 地址');

    const edited = `${receiverUrl}/edited`;
    await page.getByTestId('webhook-url').fill(edited);
    await page.getByTestId('webhook-form').click();
    await page.getByRole('option', { name: '客户档案', exact: true }).click();
    // The form picker's dropdown is gone before the events are clicked (it would take the click).
    await expect.poll(() => page.locator('.el-select-dropdown:visible').count()).toBe(0);
    // Event names show as words (not message keys).
    expect(await form.textContent()).toContain('记录新建');
    const toggle = async (name: string, checked: boolean) => {
      const box = form.locator('.el-checkbox', { hasText: name });
      const isChecked = () => box.evaluate((e) => e.classList.contains('is-checked'));
      if ((await isChecked()) !== checked) await box.click();
      await expect.poll(isChecked).toBe(checked);
    };
    await toggle('记录删除', false);
    await toggle('规则预警', true);
    await page.getByTestId('webhook-description').fill('编辑后的说明');
    await page.getByTestId('webhook-active').click();
    await page.getByTestId('webhook-create-submit').click();
    await expect.poll(() => table.textContent()).toContain(edited);
    expect(await table.textContent()).toContain('编辑后的说明');
    expect(await table.textContent()).toContain('规则预警');
    // A removed event's tag leaves with a short animation: wait for it to go.
    await expect.poll(() => table.textContent()).not.toContain('记录删除');
    await screenshot(page, 'webhooks-edited');

    const after = (await admin.get(`/api/webhooks/${before.id}`)).body;
    expect(after).toMatchObject({ url: edited, form: { key: 'customer' }, active: false, description: '编辑后的说明', secretPrefix: before.secretPrefix });
    expect([...after.events].sort()).toEqual(['alert.raised', 'record.created', 'record.updated']);
    // No secret dialog after an edit: the secret did not change.
    expect(await page.getByTestId('webhook-secret').isVisible()).toBe(false);
    const audit = await admin.get('/api/audit?action=webhook.update');
    expect(audit.body.items[0]).toMatchObject({ entityId: before.id, details: { changes: { url: { from: receiverUrl, to: edited }, active: { from: true, to: false } } } });

    // Turned back on from the table's switch, the edit is what the dialog shows next time.
    await page.getByTestId(`webhook-active-${before.id}`).click();
    await expect.poll(async () => (await admin.get(`/api/webhooks/${before.id}`)).body.active).toBe(true);
    await page.getByTestId(`webhook-edit-${before.id}`).click();
    expect(await page.getByTestId('webhook-url').inputValue()).toBe(edited);
    await page.getByRole('button', { name: '取消' }).click();
  });

  it('the delivery log says why an attempt failed in words, in Chinese and in English, with the raw detail below', async () => {
    const admin = api(server.baseUrl, await login(server.baseUrl, 'admin@demo.local'));
    // Port 1 on the loopback: nothing listens there (ECONNREFUSED).
    const dead = await admin.post('/api/webhooks', { url: 'http://127.0.0.1:1/dead', events: ['record.created'], form: 'customer' });
    expect(dead.status, dead.text).toBe(201);
    const me = (await admin.get('/api/auth/me')).body.id;
    const customer = await admin.post('/api/forms/customer/records', {
      data: { name: '投递失败测试有限公司', customer_type: '企业', country: 'CN', uscc: uniqueUscc(), contact_name: '张三', sales_owner: me },
    });
    expect(customer.status, customer.text).toBe(201);
    await expect
      .poll(async () => (await admin.get(`/api/webhooks/${dead.body.id}/deliveries`)).body.items[0]?.attempts ?? 0, { timeout: 15_000 })
      .toBeGreaterThan(0);

    const openLog = async () => {
      await page.goto(`${server.baseUrl}/admin/webhooks`);
      await page.getByTestId('admin-webhooks').waitFor();
      await page.getByTestId('webhooks-table').locator('tr', { hasText: '127.0.0.1:1/dead' }).getByRole('button', { name: /投递日志|Delivery log/ }).click();
      const log = page.getByTestId('webhook-log');
      await log.getByTestId('delivery-error').first().waitFor();
      return log;
    };
    let log = await openLog();
    await expect(log.getByTestId('delivery-error').first().innerText()).resolves.toBe('连接被拒绝：127.0.0.1 的端口 1 上没有服务在监听');
    await expect(log.getByTestId('delivery-error').first().getAttribute('title')).resolves.toBe('ECONNREFUSED');
    await log.locator('.el-table__expand-icon').first().click();
    await expect(log.getByTestId('attempt-error').first().innerText()).resolves.toBe('连接被拒绝：127.0.0.1 的端口 1 上没有服务在监听');
    await expect(log.getByTestId('attempt-error-raw').first().innerText()).resolves.toBe('原始信息：ECONNREFUSED');
    await screenshot(page, 'webhooks-delivery-error');

    await page.evaluate(() => localStorage.setItem('credo.locale', 'en'));
    log = await openLog();
    await expect(log.getByTestId('delivery-error').first().innerText()).resolves.toBe('Connection refused: nothing listens on port 1 of 127.0.0.1');
    await page.evaluate(() => localStorage.setItem('credo.locale', 'zh-CN'));
    await admin.call('PATCH', `/api/webhooks/${dead.body.id}`, { body: { active: false } });
  });
});