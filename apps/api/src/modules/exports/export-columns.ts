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
