// Shared fixture of the report targets (T11): N receivable records loaded with SQL straight into
// `records` for the demo tenant's receivable form (referencing the customer records of the list
// fixture), a typed table with the same rows (bench_typed.receivables, the §6.1 baseline), the exact
// SQL the API sends for an aging report (built by the product's compiled repository), and a
// closed-loop load runner for SQL statements through `pg`.
//
// Loaded once per run (memoised per product).
import { performance } from 'node:perf_hooks';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import pg from 'pg';
import { listFixture, recordsPartition } from './record-list.mjs';
import { percentileSorted } from './stats.mjs';

/** Receivables loaded per mode (PERFORMANCE.md §6.1 T11 says 1 M); BENCH_RECEIVABLES=N overrides. */
export const RECEIVABLES = { full: 1_000_000, quick: 100_000, smoke: 2_000 };

/** The reports' asOf, and the date the generated data is relative to (as the demo seed's). */
export const AS_OF = '2026-11-25';

/** About this many receivables per referenced customer (at least the 50 demo customers are used). */
const PER_CUSTOMER = 8;
const CHUNK = 100_000;

/** @type {WeakMap<object, Promise<ReceivableFixture>>} */
const fixtures = new WeakMap();

/**
 * @typedef {object} ReceivableFixture
 * @property {import('./record-list.mjs').ListFixture} list   the customer fixture (tenant, URLs, token, product)
 * @property {string} formId        the receivable form
 * @property {string} versionId
 * @property {number} loaded        receivables this fixture inserted
 * @property {number} live          live receivable records (loaded + demo)
 * @property {number} typedRows     rows of bench_typed.receivables (must equal live)
 * @property {string | null} projectionTable  the receivable form's typed projection (null: the form has none)
 * @property {number} customers     distinct customers the loaded receivables reference
 * @property {{ minBizDate: string, maxBizDate: string, open: number }} spread
 */

/**
 * Receivables written by the seeds' scale generator (@credo/seeds scaleReceivableBatches, streamed
 * in batches) instead of SQL: `--scale N`, and full mode's 1,000,000 (issue #8 "scale mode").
 * @param {import('./options.mjs').Mode} mode
 * @returns {number | null}
 */
export function scaleCount(mode) {
  if (mode.scaleReceivables) return mode.scaleReceivables;
  return mode.name === 'full' ? receivableCount(mode) : null;
}

/** @param {import('./options.mjs').Mode} mode */
export function receivableCount(mode) {
  if (mode.scaleReceivables) return mode.scaleReceivables;
  const env = Number(process.env.BENCH_RECEIVABLES);
  if (Number.isFinite(env) && env > 0) return Math.round(env);
  return RECEIVABLES[mode.name] ?? RECEIVABLES.quick;
}

/**
 * @param {import('./target.mjs').BenchContext} ctx
 * @returns {Promise<ReceivableFixture>}
 */
export async function receivableFixture(ctx) {
  const product = await ctx.product();
  let fixture = fixtures.get(product);
  if (!fixture) {
    fixture = loadFixture(ctx);
    fixtures.set(product, fixture);
  }
  return fixture;
}

async function loadFixture(ctx) {
  const list = await listFixture(ctx);
  const n = receivableCount(ctx.mode);
  const client = new pg.Client({ connectionString: list.ownerUrl });
  await client.connect();
  try {
    const { rows: forms } = await client.query(`SELECT id, current_version_id FROM forms WHERE tenant_id = $1 AND key = 'receivable'`, [list.tenantId]);
    if (forms.length !== 1) throw new Error(`expected one receivable form in the demo tenant, found ${forms.length}`);
    const { id: formId, current_version_id: versionId } = forms[0];
    const { rows: users } = await client.query(`SELECT id FROM users WHERE tenant_id = $1 ORDER BY id`, [list.tenantId]);

    // Customers referenced: the first ceil(N / 8) live customer records by id (the demo ones first),
    // with the owner, collector and terms the receivable takes from its customer (as the demo seed).
    const wanted = Math.max(50, Math.ceil(n / PER_CUSTOMER));
    await client.query(
      `CREATE TEMP TABLE bench_ar_customers AS
       SELECT row_number() OVER (ORDER BY id) AS n, id, data->>'sales_owner' AS owner, data->>'collector' AS collector,
              CASE WHEN jsonb_typeof(data->'payment_term_days') = 'number' THEN (data->>'payment_term_days')::int END AS term,
              data->>'term_basis' AS term_basis
       FROM records WHERE tenant_id = $1 AND form_id = $2 AND deleted_at IS NULL ORDER BY id LIMIT $3`,
      [list.tenantId, await customerFormId(client, list.tenantId), wanted],
    );
    await client.query('CREATE UNIQUE INDEX ON bench_ar_customers (n)');
    const { rows: cust } = await client.query('SELECT count(*)::int AS k FROM bench_ar_customers');
    const k = cust[0].k;
    if (!k) throw new Error('no customer records to reference');

    // Bulk load without per-row index maintenance: drop the receivable form's rx_/ux_ indexes
    // (those on its partition of records that are not part of a partitioned index of records),
    // insert, rebuild them with their exact definitions, VACUUM ANALYZE.
    const { rows: indexes } = await client.query(
      `SELECT c.relname AS name, pg_get_indexdef(i.indexrelid) AS def
       FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
       WHERE i.indrelid = $1::regclass AND NOT i.indisprimary AND NOT EXISTS (SELECT 1 FROM pg_inherits h WHERE h.inhrelid = i.indexrelid)
       ORDER BY c.relname`,
      [`public.${recordsPartition(formId)}`],
    );
    const started = Date.now();
    ctx.log(`receivables: loading ${n.toLocaleString('en')} receivable records over ${k.toLocaleString('en')} customers with ${scaleCount(ctx.mode) ? "the seeds' scale generator" : 'SQL'} (indexes dropped and rebuilt: ${indexes.length})`);
    await client.query(`SET maintenance_work_mem = '512MB'`);
    await client.query(`SET synchronous_commit = off`);
    for (const ix of indexes) await client.query(`DROP INDEX ${pg.escapeIdentifier(ix.name)}`);
    const scaled = scaleCount(ctx.mode);
    if (scaled) {
      await loadWithScaleGenerator(ctx, client, { tenantId: list.tenantId, formId, versionId, userIds: users.map((u) => u.id), count: n });
    } else {
      for (let from = 1; from <= n; from += CHUNK) {
        const to = Math.min(n, from + CHUNK - 1);
        await client.query(INSERT_SQL, [list.tenantId, formId, versionId, users.map((u) => u.id), from, to, k, AS_OF]);
      }
    }
    ctx.log(`receivables: inserted in ${((Date.now() - started) / 1000).toFixed(1)} s; building ${indexes.length} indexes`);
    for (const ix of indexes) await client.query(ix.def);
    await client.query('DROP TABLE bench_ar_customers');
    await client.query('VACUUM (ANALYZE) records');

    // Checks: the arithmetic the reports rely on, and the date spread (~6 years before asOf).
    const { rows: check } = await client.query(
      `SELECT count(*)::int AS live,
              count(*) FILTER (WHERE r.data->>'ar_no' LIKE 'AR9%')::int AS loaded,
              count(*) FILTER (WHERE r.data->>'ar_no' LIKE 'AR9%' AND (r.data->>'outstanding')::numeric
                <> (r.data->>'amount')::numeric - coalesce((r.data->>'received')::numeric, 0) - coalesce((r.data->>'written_off')::numeric, 0))::int AS bad,
              count(*) FILTER (WHERE (r.data->>'outstanding')::numeric > 0)::int AS open,
              count(DISTINCT r.data->>'customer') FILTER (WHERE r.data->>'ar_no' LIKE 'AR9%')::int AS customers,
              min(r.data->>'biz_date') AS min_biz, max(r.data->>'biz_date') AS max_biz
       FROM records r WHERE r.tenant_id = $1 AND r.form_id = $2 AND r.deleted_at IS NULL`,
      [list.tenantId, formId],
    );
    const c = check[0];
    if (c.loaded !== n) throw new Error(`expected ${n} loaded receivables, found ${c.loaded}`);
    if (c.bad) throw new Error(`${c.bad} loaded receivables have outstanding ≠ amount − received − written_off`);

    // The §6.1 baseline: a typed table with the same rows (every live receivable of the tenant,
    // the demo ones included), fields extracted exactly as the product's report reads them.
    await client.query('CREATE SCHEMA IF NOT EXISTS bench_typed');
    await client.query('DROP TABLE IF EXISTS bench_typed.receivables');
    await client.query(TYPED_TABLE);
    await client.query(TYPED_FILL, [list.tenantId, formId]);
    await client.query('VACUUM (ANALYZE) bench_typed.receivables');
    // The product's typed projection of the receivable form (kept by triggers on records while
    // loading): vacuumed the same way, and checked to hold exactly the live receivables.
    const { rows: proj } = await client.query('SELECT table_name FROM form_projections WHERE tenant_id = $1 AND form_id = $2', [list.tenantId, formId]);
    const projectionTable = proj[0]?.table_name ?? null;
    if (projectionTable) {
      await client.query(`VACUUM (ANALYZE) ${projectionTable}`);
      const { rows: pn } = await client.query(`SELECT count(*)::int AS n FROM ${projectionTable}`);
      if (pn[0].n !== c.live) throw new Error(`projection ${projectionTable} has ${pn[0].n} rows, the receivable form ${c.live}`);
    }
    const { rows: typed } = await client.query('SELECT count(*)::int AS n FROM bench_typed.receivables');
    if (typed[0].n !== c.live) throw new Error(`bench_typed.receivables has ${typed[0].n} rows, the receivable form ${c.live}`);
    ctx.log(`receivables: ${c.live.toLocaleString('en')} live receivables (${c.open.toLocaleString('en')} open, biz dates ${c.min_biz} … ${c.max_biz}) and the typed table ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    return {
      list,
      formId,
      versionId,
      loaded: n,
      live: c.live,
      typedRows: typed[0].n,
      projectionTable,
      customers: c.customers,
      spread: { minBizDate: c.min_biz, maxBizDate: c.max_biz, open: c.open },
    };
  } finally {
    await client.end();
  }
}

/**
 * Scale mode: the seeds' generator streams batches of stored receivable data (computed fields as
 * of AS_OF), each sent as one INSERT … SELECT FROM unnest($::text[]); no N-element array is built.
 * Customers (id, owner, collector, term) come from bench_ar_customers, as in the SQL path.
 */
async function loadWithScaleGenerator(ctx, client, { tenantId, formId, versionId, userIds, count }) {
  const seeds = await import(pathToFileURL(path.join(ctx.repoRoot, 'seeds/dist/index.js')).href);
  const { rows } = await client.query('SELECT id, owner, collector, term, term_basis FROM bench_ar_customers ORDER BY n');
  const customers = rows.map((c) => ({ id: c.id, salesOwner: c.owner, collector: c.collector, termDays: c.term, termBasis: c.term_basis }));
  const started = performance.now();
  let written = 0;
  for (const batch of seeds.scaleReceivableBatches({ seed: 20261125, count, asOf: AS_OF, customers, salesOwnerIds: userIds, batchSize: 5000 })) {
    await client.query(
      `INSERT INTO records (tenant_id, id, form_id, form_version_id, data, created_by, updated_by, created_at, updated_at)
       SELECT $1::uuid, uuidv7(), $2::uuid, $3::uuid, d::jsonb, $4::uuid, $4::uuid, now(), now() FROM unnest($5::text[]) AS d`,
      [tenantId, formId, versionId, userIds[0], batch.map((r) => JSON.stringify(r))],
    );
    written += batch.length;
    if (written % 200_000 === 0) ctx.log(`receivables: scale generator ${written.toLocaleString('en')} / ${count.toLocaleString('en')} (${((performance.now() - started) / 1000).toFixed(0)} s)`);
  }
}

async function customerFormId(client, tenantId) {
  const { rows } = await client.query(`SELECT id FROM forms WHERE tenant_id = $1 AND key = 'customer'`, [tenantId]);
  if (rows.length !== 1) throw new Error(`expected one customer form, found ${rows.length}`);
  return rows[0].id;
}

// One chunk of receivables i = $5..$6 ($7 customers in bench_ar_customers, $8 asOf). Value shapes
// follow seeds/src/demo/demo-receivables.ts and the receivable template's formula fields as stored
// (outstanding = amount − received − written_off, basis/due dates, buckets, status): business dates
// over the 6 years before asOf weighted to recent months (AGE_STRATA), invoice 0–10 days later (10 %
// without invoice), due = basis (or end of its month for 月结) + term, log-uniform amounts
// ¥1,000–¥2,000,000, paid / partly paid by how far past due, old unpaid balances partly written off.
// CTEs are MATERIALIZED so each pseudo-random value is computed once per row.
const INSERT_SQL = `
WITH g AS MATERIALIZED (
  SELECT i, md5('ar' || i::text) AS m1, md5('rv' || i::text) AS m2 FROM generate_series($5::bigint, $6::bigint) AS s(i)
), u AS MATERIALIZED (
  SELECT i,
    ('x' || substr(m1, 1, 8))::bit(32)::bigint AS h,
    ('x' || substr(m1, 9, 8))::bit(32)::bigint / 4294967296.0 AS u1,
    ('x' || substr(m1, 17, 8))::bit(32)::bigint / 4294967296.0 AS u2,
    ('x' || substr(m1, 25, 8))::bit(32)::bigint / 4294967296.0 AS u3,
    ('x' || substr(m2, 1, 8))::bit(32)::bigint / 4294967296.0 AS u4,
    ('x' || substr(m2, 9, 8))::bit(32)::bigint / 4294967296.0 AS u5,
    ('x' || substr(m2, 17, 8))::bit(32)::bigint / 4294967296.0 AS u6,
    ('x' || substr(m2, 25, 8))::bit(32)::bigint AS h2
  FROM g
), a AS MATERIALIZED (
  SELECT u.*, c.id AS customer_id, c.owner, c.collector,
    coalesce(nullif(c.term, 0), (ARRAY[30, 60, 90])[1 + (u.h2 % 3)::int]) AS term_days,
    coalesce(c.term_basis, '开票日') AS term_basis,
    (ARRAY[0, 31, 91, 181, 366, 731, 1096, 1461, 1826])[k.s] + floor(u.u2 * ((ARRAY[31, 60, 90, 185, 365, 365, 365, 365, 365])[k.s]))::int AS age_days
  FROM u JOIN bench_ar_customers c ON c.n = 1 + u.h % $7::bigint
  CROSS JOIN LATERAL (SELECT CASE WHEN u.u1 < 0.18 THEN 1 WHEN u.u1 < 0.40 THEN 2 WHEN u.u1 < 0.55 THEN 3 WHEN u.u1 < 0.70 THEN 4
    WHEN u.u1 < 0.82 THEN 5 WHEN u.u1 < 0.89 THEN 6 WHEN u.u1 < 0.94 THEN 7 WHEN u.u1 < 0.975 THEN 8 ELSE 9 END AS s) AS k
), b AS MATERIALIZED (
  SELECT a.*, $8::date - a.age_days AS biz_date,
    a.u3 < 0.10 AS no_invoice,
    least($8::date - a.age_days + floor(a.u4 * 11)::int, $8::date) AS inv_date,
    greatest(100000, least(200000000, CASE WHEN a.u5 < 0.4 THEN round(exp(ln(1000) + ln(2000) * power(a.u6, 1.15)) / 100) * 10000
                                           ELSE round(exp(ln(1000) + ln(2000) * power(a.u6, 1.15)) * 100) END))::bigint AS amount
  FROM a
), c AS MATERIALIZED (
  SELECT b.*, CASE WHEN b.no_invoice THEN b.biz_date ELSE b.inv_date END AS basis_date,
    CASE WHEN b.no_invoice THEN '无发票'
         WHEN b.inv_date >= date '2022-01-01' THEN (ARRAY['数电专票', '数电专票', '数电普票', '增值税专用发票', '增值税普通发票'])[1 + (b.h2 / 3 % 5)::int]
         ELSE (ARRAY['增值税专用发票', '增值税专用发票', '增值税普通发票'])[1 + (b.h2 / 3 % 3)::int] END AS invoice_type
  FROM b
), d AS MATERIALIZED (
  SELECT c.*, (CASE WHEN c.term_basis = '月结' THEN (date_trunc('month', c.basis_date) + interval '1 month - 1 day')::date ELSE c.basis_date END) + c.term_days AS due_date
  FROM c
), e AS MATERIALIZED (
  SELECT d.*, $8::date - d.due_date AS overdue,
    CASE WHEN (d.h2 / 17 % 1000) / 1000.0 < (CASE WHEN $8::date <= d.due_date THEN 0.05 WHEN $8::date - d.due_date <= 90 THEN 0.25 WHEN $8::date - d.due_date <= 365 THEN 0.50 ELSE 0.66 END) THEN d.amount
         WHEN (d.h2 / 17 % 1000) / 1000.0 < (CASE WHEN $8::date <= d.due_date THEN 0.15 WHEN $8::date - d.due_date <= 90 THEN 0.55 WHEN $8::date - d.due_date <= 365 THEN 0.70 ELSE 0.78 END)
           THEN greatest(1, least(d.amount - 1, d.amount * (10 + d.h2 / 19 % 81) / 100 / 100 * 100))
         ELSE 0 END AS received
  FROM d
), f AS MATERIALIZED (
  SELECT e.*,
    CASE WHEN e.received < e.amount AND e.age_days > 730 AND (e.h2 / 23 % 10) < 6
         THEN CASE WHEN (e.h2 / 29 % 4) < 3 THEN e.amount - e.received ELSE greatest(1, (e.amount - e.received) / 200 * 100) END
         ELSE 0 END AS written_off
  FROM e
), r AS MATERIALIZED (
  SELECT f.*, f.amount - f.received - f.written_off AS outstanding_c,
    CASE WHEN f.amount - f.received - f.written_off > 0 THEN greatest(0, $8::date - f.due_date) ELSE 0 END AS days_overdue,
    f.amount - f.received - f.written_off > 0 AND f.overdue > -15 AND (f.h2 / 43 % 100) < 13 AS disputed
  FROM f
)
INSERT INTO records (tenant_id, id, form_id, form_version_id, data, created_by, updated_by, created_at, updated_at)
SELECT $1::uuid, uuidv7(), $2::uuid, $3::uuid, jsonb_strip_nulls(jsonb_build_object(
  'ar_no', 'AR9' || lpad(r.i::text, 9, '0'),
  'customer', r.customer_id,
  'contract_no', CASE WHEN r.h2 / 31 % 4 > 0 THEN 'HT' || extract(year FROM r.biz_date) || '-' || lpad((r.h2 / 37 % 10000)::text, 4, '0') END,
  'biz_date', to_char(r.biz_date, 'YYYY-MM-DD'),
  'invoice_type', r.invoice_type,
  'invoice_no', CASE WHEN NOT r.no_invoice THEN to_char(r.inv_date, 'YY') || '312' || lpad((r.h % 100000000)::text, 8, '0') || lpad(r.i::text, 7, '0') END,
  'invoice_date', CASE WHEN NOT r.no_invoice THEN to_char(r.inv_date, 'YYYY-MM-DD') END,
  'currency', 'CNY',
  'amount', (r.amount / 100.0)::numeric(16,2)::text,
  'tax_rate', (ARRAY['13', '13', '13', '6', '9', '3'])[1 + (r.h2 / 41 % 6)::int],
  'term_basis', r.term_basis,
  'term_days', r.term_days,
  'received', CASE WHEN r.received > 0 THEN (r.received / 100.0)::numeric(16,2)::text END,
  'written_off', CASE WHEN r.written_off > 0 THEN (r.written_off / 100.0)::numeric(16,2)::text END,
  'disputed', r.disputed,
  'dispute_reason', CASE WHEN r.disputed THEN '对账差异：客户记录的发货数量少于我方' END,
  'outstanding', (r.outstanding_c / 100.0)::numeric(16,2)::text,
  'basis_date', to_char(r.basis_date, 'YYYY-MM-DD'),
  'due_date', to_char(r.due_date, 'YYYY-MM-DD'),
  'days_overdue', r.days_overdue,
  'overdue_bucket', CASE WHEN r.days_overdue <= 0 THEN '未到期' WHEN r.days_overdue <= 30 THEN '1-30' WHEN r.days_overdue <= 60 THEN '31-60' WHEN r.days_overdue <= 90 THEN '61-90' ELSE '90+' END,
  'aging_bucket', CASE WHEN r.basis_date >= $8::date - interval '12 months' THEN '1年以内' WHEN r.basis_date >= $8::date - interval '24 months' THEN '1-2年'
                       WHEN r.basis_date >= $8::date - interval '36 months' THEN '2-3年' WHEN r.basis_date >= $8::date - interval '48 months' THEN '3-4年'
                       WHEN r.basis_date >= $8::date - interval '60 months' THEN '4-5年' ELSE '5年以上' END,
  'status', CASE WHEN r.outstanding_c <= 0 AND r.written_off > 0 AND r.received < r.amount THEN '已核销' WHEN r.outstanding_c <= 0 THEN '已结清'
                 WHEN r.disputed THEN '争议中' WHEN r.days_overdue > 0 THEN '逾期' WHEN r.received > 0 THEN '部分回款' ELSE '未到期' END,
  'sales_owner', coalesce(r.owner, ($4::uuid[])[1 + (r.h2 / 47 % cardinality($4::uuid[]))::int]::text),
  'collector', r.collector
)), ($4::uuid[])[1], ($4::uuid[])[1], now(), now()
FROM r`;

const TYPED_TABLE = `
CREATE TABLE bench_typed.receivables (
  tenant_id uuid NOT NULL,
  id uuid NOT NULL,
  customer_id uuid,
  sales_owner_id uuid,
  amount numeric,
  received numeric,
  written_off numeric,
  outstanding numeric,
  due_date date,
  basis_date date,
  biz_date date,
  PRIMARY KEY (tenant_id, id)
)`;

const TYPED_FILL = `
INSERT INTO bench_typed.receivables
SELECT r.tenant_id, r.id, (r.data->>'customer')::uuid, nullif(r.data->>'sales_owner', '')::uuid, (r.data->>'amount')::numeric,
       coalesce((r.data->>'received')::numeric, 0), coalesce((r.data->>'written_off')::numeric, 0),
       coalesce((r.data->>'outstanding')::numeric,
                (r.data->>'amount')::numeric - coalesce((r.data->>'received')::numeric, 0) - coalesce((r.data->>'written_off')::numeric, 0)),
       (r.data->>'due_date')::date, coalesce((r.data->>'invoice_date')::date, (r.data->>'biz_date')::date), (r.data->>'biz_date')::date
FROM records r WHERE r.tenant_id = $1 AND r.form_id = $2 AND r.deleted_at IS NULL`;

/** Bucket expressions of the typed query: the same CASEs as the product's (DOMAIN §2.1, §2.2). */
const TYPED_BUCKET = {
  due: `CASE WHEN due_date IS NULL OR $1::date <= due_date THEN 0
    WHEN $1::date - due_date <= 30 THEN 1 WHEN $1::date - due_date <= 60 THEN 2 WHEN $1::date - due_date <= 90 THEN 3 ELSE 4 END`,
  age: `CASE WHEN basis_date >= $1::date - interval '1 year' THEN 0 WHEN basis_date >= $1::date - interval '2 years' THEN 1
    WHEN basis_date >= $1::date - interval '3 years' THEN 2 WHEN basis_date >= $1::date - interval '4 years' THEN 3
    WHEN basis_date >= $1::date - interval '5 years' THEN 4 ELSE 5 END`,
};

/**
 * The hand-written aging query over the typed table (the §6.1 T11 baseline): the same rows, buckets,
 * sums and labels as the product's report, grouped first and labelled once per group.
 * $1 = asOf, $2 = tenant id.
 * @param {'due' | 'age'} basis
 * @param {'company' | 'customer' | 'sales_owner'} group
 */
export function typedAgingSql(basis, group, asOf, tenantId) {
  const key = { company: 'NULL::uuid', customer: 'customer_id', sales_owner: 'sales_owner_id' }[group];
  const label = {
    company: 'NULL::text',
    customer: `(SELECT c.data->>'name' FROM records c WHERE c.tenant_id = $2 AND c.id = t.k)`,
    sales_owner: `(SELECT u.display_name FROM users u WHERE u.id = t.k)`,
  }[group];
  return {
    text: `SELECT t.k::text AS group_key, ${label} AS group_label, t.bucket, t.amount::text AS amount, t.items
FROM (SELECT ${key} AS k, ${TYPED_BUCKET[basis]} AS bucket, sum(outstanding) AS amount, count(*)::int AS items
      FROM bench_typed.receivables WHERE tenant_id = $2 AND biz_date <= $1::date AND outstanding > 0
      GROUP BY 1, 2) t
ORDER BY 1, 3`,
    values: [asOf, tenantId],
  };
}

/**
 * The exact SQL statement the API sends for GET /api/reports/aging (`agingJson`: one row holding
 * the report's groups — pivoted, sorted, serialised as JSON — and its totals), built by the product's compiled repository (apps/api/dist/modules/reports/reports.repository.js) with a recording stand-in for
 * its `Sql`, so the DB-level measurements follow the product's code. `source` as the API resolves
 * it (`{ kind: 'typed', table }` = the receivable form's typed projection); default the JSONB path.
 * @param {string} repoRoot
 */
export async function productAgingSql(repoRoot, asOf, basis, group, source = undefined) {
  await import('reflect-metadata');
  const file = path.join(repoRoot, 'apps/api/dist/modules/reports/reports.repository.js');
  const { ReportsRepository } = await import(pathToFileURL(file).href);
  /** @type {Array<{ text: string, values: unknown[] }>} */
  const statements = [];
  const recorder = {
    rows: async (text, values = []) => (statements.push({ text, values }), []),
    prepared: async (text, values = []) => (statements.push({ text, values }), []),
    one: async (text, values = []) => (statements.push({ text, values }), undefined),
  };
  await new ReportsRepository().agingJson(recorder, asOf, basis, group, source);
  if (statements.length !== 1) throw new Error(`the product's aging report sent ${statements.length} statements; T11 expects one`);
  return statements[0];
}

/**
 * The settings the product's reports run with (REPORT_SETTINGS: sent with BEGIN, e.g. jit off,
 * work_mem), as `-c name=value` options for a `pg` client, so the DB-level sides run the
 * product's statement as the API does, and the hand-written baseline gets the same settings.
 * @param {string} repoRoot
 */
export async function productReportOptions(repoRoot) {
  await import('reflect-metadata');
  const file = path.join(repoRoot, 'apps/api/dist/modules/reports/reports.repository.js');
  const { REPORT_SETTINGS } = await import(pathToFileURL(file).href);
  return Object.entries(REPORT_SETTINGS ?? {})
    .map(([name, value]) => `-c ${name}=${value}`)
    .join(' ');
}

/**
 * Closed-loop load of one SQL statement through `pg`: `connections` clients each run it back to
 * back for `durationSec`. Latencies are client-side (send to last row), like autocannon's.
 * @param {() => Promise<pg.Client>} connect   opens one connected client
 * @param {{ text: string, values: unknown[] }} statement
 * @param {{ durationSec: number, connections: number }} shape
 */
export async function runSqlLoad(connect, statement, { durationSec, connections }) {
  const clients = await Promise.all(Array.from({ length: connections }, () => connect()));
  /** @type {number[]} */
  const latencies = [];
  try {
    const started = performance.now();
    const deadline = started + durationSec * 1000;
    await Promise.all(
      clients.map(async (client) => {
        while (performance.now() < deadline) {
          const t = performance.now();
          await client.query(statement);
          latencies.push(performance.now() - t);
        }
      }),
    );
    const elapsed = (performance.now() - started) / 1000;
    const sorted = Float64Array.from(latencies).sort();
    return {
      rps: latencies.length / elapsed,
      p50: percentileSorted(sorted, 50),
      p95: percentileSorted(sorted, 95),
      p99: percentileSorted(sorted, 99),
      requests: latencies.length,
      durationSec: elapsed,
    };
  } finally {
    await Promise.all(clients.map((c) => c.end().catch(() => {})));
  }
}
