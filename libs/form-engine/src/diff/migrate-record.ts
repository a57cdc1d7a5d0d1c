import type { CompiledForm, CompleteContext } from '../compile/compiled-form.js';
import { fieldTypeRegistry } from '../field-types/registry.js';
import type { FieldDefinition, FieldError, FormDefinition, Locale } from '../types.js';
import { Decimal, isDecimalString } from '../validators/decimal.js';
import { isValidDate } from '../validators/date.js';

/*
 * Moves a stored record from one form version to another: converts values whose field type
 * changed, drops values of fields the target no longer has (use archiveRemovedFields to keep
 * them), fills defaults, recomputes formulas and validates the result. Nothing is lost silently:
 * every action is in the per-record report with the old value.
 */

export type MigrationAction =
  | 'converted'
  | 'conversionFailed'
  | 'dropped'
  | 'defaultFilled'
  | 'recomputed'
  | 'computedCleared';

export interface MigrationStep {
  /** JSON Pointer of the value in the record. */
  path: string;
  action: MigrationAction;
  from?: unknown;
  to?: unknown;
  reason?: string;
}

export interface MigrationReport {
  /** True when every value converted and the result validates against the target version. */
  ok: boolean;
  steps: MigrationStep[];
  /** Validation errors of the migrated record against the target version. */
  errors: FieldError[];
}

export interface MigrationResult {
  data: Record<string, unknown>;
  report: MigrationReport;
}

type Converted = { ok: true; value: unknown } | { ok: false; reason: string };

const NUMERIC = new Set(['number', 'integer', 'decimal', 'money', 'percent']);
const STRINGY = new Set(['text', 'textarea', 'email', 'url', 'mobile', 'phone', 'postal_code', 'uscc', 'bank_account', 'cnaps', 'fapiao_code', 'fapiao_number']);

function scaleOf(f: FieldDefinition): number {
  if (f.type === 'money') return 2;
  return f.scale ?? 2;
}

function decimalOf(v: unknown): Decimal | null {
  if (typeof v === 'number' && Number.isFinite(v)) return new Decimal(String(v));
  if (typeof v === 'string' && isDecimalString(v.trim(), 1000)) return new Decimal(v.trim());
  if (typeof v === 'string' && /^-?\d{1,3}(,\d{3})*(\.\d+)?$/.test(v.trim())) return new Decimal(v.trim().replace(/,/g, ''));
  return null;
}

/** Converts a stored value between field types; a failure names the reason and loses nothing. */
export function convertValue(value: unknown, from: FieldDefinition, to: FieldDefinition): Converted {
  const t = to.type;
  if (STRINGY.has(t)) {
    if (typeof value === 'string') return { ok: true, value };
    if (typeof value === 'number' || typeof value === 'boolean') return { ok: true, value: String(value) };
    if (Array.isArray(value) && value.every((x) => typeof x === 'string')) return { ok: true, value: value.join(',') };
    return { ok: false, reason: 'notText' };
  }
  if (NUMERIC.has(t)) {
    const d = decimalOf(value);
    if (!d) return { ok: false, reason: 'notNumber' };
    if (t === 'integer') return d.isInteger() && d.abs().lte(2147483647) ? { ok: true, value: d.toNumber() } : { ok: false, reason: 'notInteger' };
    if (t === 'number') return { ok: true, value: d.toNumber() };
    const scale = scaleOf(to);
    // A re-type keeps the value exact; a value that would need rounding is a failure, never rounded silently.
    return d.decimalPlaces() <= scale ? { ok: true, value: d.toFixed() } : { ok: false, reason: 'scale' };
  }
  if (t === 'date') {
    if (typeof value === 'string' && isValidDate(value.slice(0, 10)) && (value.length === 10 || value[10] === 'T' || value[10] === ' ')) {
      return { ok: true, value: value.slice(0, 10) };
    }
    return { ok: false, reason: 'notDate' };
  }
  if (t === 'datetime') {
    if (typeof value === 'string' && value.length === 10 && isValidDate(value)) return { ok: true, value: `${value}T00:00:00Z` };
    return typeof value === 'string' ? { ok: true, value } : { ok: false, reason: 'notDateTime' };
  }
  if (t === 'boolean') {
    if (typeof value === 'boolean') return { ok: true, value };
    const s = String(value).trim().toLowerCase();
    if (['true', '1', '是', 'yes', 'y'].includes(s)) return { ok: true, value: true };
    if (['false', '0', '否', 'no', 'n'].includes(s)) return { ok: true, value: false };
    return { ok: false, reason: 'notBoolean' };
  }
  if (t === 'select') {
    const v = Array.isArray(value) && value.length === 1 ? value[0] : value;
    const s = typeof v === 'number' || typeof v === 'boolean' ? String(v) : v;
    return typeof s === 'string' && (to.options ?? []).some((o) => o.value === s) ? { ok: true, value: s } : { ok: false, reason: 'notAnOption' };
  }
  if (t === 'multiselect') {
    const list = Array.isArray(value) ? value : typeof value === 'string' ? value.split(/[,，]/).map((x) => x.trim()).filter(Boolean) : [value];
    const allowed = new Set((to.options ?? []).map((o) => o.value));
    return list.every((x) => typeof x === 'string' && allowed.has(x)) ? { ok: true, value: list } : { ok: false, reason: 'notAnOption' };
  }
  if (t === 'user' || t === 'reference') {
    return typeof value === 'string' && from.type === t ? { ok: true, value } : { ok: false, reason: 'notAnId' };
  }
  return { ok: false, reason: 'unsupported' };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function migrateObject(
  record: Record<string, unknown>,
  fromFields: readonly FieldDefinition[],
  toFields: readonly FieldDefinition[],
  base: string,
  steps: MigrationStep[],
): { data: Record<string, unknown>; failed: boolean } {
  const fromByKey = new Map(fromFields.map((f) => [f.key, f]));
  const toByKey = new Map(toFields.map((f) => [f.key, f]));
  const out: Record<string, unknown> = {};
  let failed = false;
  for (const key of Object.keys(record)) {
    const value = record[key];
    const path = `${base}/${key}`;
    const target = toByKey.get(key);
    const source = fromByKey.get(key);
    if (!target) {
      steps.push({ path, action: 'dropped', from: value, reason: 'fieldRemoved' });
      continue;
    }
    if (fieldTypeRegistry[target.type].computed) {
      // Auto-numbers are kept as assigned; formulas are recomputed by complete().
      if (target.type === 'autonumber' && (source?.type === 'autonumber' || typeof value === 'string')) out[key] = value;
      else if (target.type === 'formula' && source?.type !== 'formula') steps.push({ path, action: 'computedCleared', from: value });
      continue;
    }
    if (!source || source.type === target.type) {
      if (target.type === 'subtable' && Array.isArray(value)) {
        out[key] = value.map((row, i) => {
          if (!isObject(row)) return row;
          const r = migrateObject(row, source?.fields ?? [], target.fields ?? [], `${path}/${i}`, steps);
          failed ||= r.failed;
          return r.data;
        });
      } else out[key] = value;
      continue;
    }
    const c = convertValue(value, source, target);
    if (c.ok) {
      out[key] = c.value;
      if (JSON.stringify(c.value) !== JSON.stringify(value)) steps.push({ path, action: 'converted', from: value, to: c.value });
      else steps.push({ path, action: 'converted', from: value, to: c.value, reason: 'retyped' });
    } else {
      failed = true;
      steps.push({ path, action: 'conversionFailed', from: value, reason: c.reason });
    }
  }
  return { data: out, failed };
}

/**
 * Migrates one stored record from version `from` to the compiled version `to`, with a report.
 * Never throws for record content; `report.ok` is false when a value could not be converted or
 * the result does not validate.
 */
export function migrateRecord(
  record: Record<string, unknown>,
  from: FormDefinition,
  to: CompiledForm,
  ctx: CompleteContext,
  locale: Locale = 'zh-CN',
): MigrationResult {
  const steps: MigrationStep[] = [];
  const { data: moved, failed } = migrateObject(isObject(record) ? record : {}, from.fields, to.definition.fields, '', steps);
  const before = new Set(Object.keys(moved));
  const { data, errors: formulaErrors } = to.completeWithReport(moved, ctx);
  for (const f of to.definition.fields) {
    if (!before.has(f.key) && Object.prototype.hasOwnProperty.call(data, f.key) && !fieldTypeRegistry[f.type].computed) {
      steps.push({ path: `/${f.key}`, action: 'defaultFilled', to: data[f.key] });
    }
  }
  for (const key of to.formulaPlan.steps.map((s) => s.key)) {
    if (JSON.stringify(record[key]) !== JSON.stringify(data[key])) steps.push({ path: `/${key}`, action: 'recomputed', from: record[key], to: data[key] });
  }
  const result = to.validateRecord(data, locale);
  const errors = [...formulaErrors, ...result.errors];
  return { data, report: { ok: !failed && errors.length === 0, steps, errors } };
}
