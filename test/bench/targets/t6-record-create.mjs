// T6 — Record create API (PERFORMANCE.md §6.1).
// Candidate: the product's POST /api/forms/customer/records (auth, ajv, rules, audit fields, RLS
// transaction). Baseline: a bare Nest app (same adapter) doing one pg INSERT ... RETURNING id of the
// same jsonb into a table of the same shape in the same database (baseline/bare-insert.ts).
import path from 'node:path';
import pg from 'pg';
import { customerFactory } from '../lib/customer-data.mjs';
import { compareInterleaved } from '../lib/http-load.mjs';
import { recordsPartition } from '../lib/record-list.mjs';
import { round } from '../lib/stats.mjs';

const BASELINE_TABLE = 'bench_baseline.records';
/** The product's TypeORM pool size (apps/api/src/app.module.ts, extra.max); the baseline gets as many. */
const POOL_SIZE = 20;

/** @type {import('../lib/target.mjs').BenchTarget} */
export default {
  id: 'T6',
  name: 'Record create API',
  async run(ctx) {
    const product = await ctx.product();
    const token = await product.login();
    const me = await product.request('GET', '/api/auth/me', { token });
    const form = await product.request('GET', '/api/forms/customer', { token });
    const make = customerFactory(form?.version?.definition, me.id);
    let n = 0;
    const body = () => JSON.stringify({ data: make(n++) });

    // One real create first: a 400 here means the record above no longer fits the form.
    await product.request('POST', '/api/forms/customer/records', { token, body: JSON.parse(body()), expect: [201] });

    const ids = await prepareBaselineTable(product.ownerUrl, me.tenant?.id);
    const baselineApp = ctx.startNode('baseline-t6', path.join(ctx.benchDist, 'baseline/bare-insert.js'), {
      BASELINE_CONFIG: JSON.stringify({ databaseUrl: product.ownerUrl, table: BASELINE_TABLE, ...ids, userId: me.id, poolSize: POOL_SIZE }),
    });
    const [, port] = await baselineApp.waitForLine(/^BASELINE_LISTENING (\d+)/, 60_000);
    const baselineUrl = `http://127.0.0.1:${port}`;
    const probe = await fetch(`${baselineUrl}/records`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: body() });
    if (probe.status !== 201) throw new Error(`baseline probe -> ${probe.status}: ${await probe.text()}`);

    try {
      const result = await compareInterleaved(
        {
          baseline: { url: baselineUrl, method: 'POST', path: '/records', body, expectStatus: [201] },
          candidate: {
            url: product.baseUrl,
            method: 'POST',
            path: '/api/forms/customer/records',
            headers: { authorization: `Bearer ${token}` },
            body,
            expectStatus: [201],
          },
        },
        ctx.mode,
        'T6',
      );
      const c = ctx.mode.connections;
      const details = {
        connections: c,
        durationSec: ctx.mode.durationSec,
        runs: ctx.mode.runs,
        maxForeignCpu: result.maxForeignCpu === null ? null : round(result.maxForeignCpu),
        baselineRuns: result.runs.baseline.map(roundRun),
        candidateRuns: result.runs.candidate.map(roundRun),
        p50: { baseline: round(result.baseline.p50), candidate: round(result.candidate.p50) },
        p99: { baseline: round(result.baseline.p99), candidate: round(result.candidate.p99) },
      };
      // Sanity floor on 2 vCPU (§6.1): absolute, so a warning rather than a failure.
      if (ctx.mode.name !== 'smoke' && result.candidate.rps < 2400) {
        ctx.warn(`T6: candidate ${result.candidate.rps.toFixed(0)} creates/s is under the 2.4k/s sanity floor (2 vCPU)`);
      }
      if (result.maxForeignCpu !== null && result.maxForeignCpu > 0.25) {
        ctx.warn(`T6: other processes used up to ${(result.maxForeignCpu * 100).toFixed(0)}% of the CPUs during a run; the ratios are less trustworthy (contention hurts the candidate, whose create writes four rows and runs four statements in its one round trip, more than the one-statement baseline)`);
      }
      return [
        ctx.ratioResult({
          id: 'T6',
          metric: 'throughput',
          name: `Record create API: req/s at c=${c}`,
          unit: 'req/s',
          baseline: result.baseline.rps,
          candidate: result.candidate.rps,
          target: 0.7,
          comparator: '>=',
          floor: 0.6,
          details,
        }),
        ctx.ratioResult({
          id: 'T6',
          metric: 'p95',
          name: `Record create API: p95 latency at c=${c}`,
          unit: 'ms',
          baseline: result.baseline.p95,
          candidate: result.candidate.p95,
          target: 1.3,
          comparator: '<=',
          details,
        }),
      ];
    } finally {
      await baselineApp.stop();
    }
  },
};

function roundRun(r) {
  return {
    rps: round(r.rps, 1),
    p50: round(r.p50),
    p95: round(r.p95),
    p99: round(r.p99),
    requests: r.requests,
    foreignCpu: r.foreignCpu == null ? null : round(r.foreignCpu),
    cpuMsPerRequest: r.cpuMs ? { total: round(r.cpuMs.total), postgres: round(r.cpuMs.postgres) } : null,
  };
}

/**
 * A copy of the customer form's partition of `records` (columns, defaults, checks, the key, the
 * keyset and field indexes; no foreign keys or RLS), and the ids the product's rows carry, so both
 * sides write the same row shape into the same indexes of the same database.
 */
async function prepareBaselineTable(ownerUrl, tenantId) {
  const client = new pg.Client({ connectionString: ownerUrl });
  await client.connect();
  try {
    await client.query(`CREATE SCHEMA IF NOT EXISTS bench_baseline`);
    await client.query(`DROP TABLE IF EXISTS ${BASELINE_TABLE}`);
    const { rows } = await client.query(
      `SELECT tenant_id, id, current_version_id FROM forms WHERE key = 'customer' AND ($1::uuid IS NULL OR tenant_id = $1::uuid) LIMIT 1`,
      [tenantId ?? null],
    );
    if (!rows[0]) throw new Error('the customer form was not found in the product database');
    await client.query(`CREATE TABLE ${BASELINE_TABLE} (LIKE public.${recordsPartition(rows[0].id)} INCLUDING ALL)`);
    return { tenantId: rows[0].tenant_id, formId: rows[0].id, formVersionId: rows[0].current_version_id };
  } finally {
    await client.end();
  }
}
