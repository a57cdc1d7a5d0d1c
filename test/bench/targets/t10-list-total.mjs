// T10 — Counts (PERFORMANCE.md §6.1).
// Candidate: a list page with total=true; baseline: the same page without it, same run. The
// product caps counts at 10,000 (count(*) over a LIMIT 10001 subquery), so the count reads up to
// 10,001 matching rows per request whatever N is.
import { compareInterleaved } from '../lib/http-load.mjs';
import { explain, listFixture, listPath, productListSql } from '../lib/record-list.mjs';
import { round } from '../lib/stats.mjs';

const LIMIT = 50;

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
      // The count statement the API sends, timed once at the DB (EXPLAIN ANALYZE) for the report.
      const sql = await productListSql(ctx.repoRoot, fx, { filter: c.filter, sort: c.sort, limit: LIMIT });
      const counted = await explain(fx, sql.count, { analyze: true });
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
          name: `List ${c.label} with total=true vs without: p95 at c=${ctx.mode.connections} (total ${withTotal.total}${withTotal.totalCapped ? ', capped' : ''})`,
          unit: 'ms',
          baseline: result.baseline.p95,
          candidate: result.candidate.p95,
          target: 1.2,
          comparator: '<=',
          details: {
            records: fx.live,
            total: withTotal.total,
            totalCapped: withTotal.totalCapped ?? false,
            connections: ctx.mode.connections,
            maxForeignCpu: result.maxForeignCpu === null ? null : round(result.maxForeignCpu),
            rps: { baseline: round(result.baseline.rps, 1), candidate: round(result.candidate.rps, 1) },
            p50: { baseline: round(result.baseline.p50), candidate: round(result.candidate.p50) },
            p99: { baseline: round(result.baseline.p99), candidate: round(result.candidate.p99) },
            // One unloaded execution each, at the DB.
            dbMs: { page: round(paged.root['Execution Time']), count: round(counted.root['Execution Time']) },
            countPlan: counted.summary,
          },
        }),
      );
    }
    return results;
  },
};
