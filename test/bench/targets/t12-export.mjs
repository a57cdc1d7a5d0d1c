// T12 — Export (PERFORMANCE.md §6.1).
// Fixture: N extra customer records (full 1,000,000, quick 100,000, smoke 2,000) inserted with SQL
// (copies of a demo customer with unique names), deleted afterwards. Ids are `uuidv7()`, as the
// product gives records (create and import): time-ordered, so the list order (id DESC) follows the
// heap as it does for real data. (Random v4 ids made the list's index scan visit the heap in
// random order, a state no product-written table is in.)
// Candidate: GET /api/forms/customer/export.csv?headers=keys, streamed, every live customer of the
// form (the fixture plus whatever the form held), consumed by this process.
// Baseline: `COPY (SELECT <the same fields as text> FROM records WHERE <the form's live rows> ORDER BY
// id DESC) TO STDOUT (FORMAT csv)` through pg-copy-streams, consumed by this process.
// Interleaved B C C B; best run of each side.
import pg from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import { IMPORT_ROWS, ownerSql } from './t1-csv-import.mjs';

async function drain(stream) {
  let bytes = 0;
  for await (const chunk of stream) bytes += chunk.length;
  return bytes;
}

/** @type {import('../lib/target.mjs').BenchTarget} */
export default {
  id: 'T12',
  name: 'Export (CSV, streamed)',
  async run(ctx) {
    const product = await ctx.product();
    const token = await product.login();
    const form = await product.request('GET', '/api/forms/customer', { token });
    const n = IMPORT_ROWS[ctx.mode.name] ?? IMPORT_ROWS.quick;
    const prefix = `T12导出${Date.now()}-`;
    const keys = form.version.definition.fields.map((f) => f.key).filter((k) => /^[a-z][a-z0-9_]*$/.test(k));
    const formId = await ownerSql(product, async (client) => {
      const [{ id }] = (await client.query(`SELECT id FROM forms WHERE key = 'customer' LIMIT 1`)).rows;
      await client.query(
        `INSERT INTO records (tenant_id, id, form_id, form_version_id, data, created_by, updated_by)
         SELECT r.tenant_id, uuidv7(), r.form_id, r.form_version_id, jsonb_set(r.data - 'customer_code' - 'uscc', '{name}', to_jsonb($2 || g)), r.created_by, r.updated_by
         FROM (SELECT * FROM records WHERE form_id = $1 AND deleted_at IS NULL LIMIT 1) r, generate_series(1, $3::int) g`,
        [id, prefix, n],
      );
      await client.query('ANALYZE records');
      return id;
    });
    try {
      const rows = await ownerSql(product, async (client) => Number((await client.query('SELECT count(*) AS n FROM records WHERE form_id = $1 AND deleted_at IS NULL', [formId])).rows[0].n));
      const candidate = async () => {
        const started = performance.now();
        const res = await fetch(`${product.baseUrl}/api/forms/customer/export.csv?headers=keys`, { headers: { authorization: `Bearer ${token}` } });
        if (res.status !== 200) throw new Error(`export -> ${res.status}`);
        const bytes = await drain(res.body);
        return { ms: performance.now() - started, bytes };
      };
      const baseline = async () => {
        const client = new pg.Client({ connectionString: product.ownerUrl });
        await client.connect();
        try {
          const started = performance.now();
          const sql = `COPY (SELECT ${keys.map((k) => `r.data->>'${k}'`).join(', ')} FROM records r WHERE r.form_id = '${formId}' AND r.deleted_at IS NULL ORDER BY r.id DESC) TO STDOUT WITH (FORMAT csv)`;
          const bytes = await drain(client.query(copyTo(sql)));
          return { ms: performance.now() - started, bytes };
        } finally {
          await client.end();
        }
      };
      const b = [];
      const c = [];
      b.push(await baseline());
      c.push(await candidate());
      if (ctx.mode.name !== 'smoke') {
        c.push(await candidate());
        b.push(await baseline());
      }
      const best = (runs) => runs.reduce((x, y) => (y.ms < x.ms ? y : x));
      const bb = best(b);
      const cc = best(c);
      return [
        ctx.ratioResult({
          id: 'T12',
          name: `CSV export of ${rows} records (${keys.length} fields) vs COPY … TO STDOUT`,
          unit: 'rows/s',
          baseline: (rows / bb.ms) * 1000,
          candidate: (rows / cc.ms) * 1000,
          target: 0.5,
          comparator: '>=',
          details: { rows, fields: keys.length, exportMs: c.map((r) => Math.round(r.ms)), copyMs: b.map((r) => Math.round(r.ms)), exportMB: Math.round(cc.bytes / 1e5) / 10, copyMB: Math.round(bb.bytes / 1e5) / 10 },
        }),
      ];
    } finally {
      await ownerSql(product, (client) => client.query(`DELETE FROM records WHERE form_id = $1 AND data->>'name' LIKE $2`, [formId, `${prefix}%`]));
    }
  },
};
