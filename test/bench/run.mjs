#!/usr/bin/env node
// `npm run bench`: the performance harness of PERFORMANCE.md §6.2. Builds what it needs, starts
// one PostgreSQL with pinned settings, runs every target module in targets/ (or --only some),
// prints the table on stdout and exits 1 when a target is missed (2 when the harness failed).
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { USAGE, UsageError, parseOptions } from './lib/options.mjs';
import { startPostgres } from './lib/postgres.mjs';
import { cleanup, installSignalHandlers, log, onCleanup, runCommand, startChild } from './lib/processes.mjs';
import { startProduct } from './lib/product.mjs';
import { formatTable, writeJson } from './lib/report.mjs';
import { discoverTargets, ratioResultFor } from './lib/target.mjs';

const benchDir = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(benchDir, '../..');
const benchDist = path.join(benchDir, 'dist');

async function main() {
  let opts;
  try {
    opts = parseOptions(process.argv.slice(2));
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`${error.message}\n\n${USAGE}\n`);
      return 2;
    }
    throw error;
  }
  if (opts.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  installSignalHandlers();
  const started = Date.now();

  const { mode } = opts;

  // Discover first: a broken target module should fail before minutes of building.
  let targets = await discoverTargets(path.join(benchDir, 'targets'));
  if (opts.only) {
    const unknown = opts.only.filter((id) => !targets.some((t) => t.id === id));
    if (unknown.length) throw new UsageError(`unknown target(s) ${unknown.join(', ')}; have ${targets.map((t) => t.id).join(', ')}`);
    targets = targets.filter((t) => opts.only.includes(t.id));
  }

  if (opts.build) {
    log('building the product (npm run build; skip with --no-build)');
    await runCommand('npm', ['run', 'build', '--silent'], { cwd: repoRoot });
  }
  if (!existsSync(path.join(repoRoot, 'apps/api/dist/main.js'))) {
    throw new Error('apps/api/dist/main.js is missing: run `npm run build` (or drop --no-build)');
  }
  log('compiling test/bench TypeScript');
  await runCommand(process.execPath, [path.join(repoRoot, 'node_modules/typescript/bin/tsc'), '-p', path.join(benchDir, 'tsconfig.json')], { cwd: repoRoot });

  // mkdtemp gives a fresh 0700 dir; startEmbeddedPostgres makes it 0755 for the postgres user.
  const workDir = await mkdtemp(path.join(os.tmpdir(), 'credo-bench-'));
  onCleanup(async () => {
    if (opts.keep) log(`kept ${workDir}`);
    else await rm(workDir, { recursive: true, force: true });
  });
  const pgServer = await startPostgres({ repoRoot, dir: path.join(workDir, 'pg'), echo: opts.verbose });
  const serverVersion = await queryOne(pgServer.url('postgres'), 'SHOW server_version');

  let productPromise;
  const warnings = [];
  /** @type {import('./lib/target.mjs').BenchContext} */
  const ctx = {
    mode,
    repoRoot,
    workDir,
    benchDist,
    pg: pgServer,
    product: () => (productPromise ??= startProduct({ repoRoot, workDir, pg: pgServer, echo: opts.verbose })),
    startNode: (name, script, env = {}) =>
      startChild({
        name,
        command: process.execPath,
        args: [script],
        cwd: repoRoot,
        env: { ...process.env, NODE_ENV: 'production', ...env },
        logFile: path.join(workDir, `${name}.log`),
        echo: opts.verbose,
      }),
    ratioResult: ratioResultFor(mode.name),
    warn: (message) => warnings.push(message),
    log,
  };

  /** @type {import('./lib/target.mjs').BenchResult[]} */
  const results = [];
  let failedToMeasure = false;
  for (const target of targets) {
    log(`${target.id} ${target.name}: ${mode.name} mode, ${mode.runs}× interleaved, ${mode.durationSec} s per run, c=${mode.connections}`);
    try {
      results.push(...(await target.run(ctx)));
    } catch (error) {
      failedToMeasure = true;
      const message = error instanceof Error ? error.message : String(error);
      log(`${target.id} could not be measured: ${message}`);
      results.push({ id: target.id, name: target.name, baseline: null, candidate: null, unit: '', ratio: null, target: Number.NaN, comparator: '>=', pass: false, mode: mode.name, error: message });
    }
  }

  const cpus = os.cpus();
  process.stdout.write(
    `\nCredo bench — ${mode.name} mode · Node ${process.version} · PostgreSQL ${serverVersion} · ${cpus.length}× ${cpus[0]?.model.trim() ?? 'cpu'} · ` +
      `${((Date.now() - started) / 1000).toFixed(0)} s\n\n${formatTable(results)}\n`,
  );
  for (const w of warnings) process.stdout.write(`warning: ${w}\n`);
  if (opts.json) {
    const file = path.resolve(process.env.INIT_CWD ?? process.cwd(), opts.json);
    await writeJson(file, results);
    log(`wrote ${file}`);
  }
  if (failedToMeasure) return 2;
  return results.every((r) => r.pass) ? 0 : 1;
}

async function queryOne(url, sql) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query(sql);
    return Object.values(rows[0] ?? {})[0];
  } finally {
    await client.end();
  }
}

let code;
try {
  code = await main();
} catch (error) {
  if (error instanceof UsageError) process.stderr.write(`${error.message}\n`);
  else process.stderr.write(`[bench] failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  code = 2;
} finally {
  await cleanup();
}
process.exit(code);
