import { beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { TestServer } from '../support/server.js';
import { api, login } from '../support/http.js';
import { screenshot, signIn, useBrowserSuite } from '../support/browser.js';

interface Task {
  id: string;
  data: { instruction?: string; note?: string; stage: string };
}

/**
 * The collection run writes its tasks' instructions and notes in zh-CN (the stage plan's text); in
 * the English UI the task list, a task's page and the customer 360 show them in English, and in
 * Chinese again in Chinese.
 */
describe('collection tasks in the UI language (real API, real Chromium)', () => {
  const suite = useBrowserSuite({ server: { demoCustomers: 40 } });
  let server: TestServer;
  let page: Page;
  let tasks: Task[];
  let english: Map<string, string>;

  beforeAll(async () => {
    ({ server, page } = suite);
    const admin = api(server.baseUrl, await login(server.baseUrl, 'admin@demo.local'));
    const run = await admin.post('/api/reminders/run', {});
    expect(run.status, run.text).toBe(200);
    const list = await admin.get('/api/forms/collection_task/records?limit=50');
    tasks = list.body.items as Task[];
    expect(tasks.length).toBeGreaterThan(0);
    english = new Map(((await admin.get('/api/reminders/texts')).body.texts as Array<{ 'zh-CN': string; en: string }>).map((t) => [t['zh-CN'], t.en]));
    for (const task of tasks) expect(english.has(task.data.instruction!), task.data.instruction).toBe(true);
    await signIn(page, server.baseUrl, 'admin@demo.local');
  });

  it('the task list and a task say the instruction in English, and in Chinese again in Chinese', async () => {
    const first = tasks[0]!;
    const instruction = first.data.instruction!;
    await page.evaluate(() => localStorage.setItem('credo.locale', 'en'));
    try {
      await page.goto(`${server.baseUrl}/forms/collection_task/records`);
      const table = page.locator('.el-table');
      await table.locator('tbody tr').first().waitFor();
      await expect.poll(() => table.innerText()).toContain(english.get(instruction)!);
      const shown = await table.innerText();
      for (const task of tasks.slice(0, 10)) expect(shown).not.toContain(task.data.instruction!);
      await screenshot(page, 'collection-tasks-en');

      await page.goto(`${server.baseUrl}/forms/collection_task/records/${first.id}`);
      await expect.poll(() => page.locator('main').innerText()).toContain(english.get(instruction)!);
      await expect(page.locator('main').innerText()).resolves.not.toContain(instruction);
    } finally {
      await page.evaluate(() => localStorage.setItem('credo.locale', 'zh-CN'));
    }
    await page.goto(`${server.baseUrl}/forms/collection_task/records/${first.id}`);
    await expect.poll(() => page.locator('main').innerText()).toContain(instruction);
  });
});
