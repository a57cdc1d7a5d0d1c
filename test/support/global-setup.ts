import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { loadOrCreateSecrets } from '../../apps/api/src/config/app-config.js';
import { ensureAppRole } from '../../apps/api/src/database/database-bootstrap.js';
import { startEmbeddedPostgres } from '../../apps/api/src/database/embedded-postgres.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Superuser URL of the run's embedded cluster (database `postgres`). */
    pgServerUrl: string;
    /** DATA_DIR shared by the run's servers (one secrets.json, so one app-role password). */
    testDataDir: string;
  }
}

/** One real PostgreSQL cluster per test run; every suite gets a fresh database in it. */
export default async function setup(project: TestProject) {
  const runDir = mkdtempSync(path.join(tmpdir(), 'credo-test-'));
  const secrets = await loadOrCreateSecrets(runDir);
  const pg = await startEmbeddedPostgres({
    dir: path.join(runDir, 'pg'),
    password: secrets.postgresPassword,
    settings: { fsync: 'off', synchronous_commit: 'off', full_page_writes: 'off' },
  });
  await ensureAppRole(pg.url('postgres'), secrets.appRolePassword);
  project.provide('pgServerUrl', pg.url('postgres'));
  project.provide('testDataDir', runDir);
  return async () => {
    await pg.stop();
    rmSync(runDir, { recursive: true, force: true });
  };
}
