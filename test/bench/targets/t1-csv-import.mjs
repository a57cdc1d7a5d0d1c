// T1 — CSV import, end to end (PERFORMANCE.md §6.1), and the helpers T2 and T3 share.
// Candidate: POST /api/imports?form=customer&dryRun=false with an N-row × 12-column UTF-8 CSV of
// valid customers (unique names; 个人, so no USCC), then GET /api/imports/:id until the job has
// succeeded: upload, parse, convert, ajv, rules, unique checks, one INSERT per chunk into records
// with create revisions and rule results. Rows/s from the POST to the job's end.
// Baseline: server-side `COPY records (…) FROM file` of the same rows, pre-rendered (the imported
// rows copied out with new ids and names), into the same table with the same indexes and triggers.
// The imported rows (and the baseline's) are deleted afterwards, so later targets see the form as
// it was. Sizes: full 1,000,000 rows, quick 100,000, smoke 2,000.
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { round } from '../lib/stats.mjs';

export const IMPORT_ROWS = { full: 1_000_000, quick: 100_000, smoke: 2_000 };
export const HEADER = ['客户名称', '客户类型', '国家/地区', '联系人', '销售负责人', '信用额度', '成立日期', '是否中小企业', '行业', '账期(天)', '邮箱', '注册地址'];

/** N rows of 12 cells (the header first): the scale test's customers, names unique by prefix. */
export function importRows(prefix, n) {
  const rows = [HEADER];
  for (let i = 0; i < n; i++) {
    rows.push([
      `${prefix}${i}有限公司`,
      '个人',
      '中国大陆',
      `张三${i % 100}`,
      'admin@demo.local',
      `¥${((i * 7919) % 100000000).toLocaleString('en-US')}.00`,
      `2020年${1 + (i % 12)}月${1 + (i % 28)}日`,
      i % 2 ? '是' : '否',
      '制造业',
      String(i % 90),
      `u${i}@example.com`,
      `上海市浦东新区${i}号`,
    ]);
  }
  return rows;
}

export function csvOf(rows) {
  const parts = [];
  for (const r of rows) parts.push(r.map((c) => (/[",\r\n]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c)).join(','));
  return Buffer.from(`\uFEFF${parts.join('\r\n')}\r\n`, 'utf8');
}

/** Runs one import job through the API; resolves with its wall time and the finished job. */
export async function importJob(product, token, body, contentType, log) {
  const started = performance.now();
  const res = await fetch(`${product.baseUrl}/api/imports?form=customer&dryRun=false`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': contentType },
    body,
  });
  const created = await res.json();
  if (res.status !== 202) throw new Error(`import -> ${res.status}: ${JSON.stringify(created).slice(0, 500)}`);
  let last = 0;
  for (;;) {
    await new Promise((r) => setTimeout(r, 200));
    const job = await (await fetch(`${product.baseUrl}/api/imports/${created.id}`, { headers: { authorization: `Bearer ${token}` } })).json();
    if (job.status === 'succeeded') return { ms: performance.now() - started, job };
    if (job.status !== 'queued' && job.status !== 'running') throw new Error(`import job ${job.status}: ${JSON.stringify(job.problem ?? job.errors).slice(0, 500)}`);
    if (log && performance.now() - last > 5000) {
      last = performance.now();
      log(`  import ${job.rows.processed}/${job.rows.total ?? '?'} rows, ${job.rowsPerSecond ?? '?'} rows/s, ETA ${job.etaSeconds ?? '?'} s`);
    }
  }
}

/** Owner-side SQL on the product's database. */
export async function ownerSql(product, fn) {
  const client = new pg.Client({ connectionString: product.ownerUrl });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** Server-side COPY of the rows named `prefix…` (re-rendered with new ids and names) back into records; ms. */
export async function copyBaseline(product, workDir, prefix) {
  // The server writes and reads the file itself (it may run as another user: /tmp, not workDir).
  void workDir;
  const file = path.join(os.tmpdir(), `credo-bench-copy-${process.pid}-${prefix.replace(/[^A-Za-z0-9]/g, '')}.txt`);
  return ownerSql(product, async (client) => {
    await client.query(
      `COPY (SELECT tenant_id, gen_random_uuid(), form_id, form_version_id, jsonb_set(data - 'customer_code', '{name}', to_jsonb((data->>'name') || '#copy')), created_by, updated_by
             FROM records WHERE data->>'name' LIKE $1) TO '${file}'`.replace('$1', `'${prefix}%'`),
    );
    const started = performance.now();
    await client.query(`COPY records (tenant_id, id, form_id, form_version_id, data, created_by, updated_by) FROM '${file}'`);
    const ms = performance.now() - started;
    await client.query(`COPY (SELECT 1 WHERE false) TO '${file}'`);
    return ms;
  });
}

/** Removes every record (and revision, and stored rule result) whose name starts with `prefix`. */
export async function dropImported(product, prefix) {
  await ownerSql(product, async (client) => {
    await client.query(`DELETE FROM record_revisions WHERE record_id IN (SELECT id FROM records WHERE data->>'name' LIKE '${prefix}%')`);
    await client.query(`DELETE FROM record_rule_results WHERE record_id IN (SELECT id FROM records WHERE data->>'name' LIKE '${prefix}%')`);
    await client.query(`DELETE FROM records WHERE data->>'name' LIKE '${prefix}%'`);
  });
}

/** T1's measurement, kept for T3 (the write stage of the same run) when both run. */
let lastCsvRun = null;

export async function measureCsvImport(ctx) {
  if (lastCsvRun) return lastCsvRun;
  const product = await ctx.product();
  const token = await product.login();
  const n = IMPORT_ROWS[ctx.mode.name] ?? IMPORT_ROWS.quick;
  const prefix = `T1导入${Date.now()}-`;
  const body = csvOf(importRows(prefix, n));
  ctx.log(`T1: importing ${n} rows (${(body.length / 1e6).toFixed(1)} MB CSV)`);
  try {
    const candidate = await importJob(product, token, body, 'text/csv', ctx.log);
    if (candidate.job.counts.inserted !== n) throw new Error(`imported ${candidate.job.counts.inserted} of ${n} rows`);
    const copyMs = await copyBaseline(product, ctx.workDir, prefix);
    lastCsvRun = { n, bytes: body.length, candidateMs: candidate.ms, copyMs, timings: candidate.job.report?.timings ?? null };
    return lastCsvRun;
  } finally {
    await dropImported(product, prefix);
  }
}

/** @type {import('../lib/target.mjs').BenchTarget} */
export default {
  id: 'T1',
  name: 'CSV import, end to end',
  async run(ctx) {
    const r = await measureCsvImport(ctx);
    const perSecond = (ms) => (r.n / ms) * 1000;
    if (ctx.mode.name === 'full' && r.candidateMs > 20_000) ctx.warn(`T1: ${r.n} rows took ${(r.candidateMs / 1000).toFixed(1)} s (sanity: 1 M rows in ≤ 20 s)`);
    return [
      ctx.ratioResult({
        id: 'T1',
        name: `CSV import (${r.n} rows × 12 columns, job) vs server-side COPY`,
        unit: 'rows/s',
        baseline: perSecond(r.copyMs),
        candidate: perSecond(r.candidateMs),
        target: 0.5,
        comparator: '>=',
        details: { rows: r.n, csvMB: round(r.bytes / 1e6), importMs: Math.round(r.candidateMs), copyMs: Math.round(r.copyMs), stageMs: r.timings },
      }),
    ];
  },
};
