import { readFile, readlink } from 'node:fs/promises';
import { getPriority, setPriority } from 'node:os';
import type pg from 'pg';

/**
 * CPU niceness for maintenance work (index builds) on a PostgreSQL running on this host, as for any
 * batch job: the build gets the CPU the users' requests leave idle. Measured with the create API at
 * c=32 on 2 cores: a busy process at nice 0 took creates from 1,521 to 621 req/s, at nice 19 to 1,445.
 */
export const MAINTENANCE_NICE = 19;

/** How often the parallel workers a build starts are looked for (they start at its sort phase). */
const WORKER_POLL_MS = 50;

export interface LowPriorityRun<T> {
  result: T;
  /** Whether the backend ran at the lower priority (PostgreSQL on this host, and allowed to renice it). */
  lowered: boolean;
  /** Parallel workers of the backend found and lowered while `work` ran. */
  workers: number;
  /** Whether the backend is back at its own priority (false: the caller should discard the connection). */
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

/** Parallel workers (children of the postmaster `parent`) working for backend `pid`. */
async function parallelWorkersOf(parent: number, pid: number): Promise<number[]> {
  let children: string;
  try {
    children = await readFile(`/proc/${parent}/task/${parent}/children`, 'utf8');
  } catch {
    return [];
  }
  const mark = `parallel worker for PID ${pid}`;
  const found: number[] = [];
  for (const child of children.split(' ')) {
    const id = Number(child);
    if (!id || id === pid) continue;
    const cmdline = await readFile(`/proc/${id}/cmdline`, 'utf8').catch(() => '');
    if (cmdline.includes(mark)) found.push(id);
  }
  return found;
}

async function parentOf(pid: number): Promise<number | null> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    // pid (comm) state ppid …: comm may hold spaces and parentheses, so read after the last ')'.
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    return Number.isInteger(ppid) && ppid > 1 ? ppid : null;
  } catch {
    return null;
  }
}

/**
 * Runs maintenance `work` (e.g. CREATE INDEX CONCURRENTLY) on `client` with its PostgreSQL backend,
 * and the parallel workers it starts, at a lower CPU priority, so users' requests served by the
 * other backends keep their speed while it runs; on an idle machine it runs as fast as before.
 * Only where the server is a process of this host (the embedded cluster, or a local one this
 * process may renice); elsewhere `work` simply runs. The backend is set back to its priority
 * afterwards (`restored`).
 */
export async function runAtLowPriority<T>(client: pg.ClientBase, work: () => Promise<T>, nice = MAINTENANCE_NICE): Promise<LowPriorityRun<T>> {
  const pid = await localBackend(client);
  let before: number | null = null;
  if (pid !== null) {
    try {
      before = getPriority(pid);
      setPriority(pid, Math.max(before, nice));
    } catch {
      before = null;
    }
  }
  if (pid === null || before === null) return { result: await work(), lowered: false, workers: 0, restored: true };

  const parent = await parentOf(pid);
  const lowered = new Set<number>();
  let polling: Promise<void> | undefined;
  const poll = () => {
    if (polling || parent === null) return;
    polling = parallelWorkersOf(parent, pid)
      .then((workers) => {
        for (const worker of workers) {
          if (lowered.has(worker)) continue;
          try {
            setPriority(worker, Math.max(getPriority(worker), nice));
            lowered.add(worker);
          } catch {
            // Gone already, or not ours to renice.
          }
        }
      })
      .finally(() => (polling = undefined));
  };
  const timer = setInterval(poll, WORKER_POLL_MS);
  timer.unref();
  try {
    return { result: await work(), lowered: true, workers: lowered.size, restored: restore(pid, before) };
  } catch (error) {
    restore(pid, before);
    throw error;
  } finally {
    clearInterval(timer);
    await polling;
  }
}

function restore(pid: number, priority: number): boolean {
  try {
    setPriority(pid, priority);
    return getPriority(pid) === priority;
  } catch {
    return false;
  }
}
