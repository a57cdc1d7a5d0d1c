import { Inject, Injectable } from '@nestjs/common';
import { autoNumberPeriod, formatAutoNumber, getFieldType, localize, type FieldDefinition } from '@credo/form-engine';
import { v7 as uuidv7 } from 'uuid';
import { AppException } from '../../common/app.exception.js';
import { Clock } from '../../common/clock.js';
import { translate, type Locale, type MessageKey } from '../../common/i18n.js';
import type { AuthContext } from '../../common/request-context.js';
import { RUNTIME_CONFIG, type RuntimeConfig } from '../../config/runtime-config.js';
import type { Sql } from '../../database/tenant-database.js';
import { AuditRepository } from '../audit/audit.repository.js';
import { effectiveAccess, type EffectiveAccess } from '../forms/form-permissions.js';
import { FormsService, type PublishedForm } from '../forms/forms.service.js';
import { diffRecordData, type RecordChanges } from '../records/record-diff.js';
import { fieldExpression } from '../records/record-query.js';
import { RecordsRepository } from '../records/records.repository.js';
import { RecordsService } from '../records/records.service.js';
import { RulesRepository } from '../rules/rules.repository.js';
import { RulesService } from '../rules/rules.service.js';
import { cellConverter, importable, type Converted, type UserIndex } from './cell-convert.js';
import { ImportBusinessChecks, creditOverrideAllowedOrThrow } from './import-business-checks.js';
import { CsvSyntaxError, parseCsvChunks } from './csv-parse.js';
import { decodeCsvChunks, type SourceEncoding } from './decode-text.js';
import { WorkbookError, streamXlsx, type SheetRecord } from './xlsx-read.js';
import { updateRecordsWithRevisions } from './bulk-update.js';
import { bufferSource, type ByteSource } from './byte-source.js';
import { CompactStringMap } from './compact-string-map.js';
import { uuidv7Many } from './uuid-v7-many.js';

export type ImportMode = 'insert' | 'upsert' | 'update';

export interface ImportOptions {
  /** insert: every row is a new record; upsert: rows whose key matches a record update it, the rest are new; update: every row must match one. */
  mode: ImportMode;
  /** The field rows are matched on (upsert / update): a unique or indexed field, or an auto-number. */
  key?: string;
  dryRun: boolean;
  /** Write the valid rows and report the others, instead of all or nothing. */
  skipInvalid?: boolean;
  /** Header text → field key (null: leave the column out), overriding the automatic match. */
  mapping?: Record<string, string | null>;
  /** Rows a single run may hold (the synchronous endpoint); background jobs have none. */
  maxRows?: number;
  /** A credit manager's reason to let rows over the credit limit, of blocked customers or needing approval through (audited once). */
  creditOverrideReason?: string;
}

/** One problem of the file: spreadsheet row (1 = header) and column (1 = A), the field, why. */
export interface ImportError {
  row: number;
  column: number | null;
  header: string | null;
  field: string | null;
  message: string;
}

/** An error with its message in both languages (the errors workbook is downloaded in either). */
export interface KeptError extends ImportError {
  messages: Record<Locale, string>;
}

/** A bad row of a chunk: its cells as read and its errors. */
export interface BadRow {
  row: number;
  cells: string[];
  errors: KeptError[];
}

export interface ImportColumn {
  column: number;
  header: string;
  field: string | null;
  /** Computed by the server (auto-numbers, formulas): read past, never imported. */
  ignored?: boolean;
}

export interface ImportReport {
  mode: ImportMode;
  key?: string;
  dryRun: boolean;
  /** How the file was read: a CSV's text encoding, or xlsx. */
  encoding: SourceEncoding | 'xlsx';
  columns: ImportColumn[];
  rows: { total: number; valid: number; invalid: number; empty: number };
  errors: ImportError[];
  created?: number;
  updated?: number;
  /** Rows that matched a record holding the same values already (nothing written). */
  unchanged?: number;
  /** Rows left out of a commit with skipInvalid (their errors are in `errors`). */
  skipped?: number;
  /** Dry runs: the field each header most likely is (by key, label, synonym or a partial match). */
  suggestedMapping?: SuggestedColumn[];
  /** Milliseconds spent per stage: reading the file, lookups, validation, database checks, preparing new rows (auto-numbers, row text), writing (rule results too when evaluated before the write), evaluating the rule sets (rules) and storing their results after the write (rulesWrite). */
  timings?: { read: number; lookups: number; validate: number; check: number; prepare: number; write: number; rules: number; rulesWrite: number; queue: number };
}

/** What a running import tells its job after each chunk. */
export interface ImportProgress {
  processed: number;
  /** Rows in the file, estimated before the run (null when unknown). */
  estimate: number | null;
  valid: number;
  invalid: number;
  created: number;
  updated: number;
  unchanged: number;
  badRows: BadRow[];
}

export interface ImportHooks {
  /** After each chunk; may throw (e.g. cancelled) to roll the whole import back. */
  onChunk?: (progress: ImportProgress) => Promise<void>;
}

const MAX_ERRORS = 50;
const MAX_KEPT_ERRORS = 10_000;
export const MAX_IMPORT_ROWS = 200_000;
const LOOKUP_CHUNK = 5000;
/** Rows converted, validated, checked and written together. */
const CHUNK_ROWS = 5000;
/** CPU-bound loops let the event loop in after this many rows (a chunk's write is sent and answered meanwhile). */
const YIELD_ROWS = 200;
const yieldToIo = () => new Promise<void>((resolve) => setImmediate(resolve));
/** Customers classified again per batch after an import of their receivables / payments. */
const REFRESH_CUSTOMERS = 1000;
const OTHER: Record<Locale, Locale> = { 'zh-CN': 'en', en: 'zh-CN' };

interface PendingRow {
  row: number;
  cells: string[];
  data: Record<string, unknown>;
  /** The key cell (upsert / update), normalized as stored. */
  keyText?: string;
  /** The record the key matched. */
  target?: { id: string; rev: number; data: Record<string, unknown>; form_version_id: string };
  /** The record as it will be written (updates). */
  merged?: Record<string, unknown>;
}

/**
 * CSV / XLSX import: decode (UTF-8 / GB18030), map headers to fields by key or zh-CN / en label,
 * convert cells (money, Chinese dates, option labels, users by e-mail or name), validate every
 * row with the form's compiled validator, check references and unique fields against the file
 * and the database; insert, update or upsert by a key field. The file is read and written in
 * chunks of CHUNK_ROWS inside one transaction: a dry run reports, a commit writes all rows or
 * none (or, with skipInvalid, the valid ones).
 */
@Injectable()
export class ImportsService {
  private readonly blockingByVersion = new Map<string, boolean>();

  constructor(
    private readonly forms: FormsService,
    private readonly records: RecordsService,
    private readonly recordRows: RecordsRepository,
    private readonly audit: AuditRepository,
    private readonly rules: RulesService,
    private readonly ruleSets: RulesRepository,
    private readonly clock: Clock,
    @Inject(RUNTIME_CONFIG) private readonly config: RuntimeConfig,
  ) {}

  /** The synchronous endpoint: a whole file of at most MAX_IMPORT_ROWS rows within the request. */
  importCsvOrThrow(auth: AuthContext, key: string, bytes: Buffer, options: ImportOptions, locale: Locale): Promise<ImportReport> {
    return this.runOrThrow(auth, key, bytes, { maxRows: MAX_IMPORT_ROWS, ...options }, locale);
  }

  /** Reads the header only: the columns and the fields suggested for each (the mapping step). */
  async previewOrThrow(auth: AuthContext, key: string, bytes: Buffer, locale: Locale) {
    const source = openSourceOrThrow(bytes, locale);
    return this.forms.withPublished(auth, key, false, async (_sql, form) => {
      const access = accessForModeOrThrow(form, auth, 'insert');
      const header = await readHeader(source.records, locale);
      const visible = form.compiled.definition.fields.filter((f) => !access.hidden.has(f.key));
      return { encoding: source.encoding, columns: suggestMapping(header, visible) };
    });
  }

  /** The form exists and this user may import into it in `mode` (a background job checks before queueing). */
  async checkAccessOrThrow(auth: AuthContext, key: string, mode: ImportMode, creditOverrideReason?: string): Promise<void> {
    await this.forms.withPublished(auth, key, false, async (sql, form) => {
      accessForModeOrThrow(form, auth, mode);
      if (creditOverrideReason !== undefined) await creditOverrideAllowedOrThrow(sql, auth);
    });
  }

  /** A saved column mapping's header → field map. */
  async mappingOrThrow(auth: AuthContext, key: string, id: string): Promise<Record<string, string | null>> {
    const mapping = (await this.mappingsOrThrow(auth, key)).find((m) => m.id === id);
    if (!mapping) throw new AppException(404, 'imports.mapping_not_found');
    return Object.fromEntries(mapping.columns.map((c) => [c.header, c.field]));
  }

  async mappingsOrThrow(auth: AuthContext, key: string): Promise<ImportMappingDto[]> {
    return this.forms.withPublished(auth, key, false, async (sql) => {
      const rows = await sql.rows<{ id: string; name: string; columns: ImportMappingDto['columns']; mode: ImportMode; key_field: string | null; created_at: Date }>(
        'SELECT id, name, columns, mode, key_field, created_at FROM import_mappings WHERE form_key = $1 ORDER BY lower(name)',
        [key],
      );
      return rows.map((r) => ({ id: r.id, name: r.name, columns: r.columns, mode: r.mode, key: r.key_field, createdAt: r.created_at.toISOString() }));
    });
  }

  /** Saves (or, under the same name, replaces) a mapping; its fields must be importable fields of the form. */
  async saveMappingOrThrow(auth: AuthContext, key: string, body: { name: string; columns: Array<{ header: string; field: string | null }>; mode?: ImportMode; key?: string | null }, locale: Locale): Promise<ImportMappingDto> {
    return this.forms.withPublished(auth, key, true, async (sql, form) => {
      const mode = body.mode ?? 'insert';
      accessForModeOrThrow(form, auth, mode);
      const access = effectiveAccess(form.permissions, auth.roles);
      const visible = form.compiled.definition.fields.filter((f) => !access.hidden.has(f.key));
      const problems = body.columns.flatMap((c, i) =>
        c.field !== null && !visible.some((f) => f.key === c.field && importableOrKey(f))
          ? [{ path: `/columns/${i}/field`, keyword: 'field', message: translate('imports.mapping_unknown_field', locale, { header: c.header, field: c.field }) }]
          : [],
      );
      if (problems.length) throw new AppException(400, 'http.validation_failed', {}, problems);
      if (mode !== 'insert') keyFieldOrThrow(form, visible, body.key ?? undefined, locale);
      const id = uuidv7();
      const [row] = await sql.rows<{ id: string; created_at: Date }>(
        `INSERT INTO import_mappings (tenant_id, id, form_key, name, columns, mode, key_field, created_by)
         VALUES ($1, $2, $3, $4, $5::jsonb, $6, $7, $8)
         ON CONFLICT (tenant_id, form_key, lower(name)) DO UPDATE SET columns = EXCLUDED.columns, mode = EXCLUDED.mode, key_field = EXCLUDED.key_field
         RETURNING id, created_at`,
        [auth.tenantId, id, key, body.name, JSON.stringify(body.columns), mode, mode === 'insert' ? null : (body.key ?? null), auth.userId],
      );
      await this.audit.append(sql, { actorId: auth.userId, action: 'import_mapping.save', entity: `form:${key}`, entityId: row!.id, details: { name: body.name }, requestId: auth.requestId });
      return { id: row!.id, name: body.name, columns: body.columns, mode, key: mode === 'insert' ? null : (body.key ?? null), createdAt: row!.created_at.toISOString() };
    });
  }

  async runOrThrow(auth: AuthContext, key: string, bytes: Buffer | ByteSource, options: ImportOptions, locale: Locale, hooks: ImportHooks = {}): Promise<ImportReport> {
    const source = openSourceOrThrow(bytes, locale);
    return this.forms.withPublished(auth, key, !options.dryRun, async (sql, form) => {
      const access = accessForModeOrThrow(form, auth, options.mode);
      const header = await readHeader(source.records, locale);
      const visible = form.compiled.definition.fields.filter((f) => !access.hidden.has(f.key));
      const suggested = suggestMapping(header, visible);
      let mapping: MappedColumn[];
      try {
        mapping = mapColumnsOrThrow(header, visible, access.readonly, locale, options.mapping);
      } catch (error) {
        // The mapping step needs the fields each header may be, so a header problem carries them.
        if (error instanceof AppException) throw new AppException(error.status, error.code, error.params, error.errors, { ...error.extensions, suggestedMapping: suggested });
        throw error;
      }
      const keyField = options.mode === 'insert' ? null : keyFieldOrThrow(form, visible, options.key, locale);
      const keyColumn = keyField ? mapping.find((m) => m.field?.key === keyField.key) : undefined;
      if (keyField && !keyColumn) {
        throw fileProblem([rowError(1, null, null, keyField.key, msg('imports.key_column_missing', { field: localize(keyField.label, locale) || keyField.key }), locale)]);
      }
      const users = await this.userIndex(sql, form);
      const converters = mapping.map((m) => (m.field && !m.ignored ? cellConverter(m.field, users, locale) : null));
      const report: ImportReport = {
        mode: options.mode,
        ...(keyField ? { key: keyField.key } : {}),
        dryRun: options.dryRun,
        encoding: source.encoding,
        columns: mapping.map((m) => ({ column: m.column, header: m.header, field: m.field?.key ?? null, ...(m.ignored ? { ignored: true } : {}) })),
        rows: { total: 0, valid: 0, invalid: 0, empty: 0 },
        errors: [],
        ...(options.dryRun ? { suggestedMapping: suggested } : {}),
      };
      const counts = { created: 0, updated: 0, unchanged: 0 };
      // Where the time goes, per stage (ms): read (decode, parse, convert), lookups (references, keys),
      // validate (ajv, validation rules), rules (rule results evaluated before the write), check (unique
      // values and links against the database), prepare (numbers, row text), queue (waiting for the
      // previous chunk's write), write (PostgreSQL taking the rows).
      const timings = { read: 0, lookups: 0, validate: 0, check: 0, prepare: 0, write: 0, rules: 0, rulesWrite: 0, queue: 0 };
      // Customers whose class depends on the rows written (a receivable's or payment's customer).
      const customers = new Set<string>();
      let pendingWrite: Promise<void> = Promise.resolve();
      let mark = performance.now();
      const lap = (stage: keyof typeof timings) => {
        const now = performance.now();
        timings[stage] += now - mark;
        mark = now;
      };
      const invalidRows = new Set<number>();
      // Rows a chunk's write found bad after its own progress was reported (their cells go with the next report).
      let lateBad: BadRow[] = [];
      // Errors are kept (up to a bound) and sorted, so the report shows the first rows' problems.
      const errors: KeptError[] = [];
      let chunkErrors = new Map<number, KeptError[]>();
      const addError = (error: KeptError) => {
        invalidRows.add(error.row);
        if (errors.length < MAX_KEPT_ERRORS) errors.push(error);
        const list = chunkErrors.get(error.row);
        if (list) list.push(error);
        else chunkErrors.set(error.row, [error]);
      };
      const columnOf = new Map(mapping.filter((m) => m.field).map((m) => [m.field!.key, m]));
      const asOf = this.clock.today(this.config.timezone);
      const blocking = form.rules ? await this.hasValidationRules(sql, form.rules.id) : false;
      const seen: FileSeen = { unique: new Map(), keys: new CompactStringMap() };
      const staged: { rules?: boolean } = {};
      const write = !options.dryRun;
      // Credit limits, blocked customers, approvals, write-offs, payment allocations: as single writes check them.
      const deps = { forms: this.forms, rules: this.rules, ruleSets: this.ruleSets, records: this.recordRows, audit: this.audit };
      const business = await ImportBusinessChecks.start(deps, sql, auth, form, { write, asOf, locale, overrideReason: options.creditOverrideReason });
      let processed = 0;
      // Rule results may be evaluated before the write (see evaluateEarly) until the rule set asks the database.
      let earlyRules = !!form.rules && !business && autoNumbersUnused(form);
      let earlyMisses = 0;

      const runChunk = async (chunk: PendingRow[]) => {
        lap('read');
        await this.resolveReferences(sql, form, chunk, columnOf, locale, addError);
        if (keyField) await this.matchKeys(sql, form, keyField, keyColumn!, options.mode as 'upsert' | 'update', chunk, seen, access, auth, locale, addError);
        lap('lookups');
        const fieldError = (row: number, error: { path: string; message: string }, other?: string) => {
          const fieldKey = /^\/([a-z][a-z0-9_]*)/.exec(error.path)?.[1] ?? null;
          const column = fieldKey ? columnOf.get(fieldKey) : undefined;
          const messages = { [locale]: error.message, [OTHER[locale]]: other ?? error.message } as Record<Locale, string>;
          addError({ ...rowError(row, column?.column ?? null, column?.header ?? null, fieldKey, () => '', locale), message: error.message, messages });
        };
        const judged: Array<{ row: number; id: string | null; data: Record<string, unknown> }> = [];
        for (const r of chunk) {
          if (invalidRows.has(r.row)) continue;
          let input = r.data;
          if (r.target) {
            input = form.compiled.withoutComputed(r.target.data);
            Object.assign(input, r.data);
            // A stored value the new values hide (e.g. uscc once country is not CN) is dropped, as PATCH does.
            const states = form.compiled.fieldStates(input);
            for (const k of Object.keys(input)) if (states[k]?.visible === false && !(k in r.data)) delete input[k];
            r.merged = input;
          }
          const result = form.compiled.validateInput(input, locale, { asOf });
          if (!result.valid) {
            const other = form.compiled.validateInput(input, OTHER[locale], { asOf });
            result.errors.forEach((e, i) => fieldError(r.row, e, other.valid ? undefined : other.errors[i]?.message));
            continue;
          }
          // The form's published rule set judges the row as a single write would (validation rules
          // block it; classifications and alerts do not: they are stored once the chunk is written).
          if (blocking) judged.push({ row: r.row, id: r.target?.id ?? null, data: form.compiled.complete(r.target ? { ...input, ...autoNumbers(form, r.target.data) } : input, { asOf }) });
        }
        // All the chunk's rows at once: their facts (customers, rollups) in one query.
        const verdicts = await this.rules.validationErrorsMany(sql, form, judged, locale);
        // With business checks (credit, approvals, payments) the rules' refusals wait for them, as a
        // single create checks credit before its rule set: a refusal there is the message shown.
        const ruleErrors = new Map<number, Array<{ path: string; message: string }>>();
        verdicts.forEach((errors, i) => {
          if (!errors?.length) return;
          if (business) ruleErrors.set(judged[i]!.row, errors);
          else errors.forEach((e) => fieldError(judged[i]!.row, e));
        });
        lap('validate');
        // New rows' rule results (class, scorecard, alerts) evaluated now, while PostgreSQL is still
        // writing the previous chunk, when the rule set needs nothing from the database for them
        // (a new customer's rollups are zero): written with the records by one statement.
        const early = write && earlyRules && (options.skipInvalid || invalidRows.size === 0) ? await this.evaluateEarly(sql, form, chunk, invalidRows, asOf, locale) : null;
        // The first chunk may miss only because the compiled rule set is not cached yet.
        if (early === undefined && ++earlyMisses >= 2) earlyRules = false;
        lap('rules');
        // New rows about to be written are not looked up first: the write passes over a row whose
        // value a record holds (ON CONFLICT DO NOTHING on the field's unique index) and only those
        // rows are looked up, to name them. A dry run, an update or a chunk not written looks up now.
        const optimistic = write && options.mode === 'insert' && !business && (options.skipInvalid || invalidRows.size === 0);
        await this.checkAgainstDatabase(sql, form, chunk.filter((r) => !invalidRows.has(r.row)), columnOf, keyField, seen, locale, addError, !optimistic);
        const ruleRefused = (row: number) => {
          const errors = ruleErrors.get(row);
          errors?.forEach((e) => fieldError(row, e));
          return !!errors;
        };
        await business?.check(sql, chunk.filter((r) => !invalidRows.has(r.row)), (row, field, message) => {
          const column = field ? columnOf.get(field) : undefined;
          addError(rowError(row, column?.column ?? null, column?.header ?? null, field, message, locale));
        }, ruleRefused);
        lap('check');
        const good = chunk.filter((r) => !invalidRows.has(r.row));
        const writing = write && (options.skipInvalid || invalidRows.size === 0);
        // Not written after all (an earlier chunk's row turned out bad meanwhile): looked up now.
        if (optimistic && !writing) await this.explainTaken(sql, form, good, columnOf, locale, addError, false);
        // All or nothing: once a row is bad nothing more is written (the transaction rolls back).
        if (writing) {
          // Pipelined: PostgreSQL writes this chunk while the next one is read and validated (its
          // queries queue behind the write on the same connection, so they see it).
          const fresh = good.filter((r) => !r.target);
          const inserts = fresh.map((r) => r.data);
          const updates = good.filter((r) => r.target);
          const settlements = business?.take() ?? null;
          // Evaluated early for every row written: the results go in with the records.
          const pre = early && !updates.length && fresh.every((r) => early.byRow.has(r.row)) ? { ...early, rows: fresh.map((r) => early.byRow.get(r.row)!) } : null;
          if (pre) for (const id of pre.customers) customers.add(id);
          // Numbers drawn and row text rendered now, while the previous chunk is still being written.
          const prepared = await this.prepareInserts(sql, form, inserts, asOf, pre);
          lap('prepare');
          await pendingWrite;
          lap('queue');
          pendingWrite = (async () => {
            const started = performance.now();
            const passedOver = await this.writeInserts(sql, auth, form, prepared, optimistic);
            let inserted = prepared.written;
            if (passedOver.size) {
              inserted = inserted.filter((w) => !passedOver.has(w.id));
              const rows = fresh.filter((_, i) => passedOver.has(prepared.written[i]!.id));
              const found = new Map<number, KeptError[]>();
              await this.explainTaken(sql, form, rows, columnOf, locale, (error) => {
                addError(error);
                found.set(error.row, [...(found.get(error.row) ?? []), error]);
              }, true);
              for (const r of rows) lateBad.push({ row: r.row, cells: r.cells, errors: found.get(r.row) ?? [] });
            }
            counts.created += inserted.length;
            await business?.settle(sql, settlements);
            const written = await this.updateRows(sql, auth, form, updates, asOf);
            counts.updated += written.length;
            counts.unchanged += updates.length - written.length;
            const wrote = performance.now();
            timings.write += wrote - started;
            if (pre) return;
            // Their rule results (class, scorecard, alerts) as the same rows written one by one
            // would store them, one statement per chunk; the customers they touch are noted.
            const evaluated = await this.rules.evaluateWritten(
              sql,
              form,
              [...inserted.map((w) => ({ id: w.id, data: withoutAutoNumbers(form, w.data), created: true })), ...written.map((w) => ({ ...w, created: false }))],
              locale,
            );
            for (const id of evaluated.customers) customers.add(id);
            const stored = performance.now();
            timings.rules += stored - wrote;
            if (evaluated.versionId !== null) await this.saveRuleResults(sql, evaluated.versionId, evaluated.asOf, evaluated.results, staged);
            timings.rulesWrite += performance.now() - stored;
          })();
          // Rejections surface where the write is awaited (next chunk or the end), not as unhandled.
          pendingWrite.catch(() => undefined);
        }
        lap('queue');
        processed += chunk.length;
        if (hooks.onChunk) {
          const badRows = chunk.filter((r) => chunkErrors.has(r.row)).map((r) => ({ row: r.row, cells: r.cells, errors: chunkErrors.get(r.row)! }));
          const listed = new Set(badRows.map((b) => b.row));
          badRows.push(...lateBad.filter((b) => !listed.has(b.row)));
          lateBad = [];
          // File-level problems of rows not in the chunk (none today) are dropped with the map.
          await hooks.onChunk({
            processed,
            estimate: source.estimate,
            valid: processed - invalidRows.size,
            invalid: invalidRows.size,
            ...counts,
            badRows,
          });
        }
        chunkErrors = new Map();
        mark = performance.now();
      };

      let chunk: PendingRow[] = [];
      try {
        for (;;) {
          const next = await source.records.next();
          if (next.done) break;
          const record = next.value;
          if (record.cells.every((c) => c.trim() === '')) {
            report.rows.empty += 1;
            continue;
          }
          report.rows.total += 1;
          if (report.rows.total % YIELD_ROWS === 0) await yieldToIo();
          if (options.maxRows && report.rows.total > options.maxRows) {
            throw fileProblem([rowError(record.row, null, null, null, msg('imports.too_many_rows', { max: options.maxRows }), locale)]);
          }
          const data: Record<string, unknown> = {};
          const pending: PendingRow = { row: record.row, cells: record.cells, data };
          chunk.push(pending);
          let ok = true;
          for (const problem of record.problems) {
            const column = mapping[problem.column - 1];
            addError(rowError(record.row, problem.column, column?.header ?? null, column?.field?.key ?? null, msg(problem.code), locale));
            ok = false;
          }
          for (let i = 0; i < record.cells.length; i++) {
            const text = record.cells[i]!.trim();
            if (text === '') continue;
            const column = mapping[i];
            if (!column) {
              addError(rowError(record.row, i + 1, null, null, msg('imports.extra_cells', { cells: record.cells.length, columns: header.length }), locale));
              ok = false;
              break;
            }
            if (column === keyColumn && column.ignored) pending.keyText = text;
            const convert = converters[i];
            if (!convert) continue;
            const converted: Converted = convert(text);
            if ('problem' in converted) {
              const { code, params } = converted.problem;
              addError(rowError(record.row, column.column, column.header, column.field!.key, msg(code, params), locale));
              ok = false;
            } else data[column.field!.key] = converted.value;
          }
          if (ok && keyField && !keyColumn!.ignored && data[keyField.key] !== undefined) {
            pending.keyText = String((getFieldType(keyField.type).normalize ?? ((v: unknown) => v))(data[keyField.key]));
          }
          if (ok && access.ownRowsOnly && data[access.ownRowsOnly.field] !== auth.userId && options.mode === 'insert') {
            const owner = columnOf.get(access.ownRowsOnly.field);
            addError(rowError(record.row, owner?.column ?? null, owner?.header ?? null, access.ownRowsOnly.field, msg('records.owner_forbidden', { field: access.ownRowsOnly.field }), locale));
          }
          if (chunk.length >= CHUNK_ROWS) {
            await runChunk(chunk);
            chunk = [];
          }
        }
      } catch (error) {
        throw syntaxOr(error, locale);
      }
      if (chunk.length || hooks.onChunk) await runChunk(chunk);
      await pendingWrite;
      // The last chunk's write found bad rows after its report: one more report carries them.
      if (lateBad.length && hooks.onChunk) {
        await runChunk([]);
        await pendingWrite;
      }
      if (write && customers.size) {
        const started = performance.now();
        const ids = [...customers];
        for (let i = 0; i < ids.length; i += REFRESH_CUSTOMERS) await this.rules.refreshCustomers(sql, ids.slice(i, i + REFRESH_CUSTOMERS), locale);
        timings.rules += performance.now() - started;
      }
      report.rows.invalid = invalidRows.size;
      report.rows.valid = report.rows.total - report.rows.invalid;
      report.errors = errors
        .sort((a, b) => a.row - b.row || (a.column ?? 0) - (b.column ?? 0))
        .slice(0, MAX_ERRORS)
        .map(({ messages: _messages, ...e }) => e);
      report.timings = Object.fromEntries(Object.entries(timings).map(([k, v]) => [k, Math.round(v)])) as ImportReport['timings'];
      if (options.dryRun) return report;
      if (invalidRows.size && !options.skipInvalid) {
        throw new AppException(400, 'imports.invalid_rows', { count: invalidRows.size }, report.errors.map(toProblemError), { report });
      }
      await business?.finish(sql);
      await this.audit.append(sql, {
        actorId: auth.userId,
        action: 'record.import',
        entity: `form:${key}`,
        details: { mode: options.mode, key: keyField?.key, rows: counts.created + counts.updated, created: counts.created, updated: counts.updated, skipped: invalidRows.size, encoding: source.encoding, columns: report.columns.map((c) => c.field) },
        requestId: auth.requestId,
      });
      report.created = counts.created;
      if (options.mode !== 'insert') {
        report.updated = counts.updated;
        report.unchanged = counts.unchanged;
      }
      if (options.skipInvalid) report.skipped = invalidRows.size;
      return report;
    });
  }

  /**
   * Rule results of a chunk's new rows, evaluated before they are written, as evaluateWritten
   * evaluates them after (same ids, same data without auto-numbers): only when every valid row
   * is new and the rule set needs no query for them (evaluateWritten gets a Sql that refuses
   * every statement; undefined when it asked). null: nothing to evaluate.
   */
  private async evaluateEarly(sql: Sql, form: PublishedForm, chunk: PendingRow[], invalid: Set<number>, asOf: string, locale: Locale): Promise<EarlyResults | null | undefined> {
    const valid = chunk.filter((r) => !invalid.has(r.row));
    if (!valid.length || valid.some((r) => r.target)) return null;
    const byRow = new Map<number, EarlyRow>();
    const early: EarlyResults = { versionId: '', asOf: '', customers: [], byRow };
    // A slice at a time, the event loop let in between: the previous chunk's write keeps flowing.
    for (let start = 0; start < valid.length; start += YIELD_ROWS) {
      if (start) await yieldToIo();
      const slice = valid.slice(start, start + YIELD_ROWS);
      const ids = uuidv7Many(slice.length);
      const completed = slice.map((r) => form.compiled.complete(r.data, { asOf }));
      let evaluated: Awaited<ReturnType<RulesService['evaluateWritten']>>;
      try {
        evaluated = await this.rules.evaluateWritten(offline(sql), form, slice.map((_, i) => ({ id: ids[i]!, data: withoutAutoNumbers(form, completed[i]!), created: true })), locale);
      } catch (error) {
        if (error instanceof NeedsQuery) return undefined;
        throw error;
      }
      if (evaluated.versionId === null) return undefined;
      early.versionId = evaluated.versionId;
      early.asOf = evaluated.asOf;
      early.customers.push(...evaluated.customers);
      // Each row's text rendered now too (the CPU work overlaps the previous chunk's write),
      // without its auto-numbers: prepareInserts puts them in front once they are drawn (jsonb keeps
      // no key order, so the stored values are those of the whole object rendered at once).
      slice.forEach((r, i) => {
        const data = completed[i]!;
        const result = evaluated.results[i]!;
        const copy = {
          data: JSON.stringify(data).slice(1),
          results: `\t${JSON.stringify(result.values)}\t${JSON.stringify(result.alerts)}\t${JSON.stringify(result.explanation)}`,
        };
        byRow.set(r.row, { id: ids[i]!, data, result, copy });
      });
    }
    return early;
  }


  /**
   * New records, before their write: auto-numbers drawn for the batch, completed, given ids and
   * rendered as text for writeInserts (a line per row): uuid and the record's jsonb (its create revision
   * stores the same data and no changes: NULL, every field), and with `pre` (rows evaluated and
   * rendered early) its rule results (values, alerts, explanation, as RulesRepository.saveResults
   * stores them).
   * Run while PostgreSQL still writes the previous chunk; the write itself is writeInserts.
   */
  private async prepareInserts(sql: Sql, form: PublishedForm, inputs: Record<string, unknown>[], asOf: string, pre: PreparedInserts['pre']): Promise<PreparedInserts> {
    if (!inputs.length) return { written: [], text: null, pre: null };
    // Evaluated early, a row's completed data is its own (rendered and evaluated already): its
    // numbers go into it in place; other rows' values are copied before numbers and completion.
    const datas = pre ? pre.rows.map((r) => r.data) : inputs.map(copyOf);
    for (const field of form.compiled.autoNumberFields) {
      const period = autoNumberPeriod(field.pattern, asOf);
      const numbers = await this.recordRows.nextNumbers(sql, form.id, field.key, period, datas.length);
      datas.forEach((data, i) => {
        data[field.key] = formatAutoNumber(field.pattern, numbers[i]!, asOf);
      });
    }
    const ids = pre ? null : uuidv7Many(datas.length);
    const written = datas.map((data, i) => ({ id: pre ? pre.rows[i]!.id : ids![i]!, data: pre ? data : form.compiled.complete(data, { asOf }) }));
    if (pre) {
      // Rendered early: only the auto-numbers are put in front of each row's data.
      const numbered = form.compiled.autoNumberFields.map((f) => `${JSON.stringify(f.key)}:`);
      const parts: string[] = [];
      for (let i = 0; i < written.length; i++) {
        const { id, data } = written[i]!;
        const copy = pre.rows[i]!.copy;
        let numbers = '';
        for (let k = 0; k < numbered.length; k++) numbers += `${numbered[k]}${JSON.stringify(data[form.compiled.autoNumberFields[k]!.key])},`;
        if (copy.data === '}') numbers = numbers.slice(0, -1);
        parts.push(`${id}\t{${numbers}${copy.data}${copy.results}\n`);
      }
      return { written, text: parts.join(''), pre };
    }
    const parts: string[] = [];
    for (let i = 0; i < written.length; i++) {
      const { id, data } = written[i]!;
      parts.push(`${id}\t${JSON.stringify(data)}\n`);
    }
    return { written, text: parts.join(''), pre: null };
  }

  /**
   * Prepared new records written with their 'create' revisions (and, evaluated early, their rule
   * results) by one statement per chunk — the same rows, revisions and results the record API
   * writes, except that a revision's changes are NULL (every field of its data: see
   * revisionChanges). The chunk goes as one text parameter, a line per row of tab-separated
   * fields (JSON never holds a raw tab or line break), split and cast once (a CTE read three
   * times is materialised): one round trip per chunk — no staging table to COPY into, move from
   * and empty, each round trip waiting for the event loop, busy with the next chunk meanwhile.
   *
   * `passOver`: a row whose unique value a record already holds is not written (nor its revision
   * and rule result) and its id is returned; otherwise such a row fails the statement. The chunk is
   * first sent as it is inside credo_import_insert (a subtransaction: a refusal writes nothing and,
   * unlike a failed statement, does not abort the statements pipelined behind it); only when it is
   * refused does it go again with ON CONFLICT DO NOTHING (writeInsertsPassingOver).
   */
  private async writeInserts(sql: Sql, auth: AuthContext, form: PublishedForm, prepared: PreparedInserts, passOver = false): Promise<Set<string>> {
    const { written, text, pre } = prepared;
    if (!written.length || text === null) return new Set();
    // Nothing RETURNed and joined back: the revisions' and rule results' rows come from the same
    // parsed rows as the records'.
    const rows = chunkRows(!!pre, '');
    const records = chunkRecords('');
    const revisions = `INSERT INTO record_revisions (tenant_id, record_id, rev, action, form_version_id, changes, data, actor_id)
       SELECT $2::uuid, s.id, 1, 'create', $4::uuid, NULL, s.data, $5::uuid FROM s`;
    const statement = pre
      ? `WITH ${rows}, ${records}, rv AS (${revisions})
         INSERT INTO record_rule_results (tenant_id, record_id, rule_version_id, as_of, vals, alerts, explanation)
         SELECT $2::uuid, s.id, $6::uuid, $7::date, s.vals, s.alerts, s.explanation FROM s`
      : `WITH ${rows}, ${records} ${revisions}`;
    const values = [text, auth.tenantId, form.id, form.versionId, auth.userId, ...(pre ? [pre.versionId, pre.asOf] : [])];
    if (!passOver) {
      await sql.rows(statement, values);
      return new Set();
    }
    const [tried] = await sql.rows<{ ok: boolean }>(
      'SELECT credo_import_insert($1::text, $2::text, $3::uuid, $4::uuid, $5::uuid, $6::uuid, $7::uuid, $8::date) AS ok',
      [statement, text, auth.tenantId, form.id, form.versionId, auth.userId, pre?.versionId ?? null, pre?.asOf ?? null],
    );
    if (tried?.ok) return new Set();
    return this.writeInsertsPassingOver(sql, auth, form, prepared);
  }

  private async writeInsertsPassingOver(sql: Sql, auth: AuthContext, form: PublishedForm, prepared: PreparedInserts): Promise<Set<string>> {
    const { text, pre } = prepared;
    const parts = [
      chunkRows(!!pre, 'MATERIALIZED'),
      chunkRecords('ON CONFLICT DO NOTHING RETURNING id'),
      `rv AS (INSERT INTO record_revisions (tenant_id, record_id, rev, action, form_version_id, changes, data, actor_id)
         SELECT $2::uuid, s.id, 1, 'create', $4::uuid, NULL, s.data, $5::uuid FROM s JOIN r ON r.id = s.id)`,
    ];
    const params: unknown[] = [text, auth.tenantId, form.id, form.versionId, auth.userId];
    if (pre) {
      params.push(pre.versionId, pre.asOf);
      parts.push(`rr AS (INSERT INTO record_rule_results (tenant_id, record_id, rule_version_id, as_of, vals, alerts, explanation)
         SELECT $2::uuid, s.id, $6::uuid, $7::date, s.vals, s.alerts, s.explanation FROM s JOIN r ON r.id = s.id)`);
    }
    const missed = await sql.rows<{ id: string }>(`WITH ${parts.join(', ')} SELECT s.id FROM s WHERE NOT EXISTS (SELECT 1 FROM r WHERE r.id = s.id)`, params);
    return new Set(missed.map((m) => m.id));
  }

  /**
   * Rule results of the rows just written, as a single write stores them (compact: the
   * explanation is rebuilt on read): COPY into a transaction-scoped staging table, then one
   * INSERT … SELECT (upsert on the record) into record_rule_results (RulesService.saveWritten).
   */
  private async saveRuleResults(
    sql: Sql,
    versionId: string,
    asOf: string,
    results: Array<{ recordId: string; values: unknown; alerts: unknown; explanation: unknown }>,
    staged: { rules?: boolean },
  ): Promise<void> {
    await this.rules.saveWritten(sql, versionId, asOf, results, staged);
  }

  /**
   * Matched records get the row's values: rev + 1 and an 'update' revision with the changes, as
   * PATCH writes them, many per statement. Rows that change nothing are not written. Returns how
   * many were written.
   */
  private async updateRows(sql: Sql, auth: AuthContext, form: PublishedForm, rows: PendingRow[], asOf: string): Promise<Array<{ id: string; data: Record<string, unknown>; before: Record<string, unknown> }>> {
    const changed: Array<{ id: string; rev: number; data: Record<string, unknown>; changes: RecordChanges; before: Record<string, unknown> }> = [];
    for (const r of rows) {
      const data = form.compiled.complete({ ...r.merged!, ...autoNumbers(form, r.target!.data) }, { asOf });
      const changes = diffRecordData(r.target!.data, data);
      if (!Object.keys(changes).length && r.target!.form_version_id === form.versionId) continue;
      changed.push({ id: r.target!.id, rev: r.target!.rev, data, changes, before: r.target!.data });
    }
    // A record changed by someone else since it was read: the import is not applied over it (409).
    await updateRecordsWithRevisions(sql, form, auth.userId, changed);
    return changed;
  }

  /**
   * Upsert / update: each row's key against the rest of the file (a repeat names both rows) and
   * the live records (a match is the record the row updates; update mode needs one).
   */
  private async matchKeys(
    sql: Sql,
    form: PublishedForm,
    keyField: FieldDefinition,
    keyColumn: MappedColumn,
    mode: 'upsert' | 'update',
    chunk: PendingRow[],
    seen: FileSeen,
    access: EffectiveAccess,
    auth: AuthContext,
    locale: Locale,
    addError: (error: KeptError) => void,
  ): Promise<void> {
    const label = localize(keyField.label, locale) || keyField.key;
    const fail = (row: number, code: MessageKey, params: Record<string, unknown>) =>
      addError(rowError(row, keyColumn.column, keyColumn.header, keyField.key, msg(code, { label, ...params }), locale));
    const ownerRefused = (r: PendingRow) => {
      if (access.ownRowsOnly && r.data[access.ownRowsOnly.field] !== auth.userId) {
        addError(rowError(r.row, null, null, access.ownRowsOnly.field, msg('records.owner_forbidden', { field: access.ownRowsOnly.field }), locale));
      }
    };
    const lookup: PendingRow[] = [];
    for (const r of chunk) {
      if (r.keyText === undefined) {
        if (mode === 'update') fail(r.row, 'imports.key_missing', {});
        else ownerRefused(r);
        continue;
      }
      const first = seen.keys.claim(r.keyText, r.row);
      if (first !== undefined) {
        fail(r.row, 'imports.duplicate_key', { value: r.keyText, first });
        continue;
      }
      lookup.push(r);
    }
    const found = new Map<string, PendingRow['target'] & object>();
    const texts = [...new Set(lookup.map((r) => r.keyText!))];
    for (let i = 0; i < texts.length; i += LOOKUP_CHUNK) {
      const hits = await sql.rows<{ k: string; id: string; rev: number; data: Record<string, unknown>; form_version_id: string }>(
        `SELECT (${fieldExpression(keyField)})::text AS k, r.id, r.rev, r.data, r.form_version_id FROM records r
         WHERE r.form_id = $1 AND r.deleted_at IS NULL AND (${fieldExpression(keyField)})::text = ANY($2::text[])`,
        [form.id, texts.slice(i, i + LOOKUP_CHUNK)],
      );
      for (const hit of hits) found.set(hit.k, hit);
    }
    for (const r of lookup) {
      const target = found.get(r.keyText!);
      if (target && (!access.ownRowsOnly || target.data[access.ownRowsOnly.field] === auth.userId)) r.target = target;
      else if (mode === 'update') fail(r.row, 'imports.key_not_found', { value: r.keyText });
      else ownerRefused(r);
    }
  }

  /** Whether a published rule set can refuse a write (has validation rules); versions never change. */
  private async hasValidationRules(sql: Sql, versionId: string): Promise<boolean> {
    let blocking = this.blockingByVersion.get(versionId);
    if (blocking === undefined) {
      const document = (await this.ruleSets.document(sql, versionId)) as { rules?: Array<{ kind?: string }> } | undefined;
      blocking = (document?.rules ?? []).some((rule) => rule.kind === 'validation');
      if (this.blockingByVersion.size > 10_000) this.blockingByVersion.clear();
      this.blockingByVersion.set(versionId, blocking);
    }
    return blocking;
  }

  /** Users of this company by e-mail and display name (user-link columns may name them). */
  private async userIndex(sql: Sql, form: PublishedForm): Promise<UserIndex> {
    const index: UserIndex = { ids: new Set(), byEmail: new Map(), byName: new Map() };
    if (!form.compiled.definition.fields.some((f) => f.type === 'user')) return index;
    const users = await sql.rows<{ id: string; email: string; display_name: string }>('SELECT id, email, display_name FROM users WHERE active LIMIT 100000');
    for (const user of users) {
      index.ids.add(user.id);
      index.byEmail.set(user.email.toLowerCase(), user.id);
      index.byName.set(user.display_name, index.byName.has(user.display_name) ? null : user.id);
    }
    return index;
  }

  /**
   * Reference cells may name the target record by its title (e.g. a customer's name) or by a
   * code (its auto-number or a unique field) instead of its id: resolved in bulk, per column.
   * A name shared by two records is ambiguous and refused.
   */
  private async resolveReferences(
    sql: Sql,
    form: PublishedForm,
    rows: PendingRow[],
    columnOf: Map<string, MappedColumn>,
    locale: Locale,
    addError: (error: KeptError) => void,
  ): Promise<void> {
    for (const field of form.compiled.definition.fields) {
      const column = columnOf.get(field.key);
      if (field.type !== 'reference' || !column || column.ignored || !field.reference) continue;
      const texts = [...new Set(rows.map((r) => r.data[field.key]).filter((v): v is string => typeof v === 'string' && !UUID.test(v)))];
      if (!texts.length) continue;
      const target = await this.forms.publishedOrThrow(sql, field.reference.form).catch(() => null);
      const keys = target ? lookupKeys(target) : [];
      const found = new Map<string, string | null>();
      for (let i = 0; keys.length && i < texts.length; i += LOOKUP_CHUNK) {
        const chunk = texts.slice(i, i + LOOKUP_CHUNK);
        const hits = await sql.rows<Record<string, string | null>>(
          `SELECT r.id, ${keys.map((k, n) => `r.data->>'${k}' AS k${n}`).join(', ')} FROM records_t r
           WHERE r.form_id = $1 AND r.deleted_at IS NULL AND (${keys.map((k) => `r.data->>'${k}' = ANY($2::text[])`).join(' OR ')})`,
          [target!.id, chunk],
        );
        const wanted = new Set(chunk);
        for (const hit of hits) {
          const names = new Set(keys.map((_, n) => hit[`k${n}`]).filter((v): v is string => typeof v === 'string' && wanted.has(v)));
          for (const name of names) found.set(name, found.has(name) && found.get(name) !== hit.id ? null : hit.id!);
        }
      }
      const label = localize(field.label, locale);
      for (const r of rows) {
        const value = r.data[field.key];
        if (typeof value !== 'string' || UUID.test(value)) continue;
        const id = found.get(value);
        if (id) r.data[field.key] = id;
        else addError(rowError(r.row, column.column, column.header, field.key, msg(id === null ? 'imports.ambiguous_reference' : 'records.reference_missing', { label, value }), locale));
      }
    }
  }

  /**
   * What only the database knows, asked in bulk: do referenced records and linked users exist,
   * and does a unique value repeat within the file (so far) or match another live record?
   */
  /** Rows of `fresh` whose value a live record of the form already holds (the field's unique index). */
  private async findTaken(sql: Sql, form: PublishedForm, field: FieldDefinition, fresh: Map<string, PendingRow>, taken: (row: number) => void): Promise<void> {
    const values = [...fresh.keys()];
    for (let i = 0; i < values.length; i += LOOKUP_CHUNK) {
      const found = await sql.rows<{ v: string; id: string }>(
        // `records` itself (row-level security keeps it to the tenant): the planner then takes the
        // field's unique index, however many rows this transaction has added.
        `SELECT (${fieldExpression(field)})::text AS v, r.id FROM records r
         WHERE r.form_id = $1 AND r.deleted_at IS NULL AND (${fieldExpression(field)})::text = ANY($2::text[])`,
        [form.id, values.slice(i, i + LOOKUP_CHUNK)],
      );
      for (const f of found) {
        const r = fresh.get(f.v);
        // The record a row updates may keep its own value.
        if (r && r.target?.id !== f.id) taken(r.row);
      }
    }
  }

  /**
   * New rows the write passed over, or that will not be written: which of them hold a value a
   * record already has, each named as the look-up before the write names it. A row passed over for
   * no value found (a record since deleted) is still reported, by the form's unique fields.
   */
  private async explainTaken(sql: Sql, form: PublishedForm, rows: PendingRow[], columnOf: Map<string, MappedColumn>, locale: Locale, addError: (error: KeptError) => void, passedOver: boolean): Promise<void> {
    const named = new Set<number>();
    const unique = form.compiled.definition.fields.filter((f) => f.unique && columnOf.get(f.key) && !columnOf.get(f.key)!.ignored);
    for (const field of unique) {
      const column = columnOf.get(field.key)!;
      const label = localize(field.label, locale);
      await this.findTaken(sql, form, field, byUniqueText(field, rows), (row) => {
        named.add(row);
        addError(rowError(row, column.column, column.header, field.key, msg('records.duplicate', { label }), locale));
      });
    }
    if (!passedOver) return;
    const labels = unique.map((f) => localize(f.label, locale)).join(locale === 'en' ? ', ' : '、');
    for (const r of rows) if (!named.has(r.row)) addError(rowError(r.row, null, null, null, msg('records.duplicate', { label: labels }), locale));
  }

  private async checkAgainstDatabase(
    sql: Sql,
    form: PublishedForm,
    rows: PendingRow[],
    columnOf: Map<string, MappedColumn>,
    keyField: FieldDefinition | null,
    seen: FileSeen,
    locale: Locale,
    addError: (error: KeptError) => void,
    probeUnique = true,
  ): Promise<void> {
    const fail = (row: number, key: string, code: MessageKey, params: Record<string, unknown>) => {
      const column = columnOf.get(key);
      addError(rowError(row, column?.column ?? null, column?.header ?? null, key, msg(code, params), locale));
    };
    for (const field of form.compiled.definition.fields) {
      const column = columnOf.get(field.key);
      if (!column || column.ignored) continue;
      const label = localize(field.label, locale);
      if (field.type === 'user' || field.type === 'reference') {
        const ids = [...new Set(rows.map((r) => r.data[field.key]).filter((v): v is string => typeof v === 'string'))];
        const found = new Set<string>();
        for (let i = 0; i < ids.length; i += LOOKUP_CHUNK) {
          const chunk = ids.slice(i, i + LOOKUP_CHUNK);
          if (field.type === 'user') for (const u of await this.recordRows.existingUsers(sql, chunk)) found.add(u.id);
          else if (field.reference?.form) for (const r of await this.recordRows.existingReferences(sql, chunk, [field.reference.form])) found.add(r.id);
        }
        for (const r of rows) {
          const value = r.data[field.key];
          if (typeof value === 'string' && !found.has(value)) fail(r.row, field.key, field.type === 'user' ? 'records.user_missing' : 'records.reference_missing', { label });
        }
      }
      // The key field was checked when rows were matched (a repeat there is a duplicate key).
      if (field.unique && field.key !== keyField?.key) {
        const normalize = getFieldType(field.type).normalize ?? ((v: unknown) => v);
        let first = seen.unique.get(field.key);
        if (!first) seen.unique.set(field.key, (first = new CompactStringMap()));
        const fresh = new Map<string, PendingRow>();
        for (const r of rows) {
          const value = r.data[field.key];
          if (value === undefined || value === null) continue;
          const text = String(normalize(value));
          const earlier = first.claim(text, r.row);
          if (earlier !== undefined) fail(r.row, field.key, 'imports.duplicate_value', { label, first: earlier });
          else fresh.set(text, r);
        }
        if (probeUnique) await this.findTaken(sql, form, field, fresh, (row) => fail(row, field.key, 'records.duplicate', { label }));
      }
    }
  }
}

/** The chunk's rows parsed from $1 (a line per row, tab-separated: id, data[, vals, alerts, explanation]). */
function chunkRows(withResults: boolean, materialized: '' | 'MATERIALIZED'): string {
  const field = (n: number, type: string) => `split_part(l, E'\\t', ${n})::${type}`;
  return `s AS ${materialized} (
         SELECT ${field(1, 'uuid')} AS id, ${field(2, 'jsonb')} AS data${withResults ? `, ${field(3, 'jsonb')} AS vals, ${field(4, 'jsonb')} AS alerts, ${field(5, 'jsonb')} AS explanation` : ''}
         FROM string_to_table($1::text, E'\\n') l WHERE l <> '')`;
}

/** The chunk's records ($2 tenant, $3 form, $4 version, $5 user), with `tail` (e.g. ON CONFLICT …). */
function chunkRecords(tail: string): string {
  return `r AS (
         INSERT INTO records (tenant_id, id, form_id, form_version_id, data, created_by, updated_by)
         SELECT $2::uuid, s.id, $3::uuid, $4::uuid, s.data, $5::uuid, $5::uuid FROM s ${tail})`;
}

/** Rows, by the normalised text of a unique field's value. */
function byUniqueText(field: FieldDefinition, rows: PendingRow[]): Map<string, PendingRow> {
  const normalize = getFieldType(field.type).normalize ?? ((v: unknown) => v);
  const out = new Map<string, PendingRow>();
  for (const r of rows) {
    const value = r.data[field.key];
    if (value !== undefined && value !== null) out.set(String(normalize(value)), r);
  }
  return out;
}

function accessForModeOrThrow(form: PublishedForm, auth: AuthContext, mode: ImportMode): EffectiveAccess {
  const access = effectiveAccess(form.permissions, auth.roles);
  const needs: Array<'create' | 'update'> = mode === 'insert' ? ['create'] : mode === 'update' ? ['update'] : ['create', 'update'];
  if (needs.some((a) => !access.actions[a])) throw new AppException(403, 'auth.forbidden');
  return access;
}

export interface ImportMappingDto {
  id: string;
  name: string;
  columns: Array<{ header: string; field: string | null }>;
  mode: ImportMode;
  key: string | null;
  createdAt: string;
}

/** A shallow copy, key by key (a spread then a key added costs several times more per row). */
function copyOf(data: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key in data) out[key] = data[key];
  return out;
}

/** A new row's id and rule result, evaluated before it is written. */
interface EarlyRow {
  id: string;
  /** Completed, without auto-numbers (no field depends on them: autoNumbersUnused). */
  data: Record<string, unknown>;
  /** Text of the data, without its opening brace and auto-numbers, and of the results (tab-separated). */
  copy: { data: string; results: string };
  result: { recordId: string; values: unknown; alerts: unknown; explanation: unknown };
}

interface PreparedInserts {
  written: Array<{ id: string; data: Record<string, unknown> }>;
  /** The rows as writeInserts sends them (null: none). */
  text: string | null;
  pre: (Omit<EarlyResults, 'byRow'> & { rows: EarlyRow[] }) | null;
}

interface EarlyResults {
  versionId: string;
  asOf: string;
  customers: string[];
  byRow: Map<number, EarlyRow>;
}

/** Thrown by `offline`'s statements: the code asked the database. */
class NeedsQuery extends Error {}

/** A Sql that runs nothing: every method rejects with NeedsQuery (pure evaluation or nothing). */
function offline(sql: Sql): Sql {
  return new Proxy(sql, {
    get: (target, prop) => (typeof Reflect.get(target, prop) === 'function' ? () => Promise.reject(new NeedsQuery()) : undefined),
  });
}

/**
 * No other field mentions an auto-numbered field (a formula or condition on it), so a new row's
 * completed data without its numbers is what it is with them, less those fields.
 */
function autoNumbersUnused(form: PublishedForm): boolean {
  const keys = form.compiled.autoNumberFields.map((f) => f.key);
  if (!keys.length) return true;
  const others = JSON.stringify(form.compiled.definition.fields.filter((f) => !keys.includes(f.key)));
  return !keys.some((k) => new RegExp(`\\b${k}\\b`).test(others));
}

/** What earlier chunks of the file held: unique values and keys, by the row that had them first. */
interface FileSeen {
  unique: Map<string, CompactStringMap>;
  keys: CompactStringMap;
}

/** Auto-numbered values of a stored record (kept when a row updates it). */
function autoNumbers(form: PublishedForm, data: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of form.compiled.autoNumberFields) if (data[f.key] !== undefined) out[f.key] = data[f.key];
  return out;
}

/** A new record's data as a single create evaluates its rules: before its auto-numbers are drawn. */
function withoutAutoNumbers(form: PublishedForm, data: Record<string, unknown>): Record<string, unknown> {
  const fields = form.compiled.autoNumberFields;
  // A new row's completed data has none yet (they are drawn at the write): the same object, not a copy.
  if (!fields.some((f) => Object.hasOwn(data, f.key))) return data;
  // Copied without them rather than deleted from a copy (a delete slows the object down for the rules).
  const out: Record<string, unknown> = {};
  for (const key in data) if (!fields.some((f) => f.key === key)) out[key] = data[key];
  return out;
}

/** The field upsert / update match rows on: unique, indexed or auto-numbered, and visible. */
function keyFieldOrThrow(form: PublishedForm, visible: FieldDefinition[], key: string | undefined, locale: Locale): FieldDefinition {
  if (!key) throw new AppException(400, 'imports.key_required');
  const field = visible.find((f) => f.key === key);
  if (!field) throw new AppException(400, 'imports.key_unknown', { field: key });
  if (!(field.unique || field.indexed || field.type === 'autonumber') || ['reference', 'user', 'formula'].includes(field.type) || getFieldType(field.type) === undefined) {
    throw new AppException(400, 'imports.key_not_unique', { field: localize(field.label, locale) || key });
  }
  void form;
  return field;
}

type Msg = (locale: Locale) => string;

function msg(code: MessageKey, params?: Record<string, unknown>): Msg {
  return (l) => translate(code, l, params);
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const FIELD_KEY = /^[a-z][a-z0-9_]{0,62}$/;

/** Fields a reference cell may name its target by: the title field, auto-numbers, unique fields. */
function lookupKeys(target: PublishedForm): string[] {
  const definition = target.compiled.definition as { settings?: { titleField?: string } } & typeof target.compiled.definition;
  const keys = new Set<string>();
  if (definition.settings?.titleField) keys.add(definition.settings.titleField);
  for (const f of definition.fields) if (f.type === 'autonumber' || f.unique) keys.add(f.key);
  return [...keys].filter((k) => FIELD_KEY.test(k));
}

interface MappedColumn {
  column: number;
  header: string;
  field: FieldDefinition | null;
  ignored?: boolean;
}

/** Header text as compared: full-width to half-width, no spaces, punctuation or brackets' case. */
export function norm(text: string): string {
  return text
    .replace(/[\uFF01-\uFF5E]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0))
    .replace(/\u3000/g, ' ')
    .replace(/\s+/g, '')
    .toLowerCase();
}

/** Looser still: also without punctuation, a trailing "*" (required marks) and bracketed units. */
function loose(text: string): string {
  return norm(text)
    .replace(/[([（【][^)\]）】]*[)\]）】]/g, '')
    .replace(/[*:：._\-/\\'"“”‘’]/g, '');
}

/** Headers people write for common fields, by field key (matched loosely). */
const SYNONYMS: Record<string, string[]> = {
  name: ['名称', '客户', '客户名', '公司名称', '公司', '企业名称', '单位名称', '客户全称', 'company', 'companyname', 'customer', 'customername'],
  customer_code: ['编号', '客户代码', '客户编码', 'code', 'customerno', 'customerid'],
  uscc: ['税号', '信用代码', '社会信用代码', '纳税人识别号', 'taxid', 'uscc'],
  contact_name: ['联系人姓名', '联系人名称', 'contactperson', 'contactname'],
  mobile: ['手机号', '手机号码', '移动电话', 'mobilephone', 'cellphone'],
  phone: ['电话', '固定电话', '联系电话', 'telephone', 'tel'],
  email: ['电子邮箱', '电子邮件', '邮件', 'e-mail', 'mail'],
  address: ['地址', '公司地址', '注册地'],
  credit_limit: ['授信额度', '信用限额', 'creditline'],
  amount: ['金额', '发票金额', '应收金额', 'invoiceamount'],
  invoice_no: ['发票号', '发票号码', 'invoicenumber', 'invoiceno'],
  due_date: ['到期日', '到期日期', 'duedate'],
  invoice_date: ['开票日期', '发票日期', 'invoicedate'],
  customer: ['客户', '客户名称', 'customername'],
};

export interface SuggestedColumn {
  column: number;
  header: string;
  field: string | null;
  /** How the field was found: its key, a zh-CN / en label, a common synonym, or a partial match. */
  by?: 'key' | 'label' | 'synonym' | 'similar';
}

/** The matcher of header text to fields: exact (key, labels), then loose, then synonyms. */
function headerIndex(fields: FieldDefinition[]) {
  const exact = new Map<string, { field: FieldDefinition; by: 'key' | 'label' }>();
  const looseIndex = new Map<string, { field: FieldDefinition; by: 'key' | 'label' | 'synonym' }>();
  for (const field of fields) {
    const labels = typeof field.label === 'string' ? [field.label] : [field.label['zh-CN'], field.label.en];
    for (const label of labels) {
      if (label && !exact.has(norm(label))) exact.set(norm(label), { field, by: 'label' });
      if (label && !looseIndex.has(loose(label))) looseIndex.set(loose(label), { field, by: 'label' });
    }
  }
  for (const field of fields) {
    exact.set(norm(field.key), { field, by: 'key' });
    looseIndex.set(loose(field.key), { field, by: 'key' });
  }
  for (const field of fields) {
    for (const synonym of SYNONYMS[field.key] ?? []) if (!looseIndex.has(loose(synonym))) looseIndex.set(loose(synonym), { field, by: 'synonym' });
  }
  return (text: string) => exact.get(norm(text)) ?? (loose(text) ? looseIndex.get(loose(text)) : undefined);
}

/** For the mapping step: each header's likeliest field (partial label matches too), each field used once. */
export function suggestMapping(header: string[], fields: FieldDefinition[]): SuggestedColumn[] {
  const match = headerIndex(fields.filter(importableOrKey));
  const used = new Set<string>();
  const out = header.map((text, i): SuggestedColumn => {
    const hit = text.trim() ? match(text) : undefined;
    if (!hit || used.has(hit.field.key)) return { column: i + 1, header: text, field: null };
    used.add(hit.field.key);
    return { column: i + 1, header: text, field: hit.field.key, by: hit.by };
  });
  for (const column of out) {
    if (column.field || !loose(column.header)) continue;
    const h = loose(column.header);
    const similar = fields.filter(importableOrKey).find((f) => {
      if (used.has(f.key)) return false;
      const labels = typeof f.label === 'string' ? [f.label] : [f.label['zh-CN'], f.label.en];
      return labels.some((l) => l && loose(l).length >= 2 && (loose(l).includes(h) || h.includes(loose(l))));
    });
    if (similar && h.length >= 2) {
      used.add(similar.key);
      column.field = similar.key;
      column.by = 'similar';
    }
  }
  return out;
}

function importableOrKey(field: FieldDefinition): boolean {
  return importable(field) || field.type === 'autonumber';
}

/** The header: the first row with anything in it (a sheet may start lower down). */
export async function readHeader(records: AsyncIterator<SheetRecord>, locale: Locale): Promise<string[]> {
  try {
    let first = await records.next();
    while (!first.done && first.value.cells.every((c) => c.trim() === '')) first = await records.next();
    if (first.done) throw fileProblem([rowError(1, null, null, null, msg('imports.empty'), locale)]);
    return first.value.cells.map((c, i) => (i === 0 ? c.replace(/^\uFEFF/, '') : c).trim());
  } catch (error) {
    throw syntaxOr(error, locale);
  }
}

/**
 * Header cells to fields, by key, zh-CN / en label or a common synonym, or as `mapping` says
 * (header → field key, or null to leave the column out); unknown, duplicate or forbidden
 * columns are file problems.
 */
function mapColumnsOrThrow(header: string[], fields: FieldDefinition[], readonly: Set<string>, locale: Locale, mapping?: Record<string, string | null>): MappedColumn[] {
  const match = headerIndex(fields);
  const problems: KeptError[] = [];
  const taken = new Map<string, number>();
  const mapped = header.map((text, i): MappedColumn => {
    const column = i + 1;
    if (text === '') return { column, header: text, field: null, ignored: true };
    let field: FieldDefinition | undefined;
    if (mapping && Object.hasOwn(mapping, text)) {
      const target = mapping[text];
      if (target === null || target === undefined) return { column, header: text, field: null, ignored: true };
      field = fields.find((f) => f.key === target);
      if (!field) {
        problems.push(rowError(1, column, text, target, msg('imports.mapping_unknown_field', { header: text, field: target }), locale));
        return { column, header: text, field: null };
      }
    } else field = match(text)?.field;
    if (!field) {
      problems.push(rowError(1, column, text, null, msg('imports.unknown_column', { header: text }), locale));
      return { column, header: text, field: null };
    }
    const label = localize(field.label, locale) || field.key;
    const first = taken.get(field.key);
    if (first !== undefined) problems.push(rowError(1, column, text, field.key, msg('imports.duplicate_column', { field: label, first }), locale));
    taken.set(field.key, first ?? column);
    if (!importable(field)) return { column, header: text, field, ignored: true };
    if (readonly.has(field.key)) problems.push(rowError(1, column, text, field.key, msg('imports.readonly_column', { field: label }), locale));
    return { column, header: text, field };
  });
  if (problems.length) throw fileProblem(problems);
  return mapped;
}

function rowError(row: number, column: number | null, header: string | null, field: string | null, message: Msg, locale: Locale): KeptError {
  return { row, column, header, field, message: message(locale), messages: { 'zh-CN': message('zh-CN'), en: message('en') } };
}

function toProblemError(error: ImportError) {
  return {
    path: `/rows/${error.row}${error.field ? `/${error.field}` : ''}`,
    keyword: 'import',
    message: error.message,
    params: { row: error.row, column: error.column, header: error.header, field: error.field },
  };
}

function fileProblem(errors: KeptError[]): AppException {
  const shown = errors.slice(0, MAX_ERRORS).map(({ messages: _messages, ...e }) => e);
  return new AppException(400, 'imports.bad_file', { count: errors.length }, shown.map(toProblemError), { report: { errors: shown } });
}

export interface ImportSource {
  encoding: SourceEncoding | 'xlsx';
  /** Read one at a time (an .xlsx sheet is inflated as it is read). */
  records: AsyncIterator<SheetRecord>;
  /** Rows the file holds, roughly (line breaks of a CSV, the sheet's dimension), for progress. */
  estimate: number | null;
}

/**
 * The rows of the upload (bytes in memory, or a file read a block at a time): an .xlsx workbook
 * (by its ZIP signature) or CSV text in any encoding we read.
 */
export function openSourceOrThrow(input: Buffer | ByteSource, locale: Locale): ImportSource {
  const bytes = Buffer.isBuffer(input) ? bufferSource(input) : input;
  const head = bytes.read(0, 4);
  if (head.length >= 4 && head.readUInt32LE(0) === 0x04034b50) {
    const source: ImportSource = { encoding: 'xlsx', records: streamXlsx(bytes, (lastRow) => (source.estimate = Math.max(0, lastRow - 1))), estimate: null };
    return source;
  }
  const decoded = decodeCsvChunks(bytes);
  if ('problem' in decoded) {
    const code = decoded.problem === 'workbook' ? 'imports.legacy_xls' : 'imports.not_text';
    throw fileProblem([rowError(decoded.row, null, null, null, msg(code, { row: decoded.row }), locale)]);
  }
  // Line feeds (one byte in UTF-8 and GB18030), less the header: the rows, roughly, for the ETA.
  return { encoding: decoded.encoding, records: withoutProblems(parseCsvChunks(decoded.chunks)), estimate: Math.max(0, decoded.lines - 1) };
}

/** CSV records as sheet records, behind an async iterator (the pipeline reads both kinds alike). */
function withoutProblems(records: Iterator<{ row: number; cells: string[] }>): AsyncIterator<SheetRecord> {
  return {
    next: () => {
      const next = records.next();
      return Promise.resolve(next.done ? { done: true, value: undefined } : { done: false, value: { row: next.value.row, cells: next.value.cells, problems: [] } });
    },
  };
}

function syntaxOr(error: unknown, locale: Locale): unknown {
  if (error instanceof WorkbookError) return fileProblem([rowError(error.row ?? 1, error.column, null, null, msg(error.code), locale)]);
  if (error instanceof CsvSyntaxError) return fileProblem([rowError(error.row, error.column, null, null, msg('imports.csv_syntax'), locale)]);
  return error;
}
