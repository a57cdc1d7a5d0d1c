import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FieldDefinition, FormDefinition } from '@credo/form-engine';
import { api, login } from '../support/http.js';
import { ownerQuery, startTestServer, type TestServer } from '../support/server.js';

/**
 * A client that leaves in the middle of an export: the work behind it stops (the COPY is
 * cancelled, not read to its end; the XLSX cursor is closed) and the connection goes back to the
 * pool in a good state, however many exports are abandoned.
 */
let server: TestServer;
let token: string;
let admin: ReturnType<typeof api>;
const ROWS = 120_000;
/** The API's pool size (app.module.ts `extra.max`): more exports than this are abandoned below. */
const POOL = 20;

const BIG: FormDefinition = {
  key: 'export_big',
  title: { 'zh-CN': '大导出', en: 'Big export' },
  fields: [
    { key: 'code', type: 'text', label: { 'zh-CN': '编号', en: 'Code' } },
    { key: 'note', type: 'text', label: { 'zh-CN': '备注', en: 'Note' } },
    { key: 'memo', type: 'text', label: { 'zh-CN': '附言', en: 'Memo' } },
  ] as FieldDefinition[],
};

const database = () => new URL(server.databaseUrl).pathname.slice(1);

/** Statements of this database's API connections that are still running an export. */
async function exportStatements(): Promise<Array<{ pid: number; state: string; query: string }>> {
  return ownerQuery(
    server.databaseUrl,
    `SELECT pid, state, query FROM pg_stat_activity
     WHERE datname = $1 AND application_name = 'credo-api' AND pid <> pg_backend_pid()
       AND state = 'active' AND (query LIKE 'COPY (SELECT%' OR query LIKE 'FETCH % FROM credo_export%')`,
    [database()],
  );
}

/** The API's connections that sit inside a transaction (a leaked or half-ended one). */
async function connectionsInTransaction(): Promise<number> {
  const [row] = await ownerQuery<{ n: number }>(
    server.databaseUrl,
    `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1 AND application_name = 'credo-api' AND state LIKE 'idle in transaction%'`,
    [database()],
  );
  return row!.n;
}

async function until<T>(what: () => Promise<T>, ok: (value: T) => boolean, ms: number): Promise<T> {
  const deadline = Date.now() + ms;
  let value = await what();
  while (!ok(value) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 25));
    value = await what();
  }
  return value;
}

/** Starts an export, takes its first bytes and leaves. */
async function abandon(format: 'csv' | 'xlsx', onFirstBytes?: () => Promise<void>): Promise<void> {
  const controller = new AbortController();
  const res = await fetch(`${server.baseUrl}/api/forms/export_big/export.${format}`, { headers: { authorization: `Bearer ${token}` }, signal: controller.signal });
  expect(res.status).toBe(200);
  const reader = res.body!.getReader();
  const first = await reader.read();
  expect(first.value?.length ?? 0).toBeGreaterThan(0);
  await onFirstBytes?.();
  controller.abort();
  await reader.read().catch(() => undefined);
}

beforeAll(async () => {
  server = await startTestServer({ demoCustomers: 10 });
  token = await login(server.baseUrl, 'admin@demo.local');
  admin = api(server.baseUrl, token);
  const designer = api(server.baseUrl, await login(server.baseUrl, 'designer@demo.local'));
  expect((await designer.post('/api/forms', { definition: BIG })).status).toBe(201);
  expect((await designer.post('/api/forms/export_big/publish', {})).status).toBe(200);
  // ~600 bytes of CSV per record (~70 MB in all): far more than the socket buffers between
  // PostgreSQL, the API and the client hold, so a COPY read to its end shows.
  await ownerQuery(
    server.databaseUrl,
    `INSERT INTO records (tenant_id, id, form_id, form_version_id, data, created_by, updated_by)
     SELECT f.tenant_id, uuidv7(), f.id, v.id,
            jsonb_build_object('code', 'B' || g, 'note', repeat('备注' || g, 20), 'memo', repeat('memo-' || g, 20)), NULL, NULL
     FROM forms f JOIN form_versions v ON v.id = f.current_version_id, generate_series(1, $1::int) g
     WHERE f.key = 'export_big'`,
    [ROWS],
  );
  await ownerQuery(server.databaseUrl, 'ANALYZE records');
}, 300_000);
afterAll(() => server?.close());

describe('successful: a client that leaves mid-export stops the work', () => {
  it('CSV: the COPY is cancelled well before its end, and the audit entry says how far the client got', async () => {
    // The COPY's progress while it runs (pg_stat_progress_copy): a COPY read to its end would
    // pass most of the rows before it disappears.
    let processed = 0;
    let watching = true;
    const watch = (async () => {
      while (watching) {
        const rows = await ownerQuery<{ n: string }>(
          server.databaseUrl,
          `SELECT p.tuples_processed AS n FROM pg_stat_progress_copy p JOIN pg_stat_activity a ON a.pid = p.pid
           WHERE p.datname = $1 AND a.application_name = 'credo-api' AND p.command = 'COPY TO'`,
          [database()],
        );
        for (const row of rows) processed = Math.max(processed, Number(row.n));
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    })();
    const left = Date.now();
    await abandon('csv', async () => {
      // The COPY is running when the client leaves, and has sent rows (the first bytes can be the
      // header alone, written before PostgreSQL produces the first row).
      expect((await until(exportStatements, (s) => s.length > 0, 5000)).length).toBe(1);
      expect(await until(async () => processed, (n) => n > 0, 5000)).toBeGreaterThan(0);
    });
    const running = await until(exportStatements, (s) => s.length === 0, 5000);
    watching = false;
    await watch;
    expect(running).toEqual([]);
    expect(Date.now() - left).toBeLessThan(5000);
    expect(processed).toBeGreaterThan(0);
    expect(processed).toBeLessThan(ROWS * 0.6);
    expect(await until(connectionsInTransaction, (n) => n === 0, 5000)).toBe(0);
    const [entry] = await until(
      () => ownerQuery<{ details: { rows: number; aborted?: boolean; format: string } }>(server.databaseUrl, `SELECT details FROM audit_log WHERE action = 'record.export' AND entity = 'form:export_big' ORDER BY id DESC LIMIT 1`),
      (rows) => rows.length > 0,
      5000,
    );
    expect(entry?.details).toMatchObject({ format: 'csv', aborted: true });
    expect(entry!.details.rows).toBeLessThan(ROWS);
  });

  it('XLSX: the cursor stops being read once the client has left', async () => {
    await abandon('xlsx');
    expect(await until(exportStatements, (s) => s.length === 0, 5000)).toEqual([]);
    expect(await until(connectionsInTransaction, (n) => n === 0, 5000)).toBe(0);
    const [entry] = await ownerQuery<{ details: { rows: number; aborted?: boolean; format: string } }>(
      server.databaseUrl,
      `SELECT details FROM audit_log WHERE action = 'record.export' AND entity = 'form:export_big' ORDER BY id DESC LIMIT 1`,
    );
    expect(entry?.details).toMatchObject({ format: 'xlsx', aborted: true });
    expect(entry!.details.rows).toBeLessThan(ROWS);
  });

  it(`more abandoned exports than the pool holds (${POOL + 3}) leak no connection: the API serves exports and lists after them`, async () => {
    for (let i = 0; i < POOL + 3; i++) await abandon(i % 4 === 3 ? 'xlsx' : 'csv');
    expect(await until(exportStatements, (s) => s.length === 0, 10_000)).toEqual([]);
    expect(await until(connectionsInTransaction, (n) => n === 0, 5000)).toBe(0);
    // A pool with leaked connections would make these wait for a free one, then time out.
    const list = await admin.get('/api/forms/export_big/records?limit=1');
    expect(list.status).toBe(200);
    const filter = JSON.stringify({ code: { eq: 'B77' } });
    const results = await Promise.all(
      Array.from({ length: POOL + 2 }, () =>
        fetch(`${server.baseUrl}/api/forms/export_big/export.csv?headers=keys&filter=${encodeURIComponent(filter)}`, { headers: { authorization: `Bearer ${token}` } }).then(async (res) => ({ status: res.status, text: Buffer.from(await res.arrayBuffer()).toString('utf8') })),
      ),
    );
    for (const res of results) {
      expect(res.status).toBe(200);
      expect(res.text).toBe(`\uFEFFcode,note,memo\r\nB77,${'备注77'.repeat(20)},${'memo-77'.repeat(20)}\r\n`);
    }
  });
});
