import { readlink } from 'node:fs/promises';
import { getPriority, setPriority } from 'node:os';
import type pg from 'pg';
import { limitCpu } from './cpu-quota.js';

/**
 * CPU niceness for maintenance work (index builds) on a PostgreSQL running on this host, as for any
 * batch job: the build gets the CPU the users' requests leave idle. Measured with the create API at
 * c=32 on 2 cores: a busy process at nice 0 took creates from 1,521 to 621 req/s, at nice 19 to 1,445.
 */
export const MAINTENANCE_NICE = 19;

/**
 * While users are at work, a build on this host may use this share of one CPU (a cgroup quota,
 * cpu-quota.ts): a lower priority alone does not keep it off the users' cores. Measured with the
 * create API at c=32 on 2 cores during back-to-back index builds: nice 19 alone kept 0.71–0.78 of
 * the creates' rate (a plain nice-19 CPU hog 0.74, at SCHED_IDLE 0.84), with this quota 0.89–0.98.
 * The build then takes longer; nobody waits for it (the field is indexed in the background).
 */
export const MAINTENANCE_BUSY_CPU_SHARE = 0.1;

/**
 * Sort memory of a maintenance session: a field index of a few million records is sorted in memory
 * (PostgreSQL's default, 64 MB, spills a 1 M-record build to temporary files, whose writes compete
 * with the commits' WAL flushes). Taken only as needed, by the one build running.
 */
export const MAINTENANCE_WORK_MEM = '256MB';

export interface LowPriorityRun<T> {
  result: T;
  /** Whether the backend ran at the lower CPU priority (PostgreSQL on this host, and allowed to renice it). */
  lowered: boolean;
  /** Whether the backend ran under the CPU quota (users at work, and a cpu cgroup this process may write). */
  limited: boolean;
  /** Whether the backend is back at its own priority and settings (false: the caller should discard the connection). */
  restored: boolean;
}

/** The pid of the PostgreSQL backend serving `client` when it is a process of this host's cluster; null otherwise. */
async function localBackend(client: pg.ClientBase): Promise<number | null> {
  let pid: number;
  let dataDirectory: string;
  try {
    const { rows } = await client.query<{ pid: number; dir: string }>(`SELECT pg_backend_pid() AS pid, current_setting('data_directory') AS dir`);
    pid = rows[0]!.pid;
    dataDirectory = rows[0]!.dir;
  } catch {
    // Not allowed to read data_directory (not a superuser / pg_read_all_settings): cannot tell.
    return null;
  }
  // A backend's working directory is its cluster's data directory: the same pid on this host with
  // another working directory is some other process (the server is elsewhere), left alone.
  try {
    if ((await readlink(`/proc/${pid}/cwd`)) !== dataDirectory) return null;
  } catch {
    return null;
  }
  return pid;
}

/** How recently another role's statement must have run for the server to count as in use. */
const AT_WORK_WINDOW_MS = 100;

/**
 * Whether sessions of other roles in this database (users' requests: the API's app role,
 * integrations) are running a statement or finished one within AT_WORK_WINDOW_MS. This session's
 * own role (the owner's: jobs, schema work) does not count. A role that may not see others'
 * sessions (not a superuser / pg_read_all_stats) sees none.
 */
async function othersAtWork(client: pg.ClientBase): Promise<boolean> {
  const { rows } = await client.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM pg_stat_activity
     WHERE backend_type = 'client backend' AND datname = current_database() AND pid <> pg_backend_pid() AND usename IS DISTINCT FROM current_user
       AND (state = 'active' OR state_change > clock_timestamp() - make_interval(secs => $1::double precision / 1000))`,
    [AT_WORK_WINDOW_MS],
  );
  return rows[0]!.n > 0;
}

/**
 * Runs maintenance `work` (e.g. CREATE INDEX CONCURRENTLY) on `client` so that users' requests
 * served meanwhile keep their speed:
 * - while users are at work (othersAtWork), in this one backend, without parallel workers
 *   (max_parallel_maintenance_workers = 0): a parallel build starts workers at full priority on
 *   every core and passes their sorted runs through temporary files, whose writes compete with the
 *   commits' WAL flushes (measured: creates at c=32 during repeated builds kept 0.59 of their rate
 *   with workers, 0.79 without); on an idle server the session's workers are used (a build as
 *   fast as it can be, when nobody waits for the cores);
 * - at a lower CPU priority (nice MAINTENANCE_NICE) where the server is a process of this host (the
 *   embedded cluster, or a local one this process may renice), and while users are at work also
 *   under a CPU quota (MAINTENANCE_BUSY_CPU_SHARE of one CPU, where this process may write the cpu
 *   cgroup); elsewhere the work simply runs.
 * The backend is set back afterwards (`restored`).
 */
export async function runAtLowPriority<T>(client: pg.ClientBase, work: () => Promise<T>, nice = MAINTENANCE_NICE): Promise<LowPriorityRun<T>> {
  const { rows } = await client.query<{ workers: string; mem: string }>(
    `SELECT current_setting('max_parallel_maintenance_workers') AS workers, current_setting('maintenance_work_mem') AS mem`,
  );
  const { workers, mem } = rows[0]!;
  const busy = await othersAtWork(client);
  await client.query(`SET max_parallel_maintenance_workers = ${busy ? 0 : Number.parseInt(workers, 10) || 0}; SET maintenance_work_mem = '${MAINTENANCE_WORK_MEM}'`);
  const pid = await localBackend(client);
  let before: number | null = null;
  let quota: Awaited<ReturnType<typeof limitCpu>> = null;
  if (pid !== null) {
    try {
      before = getPriority(pid);
      setPriority(pid, Math.max(before, nice));
    } catch {
      before = null;
    }
    if (busy) quota = await limitCpu(pid, MAINTENANCE_BUSY_CPU_SHARE);
  }
  const restore = async (): Promise<boolean> => {
    // Any part not set back (priority or settings) makes the caller discard the connection.
    let restored = true;
    if (quota && !(await quota.restore())) restored = false;
    if (pid !== null && before !== null) {
      try {
        setPriority(pid, before);
        restored &&= getPriority(pid) === before;
      } catch {
        restored = false;
      }
    }
    try {
      await client.query(`SELECT set_config('max_parallel_maintenance_workers', $1, false), set_config('maintenance_work_mem', $2, false)`, [workers, mem]);
    } catch {
      restored = false;
    }
    return restored;
  };
  let result: T;
  try {
    result = await work();
  } catch (error) {
    await restore();
    throw error;
  }
  return { result, lowered: before !== null, limited: quota !== null, restored: await restore() };
}
