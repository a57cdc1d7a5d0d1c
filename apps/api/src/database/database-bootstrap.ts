import pg from 'pg';
import { DataSource } from 'typeorm';
import type { AppConfig, LocalSecrets } from '../config/app-config.js';
import { APP_ROLE } from './database.constants.js';
import { startEmbeddedPostgres, type EmbeddedPostgresHandle } from './embedded-postgres.js';
import { migrations } from './migrations/index.js';

export const DEFAULT_DATABASE = 'credo';

export interface PreparedDatabase {
  /** Owner connection: migrations and nothing else. */
  ownerUrl: string;
  /** What the API runs on: a role without ownership or BYPASSRLS. */
  appUrl: string;
  embedded?: EmbeddedPostgresHandle;
}

export function dataSourceOptions(url: string) {
  return {
    type: 'postgres' as const,
    url,
    migrations,
    migrationsTableName: 'platform_migrations',
    synchronize: false,
    entities: [],
  };
}

async function withClient<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

function isAlreadyExists(error: unknown): boolean {
  const code = (error as { code?: string }).code;
  // duplicate object / unique violation / duplicate database / tuple concurrently updated
  return code === '42710' || code === '23505' || code === '42P04' || code === 'XX000';
}

export async function createDatabaseIfMissing(serverUrl: string, database: string): Promise<void> {
  await withClient(serverUrl, async (client) => {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (!rowCount) {
      await client.query(`CREATE DATABASE ${client.escapeIdentifier(database)} ENCODING 'UTF8' TEMPLATE template0`).catch((error) => {
        if (!isAlreadyExists(error)) throw error;
      });
    }
  });
}

/** Creates the runtime role once per cluster and keeps its password in step with DATA_DIR. */
export async function ensureAppRole(ownerUrl: string, password: string): Promise<void> {
  await withClient(ownerUrl, async (client) => {
    const { rowCount } = await client.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [APP_ROLE]);
    const pw = client.escapeLiteral(password);
    try {
      if (rowCount) {
        // Several processes may start at once against one cluster (tests, replicas): if the
        // password already works, leave the role alone instead of racing on ALTER ROLE.
        const probe = new pg.Client({ connectionString: withCredentials(ownerUrl, APP_ROLE, password) });
        const works = await probe.connect().then(
          () => true,
          () => false,
        );
        await probe.end().catch(() => undefined);
        if (works) return;
      }
      if (!rowCount) {
        await client.query(`CREATE ROLE ${APP_ROLE} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS PASSWORD ${pw}`);
      } else {
        await client.query(`ALTER ROLE ${APP_ROLE} LOGIN NOBYPASSRLS PASSWORD ${pw}`);
      }
    } catch (error) {
      if (!isAlreadyExists(error)) throw error;
    }
  });
}

export async function runMigrations(ownerUrl: string): Promise<string[]> {
  const dataSource = new DataSource(dataSourceOptions(ownerUrl));
  await dataSource.initialize();
  try {
    const done = await dataSource.runMigrations({ transaction: 'all' });
    return done.map((m) => m.name);
  } finally {
    await dataSource.destroy();
  }
}

export function withCredentials(url: string, user: string, password: string): string {
  const parsed = new URL(url);
  parsed.username = encodeURIComponent(user);
  parsed.password = encodeURIComponent(password);
  return parsed.toString();
}

/**
 * Brings a database to the current schema: embedded PostgreSQL when no DATABASE_URL is set
 * (reusing an existing data dir), the runtime role, then TypeORM migrations (never synchronize).
 */
export async function prepareDatabase(
  config: AppConfig,
  secrets: LocalSecrets,
  log: (line: string) => void,
): Promise<PreparedDatabase> {
  let embedded: EmbeddedPostgresHandle | undefined;
  let ownerUrl = config.databaseUrl;
  if (!ownerUrl) {
    embedded = await startEmbeddedPostgres({
      dir: `${config.dataDir}/pg`,
      password: secrets.postgresPassword,
      port: config.embeddedPgPort,
      onLog: (line) => {
        if (/FATAL|PANIC|ERROR|initialising|orphaned/.test(line)) log(`[postgres] ${line}`);
      },
    });
    await createDatabaseIfMissing(embedded.url('postgres'), DEFAULT_DATABASE);
    ownerUrl = embedded.url(DEFAULT_DATABASE);
  }
  try {
    if (!config.appDatabaseUrl) await ensureAppRole(ownerUrl, secrets.appRolePassword);
    const applied = await runMigrations(ownerUrl);
    if (applied.length) log(`applied migrations: ${applied.join(', ')}`);
  } catch (error) {
    await embedded?.stop();
    throw error;
  }
  const appUrl = config.appDatabaseUrl ?? withCredentials(ownerUrl, APP_ROLE, secrets.appRolePassword);
  return { ownerUrl, appUrl, embedded };
}
