// HTTP load with autocannon, and the interleaved baseline/candidate comparison every HTTP target
// uses (PERFORMANCE.md §6.2 steps 3-4).
import autocannon from 'autocannon';
import { cpuPerRequest, cpuSnapshot, foreignCpuShare } from './noise.mjs';
import { log } from './processes.mjs';
import { median, percentileSorted } from './stats.mjs';

/**
 * @typedef {object} LoadSpec
 * @property {string} url          base URL, e.g. http://127.0.0.1:1234
 * @property {string} method
 * @property {string} path
 * @property {Record<string, string>} [headers]
 * @property {() => string} [body]  called once per request (unique bodies); a string or nothing
 * @property {number[]} [expectStatus]  every response must have one of these (default any 2xx)
 */

/**
 * @typedef {object} LoadResult
 * @property {number} rps        successful responses per second
 * @property {number} p50        ms
 * @property {number} p95        ms
 * @property {number} p99        ms
 * @property {number} requests   successful responses
 * @property {number} durationSec
 * @property {number | null} [foreignCpu]  share of the machine used by other processes meanwhile (0..1)
 * @property {{ total: number, postgres: number } | null} [cpuMs]  the bench's own CPU ms per response (see cpuPerRequest)
 */

/**
 * One autocannon run. Latency percentiles come from every response's own time (autocannon's
 * summary has no p95). Any error, timeout or unexpected status fails the run: a fast 4xx
 * would otherwise look like a great result.
 * @param {LoadSpec} spec
 * @param {{ durationSec: number, connections: number }} shape
 * @returns {Promise<LoadResult>}
 */
export async function runLoad(spec, { durationSec, connections }) {
  const expected = spec.expectStatus;
  /** @type {number[]} */
  const latencies = [];
  /** @type {Map<number, number>} */
  const bad = new Map();
  const request = {
    method: spec.method,
    path: spec.path,
    headers: { ...(spec.body ? { 'content-type': 'application/json' } : {}), ...spec.headers },
    ...(spec.body ? { setupRequest: (req) => ({ ...req, body: spec.body() }) } : {}),
  };
  const instance = autocannon({
    url: spec.url,
    connections,
    duration: durationSec,
    requests: [request],
    timeout: 30,
  });
  instance.on('response', (_client, statusCode, _bytes, responseTime) => {
    const ok = expected ? expected.includes(statusCode) : statusCode >= 200 && statusCode < 300;
    if (ok) latencies.push(responseTime);
    else bad.set(statusCode, (bad.get(statusCode) ?? 0) + 1);
  });
  const result = await instance;
  if (bad.size || result.errors || result.timeouts) {
    const codes = [...bad].map(([code, n]) => `${n}× HTTP ${code}`).join(', ');
    throw new Error(
      `${spec.method} ${spec.url}${spec.path}: ${codes || 'no bad statuses'}; ${result.errors} errors, ${result.timeouts} timeouts — the measurement is invalid`,
    );
  }
  if (!latencies.length) throw new Error(`${spec.method} ${spec.url}${spec.path}: no successful responses`);
  const sorted = Float64Array.from(latencies).sort();
  return {
    rps: latencies.length / result.duration,
    p50: percentileSorted(sorted, 50),
    p95: percentileSorted(sorted, 95),
    p99: percentileSorted(sorted, 99),
    requests: latencies.length,
    durationSec: result.duration,
  };
}

/**
 * Warms both sides up, then runs them alternately (B C, C B, B C, ...) so drift on a shared
 * machine hits both equally, and returns the per-run results and their medians.
 * @param {{ baseline: LoadSpec, candidate: LoadSpec }} sides
 * @param {import('./options.mjs').Mode} mode
 * @param {string} label
 */
export async function compareInterleaved(sides, mode, label) {
  const shape = { durationSec: mode.durationSec, connections: mode.connections };
  for (const side of /** @type {const} */ (['baseline', 'candidate'])) {
    log(`${label}: warm-up ${side} (${mode.warmupSec} s, c=${mode.connections})`);
    await runLoad(sides[side], { ...shape, durationSec: mode.warmupSec });
  }
  /** @type {{ baseline: LoadResult[], candidate: LoadResult[] }} */
  const runs = { baseline: [], candidate: [] };
  for (let i = 0; i < mode.runs; i++) {
    const order = i % 2 === 0 ? ['baseline', 'candidate'] : ['candidate', 'baseline'];
    for (const side of order) {
      const before = await cpuSnapshot();
      const r = await runLoad(sides[side], shape);
      const after = await cpuSnapshot();
      r.foreignCpu = foreignCpuShare(before, after);
      r.cpuMs = cpuPerRequest(before, after, r.requests);
      runs[side].push(r);
      const busy =
        (r.foreignCpu === null ? '' : `, other processes used ${(r.foreignCpu * 100).toFixed(0)}% of the CPUs`) +
        (r.cpuMs ? `; CPU/request ${r.cpuMs.total.toFixed(2)} ms, PostgreSQL ${r.cpuMs.postgres.toFixed(2)} ms` : '');
      log(`${label}: run ${i + 1}/${mode.runs} ${side.padEnd(9)} ${r.rps.toFixed(0).padStart(6)} req/s  p50 ${r.p50.toFixed(2)} ms  p95 ${r.p95.toFixed(2)} ms  (${r.requests} requests${busy})`);
    }
  }
  const summary = (list) => ({
    rps: median(list.map((r) => r.rps)),
    p50: median(list.map((r) => r.p50)),
    p95: median(list.map((r) => r.p95)),
    p99: median(list.map((r) => r.p99)),
  });
  const foreign = [...runs.baseline, ...runs.candidate].map((r) => r.foreignCpu).filter((v) => typeof v === 'number');
  return {
    runs,
    baseline: summary(runs.baseline),
    candidate: summary(runs.candidate),
    /** Highest share of the CPUs other processes used during a measured run (null: unknown). */
    maxForeignCpu: foreign.length ? Math.max(...foreign) : null,
  };
}
