import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { DataSource, type MigrationInterface } from 'typeorm';
import { inject } from 'vitest';
import { createLogger } from '../../apps/api/src/common/logger.js';
import { loadConfig, type AppConfig } from '../../apps/api/src/config/app-config.js';
import { createDatabaseIfMissing, dataSourceOptions } from '../../apps/api/src/database/database-bootstrap.js';
import { startServer, type RunningServer } from '../../apps/api/src/server.js';

export interface TestServer {
  baseUrl: string;
  /** Owner (superuser) URL of this suite's own database, for assertions that bypass the API. */
  databaseUrl: string;
  server: RunningServer;
  close(): Promise<void>;
}

export const TEST_JWT_SECRET = 'test-secret-0123456789abcdef0123456789abcdef';

/** A fresh database in the run's cluster, migrated and seeded, and the real API on a free port. */
export async function startTestServer(opts: { demoCustomers?: number; config?: Partial<AppConfig> } = {}): Promise<TestServer> {
  const serverUrl = inject('pgServerUrl');
  const database = `t_${randomBytes(6).toString('hex')}`;
  await createDatabaseIfMissing(serverUrl, database);
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  const config: AppConfig = {
    ...loadConfig({}),
    port: 0,
    host: '127.0.0.1',
    dataDir: inject('testDataDir'),
    databaseUrl: url.toString(),
    demoCustomers: opts.demoCustomers ?? 500,
    jwtSecret: TEST_JWT_SECRET,
    // Background jobs only where a suite asks for them.
    jobs: false,
    logLevel: process.env.TEST_LOG_LEVEL ?? 'silent',
    ...opts.config,
  };
  const server = await startServer(config, createLogger(config.logLevel));
  return {
    baseUrl: server.url,
    databaseUrl: url.toString(),
    server,
    close: () => server.close(),
  };
}

/** Runs one query as the database owner (bypasses RLS): for checking what was really written. */
export async function ownerQuery<T extends pg.QueryResultRow>(databaseUrl: string, text: string, params: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    return (await client.query<T>(text, params)).rows;
  } finally {
    await client.end();
  }
}

/** Runs one migration's `up` or `down` on a suite's database, as the migration runner would (its own connection). */
export async function runMigrationStep(databaseUrl: string, migration: MigrationInterface, step: 'up' | 'down'): Promise<void> {
  const dataSource = new DataSource(dataSourceOptions(databaseUrl));
  await dataSource.initialize();
  const runner = dataSource.createQueryRunner();
  try {
    await migration[step](runner);
  } finally {
    await runner.release();
    await dataSource.destroy();
  }
}
