// T7 — Filtered and sorted list (PERFORMANCE.md §6.1).
// Candidate: GET /api/forms/customer/records?limit=50&filter=…&sort=… over N records (1 M full).
// Baseline: the same page by hand-written SQL through `pg` on the same expression index, served by
// a bare node:http server (baseline/list-sql.ts) as credo_app under RLS, returning the same JSON.
// Also checks that the DB-level plans (EXPLAIN of the API's exact SQL and of the hand-written SQL)
// scan the same rx_ index.
import path from 'node:path';
import { compareInterleaved } from '../lib/http-load.mjs';
import { explain, listFixture, listPath, productListSql } from '../lib/record-list.mjs';
import { round } from '../lib/stats.mjs';

/** The product's TypeORM pool size (apps/api/src/app.module.ts, extra.max); the baseline gets as many. */
const POOL_SIZE = 20;
const LIMIT = 50;

/** Columns the API reads per row (records.repository.ts COLUMNS), written by hand. */
const COLUMNS = `r.id, r.rev, r.form_version_id, r.data, r.created_at, r.created_by, r.updated_at, r.updated_by, r.deleted_at,
  (SELECT v.number FROM form_versions v WHERE v.tenant_id = r.tenant_id AND v.id = r.form_version_id) AS version_number`;

/**
 * The list requests measured. Each: the API's filter and sort, and the hand-written statement for
 * the same page ($1 = form id).
 * @param {import('../lib/record-list.mjs').ListFixture} fx
 */
function cases(fx) {
  return [
    {
      key: 'status-by-name',
      label: 'credit_status = 正常, sort name',
      sortField: 'name',
      filter: { credit_status: { eq: '正常' } },
      sort: 'name',
      sql: {
        text: `SELECT ${COLUMNS}, (r.data->>'name') AS sort_value FROM records_t r
               WHERE r.form_id = $1 AND r.deleted_at IS NULL AND (r.data->>'credit_status') = $2
               ORDER BY (r.data->>'name'), r.id LIMIT ${LIMIT + 1}`,
        values: [fx.formId, '正常'],
        // The API's cursor segment of the values: the filter rules NULLs out, so one segment (0).
        segment: 0,
      },
    },
    {
      // Text fields offer eq/in/contains…, no ranges: the filter and the (descending) sort ride on
      // the same index, (customer_type, id) read backwards from the end of the 政府机关 range.
      key: 'type-desc',
      label: 'customer_type = 政府机关, sort -customer_type',
      sortField: 'customer_type',
      filter: { customer_type: { eq: '政府机关' } },
      sort: '-customer_type',
      sql: {
        text: `SELECT ${COLUMNS}, (r.data->>'customer_type') AS sort_value FROM records_t r
               WHERE r.form_id = $1 AND r.deleted_at IS NULL AND (r.data->>'customer_type') = $2
               ORDER BY (r.data->>'customer_type') DESC, r.id DESC LIMIT ${LIMIT + 1}`,
        values: [fx.formId, '政府机关'],
        segment: 0,
      },
    },
  ];
}

/** @type {import('../lib/target.mjs').BenchTarget} */
export default {
  id: 'T7',
  name: 'Filtered and sorted list',
  async run(ctx) {
    const fx = await listFixture(ctx);
    const { product, token } = fx;
    const list = cases(fx);

    // Plans first: the API's exact SQL (built by its compiled repository) and the hand-written one.
    const plans = {};
    for (const c of list) {
      const api = await productListSql(ctx.repoRoot, fx, { filter: c.filter, sort: c.sort, limit: LIMIT });
      const apiPlans = [];
      for (const statement of api.pages) apiPlans.push(await explain(fx, statement));
      const apiPlan = await explain(fx, api.page);
      const basePlan = await explain(fx, c.sql);
      const expected = fx.indexByField.get(c.sortField);
      plans[c.key] = {
        expectedIndex: expected ?? null,
        // The statement that reads the values segment (the page's rows).
        api: apiPlan.summary,
        apiStatements: apiPlans.length,
        apiAll: apiPlans.map((p) => p.summary),
        baseline: basePlan.summary,
        same: sameIndexes(apiPlan.indexes, basePlan.indexes) && apiPlan.indexes.includes(expected),
      };
      ctx.log(`T7 ${c.key}: API plan (segments: ${apiPlans.length}) ${apiPlans.map((p) => p.summary).join(' ; ')}; hand-written plan ${basePlan.summary}`);
    }

    const baselineApp = ctx.startNode('baseline-t7', path.join(ctx.benchDist, 'baseline/list-sql.js'), {
      BASELINE_CONFIG: JSON.stringify({
        databaseUrl: fx.appUrl,
        tenantId: fx.tenantId,
        poolSize: POOL_SIZE,
        queries: Object.fromEntries(list.map((c) => [c.key, { ...c.sql, limit: LIMIT }])),
        userFields: fx.fields.filter((f) => f.type === 'user').map((f) => f.key),
      }),
    });
    const [, port] = await baselineApp.waitForLine(/^BASELINE_LISTENING (\d+)/, 60_000);
    const baselineUrl = `http://127.0.0.1:${port}`;

    const results = [];
    try {
      for (const c of list) {
        // Same page on both sides, or the comparison means nothing.
        const apiPage = await product.request('GET', listPath({ filter: c.filter, sort: c.sort, limit: LIMIT }), { token });
        const res = await fetch(`${baselineUrl}/q/${c.key}`);
        if (res.status !== 200) throw new Error(`baseline ${c.key} -> ${res.status}: ${await res.text()}`);
        const basePage = await res.json();
        const ids = (p) => p.items.map((i) => i.id).join(',');
        if (!apiPage.items.length || ids(apiPage) !== ids(basePage)) {
          throw new Error(`T7 ${c.key}: the API and the hand-written SQL return different pages (${apiPage.items.length} vs ${basePage.items.length} items)`);
        }
        if (apiPage.next !== basePage.next) throw new Error(`T7 ${c.key}: next cursors differ (API ${apiPage.next}, baseline ${basePage.next})`);

        const result = await compareInterleaved(
          {
            baseline: { url: baselineUrl, method: 'GET', path: `/q/${c.key}`, expectStatus: [200] },
            candidate: {
              url: product.baseUrl,
              method: 'GET',
              path: listPath({ filter: c.filter, sort: c.sort, limit: LIMIT }),
              headers: { authorization: `Bearer ${token}` },
              expectStatus: [200],
            },
          },
          ctx.mode,
          `T7 ${c.key}`,
        );
        const details = {
          records: fx.live,
          request: listPath({ filter: c.filter, sort: c.sort, limit: LIMIT }),
          connections: ctx.mode.connections,
          maxForeignCpu: result.maxForeignCpu === null ? null : round(result.maxForeignCpu),
          rps: { baseline: round(result.baseline.rps, 1), candidate: round(result.candidate.rps, 1) },
          p50: { baseline: round(result.baseline.p50), candidate: round(result.candidate.p50) },
          p99: { baseline: round(result.baseline.p99), candidate: round(result.candidate.p99) },
          plan: plans[c.key],
        };
        if (ctx.mode.name !== 'smoke' && result.candidate.p95 > 15) {
          ctx.warn(`T7 ${c.key}: API p95 ${result.candidate.p95.toFixed(1)} ms at c=${ctx.mode.connections} is over the 15 ms sanity floor (2 vCPU)`);
        }
        if (result.maxForeignCpu !== null && result.maxForeignCpu > 0.25) {
          ctx.warn(`T7 ${c.key}: other processes used up to ${(result.maxForeignCpu * 100).toFixed(0)}% of the CPUs during a run; the ratio is less trustworthy`);
        }
        results.push(
          ctx.ratioResult({
            id: 'T7',
            metric: 'p95',
            name: `List ${c.label}: p95 at c=${ctx.mode.connections}, ${fx.live.toLocaleString('en')} records`,
            unit: 'ms',
            baseline: result.baseline.p95,
            candidate: result.candidate.p95,
            target: 1.5,
            comparator: '<=',
            details,
          }),
          ctx.ratioResult({
            id: 'T7',
            metric: 'plan',
            name: `List ${c.label}: API SQL scans the same rx_ index (${c.sortField}) as hand-written`,
            unit: 'same plan',
            baseline: 1,
            candidate: plans[c.key].same ? 1 : 0,
            target: 1,
            comparator: '>=',
            details: plans[c.key],
          }),
        );
      }
    } finally {
      await baselineApp.stop();
    }
    return results;
  },
};

function sameIndexes(a, b) {
  return a.length === b.length && a.every((x) => b.includes(x));
}
