import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findFreePort } from '../../apps/api/src/database/embedded-postgres.js';
import { api, login } from '../support/http.js';

const root = path.resolve(import.meta.dirname, '../..');
const main = path.join(root, 'apps/api/dist/main.js');
const dataDir = mkdtempSync(path.join(tmpdir(), 'credo-lifecycle-'));
const children: ChildProcess[] = [];

/** Runs the built product the way `npm start` does, on an embedded PostgreSQL in dataDir. */
async function startProduct(port: number): Promise<{ child: ChildProcess; output: () => string }> {
  let output = '';
  const child = spawn(process.execPath, [main], {
    env: { ...process.env, DATABASE_URL: '', PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir, DEMO_CUSTOMERS: '25', LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`product exited early:\n${output}`);
    const ok = await fetch(`http://127.0.0.1:${port}/api/health`).then((r) => r.ok, () => false);
    if (ok) return { child, output: () => output };
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`product did not become healthy:\n${output}`);
}

function exited(child: ChildProcess): Promise<number | null> {
  return child.exitCode !== null ? Promise.resolve(child.exitCode) : new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

function postmasterPid(): number | null {
  const file = path.join(dataDir, 'pg', 'postmaster.pid');
  return existsSync(file) ? Number(readFileSync(file, 'utf8').split('\n')[0]) : null;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

afterAll(async () => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  const pid = postmasterPid();
  if (pid && alive(pid)) process.kill(pid, 'SIGINT');
  await new Promise((r) => setTimeout(r, 1000));
  rmSync(dataDir, { recursive: true, force: true });
});

describe('npm start lifecycle on the embedded PostgreSQL', () => {
  it('first start seeds once; restart reuses the data; kill -9 loses nothing; SIGTERM stops PostgreSQL', async () => {
    const port = await findFreePort();
    // 1. First start: initialises the cluster, seeds, prints the demo login.
    const first = await startProduct(port);
    expect(first.output()).toContain('admin@demo.local / demo1234');
    expect(existsSync(path.join(dataDir, 'pg', 'PG_VERSION'))).toBe(true);
    const admin = api(`http://127.0.0.1:${port}`, await login(`http://127.0.0.1:${port}`, 'admin@demo.local'));
    const me = (await admin.get('/api/auth/me')).body;
    const created = await admin.post('/api/forms/customer/records', {
      data: { name: '断电测试有限公司', customer_type: '个人', country: 'CN', contact_name: '赵六', sales_owner: me.id },
    });
    expect(created.status).toBe(201);

    // 2. kill -9: the node process dies, its PostgreSQL child is orphaned.
    first.child.kill('SIGKILL');
    await exited(first.child);

    // 3. Start again on the same DATA_DIR: orphan handled, no re-seed, nothing lost.
    const second = await startProduct(port);
    expect(second.output()).not.toContain('admin@demo.local / demo1234');
    const admin2 = api(`http://127.0.0.1:${port}`, await login(`http://127.0.0.1:${port}`, 'admin@demo.local'));
    const list = await admin2.get('/api/forms/customer/records?total=true&limit=1');
    expect(list.body.total).toBe(26);
    expect((await admin2.get(`/api/forms/customer/records/${created.body.id}`)).body.data.name).toBe('断电测试有限公司');
    // The token signed before the crash still works: the JWT secret lives in DATA_DIR.
    expect((await admin.get('/api/auth/me')).status).toBe(200);

    // 4. SIGTERM: node exits 0 and stops its PostgreSQL.
    const pid = postmasterPid();
    expect(pid).not.toBeNull();
    second.child.kill('SIGTERM');
    const code = await exited(second.child);
    expect(code, `exit code ${code}; output:\n${second.output().slice(-6000)}`).toBe(0);
    expect(alive(pid!)).toBe(false);
  }, 240_000);
});
