import { Decimal } from '../validators/decimal.js';
import { formatYmd, fromDayNumber, parseDate, toDayNumber } from '../validators/date.js';

/** Decimal arithmetic for formulas: 40 significant digits, half away from zero (ROUND in Excel). */
export const FDecimal = Decimal.clone({ precision: 40, rounding: Decimal.ROUND_HALF_UP, toExpNeg: -40, toExpPos: 40 });
export type FDecimal = InstanceType<typeof FDecimal>;

/** A calendar date as a day number, so date arithmetic is integer arithmetic. */
export class FDate {
  constructor(readonly day: number) {}
  static parse(s: string): FDate | null {
    const p = parseDate(s);
    return p ? new FDate(toDayNumber(p)) : null;
  }
  toString(): string {
    return formatYmd(fromDayNumber(this.day));
  }
}

export type FValue = FDecimal | string | boolean | FDate | null | FValue[];

export type StaticType = 'number' | 'text' | 'boolean' | 'date' | 'list' | 'any';

export class FormulaRuntimeError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'FormulaRuntimeError';
  }
}

export function isNumber(v: FValue): v is FDecimal {
  return v instanceof FDecimal;
}

export function typeName(v: FValue): StaticType | 'null' {
  if (v === null) return 'null';
  if (v instanceof FDecimal) return 'number';
  if (v instanceof FDate) return 'date';
  if (Array.isArray(v)) return 'list';
  return typeof v === 'boolean' ? 'boolean' : 'text';
}

export function toNumber(v: FValue, fn: string): FDecimal | null {
  if (v === null) return null;
  if (v instanceof FDecimal) return v;
  if (typeof v === 'boolean') return new FDecimal(v ? 1 : 0);
  throw new FormulaRuntimeError('type', `${fn}: expected a number, got ${typeName(v)}`);
}

export function toDate(v: FValue, fn: string): FDate | null {
  if (v === null) return null;
  if (v instanceof FDate) return v;
  if (typeof v === 'string') {
    const d = FDate.parse(v);
    if (d) return d;
  }
  throw new FormulaRuntimeError('type', `${fn}: expected a date, got ${typeName(v)}`);
}

export function toInteger(v: FValue, fn: string): number | null {
  const n = toNumber(v, fn);
  if (n === null) return null;
  if (!n.isInteger() || n.abs().gt(1e9)) throw new FormulaRuntimeError('type', `${fn}: expected a whole number`);
  return n.toNumber();
}

export function toText(v: FValue): string {
  if (v === null) return '';
  if (v instanceof FDecimal) return v.toFixed();
  if (v instanceof FDate) return v.toString();
  if (Array.isArray(v)) return v.map(toText).join(',');
  if (typeof v === 'boolean') return v ? 'TRUE' : 'FALSE';
  return v;
}

export function truthy(v: FValue): boolean {
  if (v === null) return false;
  if (typeof v === 'boolean') return v;
  if (v instanceof FDecimal) return !v.isZero();
  if (typeof v === 'string') return v.length > 0;
  if (Array.isArray(v)) return v.length > 0;
  return true;
}

export function isBlank(v: FValue): boolean {
  return v === null || v === '' || (Array.isArray(v) && v.length === 0);
}

/** Flattens list arguments (sub-table columns) for aggregate functions. */
export function flatten(args: FValue[]): FValue[] {
  const out: FValue[] = [];
  for (const a of args) if (Array.isArray(a)) out.push(...flatten(a));
  else out.push(a);
  return out;
}

/** Compares two values of the same kind; null when they are not comparable. */
export function compareValues(a: FValue, b: FValue): number | null {
  if (a instanceof FDecimal && b instanceof FDecimal) return a.comparedTo(b);
  if (a instanceof FDate && b instanceof FDate) return Math.sign(a.day - b.day);
  if (a instanceof FDate && typeof b === 'string') {
    const d = FDate.parse(b);
    return d ? Math.sign(a.day - d.day) : null;
  }
  if (typeof a === 'string' && b instanceof FDate) {
    const d = FDate.parse(a);
    return d ? Math.sign(d.day - b.day) : null;
  }
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === 'boolean' && typeof b === 'boolean') return a === b ? 0 : a ? 1 : -1;
  return null;
}
