// The contract between the runner and a target module (targets/tN-*.mjs), and target discovery.
//
// A target module default-exports { id: 'T6', name: 'Record create API', run(ctx) } where run
// returns one or more BenchResult rows (a target may check several ratios, e.g. req/s and p95).
// Build ratios with ctx.ratioResult so `pass` is computed the same way everywhere.
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { round } from './stats.mjs';

/**
 * @typedef {object} BenchResult  one row of the table and of the --json array
 * @property {string} id          target id from PERFORMANCE.md §6.1, e.g. "T6"
 * @property {string} [metric]    which of the target's checks, e.g. "throughput" or "p95"
 * @property {string} name
 * @property {number | null} baseline
 * @property {number | null} candidate
 * @property {string} unit        unit of baseline and candidate
 * @property {number | null} ratio   candidate / baseline
 * @property {number} target
 * @property {'>=' | '<='} comparator  pass means `ratio comparator target`
 * @property {number} [floor]     hard floor for '>=' targets (reported, e.g. T6's 0.60)
 * @property {boolean} pass
 * @property {string} mode        full | quick | smoke
 * @property {string} [error]     set when the target could not be measured
 * @property {Record<string, unknown>} [details]
 */

/**
 * @typedef {object} BenchContext
 * @property {import('./options.mjs').Mode} mode
 * @property {string} repoRoot
 * @property {string} workDir     temporary directory of this run (logs, data)
 * @property {string} benchDist   test/bench/dist (compiled TypeScript of test/bench)
 * @property {Awaited<ReturnType<typeof import('./postgres.mjs').startPostgres>>} pg   the run's PostgreSQL
 * @property {() => ReturnType<typeof import('./product.mjs').startProduct>} product  the product API, started once on first use
 * @property {(name: string, script: string, env?: Record<string, string>) => ReturnType<typeof import('./processes.mjs').startChild>} startNode  a Node child, stopped at the end at the latest
 * @property {(input: Omit<BenchResult, 'ratio' | 'pass' | 'mode'>) => BenchResult} ratioResult
 * @property {(message: string) => void} warn   printed under the table; does not fail the run
 * @property {(...parts: unknown[]) => void} log  progress on stderr
 */

/**
 * @typedef {object} BenchTarget
 * @property {string} id
 * @property {string} name
 * @property {(ctx: BenchContext) => Promise<BenchResult[]>} run
 */

/** @param {string} mode @returns {BenchContext['ratioResult']} */
export function ratioResultFor(mode) {
  return (input) => {
    const ratio = input.baseline && input.candidate !== null ? input.candidate / input.baseline : null;
    const pass = ratio !== null && Number.isFinite(ratio) && (input.comparator === '>=' ? ratio >= input.target : ratio <= input.target);
    return {
      id: input.id,
      ...(input.metric ? { metric: input.metric } : {}),
      name: input.name,
      baseline: input.baseline === null ? null : round(input.baseline),
      candidate: input.candidate === null ? null : round(input.candidate),
      unit: input.unit,
      ratio: ratio === null ? null : round(ratio),
      target: input.target,
      comparator: input.comparator,
      ...(input.floor !== undefined ? { floor: input.floor } : {}),
      pass,
      mode,
      ...(input.details ? { details: input.details } : {}),
    };
  };
}

/** Every targets/t<N>-*.mjs, ordered by N. */
export async function discoverTargets(targetsDir) {
  const files = (await readdir(targetsDir)).filter((f) => /^t\d+-.*\.mjs$/.test(f));
  files.sort((a, b) => Number(a.match(/^t(\d+)/)[1]) - Number(b.match(/^t(\d+)/)[1]) || a.localeCompare(b));
  /** @type {BenchTarget[]} */
  const targets = [];
  for (const file of files) {
    const mod = await import(pathToFileURL(path.join(targetsDir, file)).href);
    const target = mod.default;
    if (!target || typeof target.id !== 'string' || typeof target.run !== 'function') {
      throw new Error(`${file} must default-export { id, name, run(ctx) }`);
    }
    targets.push(target);
  }
  return targets;
}
