import { Injectable } from '@nestjs/common';
import type { Response } from 'express';
import { AppException } from '../../common/app.exception.js';
import { translate, type Locale } from '../../common/i18n.js';
import type { AuthContext } from '../../common/request-context.js';
import type { Sql } from '../../database/tenant-database.js';
import { pgClientOf } from '../imports/pg-client.js';
import { AuditRepository } from '../audit/audit.repository.js';
import { effectiveAccess } from '../forms/form-permissions.js';
import { FormsService, type PublishedForm } from '../forms/forms.service.js';
import { fieldExpression, parseRecordQuery } from '../records/record-query.js';
import type pg from 'pg';
import { CsvCopyOut, cancelBackend, type CopyOutTarget } from './csv-copy-out.js';
import { cellSql, csvCell, exportColumns, exportableFields, sqlLiteral, type ExportColumn, type HeaderMode } from './export-columns.js';

export interface ExportQuery {
  headers: HeaderMode;
  filter?: unknown;
  sort?: string;
  fields?: string[];
}

/** A sink rows are written to: CSV text or an XLSX stream. */
export interface ExportSink {
  contentType: string;
  extension: string;
  begin(columns: ExportColumn[]): Promise<void> | void;
  /** Writes rows of cells; resolves when the client has taken them (backpressure). */
  rows(rows: string[][]): Promise<void>;
  /**
   * CSV sinks only: where the CSV text PostgreSQL formats (COPY … FORMAT csv, rows with CRLF
   * ends) goes after the header.
   */
  csvOut?: CopyOutTarget;
  end(): Promise<void>;
}

const UTF8_BOM = '\uFEFF';

/**
 * Streams a record list (the same filter, sort and fields as GET …/records, the same permission
 * rules): CSV as PostgreSQL's own COPY output (cells formatted in SQL), XLSX through a server-side
 * cursor with cells formatted here. Memory stays bounded whatever the number of rows. Every
 * export is audited (who, which fields, how many rows, which filter).
 */
@Injectable()
export class ExportsService {
  constructor(
    private readonly forms: FormsService,
    private readonly audit: AuditRepository,
  ) {}

  async exportOrThrow(auth: AuthContext, key: string, query: ExportQuery, locale: Locale, res: Response, makeSink: (res: Response) => ExportSink): Promise<void> {
    await this.forms.withPublished(auth, key, false, async (sql, form) => {
      const plan = planOrThrow(form, auth, query, locale);
      const sink = makeSink(res);
      const stamp = new Date().toISOString().slice(0, 10).replace(/-/g, '');
      res.status(200);
      res.setHeader('Content-Type', sink.contentType);
      res.setHeader('Content-Disposition', `attachment; filename="${form.key}-${stamp}.${sink.extension}"`);
      res.setHeader('Cache-Control', 'no-store');
      try {
        await sink.begin(plan.columns);
        const client = pgClientOf(sql);
        const { count, aborted } = sink.csvOut && client ? await copyCsv(client, plan, res, sink.csvOut) : await fetchRows(sql, client, plan, res, sink);
        await this.audit.append(sql, {
          actorId: auth.userId,
          action: 'record.export',
          entity: `form:${form.key}`,
          details: { format: sink.extension, rows: count, ...(aborted ? { aborted } : {}), fields: plan.columns.map((c) => c.key), filter: query.filter ?? null, sort: query.sort ?? null },
          requestId: auth.requestId,
        });
        if (!aborted) await sink.end();
      } catch (error) {
        // Headers are gone: a cut connection is the only honest signal of a truncated file.
        res.destroy();
        throw error;
      }
    });
  }
}

interface ExportPlan {
  columns: ExportColumn[];
  /** The list query with raw cells c0…cN (`sql` with `params`). */
  sql: string;
  params: unknown[];
  /** The same query with formatted cells and the parameters inlined as literals (COPY takes no parameters). */
  copySql: string;
}

/**
 * CSV the fast way: PostgreSQL runs the list query and formats every cell (`ExportColumn.sql`)
 * and the CSV quoting itself (COPY … TO STDOUT, FORMAT csv); its rows go to the client with CRLF
 * ends (CsvCopyOut), read no faster than the client takes them. When the client leaves before
 * the end, the COPY is cancelled (not read to its end) and rolled back to a savepoint, so the
 * transaction can still write the audit entry and the connection goes back to the pool clean.
 */
async function copyCsv(client: pg.PoolClient, plan: ExportPlan, res: Response, target: CopyOutTarget): Promise<{ count: number; aborted: boolean }> {
  if (res.destroyed) return { count: 0, aborted: true };
  await client.query('SAVEPOINT credo_export');
  const copy = new CsvCopyOut(plan.copySql, target);
  let cancelled: Promise<void> | undefined;
  const leave = () => {
    if (!res.writableFinished) cancelled = copy.abandon(() => cancelBackend(client));
  };
  res.on('close', leave);
  try {
    void client.query(copy as unknown as pg.QueryConfig);
    if (res.destroyed) leave();
    await copy.done.catch((error: unknown) => {
      // The cancelled statement ends with an error: expected once the client has left.
      if (!copy.wasAbandoned) throw error;
    });
  } finally {
    res.off('close', leave);
  }
  if (!copy.wasAbandoned) return { count: copy.rows, aborted: false };
  // The backend has had the cancel signal before anything else runs on it.
  await cancelled;
  await client.query('ROLLBACK TO SAVEPOINT credo_export');
  return { count: copy.rows, aborted: true };
}

const FETCH = 2000;

/** Rows fetched from a server-side cursor in batches and formatted here (XLSX, or no pg client at hand). */
async function fetchRows(sql: Sql, client: pg.PoolClient | null, plan: ExportPlan, res: Response, sink: ExportSink): Promise<{ count: number; aborted: boolean }> {
  let count = 0;
  let aborted = false;
  await sql.rows(`DECLARE credo_export NO SCROLL CURSOR FOR ${plan.sql}`, plan.params);
  // Rows as arrays (no object per row; the columns are c0…cN in order) when the client is at hand.
  const fetch = () => {
    const rows: Promise<Array<Array<string | null>>> = client
      ? client.query<Array<string | null>>({ text: `FETCH ${FETCH} FROM credo_export`, rowMode: 'array' }).then((r) => r.rows)
      : sql.rows<Record<string, string | null>>(`FETCH ${FETCH} FROM credo_export`).then((batch) => batch.map((row) => plan.columns.map((_, i) => row[`c${i}`] ?? null)));
    // Awaited in the next turn of the loop; a failure surfaces there.
    rows.catch(() => undefined);
    return rows;
  };
  let next = fetch();
  for (;;) {
    const batch = await next;
    if (!batch.length) break;
    // The client left: stop reading (the cursor is closed below); the audit entry says how far it got.
    if (res.destroyed) {
      aborted = true;
      break;
    }
    // Pipelined: PostgreSQL reads the next batch while this one is formatted and sent.
    if (batch.length === FETCH) next = fetch();
    else next = Promise.resolve([]);
    count += batch.length;
    await sink.rows(batch.map((row) => plan.columns.map((column, i) => column.cell(row[i] ?? null))));
  }
  await sql.rows('CLOSE credo_export');
  return { count, aborted };
}

function planOrThrow(form: PublishedForm, auth: AuthContext, query: ExportQuery, locale: Locale): ExportPlan {
  const access = effectiveAccess(form.permissions, auth.roles);
  if (!access.actions.read) throw new AppException(403, 'auth.forbidden');
  // Hidden fields can be neither exported, filtered nor sorted on (that would leak them).
  const visible = form.compiled.definition.fields.filter((f) => !access.hidden.has(f.key));
  const parsed = parseRecordQuery(visible, query.filter, query.sort, 4);
  const unknown = (query.fields ?? []).filter((f) => !visible.some((v) => v.key === f));
  const problems = [...parsed.problems, ...unknown.map((field) => ({ path: '/fields', keyword: 'unknownField', params: { field } }))];
  if (!parsed.query || problems.length) {
    throw new AppException(
      400,
      'query.invalid',
      {},
      problems.map((p) => ({ ...p, message: translate(p.keyword === 'unknownField' ? 'query.unknown_field' : p.keyword === 'operator' ? 'query.operator' : p.keyword === 'notSortable' ? 'query.not_sortable' : 'query.type', locale, p.params ?? {}) })),
    );
  }
  const fields = exportableFields(form.compiled.definition.fields, access.hidden, query.fields);
  const columns = exportColumns(fields, query.headers, locale);
  const owner = access.ownRowsOnly;
  const select = fields.length ? fields.map((f, i) => `r.data->>'${checkedKey(f.key)}' AS c${i}`).join(', ') : '1 AS c_';
  // The list's order: NULLs last ascending, first descending (PostgreSQL's defaults), then id.
  const sort = parsed.query.sort;
  const order = sort.field ? `${fieldExpression(sort.field)} ${sort.direction.toUpperCase()}, r.id ${sort.direction.toUpperCase()}` : 'r.id DESC';
  const where = ['r.form_id = $1', 'r.deleted_at IS NULL', '($2::text IS NULL OR r.data->>$2::text = $3::text)', ...parsed.query.where];
  const from = `FROM records_t r WHERE ${where.join(' AND ')} ORDER BY ${order}`;
  const params = [form.id, owner?.field ?? null, owner ? auth.userId : null, ...parsed.query.params];
  // Each stored value is read once (t<i>, and j<i> as jsonb for multi-selects) in a subquery kept
  // apart by OFFSET 0 (not merged into the outer query, which would repeat the lookup in every
  // branch of a cell); the outer query formats the cells from those columns, in the subquery's order.
  const refs = fields.map((_, i) => ({ text: `ex.t${i}`, json: `ex.j${i}` }));
  const values = fields.flatMap((f, i) => [`r.data->>'${checkedKey(f.key)}' AS t${i}`, ...(f.type === 'multiselect' ? [`r.data->'${f.key}' AS j${i}`] : [])]);
  // One NULL column when no field is left: an empty line per record, as the row path writes.
  const cells = fields.length ? fields.map((f, i) => `${cellSql(f, query.headers, locale, refs[i])} AS c${i}`).join(', ') : 'NULL AS c_';
  const inner = `SELECT ${values.length ? values.join(', ') : '1 AS c_'} ${inlineParams(from, params)} OFFSET 0`;
  return {
    columns,
    sql: `SELECT ${select} ${from}`,
    params,
    // Placeholders are replaced in the list part only (labels in the cells may hold a "$1").
    copySql: `COPY (SELECT ${cells} FROM (${inner}) ex) TO STDOUT WITH (FORMAT csv)`,
  };
}

/** `$n` placeholders → SQL literals of `params[n-1]` (strings, booleans, numbers, arrays of those, null). */
export function inlineParams(sql: string, params: readonly unknown[]): string {
  const literal = (value: unknown): string => {
    if (value === null || value === undefined) return 'NULL';
    if (typeof value === 'boolean') return value ? 'true' : 'false';
    if (typeof value === 'number' || typeof value === 'bigint') return sqlLiteral(String(value));
    if (typeof value === 'string') return sqlLiteral(value);
    if (Array.isArray(value)) return value.length ? `ARRAY[${value.map(literal).join(', ')}]` : `'{}'`;
    throw new Error(`cannot inline a ${typeof value} parameter`);
  };
  return sql.replace(/\$(\d+)/g, (_, n: string) => {
    const index = Number(n) - 1;
    if (index < 0 || index >= params.length) throw new Error(`no parameter $${n}`);
    return literal(params[index]);
  });
}

function checkedKey(key: string): string {
  if (!/^[a-z][a-z0-9_]{0,62}$/.test(key)) throw new Error(`bad field key ${key}`);
  return key;
}

/** UTF-8 with a BOM (so Excel in Chinese Windows reads UTF-8), CRLF line ends, RFC 4180 quoting. */
export function csvSink(res: Response): ExportSink {
  return {
    contentType: 'text/csv; charset=utf-8',
    extension: 'csv',
    begin: (columns) => write(res, `${UTF8_BOM}${columns.map((c) => csvCell(c.header)).join(',')}\r\n`),
    rows: (rows) => write(res, rows.map((cells) => `${cells.map(csvCell).join(',')}\r\n`).join('')),
    csvOut: {
      write: (chunk, done) => res.write(chunk, () => done()),
      onDrain: (resume) => {
        const go = () => {
          res.off('drain', go);
          res.off('close', go);
          resume();
        };
        res.on('drain', go);
        res.on('close', go);
      },
    },
    end: () =>
      new Promise<void>((resolve) => {
        res.end(resolve);
      }),
  };
}

/**
 * Writes and waits for the socket to drain when its buffer is full (or the client to leave).
 * Once the client has left nothing is written and nothing waited for ('close' has been emitted).
 */
export function write(res: Response, chunk: string | Buffer): Promise<void> {
  if (res.destroyed || res.write(chunk) || res.destroyed) return Promise.resolve();
  return new Promise<void>((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}
