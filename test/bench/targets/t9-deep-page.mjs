// T9 — Deep pagination (PERFORMANCE.md §6.1).
// Candidate: the API page at depth ~N/2 (page 10,000 of 1 M at 50 per page) sorted by a field;
// baseline: page 1 of the same sort, same run. The deep cursor is built the way the API builds its
// own (base64url([segment, sortValueText, id]) of the row just before the page), after checking
// that the construction reproduces the API's page-1 `next`.
import pg from 'pg';
import { compareInterleaved } from '../lib/http-load.mjs';
import { encodeCursor, listFixture, listPath } from '../lib/record-list.mjs';
import { round } from '../lib/stats.mjs';

const LIMIT = 50;

/** Sorted fields measured: every indexed (sortable) field in full mode, two in quick. */
const FIELDS = {
  full: ['name', 'customer_code', 'uscc', 'customer_type', 'credit_status', 'sales_owner'],
  quick: ['name', 'customer_type'],
  smoke: ['name'],
};

/** @type {import('../lib/target.mjs').BenchTarget} */
export default {
  id: 'T9',
  name: 'Deep pagination',
  async run(ctx) {
    const fx = await listFixture(ctx);
    const { product, token } = fx;
    const results = [];
    const client = new pg.Client({ connectionString: fx.ownerUrl });
    await client.connect();
    /** The sort value (as the API's cursor text) and id of the row at 0-based position `at`, ascending. */
    const rowAt = async (field, at) => {
      const { rows } = await client.query(
        `SELECT r.data->>'${field}' AS v, r.id FROM records r
         WHERE r.form_id = $1 AND r.deleted_at IS NULL AND (r.data->>'${field}') IS NOT NULL
         ORDER BY (r.data->>'${field}'), r.id OFFSET $2 LIMIT 1`,
        [fx.formId, at],
      );
      if (!rows[0]) throw new Error(`no ${field} value at position ${at}`);
      return rows[0];
    };
    try {
      for (const field of FIELDS[ctx.mode.name] ?? FIELDS.quick) {
        if (!/^[a-z_]+$/.test(field) || !fx.indexByField.has(field)) throw new Error(`${field} is not an indexed field of the customer form`);
        const { rows: counted } = await client.query(
          `SELECT count(*)::int AS n FROM records r WHERE r.form_id = $1 AND r.deleted_at IS NULL AND (r.data->>'${field}') IS NOT NULL`,
          [fx.formId],
        );
        const valued = counted[0].n;
        // Page 10,000 at 1 M: the page starting at row 50 × floor(valued / 100).
        const depth = LIMIT * Math.floor(valued / (2 * LIMIT));
        const page1 = await product.request('GET', listPath({ sort: field, limit: LIMIT }), { token });
        const fifty = await rowAt(field, LIMIT - 1);
        if (page1.next !== encodeCursor(0, fifty.v, fifty.id)) {
          throw new Error(`T9 ${field}: the constructed cursor does not match the API's page-1 next (${page1.next}); the cursor format changed`);
        }
        const before = await rowAt(field, depth - 1);
        const deepPath = listPath({ sort: field, limit: LIMIT, cursor: encodeCursor(0, before.v, before.id) });
        const deep = await product.request('GET', deepPath, { token });
        const expectedFirst = await rowAt(field, depth);
        if (deep.items[0]?.id !== expectedFirst.id) throw new Error(`T9 ${field}: the deep page does not start at row ${depth}`);

        const auth = { authorization: `Bearer ${token}` };
        const result = await compareInterleaved(
          {
            baseline: { url: product.baseUrl, method: 'GET', path: listPath({ sort: field, limit: LIMIT }), headers: auth, expectStatus: [200] },
            candidate: { url: product.baseUrl, method: 'GET', path: deepPath, headers: auth, expectStatus: [200] },
          },
          ctx.mode,
          `T9 ${field}`,
        );
        if (result.maxForeignCpu !== null && result.maxForeignCpu > 0.25) {
          ctx.warn(`T9 ${field}: other processes used up to ${(result.maxForeignCpu * 100).toFixed(0)}% of the CPUs during a run; the ratio is less trustworthy`);
        }
        results.push(
          ctx.ratioResult({
            id: 'T9',
            metric: `p95 ${field}`,
            name: `Page at row ${depth.toLocaleString('en')} (page ${(depth / LIMIT + 1).toLocaleString('en')}) vs page 1, sort ${field}: p95 at c=${ctx.mode.connections}`,
            unit: 'ms',
            baseline: result.baseline.p95,
            candidate: result.candidate.p95,
            target: 1.2,
            comparator: '<=',
            details: {
              records: fx.live,
              depth,
              connections: ctx.mode.connections,
              maxForeignCpu: result.maxForeignCpu === null ? null : round(result.maxForeignCpu),
              rps: { baseline: round(result.baseline.rps, 1), candidate: round(result.candidate.rps, 1) },
              p50: { baseline: round(result.baseline.p50), candidate: round(result.candidate.p50) },
              p99: { baseline: round(result.baseline.p99), candidate: round(result.candidate.p99) },
            },
          }),
        );
      }
    } finally {
      await client.end();
    }
    return results;
  },
};
