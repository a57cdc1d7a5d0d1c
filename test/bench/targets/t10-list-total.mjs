// T10 — Counts (PERFORMANCE.md §6.1).
// Candidate: a list page with total=true; baseline: the same page without it, same run. With
// total=true the product counts exactly up to EXACT_TOTAL_LIMIT (1,000) matching rows (count(*)
// over a LIMIT 1001 subquery, a statement prepared per connection) and, beyond that, returns the
// planner's estimate flagged totalIsEstimate: a plain EXPLAIN of the matching rows, sent with the
// count when the API holds no estimate of the form and filter from the last 30 s. Both ride in the
// page's round trip, so a total reads at most 1,001 matching rows whatever N is. An unfiltered
// list (no owner rule) sends credo_records_total instead: no row read while the partition's
// statistics prove more than 1,000 records. (total=exact, the exact count capped at 10,000, is
// not what this target measures.)
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { compareInterleaved } from '../lib/http-load.mjs';
import { explain, listFixture, listPath, productListSql } from '../lib/record-list.mjs';
import { round } from '../lib/stats.mjs';

const LIMIT = 50;

/** The count the API sends with a total=true page (timed at the DB for the report), from the compiled repository. */
async function totalStatements(repoRoot, fx, c) {
  const dist = path.join(repoRoot, 'apps/api/dist/modules/records');
  const { parseRecordQuery } = await import(pathToFileURL(path.join(dist, 'record-query.js')).href);
  const { RecordsRepository, EXACT_TOTAL_LIMIT, TotalEstimates } = await import(pathToFileURL(path.join(dist, 'records.repository.js')).href);
  const parsed = parseRecordQuery(fx.fields, c.filter, c.sort, 4);
  if (!parsed.query) throw new Error(`T10 ${c.key}: the product rejects the list query`);
  const repo = new RecordsRepository();
  // The first of the statements: credo_records_total (unfiltered) or the capped count.
  const total = repo.totalStatements(fx.formId, null, parsed.query, EXACT_TOTAL_LIMIT, new TotalEstimates());
  const [count, estimate] = total.statements;
  return { count: { text: count.text, values: count.values }, estimate: estimate && { text: estimate.text, values: estimate.values } };
}

/** The row estimate of the node under the plan's LIMIT (what the API reports as an estimate). */
function estimateUnderLimit(node) {
  if (!node) return null;
  if (node['Node Type'] === 'Limit') return node.Plans?.[0]?.['Plan Rows'] ?? null;
  for (const child of node.Plans ?? []) {
    const found = estimateUnderLimit(child);
    if (found !== null) return found;
  }
  return null;
}

const CASES = [
  { key: 'default', label: 'unfiltered, default order', filter: undefined, sort: undefined },
  { key: 'status-by-name', label: 'credit_status = 正常, sort name', filter: { credit_status: { eq: '正常' } }, sort: 'name' },
];

/** @type {import('../lib/target.mjs').BenchTarget} */
export default {
  id: 'T10',
  name: 'Counts',
  async run(ctx) {
    const fx = await listFixture(ctx);
    const { product, token } = fx;
    const auth = { authorization: `Bearer ${token}` };
    const results = [];
    for (const c of ctx.mode.name === 'smoke' ? CASES.slice(0, 1) : CASES) {
      const withTotal = await product.request('GET', listPath({ ...c, limit: LIMIT, total: true }), { token });
      if (typeof withTotal.total !== 'number') throw new Error(`T10 ${c.key}: total=true returned no total`);
      // The statements the API sends, timed once at the DB (EXPLAIN ANALYZE) for the report.
      const sql = await productListSql(ctx.repoRoot, fx, { filter: c.filter, sort: c.sort, limit: LIMIT });
      const total = await totalStatements(ctx.repoRoot, fx, c);
      const counted = await explain(fx, total.count, { analyze: true });
      const paged = await explain(fx, sql.pages[0], { analyze: true });
      const result = await compareInterleaved(
        {
          baseline: { url: product.baseUrl, method: 'GET', path: listPath({ ...c, limit: LIMIT }), headers: auth, expectStatus: [200] },
          candidate: { url: product.baseUrl, method: 'GET', path: listPath({ ...c, limit: LIMIT, total: true }), headers: auth, expectStatus: [200] },
        },
        ctx.mode,
        `T10 ${c.key}`,
      );
      if (result.maxForeignCpu !== null && result.maxForeignCpu > 0.25) {
        ctx.warn(`T10 ${c.key}: other processes used up to ${(result.maxForeignCpu * 100).toFixed(0)}% of the CPUs during a run; the ratio is less trustworthy`);
      }
      results.push(
        ctx.ratioResult({
          id: 'T10',
          metric: `p95 ${c.key}`,
          name: `List ${c.label} with total=true vs without: p95 at c=${ctx.mode.connections} (total ${withTotal.totalIsEstimate ? '≈' : ''}${withTotal.total}${withTotal.totalIsEstimate ? ', estimate' : ''}${withTotal.totalCapped ? ', capped' : ''})`,
          unit: 'ms',
          baseline: result.baseline.p95,
          candidate: result.candidate.p95,
          target: 1.2,
          comparator: '<=',
          details: {
            records: fx.live,
            total: withTotal.total,
            totalIsEstimate: withTotal.totalIsEstimate ?? false,
            totalCapped: withTotal.totalCapped ?? false,
            connections: ctx.mode.connections,
            maxForeignCpu: result.maxForeignCpu === null ? null : round(result.maxForeignCpu),
            rps: { baseline: round(result.baseline.rps, 1), candidate: round(result.candidate.rps, 1) },
            p50: { baseline: round(result.baseline.p50), candidate: round(result.candidate.p50) },
            p99: { baseline: round(result.baseline.p99), candidate: round(result.candidate.p99) },
            // One unloaded execution each, at the DB.
            dbMs: { page: round(paged.root['Execution Time']), count: round(counted.root['Execution Time']), countPlanning: round(counted.root['Planning Time']) },
            estimatedRows: estimateUnderLimit(counted.plan),
            countPlan: counted.summary,
          },
        }),
      );
    }
    return results;
  },
};
