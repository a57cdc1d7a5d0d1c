// T13 — Adding an indexed field to a form with N records (PERFORMANCE.md §6.1, issue #5).
// Fixture: the record-list fixture (lib/record-list.mjs): N customer records (full 1 M, quick 100k,
// --records N), plus a typed table bench_t13.customers with the same rows, every scalar field of
// the customer form as a typed column (what a conventional schema would hold).
// Build time: the product's statement — CREATE INDEX CONCURRENTLY on the field's expression, as
// FieldIndexService builds it when a field is marked indexed and published (the SQL comes from the
// compiled apps/api/dist/modules/forms/field-index.service.js planFieldIndexes, run as it runs it:
// runAtLowPriority: no parallel workers, the backend reniced) — vs a plain
// CREATE INDEX on the typed column (value, id) of the typed table. Interleaved (B C C B …), the
// index dropped after each build; median of the runs per side. Target: ≤ 2×.
// Writes during the build: POST /api/forms/customer/records throughput (autocannon, c = mode) with
// no build vs while the concurrent build runs over and over for the whole run. Target: ≥ 0.80.
import { performance } from 'node:perf_hooks';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import pg from 'pg';
import { customerFactory } from '../lib/customer-data.mjs';
import { runLoad } from '../lib/http-load.mjs';
import { cpuSnapshot, foreignCpuShare } from '../lib/noise.mjs';
import { listFixture, recordsPartition } from '../lib/record-list.mjs';
import { median, round } from '../lib/stats.mjs';

/** Fields indexed in turn (skipped when the form does not have them, or already indexes them). */
const FIELDS = { full: ['contact_name', 'registered_capital'], quick: ['contact_name'], smoke: ['contact_name'] };

/**
 * Customer numbers the creates use: clear of T6's (0 up) and the list fixture's (5,000,000 up to
 * 6,000,000). usccFor(n) is unique only below 10,000,000 (it takes n mod 10^7), so an offset at or
 * above that repeats T6's USCCs and a create is refused as a duplicate (409).
 */
const CREATE_OFFSET = 7_000_000;

const CAST = { text: null, uuid: null, numeric: 'numeric', bigint: 'bigint', 'double precision': 'double precision', boolean: 'boolean', date: 'date', timestamptz: 'timestamptz' };

/** @type {import('../lib/target.mjs').BenchTarget} */
export default {
  id: 'T13',
  name: 'Adding an indexed field',
  async run(ctx) {
    const list = await listFixture(ctx);
    const { product, token } = list;
    const dist = path.join(ctx.repoRoot, 'apps/api/dist/modules/forms');
    await import('reflect-metadata');
    const { planFieldIndexes } = await import(pathToFileURL(path.join(dist, 'field-index.service.js')).href);
    const { planTypedProjection } = await import(pathToFileURL(path.join(dist, 'typed-projection.js')).href);
    // The product builds field indexes at a lower CPU priority (FieldIndexService.ensure): the same here.
    const { runAtLowPriority } = await import(pathToFileURL(path.join(ctx.repoRoot, 'apps/api/dist/database/low-priority.js')).href);
    const priority = { builds: 0, lowered: 0, limited: 0 };
    const build = async (client, sql) => {
      const run = await runAtLowPriority(client, () => client.query(sql));
      priority.builds++;
      if (run.lowered) priority.lowered++;
      if (run.limited) priority.limited++;
      if (!run.restored) throw new Error('T13: the build connection was not set back to its priority');
    };
    const form = await product.request('GET', '/api/forms/customer', { token });
    const definition = form.version.definition;
    const owner = new pg.Client({ connectionString: list.ownerUrl });
    owner.on('error', (error) => ctx.log(`T13: owner connection: ${error.message}`));
    await owner.connect();
    const results = [];
    try {
      // The typed baseline table: every scalar field of the form as a typed column, same rows.
      const columns = planTypedProjection({ ...definition, settings: { ...definition.settings, typedProjection: true } });
      const started = performance.now();
      await owner.query('CREATE SCHEMA IF NOT EXISTS bench_t13');
      await owner.query('DROP TABLE IF EXISTS bench_t13.customers');
      await owner.query(
        `CREATE TABLE bench_t13.customers AS SELECT r.id, ${columns
          .map((c) => `${CAST[c.type] ? `(r.data->>'${c.field}')::${CAST[c.type]}` : `${c.type === 'uuid' ? `(r.data->>'${c.field}')::uuid` : `r.data->>'${c.field}'`}`} AS ${pg.escapeIdentifier(c.field)}`)
          .join(', ')}
         FROM records r WHERE r.tenant_id = $1 AND r.form_id = $2 AND r.deleted_at IS NULL`.replace('$1', pg.escapeLiteral(list.tenantId)).replace('$2', pg.escapeLiteral(list.formId)),
      );
      await owner.query('VACUUM (ANALYZE) bench_t13.customers');
      const { rows: counts } = await owner.query(
        `SELECT (SELECT count(*)::int FROM bench_t13.customers) AS typed, (SELECT count(*)::int FROM records) AS all_records,
                pg_size_pretty(pg_table_size('bench_t13.customers')) AS typed_size, pg_size_pretty(pg_table_size($1::regclass)) AS records_size`,
        [`public.${recordsPartition(list.formId)}`],
      );
      ctx.log(`T13: typed table of ${counts[0].typed.toLocaleString('en')} customers (${columns.length} typed columns, ${counts[0].typed_size}; records holds ${counts[0].all_records.toLocaleString('en')} rows, the form's partition ${counts[0].records_size}) in ${((performance.now() - started) / 1000).toFixed(1)} s`);

      const fields = (FIELDS[ctx.mode.name] ?? FIELDS.quick).filter((key) => {
        const f = definition.fields.find((x) => x.key === key);
        return f && !f.indexed && columns.some((c) => c.field === key);
      });
      if (!fields.length) throw new Error('T13: none of the fields to index exists unindexed in the customer form');

      let lastPlan = null;
      for (const key of fields) {
        const plans = planFieldIndexes(list.formId, { ...definition, fields: definition.fields.map((f) => (f.key === key ? { ...f, indexed: true } : f)) });
        const plan = plans.find((p) => p.field === key && !p.unique);
        if (!plan || !/^CREATE INDEX CONCURRENTLY/.test(plan.sql)) throw new Error(`T13: the product plans no concurrent index for ${key}`);
        lastPlan = plan;
        const typedIndex = `bench_t13_${key}`;
        const typedSql = `CREATE INDEX ${typedIndex} ON bench_t13.customers (${pg.escapeIdentifier(key)}, id)`;
        const sides = {
          typed: async () => {
            const t = performance.now();
            await owner.query(typedSql);
            const ms = performance.now() - t;
            await owner.query(`DROP INDEX bench_t13.${typedIndex}`);
            return ms;
          },
          product: async () => {
            const t = performance.now();
            await build(owner, plan.sql);
            const ms = performance.now() - t;
            await owner.query(`DROP INDEX ${plan.name}`);
            return ms;
          },
        };
        // Warm both (the first scan reads the heap from disk into the cache), then interleave.
        await sides.typed();
        await sides.product();
        const times = { typed: [], product: [] };
        const runs = Math.max(2, ctx.mode.runs);
        for (let i = 0; i < runs; i++) {
          for (const side of i % 2 === 0 ? ['typed', 'product'] : ['product', 'typed']) times[side].push(await sides[side]());
        }
        ctx.log(`T13 ${key}: plain CREATE INDEX on the typed column ${times.typed.map((t) => t.toFixed(0)).join(' / ')} ms; product's CREATE INDEX CONCURRENTLY ${times.product.map((t) => t.toFixed(0)).join(' / ')} ms`);
        results.push(
          ctx.ratioResult({
            id: 'T13',
            metric: 'build',
            name: `Index on ${key} (${list.live.toLocaleString('en')} records): CREATE INDEX CONCURRENTLY on the expression vs CREATE INDEX on a typed column`,
            unit: 'ms',
            baseline: median(times.typed),
            candidate: median(times.product),
            target: 2,
            comparator: '<=',
            details: { productSql: plan.sql, typedSql, runsMs: { typed: times.typed.map((t) => round(t, 1)), product: times.product.map((t) => round(t, 1)) }, rows: counts[0] },
          }),
        );
      }

      // Record creates with and without a concurrent build in progress.
      const me = await product.request('GET', '/api/auth/me', { token });
      const make = customerFactory(definition, me.id);
      let n = CREATE_OFFSET;
      const spec = {
        url: product.baseUrl,
        method: 'POST',
        path: '/api/forms/customer/records',
        headers: { authorization: `Bearer ${token}` },
        body: () => JSON.stringify({ data: make(n++) }),
        expectStatus: [201],
      };
      const shape = { durationSec: Math.max(ctx.mode.durationSec, 3), connections: ctx.mode.connections };
      const builder = new pg.Client({ connectionString: list.ownerUrl });
      // The cluster may be stopped while this client is idle: an 'error' event must not crash the run.
      builder.on('error', (error) => ctx.log(`T13: index builder connection: ${error.message}`));
      await builder.connect();
      let builds = 0;
      const withBuilds = async () => {
        let stop = false;
        const loop = (async () => {
          while (!stop) {
            await build(builder, lastPlan.sql);
            // CONCURRENTLY, as the product drops indexes: a plain DROP takes an exclusive lock on records
            // and can deadlock with a create's triggers, which the API then answers 409.
            await builder.query(`DROP INDEX CONCURRENTLY ${lastPlan.name}`);
            builds++;
          }
        })();
        try {
          await new Promise((r) => setTimeout(r, 200));
          return await runLoad(spec, shape);
        } finally {
          stop = true;
          await loop;
        }
      };
      await runLoad(spec, { durationSec: Math.max(1, ctx.mode.warmupSec), connections: ctx.mode.connections });
      const runs = { baseline: [], during: [] };
      const foreign = [];
      try {
        for (let i = 0; i < ctx.mode.runs; i++) {
          for (const side of i % 2 === 0 ? ['baseline', 'during'] : ['during', 'baseline']) {
            const before = await cpuSnapshot();
            const r = side === 'baseline' ? await runLoad(spec, shape) : await withBuilds();
            const share = foreignCpuShare(before, await cpuSnapshot());
            if (share !== null) foreign.push(share);
            runs[side].push(r);
            ctx.log(`T13 creates ${side.padEnd(8)} ${r.rps.toFixed(0)} req/s  p95 ${r.p95.toFixed(1)} ms${share === null ? '' : `  (other processes ${(share * 100).toFixed(0)}% of the CPUs)`}`);
          }
        }
      } finally {
        await builder.end();
      }
      const maxForeign = foreign.length ? Math.max(...foreign) : null;
      if (maxForeign !== null && maxForeign > 0.25) ctx.warn(`T13: other processes used up to ${(maxForeign * 100).toFixed(0)}% of the CPUs during a run; the ratios are less trustworthy`);
      results.push(
        ctx.ratioResult({
          id: 'T13',
          metric: 'writes',
          name: `Record creates (c=${shape.connections}) while CREATE INDEX CONCURRENTLY on ${lastPlan.field} runs vs without`,
          unit: 'req/s',
          baseline: median(runs.baseline.map((r) => r.rps)),
          candidate: median(runs.during.map((r) => r.rps)),
          target: 0.8,
          comparator: '>=',
          details: {
            durationSec: shape.durationSec,
            runs: ctx.mode.runs,
            buildsCompleted: builds,
            // Builds run the product's way: one backend, no parallel workers, at a lower CPU priority, and
            // while the creates run under the CPU quota (limited).
            lowPriority: priority,
            p95: { baseline: round(median(runs.baseline.map((r) => r.p95)), 1), during: round(median(runs.during.map((r) => r.p95)), 1) },
            maxForeignCpu: maxForeign === null ? null : round(maxForeign),
          },
        }),
      );
    } finally {
      await owner.query('DROP SCHEMA IF EXISTS bench_t13 CASCADE').catch(() => {});
      await owner.end();
    }
    return results;
  },
};
