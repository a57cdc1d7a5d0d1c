// T11 — Aggregate report: AR aging (PERFORMANCE.md §6.1).
// Fixture (lib/receivables.mjs): N receivable records (full 1 M, quick 100k) loaded with SQL into
// `records` for the demo tenant's receivable form, referencing the list fixture's customers, and a
// typed table bench_typed.receivables with the same rows.
// Baseline: a hand-written aging query over the typed table, run through `pg` (owner role, explicit
// tenant filter) by `c` clients back to back.
// Candidate: GET /api/reports/aging?asOf=…&basis=…&groupBy=… (autocannon at the same `c`), which
// reads the receivable form's typed projection (credo_proj.f_<form>, kept in sync by triggers on
// records; the template opts in with settings.typedProjection).
// Also: the product's exact SQL (built by its compiled repository) through `pg` as credo_app with
// the tenant set, at the same `c`, to separate DB time from app time: on the projection (what the
// API sends) and on the pure-JSONB fallback (forms without a projection). All four interleaved.
// Every `pg` side runs with the settings the product's reports set (REPORT_SETTINGS: jit off,
// work_mem), the typed baseline too; one EXPLAIN ANALYZE with the server defaults shows what JIT costs.
// Checked before timing: the API, both SQL paths and the typed query return the same figures.
// Warm-up: two reports per side, one at a time; measured runs last ≥ the mode's duration and long
// enough for ~10 reports of the slowest side (capped: quick 12 s, full 60 s); c = 4 (full 2).
// Targets: API ≤ 1.5× typed; the projection SQL at the DB ≤ 1.5× typed; the pure-JSONB path (the
// product's fallback SQL at the DB) ≤ 2.5× typed.
// EXPLAIN ANALYZE of both statements goes into the details (and the log) for diagnosis.
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { runLoad } from '../lib/http-load.mjs';
import { cpuSnapshot, foreignCpuShare } from '../lib/noise.mjs';
import { planSummary } from '../lib/record-list.mjs';
import { AS_OF, productAgingSql, productReportOptions, receivableFixture, runSqlLoad, typedAgingSql } from '../lib/receivables.mjs';
import { median, round } from '../lib/stats.mjs';

/**
 * Concurrency: each report is a full scan, so a few clients (2 vCPU, one parallel worker). Full mode
 * uses 2: at 1 M receivables a per-customer report takes seconds, and autocannon times out at 30 s.
 */
const CONNECTIONS = { full: 2, quick: 4, smoke: 2 };

/** Longest measured run per side (seconds): quick stays a few minutes, full gets more reports. */
const MAX_RUN_SEC = { full: 60, quick: 12 };

/** EXPLAIN ANALYZE repeats (best of): single executions on a shared machine are noisy. */
const EXPLAIN_REPEATS = { full: 3, quick: 3, smoke: 1 };

const CASES = [
  { basis: 'due', group: 'company', label: 'by overdue bucket, company' },
  { basis: 'age', group: 'customer', label: 'by 账龄, per customer' },
  { basis: 'due', group: 'sales_owner', label: 'by overdue bucket, per sales owner' },
];

/** The report's figures in one comparable shape: group key → bucket → [amount as cents, items]. */
function figuresOfRows(rows) {
  // The product's report as sent (agingJson): one row with the groups as JSON text.
  if (rows.length === 1 && typeof rows[0].rows === 'string') return figuresOfApi({ rows: JSON.parse(rows[0].rows) });
  const out = new Map();
  for (const r of rows) {
    if (Array.isArray(r.amounts)) {
      // The product's pivoted shape (agingTable): one row per group, items per group only.
      if (r.is_total) continue;
      const buckets = new Map();
      r.amounts.forEach((a, i) => buckets.set(i, [cents(a), null]));
      out.set(r.group_key ?? '', { label: r.group_label ?? null, buckets });
      continue;
    }
    const key = r.group_key ?? '';
    if (!out.has(key)) out.set(key, { label: r.group_label ?? null, buckets: new Map() });
    out.get(key).buckets.set(Number(r.bucket), [cents(r.amount), Number(r.items)]);
  }
  return out;
}

function figuresOfApi(body) {
  const out = new Map();
  for (const row of body.rows) {
    const buckets = new Map();
    row.amounts.forEach((a, i) => {
      if (cents(a) !== 0n) buckets.set(i, [cents(a), null]);
    });
    out.set(row.key ?? '', { label: row.label ?? null, buckets, items: row.items });
  }
  return out;
}

function cents(decimal) {
  const m = /^(-?)(\d+)(?:\.(\d+))?$/.exec(String(decimal));
  if (!m) throw new Error(`not a decimal: ${decimal}`);
  const frac = (m[3] ?? '').padEnd(2, '0');
  if (frac.length > 2 && /[1-9]/.test(frac.slice(2))) throw new Error(`more than 2 decimals: ${decimal}`);
  const v = BigInt(m[2]) * 100n + BigInt(frac.slice(0, 2));
  return m[1] ? -v : v;
}

/** Same groups, labels, bucket amounts (and items, where both sides have them); else a message. */
function compareFigures(a, b, what) {
  if (a.size !== b.size) return `${what}: ${a.size} vs ${b.size} groups`;
  for (const [key, ga] of a) {
    const gb = b.get(key);
    if (!gb) return `${what}: group ${key} missing`;
    if (ga.label !== gb.label) return `${what}: group ${key} label ${ga.label} vs ${gb.label}`;
    const nonZero = (m) => [...m].filter(([, v]) => v[0] !== 0n);
    const ba = nonZero(ga.buckets);
    const bb = new Map(nonZero(gb.buckets));
    if (ba.length !== bb.size) return `${what}: group ${key} has ${ba.length} vs ${bb.size} non-empty buckets`;
    for (const [bucket, [amount, items]] of ba) {
      const other = bb.get(bucket);
      if (!other || other[0] !== amount) return `${what}: group ${key} bucket ${bucket} amount ${amount} vs ${other?.[0]}`;
      if (items !== null && other[1] !== null && items !== other[1]) return `${what}: group ${key} bucket ${bucket} items ${items} vs ${other[1]}`;
    }
  }
  return null;
}

/** EXPLAIN ANALYZE, best of `repeats` executions (by execution time). */
async function explainAnalyze(connect, statement, repeats = 1) {
  const client = await connect();
  try {
    let root;
    for (let i = 0; i < repeats; i++) {
      const { rows } = await client.query(`EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) ${statement.text}`, statement.values);
      const r = rows[0]['QUERY PLAN'][0];
      if (!root || r['Execution Time'] < root['Execution Time']) root = r;
    }
    return { ms: round(root['Execution Time'], 1), planningMs: round(root['Planning Time'], 1), plan: planSummary(root.Plan), root };
  } finally {
    await client.end();
  }
}

/** Rows scanned, estimated vs actual, of the plan's scan over records / the typed table. */
function scanNode(plan) {
  const stack = [plan];
  while (stack.length) {
    const n = stack.pop();
    if (/Scan/.test(n['Node Type']) && (n['Relation Name'] === 'records' || n['Relation Name'] === 'receivables' || /^f_[0-9a-f]{32}$/.test(n['Relation Name'] ?? '')) && n['Parent Relationship'] !== 'SubPlan') {
      return { node: n['Node Type'], relation: n['Relation Name'], estimated: n['Plan Rows'], actual: n['Actual Rows'], removedByFilter: n['Rows Removed by Filter'] ?? 0 };
    }
    stack.push(...(n.Plans ?? []));
  }
  return null;
}

/**
 * Diagnosis only (not a target): the product's statement with the two fixes that need no schema
 * change — the OPEN_AR subquery fenced (OFFSET 0) so each JSON field is really extracted once per
 * row (unfenced, PostgreSQL pulls the subquery up and re-extracts a field at every reference: the
 * bucket CASE, the outstanding filter and the sum), and the group label looked up once per group
 * instead of once per row inside min(). Null when the product's SQL no longer has that shape.
 */
function extractOnceVariant(statement) {
  let text = statement.text;
  // The product has these fixes itself now (OFFSET 0 fence, labels per group): nothing to diagnose.
  if (/OFFSET 0/.test(text) || !/\) ar WHERE ar\.outstanding > 0/.test(text)) return null;
  text = text.replace(/\) ar WHERE ar\.outstanding > 0/, ' OFFSET 0) ar WHERE ar.outstanding > 0');
  const label = /min\((\(SELECT [^\n]*?\))\) AS group_label/.exec(text);
  if (label) {
    const perGroup = label[1].replace(/ar\.\w+/g, 'g.group_key::uuid');
    text = `SELECT g.group_key, ${perGroup} AS group_label, g.bucket, g.amount, g.items FROM (${text.replace(label[0], 'NULL::text AS group_label')}) g ORDER BY 1, 3`;
  }
  return { text, values: statement.values };
}

/** @type {import('../lib/target.mjs').BenchTarget} */
export default {
  id: 'T11',
  name: 'Aggregate report (AR aging)',
  async run(ctx) {
    const fx = await receivableFixture(ctx);
    const { list } = fx;
    const { product, token } = list;
    // At ~1 M receivables a per-customer report takes seconds: 2 clients whatever the mode (as full).
    const connections = fx.live >= 500_000 ? 2 : (CONNECTIONS[ctx.mode.name] ?? 4);
    const repeats = EXPLAIN_REPEATS[ctx.mode.name] ?? 1;
    // Both sides with the settings the product's reports run with (jit off, work_mem: REPORT_SETTINGS).
    const settings = await productReportOptions(ctx.repoRoot);
    const connectTyped = async () => {
      const c = new pg.Client({ connectionString: list.ownerUrl, options: settings });
      await c.connect();
      return c;
    };
    // As the API: credo_app under RLS with the tenant set (for the session: one statement per request).
    const connectApp = async () => {
      const c = new pg.Client({ connectionString: list.appUrl, options: `-c app.tenant_id=${list.tenantId} ${settings}` });
      await c.connect();
      return c;
    };

    if (!fx.projectionTable) throw new Error('T11: the receivable form has no typed projection (settings.typedProjection in its template)');
    const projection = { kind: 'typed', table: fx.projectionTable };
    const results = [];
    for (const c of CASES) {
      const reportPath = `/api/reports/aging?asOf=${AS_OF}&basis=${c.basis}&groupBy=${c.group}`;
      const productSql = await productAgingSql(ctx.repoRoot, AS_OF, c.basis, c.group);
      const projSql = await productAgingSql(ctx.repoRoot, AS_OF, c.basis, c.group, projection);
      if (!projSql.text.includes(fx.projectionTable)) throw new Error(`T11: the product's projection SQL does not read ${fx.projectionTable}`);
      const typedSql = typedAgingSql(c.basis, c.group, AS_OF, list.tenantId);

      // Same figures on all three sides, or the comparison means nothing.
      const api = await product.request('GET', reportPath, { token });
      const sqlRows = await withClient(connectApp, (cl) => cl.query(productSql)).then((r) => r.rows);
      const projRows = await withClient(connectApp, (cl) => cl.query(projSql)).then((r) => r.rows);
      const typedRows = await withClient(connectTyped, (cl) => cl.query(typedSql)).then((r) => r.rows);
      const problem =
        compareFigures(figuresOfRows(sqlRows), figuresOfRows(typedRows), `T11 ${c.basis}/${c.group}: product SQL vs typed`) ??
        compareFigures(figuresOfRows(projRows), figuresOfRows(typedRows), `T11 ${c.basis}/${c.group}: product projection SQL vs typed`) ??
        compareFigures(figuresOfApi(api), figuresOfRows(typedRows), `T11 ${c.basis}/${c.group}: API vs typed`);
      if (problem) throw new Error(problem);
      const apiItems = api.rows.reduce((n, r) => n + r.items, 0);
      const typedItems = typedRows.reduce((n, r) => n + r.items, 0);
      if (apiItems !== typedItems) throw new Error(`T11 ${c.basis}/${c.group}: API counts ${apiItems} open items, typed ${typedItems}`);

      const explainProduct = await explainAnalyze(connectApp, productSql, repeats);
      const explainTyped = await explainAnalyze(connectTyped, typedSql, repeats);
      const explainProj = await explainAnalyze(connectApp, projSql, repeats);
      // Diagnosis: the same statement under the server's default settings (JIT on): what JIT costs.
      const connectAppDefaults = async () => {
        const cl = new pg.Client({ connectionString: list.appUrl, options: `-c app.tenant_id=${list.tenantId}` });
        await cl.connect();
        return cl;
      };
      const explainProjDefaults = await explainAnalyze(connectAppDefaults, projSql, 1);
      const jit = explainProjDefaults.root.JIT ? round(explainProjDefaults.root.JIT.Timing?.Total ?? 0, 1) : 0;
      const variant = extractOnceVariant(productSql);
      let explainVariant = null;
      if (variant) {
        const rows = await withClient(connectApp, (cl) => cl.query(variant)).then((r) => r.rows);
        const differs = compareFigures(figuresOfRows(rows), figuresOfRows(typedRows), 'variant');
        explainVariant = differs ? { error: differs } : await explainAnalyze(connectApp, variant, repeats);
      }
      ctx.log(
        `T11 ${c.basis}/${c.group}: EXPLAIN ANALYZE product SQL ${explainProduct.ms} ms (${explainProduct.plan}); projection ${explainProj.ms} ms (${explainProj.plan}); typed ${explainTyped.ms} ms (${explainTyped.plan}); ` +
          `extract-once + label per group ${explainVariant?.ms ?? explainVariant?.error ?? 'n/a'} ms; ` +
          `projection with the server's default settings ${explainProjDefaults.ms} ms (JIT ${jit} ms); ` +
          `${api.rows.length} groups, ${apiItems.toLocaleString('en')} open items`,
      );

      const apiSpec = { url: product.baseUrl, method: 'GET', path: reportPath, headers: { authorization: `Bearer ${token}` }, expectStatus: [200] };
      // Warm-up by count, not time (one report can take seconds): two requests per side, one at a time.
      const single = {};
      for (const [side, once] of Object.entries({
        typed: () => withClient(connectTyped, (cl) => cl.query(typedSql)),
        proj: () => withClient(connectApp, (cl) => cl.query(projSql)),
        sql: () => withClient(connectApp, (cl) => cl.query(productSql)),
        api: () => product.request('GET', reportPath, { token }),
      })) {
        const times = [];
        for (let i = 0; i < 2; i++) {
          const t = performance.now();
          await once();
          times.push(performance.now() - t);
        }
        single[side] = Math.min(...times);
      }
      // Each run lasts long enough for ~10 reports of the slowest side at this concurrency
      // (2 cores shared by c clients), and at least the mode's duration; capped per mode.
      const slowestSec = Math.max(...Object.values(single)) / 1000;
      // At ~1 M receivables (--scale in quick mode too) a per-customer report takes seconds: the
      // full mode's cap, or a 12 s run may end before any report completes.
      const cap = (fx.live >= 500_000 ? MAX_RUN_SEC.full : MAX_RUN_SEC[ctx.mode.name]) ?? ctx.mode.durationSec;
      const durationSec = Math.max(ctx.mode.durationSec, Math.min(cap, Math.ceil((10 * slowestSec * connections) / Math.min(connections, 2))));
      const runShape = { durationSec, connections };
      const sides = {
        typed: () => runSqlLoad(connectTyped, typedSql, runShape),
        proj: () => runSqlLoad(connectApp, projSql, runShape),
        sql: () => runSqlLoad(connectApp, productSql, runShape),
        api: () => runLoad(apiSpec, runShape),
      };
      const label = `T11 ${c.basis}/${c.group}`;
      ctx.log(`${label}: one report alone: typed ${single.typed.toFixed(0)} ms, projection SQL ${single.proj.toFixed(0)} ms, JSONB SQL ${single.sql.toFixed(0)} ms, API ${single.api.toFixed(0)} ms; runs of ${durationSec} s at c=${connections}`);
      /** @type {Record<string, Array<Awaited<ReturnType<typeof runSqlLoad>> & { foreignCpu: number | null }>>} */
      const runs = { typed: [], proj: [], sql: [], api: [] };
      for (let i = 0; i < ctx.mode.runs; i++) {
        const order = i % 2 === 0 ? ['typed', 'proj', 'sql', 'api'] : ['api', 'sql', 'proj', 'typed'];
        for (const side of order) {
          const before = await cpuSnapshot();
          const r = await sides[side]();
          const run = { ...r, foreignCpu: foreignCpuShare(before, await cpuSnapshot()) };
          runs[side].push(run);
          const busy = run.foreignCpu === null ? '' : `, other processes used ${(run.foreignCpu * 100).toFixed(0)}% of the CPUs`;
          ctx.log(`${label}: run ${i + 1}/${ctx.mode.runs} ${side.padEnd(5)} ${r.rps.toFixed(1).padStart(6)} req/s  p50 ${r.p50.toFixed(1)} ms  p95 ${r.p95.toFixed(1)} ms  (${r.requests} requests${busy})`);
        }
      }
      const p = (side, key) => median(runs[side].map((r) => r[key]));
      const foreign = Object.values(runs)
        .flat()
        .map((r) => r.foreignCpu)
        .filter((v) => typeof v === 'number');
      const maxForeignCpu = foreign.length ? Math.max(...foreign) : null;
      const details = {
        receivables: fx.live,
        loaded: fx.loaded,
        customers: fx.customers,
        openItems: apiItems,
        groups: api.rows.length,
        request: reportPath,
        connections,
        durationSec,
        projectionTable: fx.projectionTable,
        singleMs: { typed: round(single.typed, 1), projectionSql: round(single.proj, 1), productSql: round(single.sql, 1), api: round(single.api, 1) },
        runs: ctx.mode.runs,
        maxForeignCpu: maxForeignCpu === null ? null : round(maxForeignCpu),
        p50: { typed: round(p('typed', 'p50'), 1), projectionSql: round(p('proj', 'p50'), 1), productSql: round(p('sql', 'p50'), 1), api: round(p('api', 'p50'), 1) },
        p95: { typed: round(p('typed', 'p95'), 1), projectionSql: round(p('proj', 'p95'), 1), productSql: round(p('sql', 'p95'), 1), api: round(p('api', 'p95'), 1) },
        requests: { typed: runs.typed.map((r) => r.requests), projectionSql: runs.proj.map((r) => r.requests), productSql: runs.sql.map((r) => r.requests), api: runs.api.map((r) => r.requests) },
        explainAnalyze: {
          product: { ms: explainProduct.ms, plan: explainProduct.plan, scan: scanNode(explainProduct.root.Plan) },
          typed: { ms: explainTyped.ms, plan: explainTyped.plan, scan: scanNode(explainTyped.root.Plan) },
          projection: { ms: explainProj.ms, plan: explainProj.plan, scan: scanNode(explainProj.root.Plan) },
          projectionServerDefaults: { ms: explainProjDefaults.ms, jitMs: jit },
          extractOnceLabelPerGroup: explainVariant && 'ms' in explainVariant ? { ms: explainVariant.ms, plan: explainVariant.plan } : explainVariant,
        },
      };
      if (maxForeignCpu !== null && maxForeignCpu > 0.25) {
        ctx.warn(`T11 ${c.basis}/${c.group}: other processes used up to ${(maxForeignCpu * 100).toFixed(0)}% of the CPUs during a run; the ratios are less trustworthy`);
      }
      if (ctx.mode.name === 'full' && p('typed', 'p95') > 400) {
        ctx.warn(`T11 ${c.basis}/${c.group}: typed-table p95 ${p('typed', 'p95').toFixed(0)} ms at c=${connections} is over the 400 ms sanity floor (2 vCPU)`);
      }
      const name = (what) => `AR aging ${c.label}: ${what} p95 at c=${connections}, ${fx.live.toLocaleString('en')} receivables`;
      results.push(
        ctx.ratioResult({
          id: 'T11',
          metric: 'p95',
          name: name('API (typed projection) vs typed-table SQL'),
          unit: 'ms',
          baseline: p('typed', 'p95'),
          candidate: p('api', 'p95'),
          target: 1.5,
          comparator: '<=',
          details,
        }),
        ctx.ratioResult({
          id: 'T11',
          metric: 'db-p95',
          name: name("product's SQL on the projection (DB only) vs typed"),
          unit: 'ms',
          baseline: p('typed', 'p95'),
          candidate: p('proj', 'p95'),
          target: 1.5,
          comparator: '<=',
          details: { p95: details.p95, explainAnalyze: details.explainAnalyze, apiOverProjectionSql: round(p('api', 'p95') / p('proj', 'p95')) },
        }),
        ctx.ratioResult({
          id: 'T11',
          metric: 'db-p95',
          name: name("product's fallback SQL (pure JSONB, DB only) vs typed"),
          unit: 'ms',
          baseline: p('typed', 'p95'),
          candidate: p('sql', 'p95'),
          target: 2.5,
          comparator: '<=',
          details: { p95: details.p95, explainAnalyze: details.explainAnalyze, apiOverSql: round(p('api', 'p95') / p('sql', 'p95')) },
        }),
      );
    }
    return results;
  },
};

async function withClient(connect, fn) {
  const client = await connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}
