import { Injectable } from '@nestjs/common';
import type { Sql } from '../../database/tenant-database.js';
import { projectionCovers, typedProjectionOf, type ProjectedColumn, type ProjectionType } from '../forms/typed-projection.js';

export type AgingBasis = 'due' | 'age';
export type AgingGroup = 'company' | 'customer' | 'sales_owner';

/**
 * Where receivables are read from: the `receivable` form's typed projection (when the form opts in
 * and projects every field the reports use, with these types), else the records' JSONB.
 */
export type ArSource = { kind: 'jsonb' } | { kind: 'typed'; table: string };

export const JSONB_SOURCE: ArSource = { kind: 'jsonb' };

/** The receivable fields the reports read, with the projection column types they need. */
export const AR_FIELDS: Record<string, ProjectionType> = {
  customer: 'uuid',
  sales_owner: 'uuid',
  amount: 'numeric',
  received: 'numeric',
  written_off: 'numeric',
  outstanding: 'numeric',
  due_date: 'date',
  invoice_date: 'date',
  biz_date: 'date',
};

const TABLE_NAME = /^credo_proj\.f_[0-9a-f]{32}$/;

/**
 * Open receivables as of a date, from the `receivable` form: what every AR report starts from.
 * Amounts stay numeric. Both sources give the same columns and the same rows.
 * Limitation: `received` is the amount received to date, so a past asOf ages today's balances.
 */
function openAr(source: ArSource): string {
  if (source.kind === 'typed') {
    if (!TABLE_NAME.test(source.table)) throw new Error('bad projection table');
    // Typed columns: nothing to extract; row-level security on the projection scopes the tenant.
    return `
  SELECT p.customer AS customer_id, p.sales_owner AS sales_owner_id, p.amount,
         coalesce(p.outstanding, p.amount - coalesce(p.received, 0) - coalesce(p.written_off, 0)) AS outstanding,
         p.due_date, coalesce(p.invoice_date, p.biz_date) AS basis_date, p.biz_date
  FROM ${source.table} p WHERE p.biz_date <= $1::date`;
  }
  return OPEN_AR_JSONB;
}

/**
 * The receivable form's id as an initplan: evaluated once before the scan, so PostgreSQL prunes
 * `records` to that form's partition when the statement starts (a join on `forms.key` cannot
 * prune and appended every form's partition).
 */
const RECEIVABLE_FORM = `(SELECT rf.id FROM forms rf WHERE rf.key = 'receivable')`;

/** The payment form's id, the same way (an initplan: `records` pruned to its partition). */
const PAYMENT_FORM = `(SELECT pf.id FROM forms pf WHERE pf.key = 'payment')`;

/** Each jsonb field extracted once (a subquery fence). */
const OPEN_AR_JSONB = `
  SELECT (r.data->>'customer')::uuid AS customer_id,
         nullif(r.data->>'sales_owner', '')::uuid AS sales_owner_id,
         (r.data->>'amount')::numeric AS amount,
         coalesce((r.data->>'outstanding')::numeric,
                  (r.data->>'amount')::numeric - coalesce((r.data->>'received')::numeric, 0) - coalesce((r.data->>'written_off')::numeric, 0)) AS outstanding,
         (r.data->>'due_date')::date AS due_date,
         coalesce((r.data->>'invoice_date')::date, (r.data->>'biz_date')::date) AS basis_date,
         (r.data->>'biz_date')::date AS biz_date
  FROM records_t r
  WHERE r.form_id = ${RECEIVABLE_FORM} AND r.deleted_at IS NULL AND (r.data->>'biz_date')::date <= $1::date
  OFFSET 0`;
/* OFFSET 0 keeps the subquery a fence: each jsonb field is extracted and cast once per row,
   not again wherever the outer query uses it (PostgreSQL would otherwise flatten it). */

/**
 * 未到期, 1–30, 31–60, 61–90, 90+ by days past due (DOMAIN §2.1; the due date itself is current).
 * Written as due-date cut-offs (`asOf − n` is folded to a constant date when planned) so no date
 * arithmetic runs per receivable: `due_date >= asOf − 30` ⇔ `asOf − due_date <= 30`.
 */
const OVERDUE_BUCKET = `CASE WHEN due_date IS NULL OR due_date >= $1::date THEN 0
  WHEN due_date >= $1::date - 30 THEN 1 WHEN due_date >= $1::date - 60 THEN 2 WHEN due_date >= $1::date - 90 THEN 3 ELSE 4 END`;

/**
 * 1年以内(含1年), 1–2年 … 5年以上, from when the receivable arose (invoice date, else business date).
 * `asOf − n years` is a midnight timestamp, so comparing with its date is the same test, without a
 * date→timestamp conversion per receivable.
 */
const AGE_BUCKET = `CASE WHEN basis_date >= ($1::date - interval '1 year')::date THEN 0 WHEN basis_date >= ($1::date - interval '2 years')::date THEN 1
  WHEN basis_date >= ($1::date - interval '3 years')::date THEN 2 WHEN basis_date >= ($1::date - interval '4 years')::date THEN 3
  WHEN basis_date >= ($1::date - interval '5 years')::date THEN 4 ELSE 5 END`;

/**
 * The aging report's open receivables on the pure-JSONB path (forms without a typed projection),
 * as `customer_id, sales_owner_id, outstanding, due, basis` with the dates left as their stored
 * ISO text. Two fences (OFFSET 0) so each field is extracted once per row, and the balance first:
 * a settled receivable (most of them) costs one extraction, not four. Dates are compared as text
 * with the cut-offs of AGING_CUTS: record dates are ISO 8601 `YYYY-MM-DD` (validated by the form
 * engine, see the immutable-casts migration), whose text order is their date order, so no date is
 * parsed per receivable (date_in is the dearest part of a row after the heap access itself).
 */
function openArAgingJsonb(): string {
  return `
  SELECT (o.data->>'customer')::uuid AS customer_id, nullif(o.data->>'sales_owner', '')::uuid AS sales_owner_id, o.outstanding,
         o.data->>'due_date' AS due, coalesce(o.data->>'invoice_date', o.data->>'biz_date') AS basis
  FROM (
    SELECT r.data, coalesce((r.data->>'outstanding')::numeric,
             (r.data->>'amount')::numeric - coalesce((r.data->>'received')::numeric, 0) - coalesce((r.data->>'written_off')::numeric, 0)) AS outstanding
    FROM records_t r
    WHERE r.form_id = ${RECEIVABLE_FORM} AND r.deleted_at IS NULL
    OFFSET 0) o
  WHERE o.outstanding > 0 AND o.data->>'biz_date' <= (SELECT to_char($1::date, 'YYYY-MM-DD'))
  OFFSET 0`;
}

/** ISO text of a date expression, computed once per statement (an InitPlan), for text comparisons. */
const isoCut = (dateExpr: string) => `(SELECT to_char(${dateExpr}, 'YYYY-MM-DD'))`;

/** OVERDUE_BUCKET over the ISO text `due` (same cut-offs). */
const OVERDUE_BUCKET_TEXT = `CASE WHEN due IS NULL OR due >= ${isoCut('$1::date')} THEN 0
  WHEN due >= ${isoCut('$1::date - 30')} THEN 1 WHEN due >= ${isoCut('$1::date - 60')} THEN 2 WHEN due >= ${isoCut('$1::date - 90')} THEN 3 ELSE 4 END`;

/** AGE_BUCKET over the ISO text `basis` (same cut-offs). */
const AGE_BUCKET_TEXT = `CASE WHEN basis >= ${isoCut(`($1::date - interval '1 year')::date`)} THEN 0 WHEN basis >= ${isoCut(`($1::date - interval '2 years')::date`)} THEN 1
  WHEN basis >= ${isoCut(`($1::date - interval '3 years')::date`)} THEN 2 WHEN basis >= ${isoCut(`($1::date - interval '4 years')::date`)} THEN 3
  WHEN basis >= ${isoCut(`($1::date - interval '5 years')::date`)} THEN 4 ELSE 5 END`;

/** The aging report as JSON texts, ready to send: `rows` (array of groups) and `totals`. */
export interface AgingJson {
  rows: string;
  totals: string;
}

export interface AgingTableRow {
  group_key: string | null;
  group_label: string | null;
  amounts: string[];
  total: string;
  items: number;
  is_total: boolean;
}

export interface AgingRow {
  group_key: string | null;
  group_label: string | null;
  bucket: number;
  amount: string;
  items: number;
}

/**
 * Sent with BEGIN (TenantDatabase.run `prelude`, no round trip of its own) by reports that scan
 * the receivables: transaction-local settings — no JIT (at 1 M receivables the JSONB fallback's
 * plan costs ~190–220k, past jit_above_cost, so a server built with LLVM would pay a compile per
 * request; the projection statement stays under it; the embedded server has no JIT at all —
 * pg_jit_available() is false — so there this changes nothing) and
 * work_mem for the per-customer hash aggregates (~70 MB of groups at 1 M receivables; 4 MB would
 * spill them to disk) — and the receivable form's projection, as `arSource` would look it up.
 */
export const REPORT_SETTINGS: Readonly<Record<string, string>> = { jit: 'off', work_mem: '64MB' };

export const REPORT_PRELUDE = `SELECT ${Object.entries(REPORT_SETTINGS)
  .map(([name, value]) => `set_config('${name}', '${value}', true) AS ${name}`)
  .join(', ')}, p.table_name, p.columns
  FROM (SELECT 1) one LEFT JOIN (form_projections p JOIN forms f ON f.tenant_id = p.tenant_id AND f.id = p.form_id AND f.key = 'receivable')
    ON p.tenant_id = credo_current_tenant()`;

/** The ArSource of REPORT_PRELUDE's row (same rule as `arSource`). */
export function arSourceOfPrelude(prelude: Record<string, unknown>[]): ArSource {
  const row = prelude[0] as { table_name: string | null; columns: ProjectedColumn[] | null } | undefined;
  if (!row?.table_name || !row.columns || !TABLE_NAME.test(row.table_name)) return JSONB_SOURCE;
  const projection = { table: row.table_name, columns: new Map(row.columns.map((c) => [c.field, c.type])) };
  return projectionCovers(projection, AR_FIELDS) ? { kind: 'typed', table: projection.table } : JSONB_SOURCE;
}

/**
 * What both aging statements share: the group key and its label (looked up once per group `g`),
 * the bucket indexes of the basis (5 overdue buckets, 6 账龄 brackets) and exact money text.
 */
function agingParts(basis: AgingBasis, group: AgingGroup) {
  const key = { company: `NULL::uuid`, customer: `ar.customer_id`, sales_owner: `ar.sales_owner_id` }[group];
  const label = {
    company: `NULL::text`,
    customer: `(SELECT c.data->>'name' FROM records_t c WHERE c.form_id = (SELECT cf.id FROM forms cf WHERE cf.key = 'customer') AND c.id = g.group_key)`,
    sales_owner: `(SELECT u.display_name FROM users u WHERE u.id = g.group_key)`,
  }[group];
  const buckets = Array.from({ length: basis === 'due' ? 5 : 6 }, (_, i) => i);
  const money = (expr: string) => `coalesce(${expr}, 0)::numeric(20, 2)::text`;
  return { key, label, buckets, money };
}

@Injectable()
export class ReportsRepository {
  /** The receivable projection when it covers the reports' fields, else the JSONB path. */
  async arSource(sql: Sql): Promise<ArSource> {
    const projection = await typedProjectionOf(sql, 'receivable');
    return projection && projectionCovers(projection, AR_FIELDS) ? { kind: 'typed', table: projection.table } : JSONB_SOURCE;
  }

  aging(sql: Sql, asOf: string, basis: AgingBasis, group: AgingGroup, source: ArSource = JSONB_SOURCE): Promise<AgingRow[]> {
    const bucket = basis === 'due' ? OVERDUE_BUCKET : AGE_BUCKET;
    // Grouped on the uuid; labels are looked up once per group, after grouping, not once per receivable.
    const { key, label } = agingParts(basis, group);
    return sql.rows<AgingRow>(
      `SELECT g.group_key::text AS group_key, ${label} AS group_label, g.bucket, g.amount::text AS amount, g.items FROM (
         SELECT ${key} AS group_key, ${bucket} AS bucket, sum(ar.outstanding) AS amount, count(*)::int AS items
         FROM (${openAr(source)}) ar WHERE ar.outstanding > 0
         GROUP BY 1, 2) g
       ORDER BY 1, 3`,
      [asOf],
    );
  }

  /**
   * The aging report as the API returns it: one row per group with its bucket amounts (exact,
   * 2 decimals), total and open items, plus one grand-total row (`is_total`), pivoted in SQL so
   * the app handles one row per group (a per-customer report can have 100k+ groups).
   */
  agingTable(sql: Sql, asOf: string, basis: AgingBasis, group: AgingGroup, source: ArSource = JSONB_SOURCE): Promise<AgingTableRow[]> {
    const bucket = basis === 'due' ? OVERDUE_BUCKET : AGE_BUCKET;
    const { key, label, buckets, money } = agingParts(basis, group);
    // Grouped once by (group, bucket) with one sum and one count per receivable — the plan of a
    // hand-written aging query — then pivoted over those few rows; the grand total sums the group
    // rows, not the receivables again. Numeric sums of sums are exact.
    return sql.rows<AgingTableRow>(
      `WITH gb AS MATERIALIZED (
         SELECT ${key} AS group_key, ${bucket} AS bucket, sum(ar.outstanding) AS amount, count(*) AS items
         FROM (${openAr(source)}) ar WHERE ar.outstanding > 0
         GROUP BY 1, 2),
       g AS MATERIALIZED (
         SELECT gb.group_key, ${buckets.map((i) => `sum(gb.amount) FILTER (WHERE gb.bucket = ${i}) AS a${i}`).join(', ')},
                sum(gb.amount) AS total, sum(gb.items)::int AS items
         FROM gb GROUP BY 1)
       SELECT g.group_key, ${label} AS group_label, ARRAY[${buckets.map((i) => money(`g.a${i}`)).join(', ')}] AS amounts,
              ${money('g.total')} AS total, g.items, false AS is_total FROM g
       UNION ALL
       SELECT NULL, NULL, ARRAY[${buckets.map((i) => money(`sum(g.a${i})`)).join(', ')}], ${money('sum(g.total)')}, coalesce(sum(g.items), 0)::int, true FROM g
       ORDER BY 6, 1`,
      [asOf],
    );
  }

  /**
   * The aging report as the API sends it, built in SQL: `rows` is a JSON array of
   * `{key, label, amounts, items, total}` (amounts per bucket and total as exact 2-decimal strings),
   * largest total first (then label, then key); `totals` is `{amounts, total}`. Grouped once by
   * (group, bucket) like `agingTable`, pivoted per group, labelled once per group (the OFFSET 0
   * fence keeps the label sub-select from running again for the sort), serialised by PostgreSQL
   * as text (uuid keys and 2-decimal amounts need no escaping; labels go through to_json), which
   * costs a fraction of json_agg over records: the app only splices two strings (a per-customer
   * report has one group per customer).
   */
  async agingJson(sql: Sql, asOf: string, basis: AgingBasis, group: AgingGroup, source: ArSource = JSONB_SOURCE): Promise<AgingJson> {
    const jsonb = source.kind !== 'typed';
    const bucket = jsonb ? (basis === 'due' ? OVERDUE_BUCKET_TEXT : AGE_BUCKET_TEXT) : basis === 'due' ? OVERDUE_BUCKET : AGE_BUCKET;
    const from = jsonb ? `(${openArAgingJsonb()}) ar` : `(${openAr(source)}) ar WHERE ar.outstanding > 0`;
    const { key, label, buckets, money } = agingParts(basis, group);
    const [row] = await sql.rows<AgingJson>(
      `WITH gb AS MATERIALIZED (
         SELECT ${key} AS group_key, ${bucket} AS bucket, sum(ar.outstanding) AS amount, count(*) AS items
         FROM ${from}
         GROUP BY 1, 2),
       g AS MATERIALIZED (
         SELECT gb.group_key, ${buckets.map((i) => `sum(gb.amount) FILTER (WHERE gb.bucket = ${i}) AS a${i}`).join(', ')},
                sum(gb.amount) AS total, sum(gb.items)::int AS items
         FROM gb GROUP BY 1)
       SELECT
         (SELECT '[' || coalesce(string_agg(
                   '{"key":' || coalesce('"' || x.group_key::text || '"', 'null') || ',"label":' || coalesce(to_json(x.label)::text, 'null') ||
                   ',"amounts":["' || ${buckets.map((i) => money(`x.a${i}`)).join(` || '","' || `)} || '"],"items":' || x.items::text ||
                   ',"total":"' || ${money('x.total')} || '"}',
                   ',' ORDER BY x.total DESC, x.label, x.group_key), '') || ']'
          FROM (SELECT g.*, ${label} AS label FROM g OFFSET 0) x) AS rows,
         (SELECT row_to_json(t)::text FROM (
            SELECT ARRAY[${buckets.map((i) => money(`sum(g.a${i})`)).join(', ')}] AS amounts, ${money('sum(g.total)')} AS total FROM g) t) AS totals`,
      [asOf],
    );
    return row!;
  }

  /** Credit sales per calendar month (by business date) in [from, asOf]. */
  monthlySales(sql: Sql, from: string, asOf: string, source: ArSource = JSONB_SOURCE): Promise<Array<{ month: string; sales: string }>> {
    return sql.rows(
      `SELECT to_char(ar.biz_date, 'YYYY-MM') AS month, sum(ar.amount)::text AS sales
       FROM (${openAr(source)}) ar WHERE ar.biz_date >= $2::date
       GROUP BY 1 ORDER BY 1 DESC`,
      [asOf, from],
    );
  }

  /** Ending AR as of the date: total, not yet due, overdue and 90+ days overdue. */
  async balances(sql: Sql, asOf: string, source: ArSource = JSONB_SOURCE): Promise<{ total: string; current: string; overdue: string; over90: string }> {
    const [row] = await sql.rows<{ total: string; current: string; overdue: string; over90: string }>(
      `SELECT coalesce(sum(outstanding), 0)::text AS total,
              coalesce(sum(outstanding) FILTER (WHERE due_date IS NULL OR $1::date <= due_date), 0)::text AS current,
              coalesce(sum(outstanding) FILTER (WHERE $1::date > due_date), 0)::text AS overdue,
              coalesce(sum(outstanding) FILTER (WHERE $1::date - due_date > 90), 0)::text AS over90
       FROM (${openAr(source)}) ar WHERE ar.outstanding > 0`,
      [asOf],
    );
    return row!;
  }

  /**
   * Total AR as of a past date d: each receivable raised by d, less what was paid by d. Payment
   * dates come from 回款 allocations; received amounts with no allocation behind them (entered on
   * the receivable directly) are taken as received before d — the best the data can say.
   */
  async arOn(sql: Sql, d: string, source: ArSource = JSONB_SOURCE): Promise<string> {
    const receivables =
      source.kind === 'typed' && TABLE_NAME.test(source.table)
        ? `SELECT p.id, p.amount, coalesce(p.received, 0) AS received, coalesce(p.written_off, 0) AS written_off
           FROM ${source.table} p WHERE p.biz_date <= $1::date`
        : `SELECT r.id, (r.data->>'amount')::numeric AS amount, coalesce((r.data->>'received')::numeric, 0) AS received,
                coalesce((r.data->>'written_off')::numeric, 0) AS written_off
           FROM records_t r
           WHERE r.form_id = ${RECEIVABLE_FORM} AND r.deleted_at IS NULL AND credo_date(r.data->>'biz_date') <= $1::date`;
    const [row] = await sql.rows<{ total: string }>(
      `WITH alloc AS (
         SELECT (a->>'receivable')::uuid AS receivable_id, (a->>'amount')::numeric AS amount, credo_date(p.data->>'received_on') AS on_date
         FROM records_t p
         CROSS JOIN LATERAL jsonb_array_elements(coalesce(p.data->'allocations', '[]'::jsonb)) a
         WHERE p.form_id = ${PAYMENT_FORM} AND p.deleted_at IS NULL),
       ar AS (${receivables}),
       paid AS (
         SELECT ar.id, ar.amount, ar.received, ar.written_off,
                coalesce(sum(alloc.amount), 0) AS allocated, coalesce(sum(alloc.amount) FILTER (WHERE alloc.on_date <= $1::date), 0) AS allocated_by_d
         FROM ar LEFT JOIN alloc ON alloc.receivable_id = ar.id GROUP BY ar.id, ar.amount, ar.received, ar.written_off)
       SELECT coalesce(sum(GREATEST(amount - written_off - GREATEST(received - allocated, 0) - allocated_by_d, 0)), 0)::text AS total FROM paid`,
      [d],
    );
    return row!.total;
  }

  /** Share of AR held by the largest customers. */
  concentration(sql: Sql, asOf: string, top: number, source: ArSource = JSONB_SOURCE) {
    return sql.rows<{ customer_id: string; name: string | null; total: string }>(
      `SELECT g.customer_id::text, (SELECT c.data->>'name' FROM records_t c WHERE c.form_id = (SELECT cf.id FROM forms cf WHERE cf.key = 'customer') AND c.id = g.customer_id) AS name, g.total::text FROM (
         SELECT ar.customer_id, sum(ar.outstanding) AS total FROM (${openAr(source)}) ar WHERE ar.outstanding > 0 GROUP BY 1
         ORDER BY 2 DESC, 1 LIMIT $2) g ORDER BY g.total DESC, 1`,
      [asOf, top],
    );
  }

  /** Customers per value of a stored rule output (e.g. rating, customer_class) for a form. */
  ruleDistribution(sql: Sql, formKey: string, output: string) {
    return sql.rows<{ value: string | null; count: number }>(
      `SELECT x.vals->>$2 AS value, count(*)::int AS count
       FROM records_t r
       LEFT JOIN record_rule_results x ON x.tenant_id = r.tenant_id AND x.record_id = r.id
       WHERE r.form_id = (SELECT f.id FROM forms f WHERE f.key = $1) AND r.deleted_at IS NULL GROUP BY 1 ORDER BY 2 DESC, 1`,
      [formKey, output],
    );
  }

  /** Average days to pay: allocations received in [from, asOf], weighted by amount, from the invoice date. */
  async averageDaysToPay(sql: Sql, from: string, asOf: string): Promise<{ amount: string; weighted_days: string }> {
    const [row] = await sql.rows<{ amount: string; weighted_days: string }>(
      `SELECT coalesce(sum(a.amount), 0)::text AS amount, coalesce(sum(a.amount * (a.on_date - coalesce(credo_date(r.data->>'invoice_date'), credo_date(r.data->>'biz_date')))), 0)::text AS weighted_days
       FROM (SELECT (x->>'receivable')::uuid AS receivable_id, (x->>'amount')::numeric AS amount, credo_date(p.data->>'received_on') AS on_date
             FROM records_t p
             CROSS JOIN LATERAL jsonb_array_elements(coalesce(p.data->'allocations', '[]'::jsonb)) x
             WHERE p.form_id = ${PAYMENT_FORM} AND p.deleted_at IS NULL) a
       JOIN records_t r ON r.form_id = (SELECT rf.id FROM forms rf WHERE rf.key = 'receivable') AND r.id = a.receivable_id
       WHERE a.on_date BETWEEN $1::date AND $2::date`,
      [from, asOf],
    );
    return row!;
  }

  /** Customers by overdue balance, with their total balance. */
  topOverdue(sql: Sql, asOf: string, limit: number, source: ArSource = JSONB_SOURCE) {
    return sql.rows<{ customer_id: string; name: string | null; overdue: string; total: string; max_days: number }>(
      `SELECT ar.customer_id::text AS customer_id, (SELECT c.data->>'name' FROM records_t c WHERE c.form_id = (SELECT cf.id FROM forms cf WHERE cf.key = 'customer') AND c.id = ar.customer_id) AS name,
              coalesce(sum(ar.outstanding) FILTER (WHERE $1::date > ar.due_date), 0)::text AS overdue,
              sum(ar.outstanding)::text AS total,
              coalesce(max($1::date - ar.due_date) FILTER (WHERE $1::date > ar.due_date), 0)::int AS max_days
       FROM (${openAr(source)}) ar WHERE ar.outstanding > 0
       GROUP BY ar.customer_id
       HAVING sum(ar.outstanding) FILTER (WHERE $1::date > ar.due_date) > 0
       ORDER BY sum(ar.outstanding) FILTER (WHERE $1::date > ar.due_date) DESC, 1 LIMIT $2`,
      [asOf, limit],
    );
  }

  async settings(sql: Sql): Promise<Record<string, unknown>> {
    const row = await sql.one<{ settings: Record<string, unknown> }>('SELECT settings FROM tenants WHERE id = credo_current_tenant()');
    return row?.settings ?? {};
  }

  async saveSettings(sql: Sql, settings: Record<string, unknown>): Promise<void> {
    await sql.rows('UPDATE tenants SET settings = $1 WHERE id = credo_current_tenant()', [JSON.stringify(settings)]);
  }
}
