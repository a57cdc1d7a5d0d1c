import { daysBetween, parseDate } from '../validators/date.js';
import { Decimal } from '../validators/decimal.js';
import type { FieldDefinition, FormDefinition } from '../types.js';
import { isEmptyValue, toDate, toNumeric } from './operators/operator.js';
import type { FactKind, LookupDeclaration, OutputDeclaration, RollupDeclaration, RuleSet } from './types.js';

/** The evaluation date, always available. */
export const AS_OF_FACT = 'asOf';

/** Where a fact comes from. */
export type FactSource = 'field' | 'rollup' | 'lookup' | 'output' | 'asOf' | 'param';

export interface FactInfo {
  key: string;
  kind: FactKind;
  source: FactSource;
  /** Allowed values (select / multiselect options, rollup / output options, lookup table values). */
  options?: readonly string[];
}

/**
 * Parameterised facts: json-rules-engine facts computed from params, here always relative to asOf
 * or from two other facts. params name the facts they read.
 */
export interface ParamFactDefinition {
  kind: FactKind;
  params: Record<string, readonly FactKind[]>;
  compute(args: Record<string, unknown>, asOf: unknown): unknown;
}

/** Whole months from `from` to `to` like DATEDIF "M" (negative when `to` is earlier). */
function fullMonthsBetween(from: string, to: string): number | null {
  if (to < from) {
    const back = fullMonthsBetween(to, from);
    return back === null ? null : -back;
  }
  const a = parseDate(from);
  const b = parseDate(to);
  if (!a || !b) return null;
  const months = (b.y - a.y) * 12 + (b.m - a.m);
  return b.d < a.d ? months - 1 : months;
}

export const PARAM_FACTS: Readonly<Record<string, ParamFactDefinition>> = {
  /** Calendar days from asOf to the date (negative once it has passed): due_date − today. */
  daysUntil: {
    kind: 'number',
    params: { fact: ['date'] },
    compute: ({ fact }, asOf) => {
      const d = toDate(fact);
      const t = toDate(asOf);
      return d && t ? (daysBetween(t, d) ?? undefined) : undefined;
    },
  },
  /** Calendar days from the date to asOf: today − date. */
  daysSince: {
    kind: 'number',
    params: { fact: ['date'] },
    compute: ({ fact }, asOf) => {
      const d = toDate(fact);
      const t = toDate(asOf);
      return d && t ? (daysBetween(d, t) ?? undefined) : undefined;
    },
  },
  /** Whole months from the date to asOf (DATEDIF "M"). */
  monthsSince: {
    kind: 'number',
    params: { fact: ['date'] },
    compute: ({ fact }, asOf) => {
      const d = toDate(fact);
      const t = toDate(asOf);
      return d && t ? (fullMonthsBetween(d, t) ?? undefined) : undefined;
    },
  },
  /** part ÷ whole × 100 as a decimal string (20 significant digits, never rounded to a threshold); empty when whole is empty or 0. */
  percentOf: {
    kind: 'decimal',
    params: { part: ['number', 'decimal'], whole: ['number', 'decimal'] },
    compute: ({ part, whole }) => {
      const p = toNumeric(part);
      const w = toNumeric(whole);
      if (!p || !w || new Decimal(w.str).isZero()) return undefined;
      return new Decimal(p.str).times(100).div(w.str).toFixed();
    },
  },
};

/** An output's allowed values (its options as plain strings or { value, label }). */
export function outputOptionValues(o: Pick<OutputDeclaration, 'options'>): string[] {
  return (o.options ?? []).map((x) => (typeof x === 'string' ? x : x.value));
}

export function isParamFact(key: string): boolean {
  return Object.prototype.hasOwnProperty.call(PARAM_FACTS, key);
}

export function fieldKind(f: FieldDefinition): FactKind {
  switch (f.type) {
    case 'number':
    case 'integer':
      return 'number';
    case 'decimal':
    case 'money':
    case 'percent':
      return 'decimal';
    case 'date':
      return 'date';
    case 'boolean':
      return 'boolean';
    case 'multiselect':
      return 'list';
    case 'subtable':
    case 'attachment':
      return 'object';
    case 'formula':
      switch (f.resultType) {
        case 'integer':
          return 'number';
        case 'text':
          return 'text';
        case 'date':
          return 'date';
        case 'boolean':
          return 'boolean';
        default:
          return 'decimal';
      }
    default:
      return 'text';
  }
}

export function declaredKind(type: 'decimal' | 'integer' | 'text' | 'date' | 'boolean'): FactKind {
  return type === 'integer' ? 'number' : type;
}

/** Every fact a rule set may name, with its kind: the form's fields, rollups, lookups, outputs and asOf. */
export function factCatalog(ruleSet: RuleSet, form?: FormDefinition): Map<string, FactInfo> {
  const out = new Map<string, FactInfo>();
  for (const f of form?.fields ?? []) {
    const options = f.options?.map((o) => o.value);
    out.set(f.key, { key: f.key, kind: fieldKind(f), source: 'field', ...(options ? { options } : {}) });
  }
  for (const r of ruleSet.rollups ?? []) {
    if (!out.has(r.key)) out.set(r.key, { key: r.key, kind: declaredKind(r.type), source: 'rollup', ...(r.options ? { options: r.options } : {}) });
  }
  for (const l of ruleSet.lookups ?? []) {
    if (!out.has(l.key)) {
      const values = [...new Set(Object.values(l.table).concat(l.default === undefined ? [] : [l.default]).map(String))];
      out.set(l.key, { key: l.key, kind: declaredKind(l.type), source: 'lookup', ...(l.type === 'text' ? { options: values } : {}) });
    }
  }
  for (const o of ruleSet.outputs ?? []) {
    const field = out.get(o.key);
    // an output may be a computed field of the form: the rule set supplies its value
    if (!field || field.source === 'field') out.set(o.key, { key: o.key, kind: declaredKind(o.type), source: 'output', ...(o.options ? { options: outputOptionValues(o) } : {}) });
  }
  out.set(AS_OF_FACT, { key: AS_OF_FACT, kind: 'date', source: 'asOf' });
  return out;
}

/** A rollup's value: the supplied one, or the declared default when none is supplied. */
export function rollupValue(decl: RollupDeclaration, raw: unknown): unknown {
  return raw === undefined || raw === null ? decl.default : raw;
}

/** Looks a value up in a rule-set table (numbers are looked up by their decimal text). */
export function lookupValue(decl: LookupDeclaration, input: unknown): unknown {
  if (!isEmptyValue(input) && (typeof input === 'string' || typeof input === 'number' || typeof input === 'boolean')) {
    const key = String(input);
    if (Object.prototype.hasOwnProperty.call(decl.table, key)) return decl.table[key];
  }
  return decl.default;
}
