// T14 — Planner health (PERFORMANCE.md §6.1).
// For every filterable indexed field, EXPLAIN ANALYZE of the list statement the API sends for an
// `eq` filter (its exact text, built by the product's compiled repository), with the page LIMIT
// lifted so the actual row count is the whole filtered set: estimated rows (candidate) versus
// actual rows (baseline) must be within 10× either way. One row per filter: an overestimate is
// checked as ratio ≤ 10, an underestimate as ratio ≥ 0.1.
import pg from 'pg';
import { explain, listFixture, productListSql } from '../lib/record-list.mjs';
import { round } from '../lib/stats.mjs';

/** @type {import('../lib/target.mjs').BenchTarget} */
export default {
  id: 'T14',
  name: 'Planner health',
  async run(ctx) {
    const fx = await listFixture(ctx);
    const client = new pg.Client({ connectionString: fx.ownerUrl });
    await client.connect();
    /** @type {Array<{ field: string, value: string, note: string }>} */
    const probes = [];
    try {
      for (const [field] of fx.indexByField) {
        // The most and the least common value (for unique fields both are one row: take one).
        const { rows } = await client.query(
          `(SELECT v, n FROM (SELECT r.data->>'${field}' AS v, count(*)::int AS n FROM records r
             WHERE r.form_id = $1 AND r.deleted_at IS NULL AND r.data ? '${field}' GROUP BY 1) g ORDER BY n DESC, v LIMIT 1)
           UNION ALL
           (SELECT v, n FROM (SELECT r.data->>'${field}' AS v, count(*)::int AS n FROM records r
             WHERE r.form_id = $1 AND r.deleted_at IS NULL AND r.data ? '${field}' GROUP BY 1) g ORDER BY n, v LIMIT 1)`,
          [fx.formId],
        );
        if (!/^[a-z_]+$/.test(field)) throw new Error(`bad field ${field}`);
        const [common, rare] = rows;
        if (!common) continue;
        probes.push({ field, value: common.v, note: `most common (${common.n})` });
        if (rare && rare.n !== common.n) probes.push({ field, value: rare.v, note: `least common (${rare.n})` });
      }
    } finally {
      await client.end();
    }

    const results = [];
    for (const probe of probes) {
      const sql = await productListSql(ctx.repoRoot, fx, { filter: { [probe.field]: { eq: probe.value } } });
      const statement = { text: sql.page.text, values: [...sql.page.values] };
      // The LIMIT is the last parameter: lift it, so the scan produces the whole filtered set.
      statement.values[statement.values.length - 1] = 1_000_000_000;
      const { plan, summary } = await explain(fx, statement, { analyze: true });
      const estimated = plan['Plan Rows'];
      const actual = plan['Actual Rows'];
      const over = estimated >= actual;
      const shown = probe.value.length > 24 ? `${probe.value.slice(0, 21)}…` : probe.value;
      results.push(
        ctx.ratioResult({
          id: 'T14',
          metric: `${probe.field} ${probe.note}`,
          name: `Rows estimated vs actual: ${probe.field} = ${shown} (${probe.note})`,
          unit: 'rows',
          // A zero actual (cannot happen: the value exists) would make the ratio infinite.
          baseline: Math.max(actual, 1),
          candidate: Math.max(estimated, 1),
          target: over ? 10 : 0.1,
          comparator: over ? '<=' : '>=',
          details: { field: probe.field, value: probe.value, estimated, actual, plan: summary, executionMs: round(plan['Actual Total Time']) },
        }),
      );
    }
    return results;
  },
};
