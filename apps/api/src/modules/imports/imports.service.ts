import { Inject, Injectable } from '@nestjs/common';
import { getFieldType, localize, type FieldDefinition } from '@credo/form-engine';
import { AppException } from '../../common/app.exception.js';
import { Clock } from '../../common/clock.js';
import { translate, type Locale, type MessageKey } from '../../common/i18n.js';
import type { AuthContext } from '../../common/request-context.js';
import { RUNTIME_CONFIG, type RuntimeConfig } from '../../config/runtime-config.js';
import type { Sql } from '../../database/tenant-database.js';
import { AuditRepository } from '../audit/audit.repository.js';
import { effectiveAccess } from '../forms/form-permissions.js';
import { FormsService, type PublishedForm } from '../forms/forms.service.js';
import { fieldExpression } from '../records/record-query.js';
import { RecordsRepository } from '../records/records.repository.js';
import { RecordsService } from '../records/records.service.js';
import { RulesRepository } from '../rules/rules.repository.js';
import { RulesService } from '../rules/rules.service.js';
import { cellConverter, importable, type Converted, type UserIndex } from './cell-convert.js';
import { CsvSyntaxError, parseCsv } from './csv-parse.js';
import { decodeCsvBytes, type SourceEncoding } from './decode-text.js';
import { WorkbookError, readXlsx, type SheetRecord } from './xlsx-read.js';

export interface ImportOptions {
  mode: 'insert';
  dryRun: boolean;
  /** Write the valid rows and report the others, instead of all or nothing. */
  skipInvalid?: boolean;
}

/** One problem of the file: spreadsheet row (1 = header) and column (1 = A), the field, why. */
export interface ImportError {
  row: number;
  column: number | null;
  header: string | null;
  field: string | null;
  message: string;
}

export interface ImportColumn {
  column: number;
  header: string;
  field: string | null;
  /** Computed by the server (auto-numbers, formulas): read past, never imported. */
  ignored?: boolean;
}

export interface ImportReport {
  mode: 'insert';
  dryRun: boolean;
  /** How the file was read: a CSV's text encoding, or xlsx. */
  encoding: SourceEncoding | 'xlsx';
  columns: ImportColumn[];
  rows: { total: number; valid: number; invalid: number; empty: number };
  errors: ImportError[];
  created?: number;
  /** Rows left out of a commit with skipInvalid (their errors are in `errors`). */
  skipped?: number;
}

const MAX_ERRORS = 50;
const MAX_KEPT_ERRORS = 10_000;
export const MAX_IMPORT_ROWS = 200_000;
const LOOKUP_CHUNK = 5000;

/**
 * CSV import: decode (UTF-8 / GB18030), map headers to fields by key or zh-CN / en label,
 * convert cells (money, Chinese dates, option labels, users by e-mail or name), validate every
 * row with the form's compiled validator, check references and unique fields against the file
 * and the database; a dry run reports, a commit writes all rows in one transaction or none.
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

  async importCsvOrThrow(auth: AuthContext, key: string, bytes: Buffer, options: ImportOptions, locale: Locale): Promise<ImportReport> {
    const source = openSource(bytes, locale);
    return this.forms.withPublished(auth, key, !options.dryRun, async (sql, form) => {
      const access = effectiveAccess(form.permissions, auth.roles);
      if (!access.actions.create) throw new AppException(403, 'auth.forbidden');
      const records = source.records;
      let header: string[];
      try {
        // The header is the first row with anything in it (a sheet may start lower down).
        let first = records.next();
        while (!first.done && first.value.cells.every((c) => c.trim() === '')) first = records.next();
        if (first.done) throw fileProblem([rowError(1, null, null, null, translate('imports.empty', locale))]);
        header = first.value.cells.map((c, i) => (i === 0 ? c.replace(/^\uFEFF/, '') : c).trim());
      } catch (error) {
        throw syntaxOr(error, locale);
      }
      const visible = form.compiled.definition.fields.filter((f) => !access.hidden.has(f.key));
      const mapping = mapColumnsOrThrow(header, visible, access.readonly, locale);
      const users = await this.userIndex(sql, form);
      const converters = mapping.map((m) => (m.field && !m.ignored ? cellConverter(m.field, users, locale) : null));
      const report: ImportReport = {
        mode: options.mode,
        dryRun: options.dryRun,
        encoding: source.encoding,
        columns: mapping.map((m) => ({ column: m.column, header: m.header, field: m.field?.key ?? null, ...(m.ignored ? { ignored: true } : {}) })),
        rows: { total: 0, valid: 0, invalid: 0, empty: 0 },
        errors: [],
      };
      const invalidRows = new Set<number>();
      // Errors are kept (up to a bound) and sorted, so the report shows the first rows' problems.
      const errors: ImportError[] = [];
      const addError = (error: ImportError) => {
        invalidRows.add(error.row);
        if (errors.length < MAX_KEPT_ERRORS) errors.push(error);
      };
      const columnOf = new Map(mapping.filter((m) => m.field).map((m) => [m.field!.key, m]));
      const asOf = this.clock.today(this.config.timezone);
      const rows: Array<{ row: number; data: Record<string, unknown> }> = [];
      try {
        for (const record of records) {
          if (record.cells.every((c) => c.trim() === '')) {
            report.rows.empty += 1;
            continue;
          }
          report.rows.total += 1;
          if (report.rows.total > MAX_IMPORT_ROWS) throw fileProblem([rowError(record.row, null, null, null, translate('imports.too_many_rows', locale, { max: MAX_IMPORT_ROWS }))]);
          const data: Record<string, unknown> = {};
          let ok = true;
          for (const problem of record.problems) {
            const column = mapping[problem.column - 1];
            addError(rowError(record.row, problem.column, column?.header ?? null, column?.field?.key ?? null, translate(problem.code, locale)));
            ok = false;
          }
          for (let i = 0; i < record.cells.length; i++) {
            const text = record.cells[i]!.trim();
            if (text === '') continue;
            const column = mapping[i];
            if (!column) {
              addError(rowError(record.row, i + 1, null, null, translate('imports.extra_cells', locale, { cells: record.cells.length, columns: header.length })));
              ok = false;
              break;
            }
            const convert = converters[i];
            if (!convert) continue;
            const converted: Converted = convert(text);
            if ('problem' in converted) {
              addError(rowError(record.row, column.column, column.header, column.field!.key, translate(converted.problem.code, locale, converted.problem.params)));
              ok = false;
            } else data[column.field!.key] = converted.value;
          }
          if (ok && access.ownRowsOnly && data[access.ownRowsOnly.field] !== auth.userId) {
            const owner = columnOf.get(access.ownRowsOnly.field);
            addError(rowError(record.row, owner?.column ?? null, owner?.header ?? null, access.ownRowsOnly.field, translate('records.owner_forbidden', locale, { field: access.ownRowsOnly.field })));
            ok = false;
          }
          if (ok) rows.push({ row: record.row, data });
        }
      } catch (error) {
        throw syntaxOr(error, locale);
      }
      const fieldError = (row: number, error: { path: string; message: string }) => {
        const fieldKey = /^\/([a-z][a-z0-9_]*)/.exec(error.path)?.[1] ?? null;
        const column = fieldKey ? columnOf.get(fieldKey) : undefined;
        addError(rowError(row, column?.column ?? null, column?.header ?? null, fieldKey, error.message));
      };
      await this.resolveReferences(sql, form, rows, columnOf, locale, addError);
      const blocking = form.rules ? await this.hasValidationRules(sql, form.rules.id) : false;
      for (const { row, data } of rows) {
        if (invalidRows.has(row)) continue;
        const result = form.compiled.validateInput(data, locale, { asOf });
        if (!result.valid) {
          for (const error of result.errors) fieldError(row, error);
          continue;
        }
        // The form's published rule set judges the row as a single create would (validation rules
        // block it; classifications and alerts do not, and are left to the re-evaluation job).
        if (!blocking) continue;
        try {
          await this.rules.evaluateForWrite(sql, form, form.compiled.complete(data, { asOf }), null, locale);
        } catch (error) {
          if (!(error instanceof AppException) || error.status !== 400) throw error;
          for (const e of error.errors ?? [{ path: '', message: translate(error.code, locale, error.params) }]) fieldError(row, e);
        }
      }
      await this.checkAgainstDatabase(sql, form, rows.filter((r) => !invalidRows.has(r.row)), columnOf, locale, addError);
      report.rows.invalid = invalidRows.size;
      report.rows.valid = report.rows.total - report.rows.invalid;
      report.errors = errors.sort((a, b) => a.row - b.row || (a.column ?? 0) - (b.column ?? 0)).slice(0, MAX_ERRORS);
      if (options.dryRun) return report;
      if (invalidRows.size && !options.skipInvalid) {
        throw new AppException(
          400,
          'imports.invalid_rows',
          { count: invalidRows.size },
          report.errors.map(toProblemError),
          { report },
        );
      }
      const valid = rows.filter((r) => !invalidRows.has(r.row));
      await this.records.createManyOrThrow(sql, auth.tenantId, auth.userId, key, valid.map((r) => r.data), locale);
      await this.audit.append(sql, {
        actorId: auth.userId,
        action: 'record.import',
        entity: `form:${key}`,
        details: { rows: valid.length, skipped: invalidRows.size, encoding: source.encoding, columns: report.columns.map((c) => c.field) },
        requestId: auth.requestId,
      });
      report.created = valid.length;
      if (options.skipInvalid) report.skipped = invalidRows.size;
      return report;
    });
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
    rows: Array<{ row: number; data: Record<string, unknown> }>,
    columnOf: Map<string, MappedColumn>,
    locale: Locale,
    addError: (error: ImportError) => void,
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
        else addError(rowError(r.row, column.column, column.header, field.key, translate(id === null ? 'imports.ambiguous_reference' : 'records.reference_missing', locale, { label, value })));
      }
    }
  }

  /**
   * What only the database knows, asked in bulk: do referenced records and linked users exist,
   * and does a unique value repeat within the file or match a live record?
   */
  private async checkAgainstDatabase(
    sql: Sql,
    form: PublishedForm,
    rows: Array<{ row: number; data: Record<string, unknown> }>,
    columnOf: Map<string, MappedColumn>,
    locale: Locale,
    addError: (error: ImportError) => void,
  ): Promise<void> {
    const fail = (row: number, key: string, code: MessageKey, params: Record<string, unknown>) => {
      const column = columnOf.get(key);
      addError(rowError(row, column?.column ?? null, column?.header ?? null, key, translate(code, locale, params)));
    };
    for (const field of form.compiled.definition.fields) {
      if (!columnOf.has(field.key)) continue;
      const label = localize(field.label, locale);
      if (field.type === 'user' || field.type === 'reference') {
        const ids = [...new Set(rows.map((r) => r.data[field.key]).filter((v): v is string => typeof v === 'string'))];
        const found = new Set<string>();
        for (let i = 0; i < ids.length; i += LOOKUP_CHUNK) {
          const chunk = ids.slice(i, i + LOOKUP_CHUNK);
          if (field.type === 'user') for (const u of await this.recordRows.existingUsers(sql, chunk)) found.add(u.id);
          else for (const r of await this.recordRows.existingReferences(sql, chunk)) if (r.form_key === field.reference?.form) found.add(r.id);
        }
        for (const r of rows) {
          const value = r.data[field.key];
          if (typeof value === 'string' && !found.has(value)) fail(r.row, field.key, field.type === 'user' ? 'records.user_missing' : 'records.reference_missing', { label });
        }
      }
      if (field.unique) {
        const normalize = getFieldType(field.type).normalize ?? ((v: unknown) => v);
        const first = new Map<string, number>();
        for (const r of rows) {
          const value = r.data[field.key];
          if (value === undefined || value === null) continue;
          const text = String(normalize(value));
          const seen = first.get(text);
          if (seen !== undefined) fail(r.row, field.key, 'imports.duplicate_value', { label, first: seen });
          else first.set(text, r.row);
        }
        const values = [...first.keys()];
        const existing = new Set<string>();
        for (let i = 0; i < values.length; i += LOOKUP_CHUNK) {
          const found = await sql.rows<{ v: string }>(
            `SELECT DISTINCT (${fieldExpression(field)})::text AS v FROM records_t r
             WHERE r.form_id = $1 AND r.deleted_at IS NULL AND (${fieldExpression(field)})::text = ANY($2::text[])`,
            [form.id, values.slice(i, i + LOOKUP_CHUNK)],
          );
          for (const f of found) existing.add(f.v);
        }
        for (const [value, row] of first) if (existing.has(value)) fail(row, field.key, 'records.duplicate', { label });
      }
    }
  }
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

function norm(text: string): string {
  return text
    .replace(/[\uFF01-\uFF5E]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0))
    .replace(/\s+/g, '')
    .toLowerCase();
}

/** Header cells to fields, by key or zh-CN / en label; unknown, duplicate or forbidden columns are file problems. */
function mapColumnsOrThrow(header: string[], fields: FieldDefinition[], readonly: Set<string>, locale: Locale): MappedColumn[] {
  const byName = new Map<string, FieldDefinition>();
  for (const field of fields) {
    const labels = typeof field.label === 'string' ? [field.label] : [field.label['zh-CN'], field.label.en];
    for (const label of labels) if (label && !byName.has(norm(label))) byName.set(norm(label), field);
  }
  for (const field of fields) byName.set(norm(field.key), field);
  const problems: ImportError[] = [];
  const taken = new Map<string, number>();
  const mapped = header.map((text, i): MappedColumn => {
    const column = i + 1;
    if (text === '') return { column, header: text, field: null, ignored: true };
    const field = byName.get(norm(text));
    if (!field) {
      problems.push(rowError(1, column, text, null, translate('imports.unknown_column', locale, { header: text })));
      return { column, header: text, field: null };
    }
    const label = localize(field.label, locale) || field.key;
    const first = taken.get(field.key);
    if (first !== undefined) problems.push(rowError(1, column, text, field.key, translate('imports.duplicate_column', locale, { field: label, first })));
    taken.set(field.key, first ?? column);
    if (!importable(field)) return { column, header: text, field, ignored: true };
    if (readonly.has(field.key)) problems.push(rowError(1, column, text, field.key, translate('imports.readonly_column', locale, { field: label })));
    return { column, header: text, field };
  });
  if (problems.length) throw fileProblem(problems);
  return mapped;
}

function rowError(row: number, column: number | null, header: string | null, field: string | null, message: string): ImportError {
  return { row, column, header, field, message };
}

function toProblemError(error: ImportError) {
  return {
    path: `/rows/${error.row}${error.field ? `/${error.field}` : ''}`,
    keyword: 'import',
    message: error.message,
    params: { row: error.row, column: error.column, header: error.header, field: error.field },
  };
}

function fileProblem(errors: ImportError[]): AppException {
  return new AppException(400, 'imports.bad_file', { count: errors.length }, errors.slice(0, MAX_ERRORS).map(toProblemError), {
    report: { errors: errors.slice(0, MAX_ERRORS) },
  });
}

/** The rows of the upload: an .xlsx workbook (by its ZIP signature) or CSV text in any encoding we read. */
function openSource(bytes: Buffer, locale: Locale): { encoding: SourceEncoding | 'xlsx'; records: Generator<SheetRecord> } {
  if (bytes.length >= 4 && bytes.readUInt32LE(0) === 0x04034b50) return { encoding: 'xlsx', records: readXlsx(bytes) };
  const decoded = decodeCsvBytes(bytes);
  if ('problem' in decoded) {
    const code = decoded.problem === 'workbook' ? 'imports.legacy_xls' : 'imports.not_text';
    throw fileProblem([{ row: decoded.row, column: null, header: null, field: null, message: translate(code, locale, { row: decoded.row }) }]);
  }
  return { encoding: decoded.encoding, records: withoutProblems(parseCsv(decoded.text)) };
}

function* withoutProblems(records: Iterable<{ row: number; cells: string[] }>): Generator<SheetRecord> {
  for (const record of records) yield { ...record, problems: [] };
}

function syntaxOr(error: unknown, locale: Locale): unknown {
  if (error instanceof WorkbookError) return fileProblem([rowError(error.row ?? 1, error.column, null, null, translate(error.code, locale))]);
  if (error instanceof CsvSyntaxError) return fileProblem([rowError(error.row, error.column, null, null, translate('imports.csv_syntax', locale))]);
  return error;
}
