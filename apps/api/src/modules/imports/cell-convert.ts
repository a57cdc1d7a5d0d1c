import { getFieldType, isValidDate, localize, type FieldDefinition } from '@credo/form-engine';
import type { Locale, MessageKey } from '../../common/i18n.js';
import { storageOf } from '../records/record-query.js';

/** A cell that could not become a value of its field: the message key and its parameters. */
export interface CellProblem {
  code: MessageKey;
  params: Record<string, unknown>;
}

export type Converted = { value: unknown } | { problem: CellProblem };

/** Tenant users by id, e-mail and display name, for user-link columns. */
export interface UserIndex {
  ids: Set<string>;
  byEmail: Map<string, string>;
  /** null when two users share the name (ambiguous). */
  byName: Map<string, string | null>;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const YES = new Set(['是', 'true', 'yes', 'y', '1', '√', '✓', 'on', '对']);
const NO = new Set(['否', 'false', 'no', 'n', '0', '×', '✗', 'off', '不']);
const MULTI_SPLIT = /[;；,，、]/;
/** The CSV export's defusing apostrophe before a would-be formula. */
const DEFUSED = /^'[=+\-@\t\r]/;

/** Full-width digits and punctuation as Excel in a Chinese locale may type them. */
function halfWidth(text: string): string {
  return text.replace(/[\uFF01-\uFF5E]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0)).replace(/\u3000/g, ' ');
}

/** Money and other decimals: ¥/￥/RMB/CNY, thousands separators, spaces, a trailing % for percents. */
export function parseDecimal(text: string, percent = false): string | null {
  let t = halfWidth(text).replace(/\s+/g, '').replace(/^(?:¥|￥|RMB|CNY|人民币)/i, '').replace(/元$/, '');
  if (percent) t = t.replace(/%$/, '');
  let negative = false;
  const paren = /^\((.*)\)$/.exec(t);
  if (paren) {
    negative = true;
    t = paren[1]!;
  }
  if (/^[-+]?\d{1,3}(,\d{3})+(\.\d+)?$/.test(t)) t = t.replace(/,/g, '');
  if (!/^[-+]?(\d+(\.\d*)?|\.\d+)$/.test(t)) return null;
  if (t.startsWith('+')) t = t.slice(1);
  if (t.startsWith('.')) t = `0${t}`;
  else if (t.startsWith('-.')) t = `-0${t.slice(1)}`;
  if (t.endsWith('.')) t = t.slice(0, -1);
  t = t.replace(/^(-?)0+(?=\d)/, '$1');
  return negative && !t.startsWith('-') ? `-${t}` : t;
}

/** 2026-11-25, 2026/11/25, 2026.11.25, 2026年11月25日, 20261125 (month and day may be one digit). */
export function parseDate(text: string): string | null {
  const t = halfWidth(text).trim();
  // A date cell of a workbook is a serial number: days since 1899-12-30 (Excel's 1900 system).
  const serial = /^(\d{1,6})(?:\.0+)?$/.exec(t);
  if (serial && Number(serial[1]) >= 61 && Number(serial[1]) <= 2_958_465) {
    return new Date(Date.UTC(1899, 11, 30) + Number(serial[1]) * 86_400_000).toISOString().slice(0, 10);
  }
  const match = /^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?(?:[ T]0{1,2}:00(?::00)?)?$/.exec(t) ?? /^(\d{4})(\d{2})(\d{2})$/.exec(t);
  if (!match) return null;
  const iso = `${match[1]}-${match[2]!.padStart(2, '0')}-${match[3]!.padStart(2, '0')}`;
  return isValidDate(iso) ? iso : null;
}

/** Option value by value, or by zh-CN / en label (case and spaces ignored). */
function optionMatcher(field: FieldDefinition): (text: string) => string | undefined {
  const index = new Map<string, string>();
  const norm = (s: string) => halfWidth(s).replace(/\s+/g, '').toLowerCase();
  for (const option of field.options ?? []) {
    const labels = typeof option.label === 'string' ? [option.label] : option.label ? [option.label['zh-CN'], option.label.en] : [];
    for (const label of labels) if (label && !index.has(norm(label))) index.set(norm(label), option.value);
  }
  for (const option of field.options ?? []) index.set(norm(option.value), option.value);
  return (text) => index.get(norm(text));
}

function optionList(field: FieldDefinition, locale: Locale): string {
  return (field.options ?? [])
    .filter((o) => !o.archived)
    .map((o) => localize(o.label, locale) || o.value)
    .slice(0, 20)
    .join('、');
}

/** A converter per field: trimmed cell text in, the stored value (or a problem) out. */
/**
 * The converter of a column's cells. Columns with few distinct values (options, users, yes/no,
 * dates) repeat them row after row: their results are remembered (up to MEMO_SIZE texts).
 */
export function cellConverter(field: FieldDefinition, users: UserIndex, locale: Locale): (text: string) => Converted {
  const convert = rawConverter(field, users, locale);
  const storage = storageOf(field);
  if (!(field.type === 'select' || field.type === 'user' || storage === 'boolean' || storage === 'date')) return convert;
  const memo = new Map<string, Converted>();
  return (text) => {
    let result = memo.get(text);
    if (result === undefined) {
      result = convert(text);
      if (memo.size < MEMO_SIZE) memo.set(text, result);
    }
    return result;
  };
}

const MEMO_SIZE = 20_000;

function rawConverter(field: FieldDefinition, users: UserIndex, locale: Locale): (text: string) => Converted {
  const storage = storageOf(field);
  const bad = (code: MessageKey, value: string, extra: Record<string, unknown> = {}): Converted => ({ problem: { code, params: { value, ...extra } } });
  if (field.type === 'select') {
    const match = optionMatcher(field);
    return (text) => {
      const value = match(text);
      return value === undefined ? bad('imports.bad_option', text, { allowed: optionList(field, locale) }) : { value };
    };
  }
  if (field.type === 'multiselect') {
    const match = optionMatcher(field);
    return (text) => {
      const values: string[] = [];
      for (const part of text.split(MULTI_SPLIT).map((p) => p.trim()).filter(Boolean)) {
        const value = match(part);
        if (value === undefined) return bad('imports.bad_option', part, { allowed: optionList(field, locale) });
        values.push(value);
      }
      return { value: values };
    };
  }
  if (field.type === 'user') {
    return (text) => {
      if (UUID.test(text)) return { value: text.toLowerCase() };
      const id = users.byEmail.get(text.toLowerCase()) ?? users.byName.get(text);
      return id ? { value: id } : { value: text };
    };
  }
  switch (storage) {
    case 'numeric':
      return (text) => {
        const value = parseDecimal(text, field.type === 'percent');
        return value === null ? bad('imports.bad_number', text) : { value };
      };
    case 'integer':
      return (text) => {
        const value = parseDecimal(text);
        return value !== null && /^-?\d{1,15}$/.test(value) ? { value: Number(value) } : bad('imports.bad_number', text);
      };
    case 'double':
      return (text) => {
        const value = parseDecimal(text);
        return value === null ? bad('imports.bad_number', text) : { value: Number(value) };
      };
    case 'boolean':
      return (text) => {
        const t = halfWidth(text).trim().toLowerCase();
        return YES.has(t) ? { value: true } : NO.has(t) ? { value: false } : bad('imports.bad_boolean', text);
      };
    case 'date':
      return (text) => {
        const value = parseDate(text);
        return value === null ? bad('imports.bad_date', text) : { value };
      };
    case 'timestamptz':
      return (text) => {
        const t = halfWidth(text).trim().replace(/^(\d{4})\/(\d{1,2})\/(\d{1,2})/, (_, y: string, m: string, d: string) => `${y}-${m.padStart(2, '0')}-${d.padStart(2, '0')}`);
        const ms = Date.parse(t);
        return Number.isNaN(ms) ? bad('imports.bad_date', text) : { value: new Date(ms).toISOString() };
      };
    case 'jsonb':
      return (text) => {
        try {
          return { value: JSON.parse(text) as unknown };
        } catch {
          return { value: text };
        }
      };
    default:
      return (text) => ({ value: DEFUSED.test(text) ? text.slice(1) : text });
  }
}

/** Whether a field takes values from a file at all (computed ones are the server's). */
export function importable(field: FieldDefinition): boolean {
  return !getFieldType(field.type).computed && !field.archived;
}
