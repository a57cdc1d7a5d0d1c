import { mkdir, readFile, writeFile } from 'node:fs/promises';

/**
 * A CPU quota for one process of this host through Linux control groups (the `cpu` controller,
 * cgroup v1 or v2): the process is moved into a group whose members together may use `share` of
 * one CPU per `PERIOD_US`, and moved back afterwards. Used for maintenance work on the embedded
 * PostgreSQL (low-priority.ts). Everything here fails soft: without the controller or the right
 * to write it, nothing is changed and the caller runs unthrottled.
 */

/** The quota's period: short, so a throttled process waits at most this long before it runs again. */
export const PERIOD_US = 10_000;
/** The kernel's smallest quota. */
const MIN_QUOTA_US = 1_000;
const GROUP = 'credo-maintenance';

interface CpuHierarchy {
  version: 1 | 2;
  /** Where the hierarchy is mounted. */
  mount: string;
}

/** The mounted hierarchy holding the cpu controller (v1 first, where both are mounted), from /proc/self/mountinfo. */
export async function cpuHierarchy(mountinfo = '/proc/self/mountinfo'): Promise<CpuHierarchy | null> {
  let text: string;
  try {
    text = await readFile(mountinfo, 'utf8');
  } catch {
    return null;
  }
  let v2: string | null = null;
  for (const line of text.split('\n')) {
    const [before, after] = line.split(' - ');
    if (!before || !after) continue;
    const mount = before.split(' ')[4];
    const [fstype, , options = ''] = after.split(' ');
    if (!mount) continue;
    if (fstype === 'cgroup' && options.split(',').includes('cpu')) return { version: 1, mount };
    if (fstype === 'cgroup2') v2 = mount;
  }
  if (!v2) return null;
  try {
    if (!(await readFile(`${v2}/cgroup.controllers`, 'utf8')).split(/\s+/).includes('cpu')) return null;
  } catch {
    return null;
  }
  return { version: 2, mount: v2 };
}

/** The process's group in `hierarchy` (e.g. "/" or "/system.slice/postgresql.service"), from /proc/<pid>/cgroup. */
async function groupOf(pid: number, hierarchy: CpuHierarchy): Promise<string | null> {
  try {
    // Lines are "<id>:<controllers>:<path>"; v2's has no controllers.
    for (const line of (await readFile(`/proc/${pid}/cgroup`, 'utf8')).split('\n')) {
      const first = line.indexOf(':');
      const second = line.indexOf(':', first + 1);
      if (first < 0 || second < 0) continue;
      const controllers = line.slice(first + 1, second);
      const path = line.slice(second + 1);
      if (hierarchy.version === 1 ? controllers.split(',').includes('cpu') : controllers === '') return path;
    }
  } catch {
    return null;
  }
  return null;
}

const join = (mount: string, group: string) => (group === '/' ? mount : `${mount}${group}`);

/**
 * Moves `pid` into the maintenance group with a quota of `share` of one CPU. Returns how to undo
 * it (null: nothing was changed).
 */
export async function limitCpu(pid: number, share: number): Promise<{ restore(): Promise<boolean> } | null> {
  const hierarchy = await cpuHierarchy();
  if (!hierarchy) return null;
  const home = await groupOf(pid, hierarchy);
  if (home === null) return null;
  const group = `${hierarchy.mount}/${GROUP}`;
  const quota = Math.max(MIN_QUOTA_US, Math.round(PERIOD_US * share));
  try {
    await mkdir(group, { recursive: true });
    if (hierarchy.version === 1) {
      await writeFile(`${group}/cpu.cfs_period_us`, String(PERIOD_US));
      await writeFile(`${group}/cpu.cfs_quota_us`, String(quota));
    } else {
      await writeFile(`${group}/cpu.max`, `${quota} ${PERIOD_US}`);
    }
    await writeFile(`${group}/cgroup.procs`, String(pid));
  } catch {
    return null;
  }
  return {
    async restore() {
      try {
        await writeFile(`${join(hierarchy.mount, home)}/cgroup.procs`, String(pid));
        return (await groupOf(pid, hierarchy)) === home;
      } catch {
        return false;
      }
    },
  };
}

/** The group `pid` is in, in the cpu hierarchy (for tests and diagnostics). */
export async function cpuGroupOf(pid: number): Promise<string | null> {
  const hierarchy = await cpuHierarchy();
  return hierarchy ? groupOf(pid, hierarchy) : null;
}

/** The quota of the maintenance group as [quota, period] in µs (null: none set or no hierarchy). */
export async function maintenanceQuota(): Promise<[number, number] | null> {
  const hierarchy = await cpuHierarchy();
  if (!hierarchy) return null;
  const group = `${hierarchy.mount}/${GROUP}`;
  try {
    if (hierarchy.version === 1) {
      return [Number(await readFile(`${group}/cpu.cfs_quota_us`, 'utf8')), Number(await readFile(`${group}/cpu.cfs_period_us`, 'utf8'))];
    }
    const [quota, period] = (await readFile(`${group}/cpu.max`, 'utf8')).trim().split(' ');
    return [Number(quota), Number(period)];
  } catch {
    return null;
  }
}
