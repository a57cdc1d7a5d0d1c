// One PostgreSQL cluster per bench run, shared by every baseline and candidate, with the settings
// pinned by PERFORMANCE.md §6.2 so runs on different days compare.
import { randomBytes } from 'node:crypto';
import { appendFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { log, onCleanup } from './processes.mjs';

/** PERFORMANCE.md §6.2 step 1. Durability stays on: commit cost is part of what we measure. */
export const PINNED_SETTINGS = {
  shared_buffers: '2GB',
  max_wal_size: '4GB',
  max_parallel_workers_per_gather: 1,
  fsync: 'on',
  synchronous_commit: 'on',
  full_page_writes: 'on',
  max_connections: 200,
};

/**
 * @param {{ repoRoot: string, dir: string, echo?: boolean }} options
 * @returns {Promise<{ port: number, url: (database: string) => string, createDatabase: (name: string) => Promise<string>, stop: () => Promise<void> }>}
 */
export async function startPostgres({ repoRoot, dir, echo }) {
  const dist = path.join(repoRoot, 'apps/api/dist/database');
  const { startEmbeddedPostgres } = await import(pathToFileURL(path.join(dist, 'embedded-postgres.js')).href);
  const { createDatabaseIfMissing } = await import(pathToFileURL(path.join(dist, 'database-bootstrap.js')).href);
  const started = Date.now();
  let stopping = false;
  const handle = await startEmbeddedPostgres({
    dir,
    password: randomBytes(18).toString('base64url'),
    // Diagnostics only (never in a reported run): BENCH_PG_SETTINGS='{"log_min_duration_statement":0}'
    // adds settings, BENCH_PG_LOG=file appends the server log there.
    settings: { ...PINNED_SETTINGS, ...(process.env.BENCH_PG_SETTINGS ? JSON.parse(process.env.BENCH_PG_SETTINGS) : {}) },
    onLog: (line) => {
      if (process.env.BENCH_PG_LOG) appendFileSync(process.env.BENCH_PG_LOG, `${line}\n`);
      // Shutdown terminates the apps' idle connections with FATAL lines: not news.
      if (echo || (!stopping && /FATAL|PANIC/.test(line))) process.stderr.write(`[postgres] ${line}\n`);
    },
  });
  const stop = () => {
    stopping = true;
    return handle.stop();
  };
  onCleanup(stop);
  log(`PostgreSQL on port ${handle.port} (${((Date.now() - started) / 1000).toFixed(1)} s to start)`);
  return {
    port: handle.port,
    url: (database) => handle.url(database),
    /** Creates a database (if missing) and returns its superuser (owner) URL. */
    async createDatabase(name) {
      await createDatabaseIfMissing(handle.url('postgres'), name);
      return handle.url(name);
    },
    stop,
  };
}
