#!/usr/bin/env node
// Issue #9's scale check (not part of `npm test` or `npm run bench`): N rows × 12 columns (default
// 1,000,000) imported into the customer form as a CSV and as an XLSX through the job route
// (POST /api/imports?form=customer, the body streamed to a file by the API and run in process),
// while the API process's resident memory is sampled (/proc/<pid>/status VmRSS every 250 ms, and
// VmHWM, the kernel's peak, reset before each import through /proc/<pid>/clear_refs). The job is
// polled with GET /api/imports/:id as the UI does: its progress (rows processed, rows/s, ETA) is
// printed as it goes. `--copy` adds T1's baseline: server-side COPY of the same CSV rows.
//
//   npm run build && node test/bench/import-scale.mjs                # 1 M rows, CSV then XLSX
//   node test/bench/import-scale.mjs --rows 200000 --csv-only --copy
//
// Needs apps/api/dist (npm run build). One PostgreSQL cluster in a temp dir with the bench's
// pinned settings, stopped on exit.
import { readFile, writeFile } from 'node:fs/promises';
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { startPostgres } from './lib/postgres.mjs';
import { cleanup, installSignalHandlers, log } from './lib/processes.mjs';
import { startProduct } from './lib/product.mjs';
import { copyBaseline, csvOf, importRows } from './targets/t1-csv-import.mjs';

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : fallback;
};
const ROWS = Number(option('--rows', 1_000_000));
const kinds = args.includes('--csv-only') ? ['csv'] : args.includes('--xlsx-only') ? ['xlsx'] : ['csv', 'xlsx'];
const withCopy = args.includes('--copy');
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const MB = 1024 * 1024;

async function memory(pid) {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kb = (key) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0) * 1024;
  return { rss: kb('VmRSS'), hwm: kb('VmHWM') };
}

async function run(product, token, pid, kind, body, contentType) {
  // Peak RSS from here on: the kernel's high-water mark reset (5 = clear_refs' "reset peak RSS").
  await writeFile(`/proc/${pid}/clear_refs`, '5').catch(() => log('could not reset VmHWM (not root?): the peak includes earlier work'));
  const before = await memory(pid);
  let maxRss = before.rss;
  const sampler = setInterval(() => {
    memory(pid).then((m) => (maxRss = Math.max(maxRss, m.rss)), () => undefined);
  }, 250);
  const started = performance.now();
  const res = await fetch(`${product.baseUrl}/api/imports?form=customer&dryRun=false`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': contentType },
    body,
  });
  const created = await res.json();
  if (res.status !== 202) throw new Error(`${kind} import -> ${res.status}: ${JSON.stringify(created).slice(0, 500)}`);
  const progress = [];
  let job;
  for (;;) {
    await new Promise((r) => setTimeout(r, 1000));
    job = await (await fetch(`${product.baseUrl}/api/imports/${created.id}`, { headers: { authorization: `Bearer ${token}` } })).json();
    if (job.status === 'running') {
      progress.push({ processed: job.rows.processed, total: job.rows.total, rowsPerSecond: job.rowsPerSecond, etaSeconds: job.etaSeconds });
      if (progress.length % 10 === 1) log(`  ${kind}: ${job.rows.processed}/${job.rows.total ?? '?'} rows, ${job.rowsPerSecond ?? '?'} rows/s, ETA ${job.etaSeconds ?? '?'} s`);
    }
    if (job.status !== 'queued' && job.status !== 'running') break;
  }
  const ms = performance.now() - started;
  clearInterval(sampler);
  const after = await memory(pid);
  if (job.status !== 'succeeded' || job.counts.inserted !== ROWS) throw new Error(`${kind} import ${job.status}, ${job.counts?.inserted} of ${ROWS} rows: ${JSON.stringify(job.problem ?? job.errors).slice(0, 500)}`);
  return {
    kind,
    rows: ROWS,
    fileMB: Math.round((body.length / MB) * 10) / 10,
    seconds: Math.round(ms / 100) / 10,
    rowsPerSecond: Math.round((ROWS / ms) * 1000),
    jobRowsPerSecond: job.rowsPerSecond,
    progressPolls: progress.length,
    progressShown: progress.filter((p) => p.processed > 0 && p.rowsPerSecond && p.etaSeconds !== null).length,
    rssBeforeMB: Math.round(before.rss / MB),
    peakRssMB: Math.round(Math.max(after.hwm, maxRss) / MB),
    sampledMaxRssMB: Math.round(maxRss / MB),
    stageMs: job.report?.timings ?? null,
  };
}

async function main() {
  installSignalHandlers();
  const dir = await mkdtemp(path.join(os.tmpdir(), 'credo-import-scale-'));
  const pg = await startPostgres({ repoRoot, dir: path.join(dir, 'pg') });
  const product = await startProduct({ repoRoot, workDir: dir, pg });
  const token = await product.login();
  const pid = product.app.child.pid;
  const results = [];
  for (const kind of kinds) {
    const prefix = `规模${kind}${Date.now()}-`;
    const rows = importRows(prefix, ROWS);
    let body;
    if (kind === 'csv') body = csvOf(rows);
    else {
      const { workbookOf } = await import(pathToFileURL(path.join(repoRoot, 'apps/api/dist/modules/exports/xlsx-buffer.js')).href);
      body = await workbookOf(rows);
    }
    log(`${kind}: ${ROWS} rows, ${(body.length / MB).toFixed(1)} MB`);
    const type = kind === 'csv' ? 'text/csv' : 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
    const result = await run(product, token, pid, kind, body, type);
    if (kind === 'csv' && withCopy) {
      const copyMs = await copyBaseline(product, dir, prefix);
      result.copySeconds = Math.round(copyMs / 100) / 10;
      result.ratioToCopy = Math.round((copyMs / (result.seconds * 1000)) * 1000) / 1000;
    }
    log(JSON.stringify(result));
    results.push(result);
  }
  process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
  const over = results.filter((r) => r.peakRssMB > 1024);
  if (over.length) process.stdout.write(`RSS over 1 GB: ${over.map((r) => r.kind).join(', ')}\n`);
  return over.length ? 1 : 0;
}

main()
  .then(async (code) => {
    await cleanup();
    process.exit(code);
  })
  .catch(async (error) => {
    process.stderr.write(`${error.stack ?? error}\n`);
    await cleanup();
    process.exit(2);
  });
