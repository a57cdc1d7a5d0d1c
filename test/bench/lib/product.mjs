// The product under test: the built API (apps/api/dist/main.js) as a child process, on its own
// database in the bench's PostgreSQL, seeded with the demo company.
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { log, startChild } from './processes.mjs';

export const DEMO_ADMIN = { email: 'admin@demo.local', password: 'demo1234' };

/**
 * @param {{ repoRoot: string, workDir: string, pg: Awaited<ReturnType<typeof import('./postgres.mjs').startPostgres>>, echo?: boolean }} options
 */
export async function startProduct({ repoRoot, workDir, pg, echo }) {
  const { findFreePort } = await import(pathToFileURL(path.join(repoRoot, 'apps/api/dist/database/embedded-postgres.js')).href);
  const database = 'credo_bench';
  const ownerUrl = await pg.createDatabase(database);
  const dataDir = path.join(workDir, 'api-data');
  await mkdir(dataDir, { recursive: true });
  const port = await findFreePort();
  const started = Date.now();
  const app = startChild({
    name: 'api',
    command: process.execPath,
    // e.g. BENCH_API_NODE_ARGS='--cpu-prof --cpu-prof-dir=/tmp/prof' to profile the API under load.
    args: [...(process.env.BENCH_API_NODE_ARGS ?? '').split(' ').filter(Boolean), path.join(repoRoot, 'apps/api/dist/main.js')],
    cwd: repoRoot,
    env: {
      ...process.env,
      NODE_ENV: 'production',
      DATABASE_URL: ownerUrl,
      PORT: String(port),
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      DEMO_CUSTOMERS: '50',
      DEMO_PASSWORD: DEMO_ADMIN.password,
      LOG_LEVEL: 'warn',
    },
    logFile: path.join(workDir, 'api.log'),
    echo,
  });
  const baseUrl = `http://127.0.0.1:${port}`;
  await waitForHealth(baseUrl, app, 180_000);
  log(`API up at ${baseUrl} (${((Date.now() - started) / 1000).toFixed(1)} s: migrations, demo seed)`);

  /** JSON request; throws with the problem body on an unexpected status. */
  async function request(method, pathname, { token, body, expect = [200] } = {}) {
    const res = await fetch(baseUrl + pathname, {
      method,
      headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (!expect.includes(res.status)) throw new Error(`${method} ${pathname} -> ${res.status}: ${text.slice(0, 2000)}`);
    return text ? JSON.parse(text) : undefined;
  }

  return {
    baseUrl,
    /** Superuser URL of the product's database (migrations ran as this owner). */
    ownerUrl,
    database,
    /** The API's DATA_DIR (secrets.json holds the app role's password). */
    dataDir,
    app,
    request,
    async login(credentials = DEMO_ADMIN) {
      const { accessToken } = await request('POST', '/api/auth/login', { body: credentials });
      if (typeof accessToken !== 'string') throw new Error('login returned no accessToken');
      return accessToken;
    },
    stop: () => app.stop(),
  };
}

async function waitForHealth(baseUrl, app, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  let exited = false;
  void app.exited.then(() => (exited = true));
  let last = 'no answer';
  while (Date.now() < deadline) {
    if (exited) throw new Error(`the API exited during start-up; see ${app.logFile}\n${app.tail()}`);
    try {
      const res = await fetch(`${baseUrl}/api/health`);
      if (res.status === 200) return;
      last = `HTTP ${res.status}`;
    } catch (error) {
      last = error instanceof Error ? error.message : String(error);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`the API did not become healthy within ${timeoutMs / 1000} s (${last}); see ${app.logFile}\n${app.tail()}`);
}
