import { getFieldType, localize, type FieldDefinition } from '@credo/form-engine';
import type { Locale } from '../../common/i18n.js';
import { storageOf } from '../records/record-query.js';

export type HeaderMode = 'labels' | 'keys';

/** One exported column: its header and how a stored value (as `data->>key` text) becomes a cell. */
export interface ExportColumn {
  key: string;
  header: string;
  /** Numbers go to spreadsheets as numbers, everything else as text. */
  numeric: boolean;
  /** The cell text of a value read as text from jsonb (null when the field is empty). */
  cell(value: string | null): string;
}

/** Separator of the values of a multi-select in one cell (import splits on it). */
export const MULTI_SEPARATOR = ';';
const BOOLEAN_LABELS: Record<Locale, [string, string]> = { 'zh-CN': ['是', '否'], en: ['Yes', 'No'] };
/** Spreadsheet apps run a cell starting with these as a formula (CSV injection). */
const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * Cells are the stored value in keys mode; labels mode shows select options and yes/no by
 * label in the caller's language. Text that a spreadsheet would run as a formula gets a
 * leading apostrophe (the import takes it off again). Money stays an exact decimal string.
 */
export function exportColumns(fields: readonly FieldDefinition[], mode: HeaderMode, locale: Locale): ExportColumn[] {
  return fields.map((field) => ({
    key: field.key,
    header: mode === 'labels' ? localize(field.label, locale) || field.key : field.key,
    numeric: ['numeric', 'integer', 'double'].includes(storageOf(field)),
    cell: cellFormatter(field, mode, locale),
  }));
}

const FIELD_KEY = /^[a-z][a-z0-9_]{0,62}$/;
/** Character codes of FORMULA_START, for `ascii(text)` (0 for an empty text). */
const FORMULA_CODES = '9, 13, 43, 45, 61, 64';

/**
 * A SQL string literal of any text: standard quoting, or E'' with doubled backslashes when it has
 * one (so the result does not depend on standard_conforming_strings).
 */
export function sqlLiteral(text: string): string {
  const quoted = `'${text.replace(/'/g, "''")}'`;
  return text.includes('\\') ? ` E${quoted.replace(/\\/g, '\\\\')}` : quoted;
}

/**
 * `safeText` in SQL over an expression (a column reference: it is evaluated in several branches);
 * '' becomes NULL. Text starting above '@' (letters, CJK…) takes the first branch alone.
 */
function safeSql(expr: string): string {
  return `CASE WHEN ascii(${expr}) > 64 THEN ${expr} WHEN ascii(${expr}) IN (${FORMULA_CODES}) THEN '''' || ${expr} ELSE NULLIF(${expr}, '') END`;
}

/** How a cell expression reads its field: the stored value as text (`->>`) and as jsonb (`->`). */
export interface CellRef {
  text: string;
  json: string;
}

/** The stored value read from `r.data` itself. */
export function dataRef(key: string): CellRef {
  if (!FIELD_KEY.test(key)) throw new Error(`bad field key ${key}`);
  return { text: `(r.data->>'${key}')`, json: `(r.data->'${key}')` };
}

/**
 * A column's `cell` in SQL: the same cell text computed by PostgreSQL from the stored value (NULL
 * for an empty cell), for the CSV export that lets COPY format the rows. `ref` says where the
 * value is read: by default `r.data` itself; the export reads each field once in a subquery and
 * passes its columns, so the branches below refer to a column instead of repeating the lookup.
 */
export function cellSql(field: FieldDefinition, mode: HeaderMode, locale: Locale, ref: CellRef = dataRef(field.key)): string {
  if (!FIELD_KEY.test(field.key)) throw new Error(`bad field key ${field.key}`);
  const text = ref.text;
  const storage = storageOf(field);
  if (storage === 'boolean') {
    const [yes, no] = mode === 'labels' ? BOOLEAN_LABELS[locale] : ['true', 'false'];
    return `CASE WHEN ${text} IS NULL THEN NULL WHEN ${text} = 'true' THEN ${sqlLiteral(yes)} ELSE ${sqlLiteral(no)} END`;
  }
  if (storage === 'numeric' || storage === 'integer' || storage === 'double' || storage === 'date' || storage === 'timestamptz' || storage === 'uuid') {
    return `NULLIF(${text}, '')`;
  }
  const options = mode === 'labels' && field.options?.length ? field.options : null;
  // Option labels as one jsonb object looked up by value (a binary search per cell).
  const labelsOf = (defuse: boolean) =>
    `${sqlLiteral(JSON.stringify(Object.fromEntries(options!.map((o) => [o.value, defuse ? safeText(localize(o.label, locale) || o.value) : localize(o.label, locale) || o.value]))))}::jsonb`;
  if (field.type === 'multiselect') {
    // Labels are joined first, and the joined text is defused as a whole (as `cell` does).
    const element = options ? `COALESCE(${labelsOf(false)} ->> e, e, 'null')` : `COALESCE(e, 'null')`;
    return (
      `CASE WHEN jsonb_typeof(${ref.json}) = 'array' THEN ` +
      `(SELECT ${safeSql('j')} FROM (SELECT string_agg(${element}, '${MULTI_SEPARATOR}' ORDER BY o) AS j FROM jsonb_array_elements_text(${ref.json}) WITH ORDINALITY AS m(e, o)) s) ` +
      `ELSE NULLIF(${text}, '') END`
    );
  }
  if (storage === 'jsonb') return `NULLIF(${text}, '')`;
  // Single options: labels defused one by one; a value outside the options is defused as text.
  if (options) return `COALESCE(${labelsOf(true)} ->> ${text}, ${safeSql(text)})`;
  return safeSql(text);
}

function cellFormatter(field: FieldDefinition, mode: HeaderMode, locale: Locale): (value: string | null) => string {
  const storage = storageOf(field);
  if (storage === 'boolean') {
    const [yes, no] = mode === 'labels' ? BOOLEAN_LABELS[locale] : ['true', 'false'];
    return (value) => (value === null ? '' : value === 'true' ? yes : no);
  }
  if (storage === 'numeric' || storage === 'integer' || storage === 'double' || storage === 'date' || storage === 'timestamptz' || storage === 'uuid') {
    return (value) => value ?? '';
  }
  const labels = mode === 'labels' && field.options?.length ? new Map(field.options.map((o) => [o.value, localize(o.label, locale) || o.value])) : null;
  if (field.type === 'multiselect') {
    return (value) => {
      if (value === null) return '';
      let values: unknown;
      try {
        values = JSON.parse(value);
      } catch {
        return value;
      }
      if (!Array.isArray(values)) return value;
      return safeText(values.map((v) => (labels?.get(String(v)) ?? String(v))).join(MULTI_SEPARATOR));
    };
  }
  if (storage === 'jsonb') return (value) => value ?? '';
  if (labels) return (value) => (value === null ? '' : safeText(labels.get(value) ?? value));
  return (value) => (value === null ? '' : safeText(value));
}

function safeText(text: string): string {
  return FORMULA_START.test(text) ? `'${text}` : text;
}

/** RFC 4180: quote when needed, double the quotes. */
export function csvCell(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** Fields a user may export, in form order: hidden ones never; archived ones only when asked for. */
export function exportableFields(fields: readonly FieldDefinition[], hidden: Set<string>, requested: string[] | undefined): FieldDefinition[] {
  const visible = fields.filter((f) => !hidden.has(f.key) && getFieldType(f.type) !== undefined);
  if (!requested?.length) return visible.filter((f) => !f.archived);
  const byKey = new Map(visible.map((f) => [f.key, f]));
  return requested.map((key) => byKey.get(key)).filter((f): f is FieldDefinition => f !== undefined);
}
