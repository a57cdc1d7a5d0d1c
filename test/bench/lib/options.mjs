// Command-line options of `npm run bench`. Modes fix the load shape; flags may override parts.

/** @typedef {{ name: 'full' | 'quick' | 'smoke', durationSec: number, warmupSec: number, runs: number, connections: number, listRecords?: number, scaleReceivables?: number }} Mode */

/** @type {Record<Mode['name'], Mode>} */
export const MODES = {
  // PERFORMANCE.md §6.2: c=32 for 20 s, interleaved.
  full: { name: 'full', durationSec: 20, warmupSec: 5, runs: 3, connections: 32 },
  // A few minutes in all on 2 cores, including the build.
  quick: { name: 'quick', durationSec: 5, warmupSec: 5, runs: 2, connections: 32 },
  // Only proves the harness still works (test/bench/bench-smoke.test.ts); the figures mean nothing.
  smoke: { name: 'smoke', durationSec: 1, warmupSec: 0.5, runs: 1, connections: 4 },
};

export const USAGE = `Usage: npm run bench -- [options]

  --quick            smaller and shorter runs (a few minutes on 2 cores)
  --smoke            tiny runs that only prove the harness works (used by the smoke test)
  --json FILE        also write the results as a JSON array to FILE
  --only IDS         run only these targets, comma separated (e.g. --only T6)
  --no-build         do not run \`npm run build\` first (apps/api/dist must exist)
  --duration SEC     seconds per measured run (overrides the mode)
  --runs N           interleaved baseline/candidate pairs (overrides the mode)
  --connections N    HTTP concurrency (overrides the mode)
  --records N        records loaded for the list targets T7/T9/T10/T14 (full 1,000,000; quick 100,000)
  --scale N          T11 receivables written by the seeds' scale generator (full: 1,000,000 that way;
                     quick/smoke load theirs with SQL unless --scale is given)
  --keep             keep the temporary directory (PostgreSQL cluster, logs)
  --verbose          echo child-process logs to stderr
  -h, --help         this text

Exit status: 0 all targets met, 1 a target was missed, 2 the harness failed.`;

export class UsageError extends Error {}

/** @param {string[]} argv */
export function parseOptions(argv) {
  const opts = {
    mode: MODES.full,
    /** @type {string | undefined} */ json: undefined,
    /** @type {string[] | undefined} */ only: undefined,
    build: true,
    keep: false,
    verbose: false,
    help: false,
  };
  /** @type {Partial<Mode>} */
  const overrides = {};
  const value = (i, flag) => {
    const v = argv[i + 1];
    if (v === undefined || v.startsWith('--')) throw new UsageError(`${flag} needs a value`);
    return v;
  };
  const positive = (v, flag) => {
    const n = Number(v);
    if (!Number.isFinite(n) || n <= 0) throw new UsageError(`${flag} must be a positive number, got ${v}`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const [flag, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const take = () => {
      if (inline !== undefined) return inline;
      const v = value(i, flag);
      i++;
      return v;
    };
    switch (flag) {
      case '--quick':
        opts.mode = MODES.quick;
        break;
      case '--smoke':
        opts.mode = MODES.smoke;
        break;
      case '--json':
        opts.json = take();
        break;
      case '--only':
        opts.only = take()
          .split(',')
          .map((s) => s.trim().toUpperCase())
          .filter(Boolean);
        break;
      case '--no-build':
        opts.build = false;
        break;
      case '--duration':
        overrides.durationSec = positive(take(), flag);
        break;
      case '--runs':
        overrides.runs = Math.round(positive(take(), flag));
        break;
      case '--connections':
        overrides.connections = Math.round(positive(take(), flag));
        break;
      case '--records':
        overrides.listRecords = Math.round(positive(take(), flag));
        break;
      case '--scale':
        overrides.scaleReceivables = Math.round(positive(take(), flag));
        break;
      case '--keep':
        opts.keep = true;
        break;
      case '--verbose':
        opts.verbose = true;
        break;
      case '-h':
      case '--help':
        opts.help = true;
        break;
      default:
        throw new UsageError(`unknown option ${arg}`);
    }
  }
  opts.mode = { ...opts.mode, ...overrides };
  return opts;
}
