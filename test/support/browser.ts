import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll } from 'vitest';
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from 'playwright-core';
import { startTestServer, type TestServer } from './server.js';

/** Where screenshots land for reviewers (test/output is git-ignored). */
export const SCREENSHOT_DIR = fileURLToPath(new URL('../output/screenshots/', import.meta.url));

/**
 * Debian's chromium (apt), never a downloaded one: `npx playwright install` is not used
 * anywhere. CHROMIUM_PATH overrides the location.
 */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
    ],
  });
}

/** Writes test/output/screenshots/<name>.png and returns its path. */
export async function screenshot(page: Page, name: string, options: { fullPage?: boolean } = {}): Promise<string> {
  await mkdir(SCREENSHOT_DIR, { recursive: true });
  const path = `${SCREENSHOT_DIR}${name}.png`;
  await page.screenshot({ path, fullPage: options.fullPage ?? false, animations: 'disabled' });
  return path;
}

/** Waits for Element Plus loading masks to go and for web fonts (stable screenshots). */
export async function settled(page: Page): Promise<void> {
  await page.locator('.el-loading-mask').first().waitFor({ state: 'hidden' }).catch(() => undefined);
  await page.evaluate(() => document.fonts.ready);
}

/** Signs in through the login screen (zh-CN labels) and waits for the forms list. */
export async function signIn(page: Page, baseUrl: string, email: string, password = 'demo1234'): Promise<void> {
  await page.goto(`${baseUrl}/login`);
  await page.getByLabel('邮箱').fill(email);
  await page.getByLabel('密码', { exact: true }).fill(password);
  await page.getByTestId('login-submit').click();
  await page.waitForURL(/\/(forms|dashboard)$/);
}

const WEB_DIST = fileURLToPath(new URL('../../apps/web/dist/index.html', import.meta.url));

export interface BrowserSuite {
  server: TestServer;
  browser: Browser;
  context: BrowserContext;
  page: Page;
}

/**
 * The usual browser suite: the built web app served by a real API on a fresh database, real
 * Chromium, one zh-CN context (1440×900, Asia/Shanghai) and a page — started in beforeAll,
 * closed in afterAll. The returned object is filled in when beforeAll has run.
 */
export function useBrowserSuite(options: { server?: Parameters<typeof startTestServer>[0]; context?: BrowserContextOptions } = {}): BrowserSuite {
  const suite = {} as BrowserSuite;
  beforeAll(async () => {
    if (!existsSync(WEB_DIST)) throw new Error('apps/web/dist is missing: run `npm run build -w @credo/web` first');
    suite.server = await startTestServer(options.server);
    suite.browser = await launchBrowser();
    suite.context = await suite.browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai', ...options.context });
    suite.page = await suite.context.newPage();
  });
  afterAll(async () => {
    await suite.context?.close();
    await suite.browser?.close();
    await suite.server?.close();
  });
  return suite;
}
