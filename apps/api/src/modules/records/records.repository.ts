import pg from 'pg';
import { Injectable } from '@nestjs/common';
import { builtStatementName, type Sql, type TailStatement, type TailStatements } from '../../database/tenant-database.js';
import { COUNT_CAP } from '../forms/forms.repository.js';
import type { RecordChanges } from './record-diff.js';
import { FIELD_KEY, fieldExpression, sqlCast, type ParsedQuery } from './record-query.js';

export interface RecordRow {
  id: string;
  rev: number;
  version_number: number;
  form_version_id: string;
  data: Record<string, unknown>;
  created_at: Date;
  created_by: string | null;
  updated_at: Date;
  updated_by: string | null;
  deleted_at: Date | null;
}

export interface RevisionRow {
  rev: number;
  action: 'create' | 'update' | 'delete' | 'restore' | 'revert';
  version_number: number;
  /** NULL: a create's (every field of data; see revisionChanges). */
  changes: RecordChanges | null;
  data: Record<string, unknown>;
  actor_id: string | null;
  actor_email: string | null;
  actor_name: string | null;
  at: Date;
  reverted_from: number | null;
}

export interface NewRecord {
  id: string;
  data: Record<string, unknown>;
}

export type RevisionAction = RevisionRow['action'];

/** A rule result written together with the record it belongs to. */
export interface RuleResultInsert {
  versionId: string;
  asOf: string;
  values: unknown;
  alerts: unknown;
  explanation: unknown;
}

/**
 * An auto-number taken by the insert statement itself (one round trip less): the value is
 * `prefix` + the counter zero-padded to `width` (never cut) + `suffix`, as formatAutoNumber.
 */
export interface SqlAutoNumber {
  key: string;
  period: string;
  prefix: string;
  width: number;
  suffix: string;
}

/**
 * Facts a one-round-trip create relied on (besides ctx.formId / ctx.versionId): the insert first
 * checks that the form is still published at that version with these permissions and rule set,
 * and the tenant's settings are these; otherwise it fails (division by zero) and writes nothing.
 */
export interface InsertGuard {
  permissions: string | null;
  rulesVersionId: string | null;
  settings: string | null;
}

/** Where a keyset page ends: the sort segment (values, then nulls, or the reverse), the sort value and id. */
export interface PageCursor {
  segment: 0 | 1;
  value: string | null;
  id: string;
}

export type PagedRow = RecordRow & { sort_value: string | null; segment: 0 | 1 };

/**
 * A page row read for sending on as it is stored (`pageFiltered` with `linkKeys`): `data` is the
 * jsonb's own text, and `link_<i>` the JSON text of `data -> linkKeys[i]` (NULL when absent), so
 * the labels of user links and references are found without parsing the record.
 */
export type RawPagedRow = Omit<PagedRow, 'data' | 'created_at' | 'updated_at' | 'deleted_at'> & {
  data: string;
  /** As PostgreSQL writes a timestamptz, e.g. '2026-11-26 09:32:19.123456+00'. */
  created_at: string;
  updated_at: string;
  deleted_at: string | null;
} & Record<`link_${number}`, string | null>;

const identity = (text: string) => text;

/** Column reading for RawPagedRow: jsonb and timestamptz as PostgreSQL's text, everything else as pg reads it. */
const RAW_TEXT_TYPES: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: string) =>
    oid === pg.types.builtins.JSONB || oid === pg.types.builtins.TIMESTAMPTZ ? identity : pg.types.getTypeParser(oid, format as 'text')) as pg.CustomTypesConfig['getTypeParser'],
};

/** Only records whose user-link `field` holds `userId` (the "own records only" rule). */
export interface OwnerFilter {
  field: string;
  userId: string;
}

const COLUMNS = `r.id, r.rev, r.form_version_id, r.data, r.created_at, r.created_by, r.updated_at, r.updated_by, r.deleted_at,
  (SELECT v.number FROM form_versions v WHERE v.tenant_id = r.tenant_id AND v.id = r.form_version_id) AS version_number`;

/** COLUMNS with each link field's value beside `data` (see RawPagedRow; read with RAW_TEXT_TYPES). */
function rawColumns(linkKeys: readonly string[]): string {
  const links = linkKeys.map((key, i) => {
    if (!FIELD_KEY.test(key)) throw new Error(`bad field key ${key}`);
    return `, (r.data->'${key}') AS link_${i}`;
  });
  return COLUMNS + links.join('');
}

/** total=true counts exactly up to this many matching records; beyond it the total is an estimate. */
export const EXACT_TOTAL_LIMIT = 1000;

interface PlanNode {
  'Node Type'?: string;
  'Plan Rows'?: number;
  Plans?: PlanNode[];
}

/** The planner's row estimate at the top of an `EXPLAIN (FORMAT JSON)` result (0 when there is none). */
export function parsePlanEstimate(rows: unknown[]): number {
  const first = rows[0] as Record<string, unknown> | undefined;
  const value = first ? Object.values(first)[0] : undefined;
  const plans = (typeof value === 'string' ? JSON.parse(value) : value) as Array<{ Plan?: PlanNode }> | undefined;
  const estimate = Number(plans?.[0]?.Plan?.['Plan Rows']);
  return Number.isFinite(estimate) && estimate > 0 ? Math.round(estimate) : 0;
}

/**
 * How far beyond the exact range a filter's estimate must be to stand for the total without a
 * count: the planner's error bound the bench holds it to for an equality on an indexed field (T14).
 */
export const ESTIMATE_PROVES_FACTOR = 10;

/** How long a filtered list's total estimate is reused (it is flagged an estimate either way). */
export const ESTIMATE_TTL_MS = 30_000;

/**
 * Planner estimates of filtered lists' totals by form, owner rule and filter (values included),
 * each kept ESTIMATE_TTL_MS; at most `max` (the oldest entry makes room).
 */
export class TotalEstimates {
  private readonly entries = new Map<string, { estimate: number; until: number }>();

  constructor(
    private readonly ttlMs = ESTIMATE_TTL_MS,
    private readonly max = 1000,
    private readonly now: () => number = Date.now,
  ) {}

  get(key: string): number | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.until > this.now()) return entry.estimate;
    this.entries.delete(key);
    return undefined;
  }

  set(key: string, estimate: number): void {
    this.entries.delete(key);
    if (this.entries.size >= this.max) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(key, { estimate, until: this.now() + this.ttlMs });
  }
}

function estimateKey(formId: string, owner: OwnerFilter | null, query: ParsedQuery | undefined): string {
  return JSON.stringify([formId, owner?.field ?? null, owner?.userId ?? null, query?.where ?? [], query?.params ?? []]);
}

/** From the row of `unfilteredTotalStatement`: `n` (null: not counted) and the estimate. */
export function parseUnfilteredTotal(rows: unknown[]): { count: number | null; estimate: number } {
  const row = rows[0] as { n: number | null; estimate: number | string | null } | undefined;
  const estimate = Number(row?.estimate ?? 0);
  return { count: row?.n ?? null, estimate: Number.isFinite(estimate) && estimate > 0 ? Math.round(estimate) : 0 };
}

/** Raw SQL on `records` (no entity hydration: lists are hot paths). Every write also writes its revision. */
@Injectable()
export class RecordsRepository {
  /** One multi-row INSERT (records and their 'create' revisions) per call; callers chunk large batches. */
  async insertMany(
    sql: Sql,
    ctx: { tenantId: string; formId: string; versionId: string; userId: string | null; guard?: InsertGuard },
    records: NewRecord[],
    audit?: { action: string; entity: string; requestId?: string },
    ruleResult?: RuleResultInsert,
    numbers: readonly SqlAutoNumber[] = [],
    /** The transaction's last statement: its COMMIT rides in the same round trip (single inserts only). */
    commit = false,
  ): Promise<RecordRow[]> {
    if (!records.length) return [];
    if (numbers.length && records.length !== 1) throw new Error('auto-numbers in SQL are for single-record inserts');
    const params: unknown[] = [ctx.tenantId, ctx.formId, ctx.versionId, ctx.userId];
    // So does the record's rule result (a single create: the one record of `r`).
    let rulesSql = '';
    if (ruleResult && records.length === 1) {
      params.push(ruleResult.versionId, ruleResult.asOf, JSON.stringify(ruleResult.values), JSON.stringify(ruleResult.alerts), JSON.stringify(ruleResult.explanation));
      const n = params.length;
      rulesSql = `,
       rr AS (
         INSERT INTO record_rule_results (tenant_id, record_id, rule_version_id, as_of, vals, alerts, explanation)
         SELECT tenant_id, id, $${n - 4}::uuid, $${n - 3}::date, $${n - 2}::jsonb, $${n - 1}::jsonb, $${n}::jsonb FROM r)`;
    }
    // The audit entry of each created record rides in the same statement (one round trip less).
    let auditSql = '';
    if (audit) {
      params.push(audit.action, audit.entity, audit.requestId ?? null);
      const n = params.length;
      auditSql = `,
       a AS (
         INSERT INTO audit_log (tenant_id, actor_id, action, entity, entity_id, request_id)
         SELECT tenant_id, created_by, $${n - 2}, $${n - 1}, id::text, $${n} FROM r)`;
    }
    // A guarded insert reads the form (and the tenant's settings) first, in its own snapshot.
    // Its rows are taken only WHERE g.current = 1: an unused column would never be computed.
    let guardSql = '';
    if (ctx.guard) {
      if (records.length !== 1) throw new Error('a guarded insert is a single-record insert');
      params.push(ctx.guard.permissions, ctx.guard.rulesVersionId, ctx.guard.settings);
      const n = params.length;
      guardSql = `g AS (
         SELECT 1 / count(*)::int AS current FROM forms f JOIN tenants t ON t.id = f.tenant_id
         WHERE f.id = $2::uuid AND f.current_version_id = $3::uuid AND f.archived_at IS NULL
           AND f.permissions IS NOT DISTINCT FROM $${n - 2}::jsonb AND f.rules_version_id IS NOT DISTINCT FROM $${n - 1}::uuid
           AND t.settings IS NOT DISTINCT FROM $${n}::jsonb),
       `;
    }
    let insert: string;
    if (numbers.length) {
      // The counters are taken (once: a CTE) and formatted in the same statement as the insert.
      const taken: string[] = [];
      const sets: string[] = [];
      numbers.forEach((n, i) => {
        params.push(n.key, n.period, n.prefix, n.width, n.suffix);
        const k = params.length - 4;
        taken.push(`(credo_next_numbers($2::uuid, $${k}::text, $${k + 1}::text, 1))[1]::text AS n${i}`);
        sets.push(`$${k}::text, $${k + 2}::text || lpad(n${i}, greatest($${k + 3}::int, length(n${i})), '0') || $${k + 4}::text`);
      });
      params.push(records[0]!.id, JSON.stringify(records[0]!.data));
      const k = params.length;
      insert = `WITH ${guardSql}n AS (SELECT ${taken.join(', ')}${guardSql ? ' FROM g WHERE g.current = 1' : ''}),
       r AS (
         INSERT INTO records (tenant_id, id, form_id, form_version_id, data, created_by, updated_by)
         SELECT $1::uuid, $${k - 1}::uuid, $2::uuid, $3::uuid, $${k}::jsonb || jsonb_build_object(${sets.join(', ')}), $4::uuid, $4::uuid FROM n
         RETURNING *),`;
    } else if (guardSql) {
      params.push(records[0]!.id, JSON.stringify(records[0]!.data));
      const k = params.length;
      insert = `WITH ${guardSql}r AS (
         INSERT INTO records (tenant_id, id, form_id, form_version_id, data, created_by, updated_by)
         SELECT $1::uuid, $${k - 1}::uuid, $2::uuid, $3::uuid, $${k}::jsonb, $4::uuid, $4::uuid FROM g WHERE g.current = 1
         RETURNING *),`;
    } else {
      const values = records.map((record) => {
        params.push(record.id, JSON.stringify(record.data));
        return `($1::uuid, $${params.length - 1}::uuid, $2::uuid, $3::uuid, $${params.length}::jsonb, $4::uuid, $4::uuid)`;
      });
      insert = `WITH r AS (
         INSERT INTO records (tenant_id, id, form_id, form_version_id, data, created_by, updated_by)
         VALUES ${values.join(', ')}
         RETURNING *),`;
    }
    // A single-record insert has a fixed text: prepare it (the API's hottest statement).
    if (commit && records.length !== 1) throw new Error('insert-then-commit is for single-record inserts');
    const run = commit ? sql.preparedThenCommit.bind(sql) : records.length === 1 ? sql.prepared.bind(sql) : sql.rows.bind(sql);
    return run<RecordRow>(
      `${insert}
       rv AS (
         INSERT INTO record_revisions (tenant_id, record_id, rev, action, form_version_id, changes, data, actor_id)
         SELECT tenant_id, id, 1, 'create', form_version_id,
                (SELECT coalesce(jsonb_object_agg(key, jsonb_build_object('to', value)), '{}') FROM jsonb_each(r.data)),
                data, created_by
         FROM r)${auditSql}${rulesSql}
       SELECT ${COLUMNS} FROM r`,
      params,
    );
  }

  /**
   * Several single creates of one form (each its own request: its user, request id and rule
   * result) as ONE statement: the records, their 'create' revisions, audit entries and rule
   * results, auto-numbers taken in item order, all behind the one-trip guard (InsertGuard) —
   * what `insertMany` writes for one guarded create, per item. The text depends only on the
   * form's auto-number fields, so it is prepared once; the items travel as arrays.
   */
  createBatchStatement(
    ctx: { tenantId: string; formId: string; versionId: string; guard: InsertGuard },
    common: { action: string; entity: string; rules: { versionId: string; asOf: string } | null; numbers: readonly SqlAutoNumber[] },
    items: ReadonlyArray<{ id: string; data: Record<string, unknown>; userId: string | null; requestId: string | null; rule: { values: unknown; alerts: unknown; explanation: unknown } | null }>,
  ): { text: string; values: unknown[] } {
    const params: unknown[] = [
      ctx.tenantId, ctx.formId, ctx.versionId, ctx.guard.permissions, ctx.guard.rulesVersionId, ctx.guard.settings,
      common.action, common.entity, common.rules?.versionId ?? null, common.rules?.asOf ?? null,
      // One JSON document for all items (cheaper to send than an array parameter per column).
      JSON.stringify(
        items.map((i) =>
          i.rule
            ? { id: i.id, data: i.data, user: i.userId, request: i.requestId, vals: i.rule.values, alerts: i.rule.alerts, explanation: i.rule.explanation }
            : { id: i.id, data: i.data, user: i.userId, request: i.requestId },
        ),
      ),
    ];
    const taken: string[] = [];
    const sets: string[] = [];
    common.numbers.forEach((n, i) => {
      params.push(n.key, n.period, n.prefix, n.width, n.suffix);
      const k = params.length - 4;
      // As many numbers as items, rising in item order.
      taken.push(`credo_next_numbers($2::uuid, $${k}::text, $${k + 1}::text, jsonb_array_length($11::jsonb)) AS n${i}`);
      sets.push(`$${k}::text, $${k + 2}::text || lpad(n.n${i}[x.i]::text, greatest($${k + 3}::int, length(n.n${i}[x.i]::text)), '0') || $${k + 4}::text`);
    });
    const data = sets.length ? `x.data || jsonb_build_object(${sets.join(', ')})` : 'x.data';
    const text = `WITH g AS (
         SELECT 1 / count(*)::int AS current FROM forms f JOIN tenants t ON t.id = f.tenant_id
         WHERE f.id = $2::uuid AND f.current_version_id = $3::uuid AND f.archived_at IS NULL
           AND f.permissions IS NOT DISTINCT FROM $4::jsonb AND f.rules_version_id IS NOT DISTINCT FROM $5::uuid
           AND t.settings IS NOT DISTINCT FROM $6::jsonb),
       n AS (SELECT ${taken.length ? taken.join(', ') : '1 AS none'} FROM g WHERE g.current = 1),
       x AS (SELECT (e->>'id')::uuid AS id, e->'data' AS data, (e->>'user')::uuid AS user_id, e->>'request' AS request_id,
                    e ? 'vals' AS has_rule, e->'vals' AS vals, e->'alerts' AS alerts, e->'explanation' AS explanation, i
             FROM jsonb_array_elements($11::jsonb) WITH ORDINALITY AS t(e, i)),
       r AS (
         INSERT INTO records (tenant_id, id, form_id, form_version_id, data, created_by, updated_by)
         SELECT $1::uuid, x.id, $2::uuid, $3::uuid, ${data}, x.user_id, x.user_id FROM x, n ORDER BY x.i
         RETURNING *),
       rv AS (
         INSERT INTO record_revisions (tenant_id, record_id, rev, action, form_version_id, changes, data, actor_id)
         SELECT tenant_id, id, 1, 'create', form_version_id,
                (SELECT coalesce(jsonb_object_agg(key, jsonb_build_object('to', value)), '{}') FROM jsonb_each(r.data)),
                data, created_by
         FROM r),
       a AS (
         INSERT INTO audit_log (tenant_id, actor_id, action, entity, entity_id, request_id)
         SELECT r.tenant_id, r.created_by, $7, $8, r.id::text, x.request_id FROM r JOIN x ON x.id = r.id ORDER BY x.i),
       rr AS (
         INSERT INTO record_rule_results (tenant_id, record_id, rule_version_id, as_of, vals, alerts, explanation)
         SELECT r.tenant_id, r.id, $9::uuid, $10::date, x.vals, x.alerts, x.explanation FROM r JOIN x ON x.id = r.id WHERE x.has_rule ORDER BY x.i)
       SELECT ${COLUMNS} FROM r`;
    return { text, values: params };
  }

  findById(sql: Sql, formId: string, id: string, opts: { includeDeleted?: boolean } = {}): Promise<RecordRow | undefined> {
    return sql
      .prepared<RecordRow>(
        `SELECT ${COLUMNS} FROM records r WHERE r.form_id = $1 AND r.id = $2 ${opts.includeDeleted ? '' : 'AND r.deleted_at IS NULL'}`,
        [formId, id],
      )
      .then((rows) => rows[0]);
  }

  /**
   * The conditional write behind PATCH / DELETE / restore / revert: it only happens while the
   * row is still at `expectedRev`, checked and written in one statement (so of many concurrent
   * writers exactly one wins; the rest get no row back and answer 412). The revision is written
   * by the same statement.
   */
  writeIfRev(
    sql: Sql,
    input: {
      formId: string;
      id: string;
      expectedRev: number | null;
      action: Exclude<RevisionAction, 'create'>;
      data: Record<string, unknown>;
      versionId: string;
      changes: RecordChanges;
      userId: string;
      revertedFrom?: number;
    },
  ): Promise<RecordRow | undefined> {
    const deleted = input.action === 'delete' ? 'now()' : 'NULL';
    const mustBeDeleted = input.action === 'restore' ? 'r.deleted_at IS NOT NULL' : 'r.deleted_at IS NULL';
    return sql.prepared<RecordRow>(
      `WITH r AS (
         UPDATE records r SET data = $3::jsonb, form_version_id = $4, rev = r.rev + 1, updated_at = now(), updated_by = $5,
                deleted_at = ${deleted}
         WHERE r.form_id = $1 AND r.id = $2 AND ${mustBeDeleted} AND ($6::int IS NULL OR r.rev = $6::int)
         RETURNING r.*),
       rv AS (
         INSERT INTO record_revisions (tenant_id, record_id, rev, action, form_version_id, changes, data, actor_id, reverted_from)
         SELECT tenant_id, id, rev, $7, form_version_id, $8::jsonb, data, $5, $9 FROM r)
       SELECT ${COLUMNS} FROM r`,
      [
        input.formId,
        input.id,
        JSON.stringify(input.data),
        input.versionId,
        input.userId,
        input.expectedRev,
        input.action,
        JSON.stringify(input.changes),
        input.revertedFrom ?? null,
      ],
    ).then((rows) => rows[0]);
  }

  revisions(sql: Sql, recordId: string): Promise<RevisionRow[]> {
    return sql.rows<RevisionRow>(
      `SELECT rv.rev, rv.action, rv.changes, rv.data, rv.actor_id, u.email AS actor_email, u.display_name AS actor_name, rv.at, rv.reverted_from,
              (SELECT v.number FROM form_versions v WHERE v.tenant_id = rv.tenant_id AND v.id = rv.form_version_id) AS version_number
       FROM record_revisions rv LEFT JOIN users u ON u.tenant_id = rv.tenant_id AND u.id = rv.actor_id
       WHERE rv.record_id = $1 ORDER BY rv.rev DESC`,
      [recordId],
    );
  }

  revision(sql: Sql, recordId: string, rev: number): Promise<RevisionRow | undefined> {
    return sql.one<RevisionRow>(
      `SELECT rv.rev, rv.action, rv.changes, rv.data, rv.actor_id, NULL AS actor_email, NULL AS actor_name, rv.at, rv.reverted_from, 0 AS version_number
       FROM record_revisions rv WHERE rv.record_id = $1 AND rv.rev = $2`,
      [recordId, rev],
    );
  }

  /**
   * A filtered, sorted keyset page. The sort runs on (field expression, id) — the key of the
   * field's expression index — with NULLs after the values ascending and before them
   * descending, so each segment is one index range and deep pages cost what page 1 costs.
   */
  async pageFiltered(
    sql: Sql,
    formId: string,
    query: ParsedQuery,
    limit: number,
    cursor: PageCursor | null,
    owner: OwnerFilter | null,
    /** Nothing else runs in the transaction: the page's last possible statement carries the COMMIT. */
    commitLast = false,
    /** Sent with that statement (e.g. the count); not sent when the page ends before it. */
    tail?: TailStatements,
    /**
     * A scalar query ($1… its own parameters) that must give 1 and fails when cached facts are
     * stale: run by the page statement itself, as a one-time filter (it has no column of `r`, so
     * PostgreSQL evaluates it once, before reading any row, even for an empty page).
     */
    guard?: { text: string; values: unknown[] },
    /** Read the rows raw (RawPagedRow, which the rows then are): `data` and timestamps as text, these link fields' values beside them. */
    linkKeys?: readonly string[],
  ): Promise<PagedRow[]> {
    const columns = linkKeys ? rawColumns(linkKeys) : COLUMNS;
    const base = ['r.form_id = $1', 'r.deleted_at IS NULL', '($2::text IS NULL OR r.data->>$2::text = $3::text)', ...query.where];
    const baseParams: unknown[] = [formId, owner?.field ?? null, owner?.userId ?? null, ...query.params];
    const run = async (conditions: string[], extra: unknown[], order: string, sortValue: string, segment: 0 | 1, take: number, last = true) => {
      const params = [...baseParams, ...extra];
      const checks = guard ? [`(${guard.text.replace(/\$(\d+)/g, (_, n: string) => `$${Number(n) + params.length}`)}) = 1`] : [];
      params.push(...(guard?.values ?? []), take);
      const text = `SELECT ${columns}, ${sortValue} AS sort_value, ${segment} AS segment FROM records_t r
         WHERE ${[...base, ...conditions, ...checks].join(' AND ')} ORDER BY ${order} LIMIT $${params.length}`;
      const types = linkKeys ? RAW_TEXT_TYPES : undefined;
      return commitLast && last ? sql.rowsThenCommit<PagedRow>(text, params, tail, types) : sql.rows<PagedRow>(text, params, types);
    };
    const next = baseParams.length + 1;
    const field = query.sort.field;
    if (!field) {
      return cursor ? run([`r.id < $${next}::uuid`], [cursor.id], 'r.id DESC', 'NULL::text', 0, limit) : run([], [], 'r.id DESC', 'NULL::text', 0, limit);
    }
    const expr = fieldExpression(field);
    const asc = query.sort.direction === 'asc';
    const dir = asc ? 'ASC' : 'DESC';
    const cmp = asc ? '>' : '<';
    // A required field, or one the filter restricts to values, has no NULL segment to visit.
    const noNulls = field.required === true || query.nonNull.has(field.key);
    const segments: Array<'values' | 'nulls'> = noNulls ? ['values'] : asc ? ['values', 'nulls'] : ['nulls', 'values'];
    const rows: PagedRow[] = [];
    for (let index = cursor?.segment ?? 0; index < segments.length && rows.length < limit; index++) {
      const segment = index as 0 | 1;
      const resume = cursor && cursor.segment === segment ? cursor : null;
      const take = limit - rows.length;
      const last = index === segments.length - 1;
      if (segments[segment] === 'values') {
        const conditions = [`${expr} IS NOT NULL`];
        const extra: unknown[] = [];
        if (resume) {
          conditions.push(`(${expr}, r.id) ${cmp} ($${next}::${sqlCast(field)}, $${next + 1}::uuid)`);
          extra.push(resume.value, resume.id);
        }
        rows.push(...(await run(conditions, extra, `${expr} ${dir}, r.id ${dir}`, `${expr}::text`, segment, take, last)));
      } else {
        const conditions = [`${expr} IS NULL`];
        const extra: unknown[] = [];
        if (resume) {
          conditions.push(`r.id ${cmp} $${next}::uuid`);
          extra.push(resume.id);
        }
        // Ordered like the index, (expression, id): every row here has a NULL expression.
        rows.push(...(await run(conditions, extra, `${expr} ${dir}, r.id ${dir}`, 'NULL::text', segment, take, last)));
      }
    }
    return rows;
  }

  /** The matching rows, counted up to `cap` + 1 (more than `cap` means "more than `cap`"). */
  async count(sql: Sql, formId: string, owner: OwnerFilter | null = null, query?: ParsedQuery, cap: number = COUNT_CAP): Promise<number> {
    const statement = this.countStatement(formId, owner, query, cap);
    const row = await sql.one<{ n: number }>(statement.text, statement.values);
    return row?.n ?? 0;
  }

  /**
   * The statement behind `count` (reads at most `cap` + 1 matching rows), to send along with a page.
   * Newest first (id DESC): the planner then reads an index in id order and stops at cap + 1 —
   * the keyset index, or a field's (value, id) index for an equality filter — instead of a seq
   * scan from the partition's first page, which also walks every empty page that deleted rows or
   * an aborted import left there.
   */
  countStatement(formId: string, owner: OwnerFilter | null = null, query?: ParsedQuery, cap: number = COUNT_CAP): { text: string; values: unknown[] } {
    if (!Number.isSafeInteger(cap) || cap < 0) throw new Error('count cap must be a non-negative integer');
    const matching = this.matchingStatement(formId, owner, query);
    return { text: `SELECT count(*)::int AS n FROM (${matching.text} ORDER BY r.id DESC LIMIT ${cap + 1}) c`, values: matching.values };
  }

  /**
   * total=true of a list with neither filter nor owner rule: `credo_records_total` answers from
   * the form partition's statistics (no record read) when they prove more than `cap` live
   * records — `n` NULL, `estimate` the planner's figure — and otherwise counts up to cap + 1
   * (see migration 1764980000000). Null when the list has a filter or an owner rule.
   */
  unfilteredTotalStatement(formId: string, owner: OwnerFilter | null, query: ParsedQuery | undefined, cap: number): { text: string; values: unknown[] } | null {
    if (owner || query?.where.length) return null;
    if (!Number.isSafeInteger(cap) || cap < 0) throw new Error('count cap must be a non-negative integer');
    return { text: 'SELECT t.n, t.estimate FROM credo_records_total($1::uuid, $2::int) t', values: [formId, cap] };
  }

  /**
   * The planner's estimate of every row the list matches (plain EXPLAIN: planned, nothing read),
   * read by `parsePlanEstimate`, from the table and expression statistics ANALYZE keeps.
   */
  estimateStatement(formId: string, owner: OwnerFilter | null, query: ParsedQuery | undefined): TailStatement {
    const matching = this.matchingStatement(formId, owner, query);
    return { text: `EXPLAIN (FORMAT JSON) ${matching.text}`, values: matching.values };
  }

  /** total=true sent on its own (the page did not carry it): the statements of `totalStatements` one by one. */
  async countAndEstimate(sql: Sql, formId: string, owner: OwnerFilter | null, query: ParsedQuery | undefined, cap: number, estimates: TotalEstimates): Promise<{ count: number | null; estimate: number }> {
    const total = this.totalStatements(formId, owner, query, cap, estimates);
    const rows: unknown[][] = [];
    for (const statement of total.statements) rows.push(await sql.rows(statement.text, statement.values));
    return total.parse(rows);
  }

  /**
   * What total=true sends with a page (same round trip). An unfiltered list: the stats-first
   * total (`credo_records_total`). Otherwise the count up to cap + 1 — prepared per connection, so
   * it is planned once, not per request — and, unless `estimates` holds a recent figure for this
   * form, owner rule and filter, the planner's estimate of all matching rows (kept there for
   * ESTIMATE_TTL_MS: an estimate changes only as the statistics and the table's size do). `parse`
   * takes the statements' rows and gives `count` (null: not counted, more than `cap` for certain)
   * and the estimate.
   */
  totalStatements(
    formId: string,
    owner: OwnerFilter | null,
    query: ParsedQuery | undefined,
    cap: number,
    estimates: TotalEstimates,
  ): { statements: TailStatement[]; parse: (rows: unknown[][]) => { count: number | null; estimate: number } } {
    const unfiltered = this.unfilteredTotalStatement(formId, owner, query, cap);
    if (unfiltered) return { statements: [unfiltered], parse: (rows) => parseUnfilteredTotal(rows[0] ?? []) };
    const key = estimateKey(formId, owner, query);
    const known = estimates.get(key);
    // An equality on an indexed field, no owner rule: its estimate is within 10x of the truth
    // (bench T14), so one beyond 10x the cap proves more than `cap` matches; nothing is counted.
    if (known !== undefined && !owner && query?.estimable && known > ESTIMATE_PROVES_FACTOR * cap) {
      return { statements: [], parse: () => ({ count: null, estimate: known }) };
    }
    const count = this.countStatement(formId, owner, query, cap);
    const name = builtStatementName(count.text);
    const statements: TailStatement[] = [{ ...count, ...(name ? { name } : {}) }];
    if (known === undefined) statements.push(this.estimateStatement(formId, owner, query));
    return {
      statements,
      parse: (rows) => {
        const counted = (rows[0]?.[0] as { n: number } | undefined)?.n ?? 0;
        let estimate = known;
        if (estimate === undefined) {
          estimate = parsePlanEstimate(rows[1] ?? []);
          estimates.set(key, estimate);
        }
        return { count: counted, estimate };
      },
    };
  }

  /** The rows a list with this owner rule and filter can show (what its total counts). */
  private matchingStatement(formId: string, owner: OwnerFilter | null, query?: ParsedQuery): { text: string; values: unknown[] } {
    const where = query?.where.length ? `AND ${query.where.join(' AND ')}` : '';
    return {
      text: `SELECT 1 FROM records_t r WHERE r.form_id = $1 AND r.deleted_at IS NULL
         AND ($2::text IS NULL OR r.data->>$2::text = $3::text) ${where}`,
      values: [formId, owner?.field ?? null, owner?.userId ?? null, ...(query?.params ?? [])],
    };
  }

  /** A batch of a form's records (deleted ones too: their data is kept) in id order, for a publish. */
  batchForMigration(sql: Sql, formId: string, afterId: string | null, limit: number) {
    return sql.rows<{ id: string; rev: number; data: Record<string, unknown>; deleted: boolean }>(
      `SELECT r.id, r.rev, r.data, r.deleted_at IS NOT NULL AS deleted FROM records r
       WHERE r.form_id = $1 AND ($2::uuid IS NULL OR r.id > $2::uuid) ORDER BY r.id LIMIT $3`,
      [formId, afterId, limit],
    );
  }

  /** Writes migrated data (one statement per batch) with a 'migrate' revision each. */
  /**
   * Writes server-side data changes (a publish's migration, the nightly recompute) one statement
   * per batch, each with its revision. With `rev` given, a record someone changed meanwhile is
   * left alone (its own write already recomputed it).
   */
  async applyMigration(
    sql: Sql,
    formId: string,
    versionId: string,
    userId: string | null,
    updates: Array<{ id: string; data: Record<string, unknown>; changes: RecordChanges; rev?: number }>,
    action: 'migrate' | 'recompute' = 'migrate',
  ): Promise<number> {
    if (!updates.length) return 0;
    const rows = await sql.rows(
      `WITH v AS (SELECT * FROM jsonb_to_recordset($1::jsonb) AS x(id uuid, data jsonb, changes jsonb, rev integer)),
       r AS (
         UPDATE records r SET data = v.data, form_version_id = $2, rev = r.rev + 1, updated_at = now(), updated_by = $3
         FROM v WHERE r.form_id = $5 AND r.id = v.id AND (v.rev IS NULL OR r.rev = v.rev)
         RETURNING r.tenant_id, r.id, r.rev, r.form_version_id, r.data, v.changes)
       INSERT INTO record_revisions (tenant_id, record_id, rev, action, form_version_id, changes, data, actor_id)
       SELECT tenant_id, id, rev, $4, form_version_id, changes, data, $3 FROM r RETURNING record_id`,
      [JSON.stringify(updates), versionId, userId, action, formId],
    );
    return rows.length;
  }

  /** Records whose data did not change follow the form to its new version without a revision. */
  async repin(sql: Sql, formId: string, versionId: string): Promise<void> {
    await sql.rows('UPDATE records SET form_version_id = $2 WHERE form_id = $1 AND form_version_id <> $2', [formId, versionId]);
  }

  /**
   * Which of these ids are live records of the forms with these keys (RLS keeps it to the
   * tenant). One branch per form: its id is an InitPlan, so only that form's partition of
   * `records` is searched.
   */
  existingReferences(sql: Sql, ids: string[], formKeys: string[]): Promise<Array<{ id: string; form_key: string }>> {
    const keys = [...new Set(formKeys)];
    if (!keys.length || !ids.length) return Promise.resolve([]);
    return sql.rows(
      keys
        .map((_, i) => `SELECT r.id, $${i + 2}::text AS form_key FROM records r
       WHERE r.form_id = (SELECT f.id FROM forms f WHERE f.key = $${i + 2}::text) AND r.id = ANY($1::uuid[]) AND r.deleted_at IS NULL`)
        .join('\n       UNION ALL '),
      [ids, ...keys],
    );
  }

  existingUsers(sql: Sql, ids: string[]): Promise<Array<{ id: string; display_name: string }>> {
    return sql.prepared('SELECT id, display_name FROM users WHERE id = ANY($1::uuid[])', [ids]);
  }

  /** Display labels of referenced records of the forms with these keys: the value of their form's title field. */
  referenceLabels(sql: Sql, ids: string[], formKeys: string[]): Promise<Array<{ id: string; label: string | null }>> {
    const keys = [...new Set(formKeys)];
    if (!keys.length || !ids.length) return Promise.resolve([]);
    return sql.rows(
      keys
        .map((_, i) => `SELECT r.id, r.data->>(SELECT v.definition->'settings'->>'titleField' FROM forms f
           JOIN form_versions v ON v.tenant_id = f.tenant_id AND v.id = f.current_version_id WHERE f.key = $${i + 2}::text) AS label
       FROM records r WHERE r.form_id = (SELECT f.id FROM forms f WHERE f.key = $${i + 2}::text) AND r.id = ANY($1::uuid[])`)
        .join('\n       UNION ALL '),
      [ids, ...keys],
    );
  }

  /** count and exact sums per group, in SQL. */
  summary(
    sql: Sql,
    formId: string,
    query: ParsedQuery,
    owner: OwnerFilter | null,
    groupExpr: string | null,
    sumExprs: Array<{ key: string; expr: string }>,
  ): Promise<Array<{ group_value: string | null; count: number; sums: Record<string, string | null> }>> {
    const sums = sumExprs.length
      ? `jsonb_build_object(${sumExprs.map((s) => `'${s.key}', (sum(${s.expr}))::text`).join(', ')})`
      : `'{}'::jsonb`;
    const group = groupExpr ? `(${groupExpr})::text` : 'NULL::text';
    return sql.rows(
      `SELECT ${group} AS group_value, count(*)::int AS count, ${sums} AS sums
       FROM records_t r
       WHERE r.form_id = $1 AND r.deleted_at IS NULL AND ($2::text IS NULL OR r.data->>$2::text = $3::text)
         ${query.where.length ? `AND ${query.where.join(' AND ')}` : ''}
       GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1000`,
      [formId, owner?.field ?? null, owner?.userId ?? null, ...query.params],
    );
  }

  /** Takes `count` numbers of an auto-number field (rising; gaps only where a transaction failed). */
  async nextNumbers(sql: Sql, formId: string, fieldKey: string, period: string, count: number): Promise<number[]> {
    const [row] = await sql.prepared<{ numbers: string[] }>('SELECT credo_next_numbers($1, $2, $3, $4) AS numbers', [formId, fieldKey, period, count]);
    return (row?.numbers ?? []).map(Number);
  }
}
