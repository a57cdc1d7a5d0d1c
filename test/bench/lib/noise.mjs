// How busy the machine was with work that is not ours, per measured run. The ratios tolerate a
// shared machine up to a point: other processes competing for the cores hurt the side that needs
// more wake-ups per request (the product: several SQL round trips) more than the bare baseline.
// Linux only (/proc); elsewhere `foreignCpuShare` is null.
import { readdir, readFile } from 'node:fs/promises';
import os from 'node:os';

async function readProcStat(pid) {
  try {
    const text = await readFile(`/proc/${pid}/stat`, 'utf8');
    // Fields after the ")" that closes the command name: state ppid ... utime(14) stime(15)
    // cutime(16) cstime(17) — the last two: CPU of the children it has waited for (reaped).
    const rest = text.slice(text.lastIndexOf(')') + 2).split(' ');
    const comm = text.slice(text.indexOf('(') + 1, text.lastIndexOf(')'));
    return { ppid: Number(rest[1]), ticks: Number(rest[11]) + Number(rest[12]), reaped: Number(rest[13]) + Number(rest[14]), comm };
  } catch {
    return undefined;
  }
}

/** Busy CPU ticks of the whole machine (all CPUs; idle and iowait left out), from /proc/stat. */
async function machineTicks() {
  const line = (await readFile('/proc/stat', 'utf8')).split('\n')[0];
  const [user, nice, system, , , irq, softirq, steal] = line.trim().split(/\s+/).slice(1).map(Number);
  return user + nice + system + irq + softirq + steal;
}

/**
 * Busy CPU ticks of the whole machine and of this process and all its descendants (`own`, and
 * per process in `perProcess`).
 */
export async function cpuSnapshot() {
  try {
    const machine = await machineTicks();
    const entries = (await readdir('/proc')).filter((e) => /^\d+$/.test(e));
    const stats = new Map();
    await Promise.all(
      entries.map(async (pid) => {
        const s = await readProcStat(pid);
        if (s) stats.set(Number(pid), s);
      }),
    );
    const ours = new Set([process.pid]);
    let grew = true;
    while (grew) {
      grew = false;
      for (const [pid, s] of stats) {
        if (!ours.has(pid) && ours.has(s.ppid)) {
          ours.add(pid);
          grew = true;
        }
      }
    }
    let own = 0;
    /** Ticks per process of ours, with whether it is a PostgreSQL server process. */
    const perProcess = new Map();
    for (const pid of ours) {
      const s = stats.get(pid);
      own += s?.ticks ?? 0;
      if (s) perProcess.set(pid, { ticks: s.ticks, reaped: s.reaped, postgres: s.comm === 'postgres' });
    }
    return { at: Date.now(), machine, own, perProcess };
  } catch {
    return undefined;
  }
}

/**
 * Share of the machine's CPU capacity used by processes outside the bench between two snapshots
 * (0..1), or null when unknown. USER_HZ is 100 on every Linux we run on.
 */
export function foreignCpuShare(before, after) {
  if (!before || !after) return null;
  const capacity = ((after.at - before.at) / 1000) * 100 * os.cpus().length;
  if (capacity <= 0) return null;
  return Math.min(1, Math.max(0, (after.machine - before.machine - ownTicksBetween(before, after)) / capacity));
}

/**
 * Ticks our processes used between two snapshots, per process (processDeltas). Until session 9
 * the difference of the two sums was used: a PostgreSQL backend whose pool connection idled out
 * meanwhile took all the ticks of its life out of the second sum (every run after an idle spell
 * reported 40-67% "other processes"), and short-lived ones (parallel query workers: T11's
 * 96-98%) were never counted as ours at all.
 */
function ownTicksBetween(before, after) {
  if (!before.perProcess || !after.perProcess) return after.own - before.own;
  let ticks = 0;
  for (const d of processDeltas(before, after)) ticks += d.ticks;
  return ticks;
}

/**
 * Per process of ours: the ticks it used between the snapshots, and whether it is PostgreSQL's.
 * A process counts with the children it reaped meanwhile (cutime + cstime), so a short-lived one
 * that came and went between the snapshots (a parallel query worker, an autovacuum worker, a
 * backend) is ours too: its whole life arrives in its parent's reaped ticks. One that was already
 * alive at `before` and is gone at `after` brought its earlier ticks along; those are taken off.
 * (Only children reaped by a process of ours count; PostgreSQL's postmaster reaps at once.)
 */
function* processDeltas(before, after) {
  for (const [pid, now] of after.perProcess) {
    const then = before.perProcess.get(pid);
    const total = now.ticks + (now.reaped ?? 0);
    // A new process (pid not seen before, or reused: fewer ticks than before) counts from zero.
    const earlier = then && then.ticks <= now.ticks && (then.reaped ?? 0) <= (now.reaped ?? 0) ? then.ticks + (then.reaped ?? 0) : 0;
    yield { ticks: total - earlier, postgres: now.postgres };
  }
  for (const [pid, then] of before.perProcess) {
    if (!after.perProcess.has(pid)) yield { ticks: -(then.ticks + (then.reaped ?? 0)), postgres: then.postgres };
  }
}

/**
 * CPU milliseconds the bench's own processes spent per request between two snapshots: `total`
 * (the harness with its load generator, the apps, PostgreSQL) and `postgres` (the cluster's
 * server processes), or null when unknown. Less sensitive to a busy machine than req/s: with
 * 2 cores, what a side costs per request on both PostgreSQL and Node decides its throughput.
 * Processes that came and went between the snapshots count (processDeltas: through the ticks of
 * the children their parent reaped).
 */
export function cpuPerRequest(before, after, requests) {
  if (!before?.perProcess || !after?.perProcess || !requests) return null;
  let total = 0;
  let postgres = 0;
  for (const { ticks, postgres: isPostgres } of processDeltas(before, after)) {
    total += ticks;
    if (isPostgres) postgres += ticks;
  }
  // USER_HZ is 100: a tick is 10 ms.
  return { total: (total * 10) / requests, postgres: (postgres * 10) / requests };
}

/** Busy ticks of the whole machine and of this process alone (its threads included). */
async function machineAndSelfTicks() {
  try {
    const self = await readProcStat(process.pid);
    return { at: Date.now(), machine: await machineTicks(), self: self?.ticks ?? 0 };
  } catch {
    return undefined;
  }
}

/**
 * For an in-process target about to time its loops (T4, T5): waits for a quiet machine
 * (waitForQuietMachine; not in smoke mode) and warns under the table when it never came.
 * @param {{ mode: { name: string }, warn: (message: string) => void }} ctx
 * @param {string} id  the target's id, for the warning
 */
export async function settleBeforeTiming(ctx, id) {
  if (ctx.mode.name === 'smoke') return { waitedMs: 0, share: null, quiet: true };
  const quiet = await waitForQuietMachine();
  if (!quiet.quiet) ctx.warn(`${id}: the machine was still ${Math.round((quiet.share ?? 1) * 100)}% busy with other work after ${Math.round(quiet.waitedMs / 1000)} s; timing anyway`);
  return quiet;
}

/**
 * Waits until everything but this process (other programs, and the bench's own product and
 * PostgreSQL, e.g. autovacuum after the import targets' 100,000-row loads) uses at most `maxShare`
 * of the machine's CPUs over a `windowMs` window, or until `timeoutMs` has passed. For in-process
 * micro-benchmarks (T4, T5): on 2 cores, work on the other core slows a loop bound by memory
 * latency (the validators) more than JSON.parse, so the ratio measured the leftovers of earlier
 * targets (session 8: T4 0.277 in a full run right after T1-T3, while PostgreSQL kept both cores
 * busy; 0.23-0.25 alone). Returns the wait and the last window's share (null when unknown).
 * @returns {Promise<{ waitedMs: number, share: number | null, quiet: boolean }>}
 */
export async function waitForQuietMachine({ maxShare = 0.1, windowMs = 1000, timeoutMs = 120_000 } = {}) {
  const started = Date.now();
  let share;
  for (;;) {
    const before = await machineAndSelfTicks();
    await new Promise((resolve) => setTimeout(resolve, windowMs));
    const after = await machineAndSelfTicks();
    if (!before || !after) return { waitedMs: Date.now() - started, share: null, quiet: false };
    const capacity = ((after.at - before.at) / 1000) * 100 * os.cpus().length;
    share = capacity > 0 ? Math.max(0, (after.machine - before.machine - (after.self - before.self)) / capacity) : null;
    if (share !== null && share <= maxShare) return { waitedMs: Date.now() - started, share, quiet: true };
    if (Date.now() - started >= timeoutMs) return { waitedMs: Date.now() - started, share, quiet: false };
  }
}
