import type { FactKind } from '../types.js';
import { compareDecimal, DECIMAL_RE } from '../../validators/decimal.js';
import { isValidDate } from '../../validators/date.js';

/** What an operator's `value` must be (checked when a rule set is validated). */
export type OperatorValueShape =
  /** same kind as the fact (a literal or a fact reference) */
  | 'same'
  /** a non-empty array of values of the fact's kind */
  | 'list'
  /** [low, high] of the fact's kind, inclusive */
  | 'range'
  /** a value of an element (list facts) or a string (text facts) */
  | 'element'
  | 'boolean';

/**
 * One operator = one file (CONVENTIONS: ajv's one keyword = one definition). `prepare` turns the
 * condition's value into a comparable form once (at compile time for literals, per evaluation for
 * fact references); `test` never throws: a fact of the wrong type simply does not match.
 */
export interface OperatorDefinition<P = unknown> {
  name: string;
  /** Fact kinds the operator accepts. */
  factKinds: readonly FactKind[];
  value: OperatorValueShape;
  prepare(value: unknown): P;
  test(fact: unknown, prepared: P): boolean;
}

export function defineOperator<P>(def: OperatorDefinition<P>): OperatorDefinition<P> {
  return def;
}

/** A number or decimal string compared exactly: the canonical decimal string plus the double when exact. */
export interface NumericValue {
  str: string;
  /** A double that orders exactly like the decimal (numbers, and strings of ≤ 15 digits), else NaN. */
  num: number;
}

function numberToDecimal(n: number): string | null {
  if (!Number.isFinite(n)) return null;
  const s = String(n);
  if (!s.includes('e')) return s === '-0' ? '0' : s;
  // exponent notation (|n| ≥ 1e21 or < 1e-6): expand exactly from the shortest representation
  const [mant = '', expPart = '0'] = s.split('e');
  const exp = Number(expPart);
  const neg = mant.startsWith('-');
  const digits = (neg ? mant.slice(1) : mant).replace('.', '');
  const pointAt = (neg ? mant.slice(1) : mant).indexOf('.');
  const intLen = (pointAt < 0 ? digits.length : pointAt) + exp;
  let out: string;
  if (intLen <= 0) out = `0.${'0'.repeat(-intLen)}${digits}`;
  else if (intLen >= digits.length) out = digits + '0'.repeat(intLen - digits.length);
  else out = `${digits.slice(0, intLen)}.${digits.slice(intLen)}`;
  out = out.includes('.') ? out.replace(/0+$/, '').replace(/\.$/, '') : out;
  return neg ? `-${out}` : out;
}

/**
 * The double of a plain decimal string with at most 15 digits, else NaN. Up to 15 significant
 * digits distinct decimals map to distinct doubles in the same order, so comparing these doubles
 * is exact; longer strings take the string comparison.
 */
function shortDecimalNumber(s: string): number {
  const n = s.length;
  if (n === 0 || n > 16) return Number.NaN;
  let i = s.charCodeAt(0) === 45 ? 1 : 0; // '-'
  if (i === n) return Number.NaN;
  let digits = 0;
  let point = -1;
  const first = i;
  for (; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c >= 48 && c <= 57) digits++;
    else if (c === 46 && point < 0 && i > first && i < n - 1) point = i;
    else return Number.NaN;
  }
  // no leading zeros ("007"), as DECIMAL_RE
  if (s.charCodeAt(first) === 48 && n > first + 1 && first + 1 !== point) return Number.NaN;
  return digits <= 15 ? Number(s) : Number.NaN;
}

/** Numbers and decimal strings ("1000.00") as exact decimals; anything else is not numeric (null). */
export function toNumeric(value: unknown): NumericValue | null {
  if (typeof value === 'number') {
    const str = numberToDecimal(value);
    return str === null ? null : { str, num: value };
  }
  if (typeof value === 'string') {
    const num = shortDecimalNumber(value);
    if (!Number.isNaN(num)) return { str: value, num };
    if (value.length <= 60 && DECIMAL_RE.test(value)) return { str: value, num: Number.NaN };
  }
  return null;
}

/** Exact comparison of a fact against a prepared numeric value; null when the fact is not numeric. */
export function compareNumeric(fact: unknown, b: NumericValue): number | null {
  if (!Number.isNaN(b.num)) {
    let a = Number.NaN;
    if (typeof fact === 'number') {
      if (!Number.isFinite(fact)) return null;
      a = fact;
    } else if (typeof fact === 'string') a = shortDecimalNumber(fact);
    if (!Number.isNaN(a)) return a < b.num ? -1 : a > b.num ? 1 : 0;
  }
  if (typeof fact === 'number') {
    const a = numberToDecimal(fact);
    return a === null ? null : compareDecimal(a, b.str);
  }
  const a = toNumeric(fact);
  return a === null ? null : compareDecimal(a.str, b.str);
}

/** 'YYYY-MM-DD' of a real calendar day, else null (ISO dates compare correctly as strings). */
export function toDate(value: unknown): string | null {
  return typeof value === 'string' && value.length === 10 && isValidDate(value) ? value : null;
}

export function isEmptyValue(value: unknown): boolean {
  return value === undefined || value === null || value === '' || (Array.isArray(value) && value.length === 0);
}

/** Prepared equality operand: numbers and decimal strings compare by value ("70.00" equals 70 and "70"). */
export interface EqualityValue {
  raw: unknown;
  numeric: NumericValue | null;
}

export function prepareEquality(value: unknown): EqualityValue {
  return { raw: value, numeric: typeof value === 'string' || typeof value === 'number' ? toNumeric(value) : null };
}

export function equalsPrepared(fact: unknown, v: EqualityValue): boolean {
  if (fact === v.raw) return fact === fact;
  if (v.numeric === null || (typeof fact !== 'number' && typeof fact !== 'string')) return false;
  return compareNumeric(fact, v.numeric) === 0;
}

export const NUMERIC_KINDS: readonly FactKind[] = ['number', 'decimal'];
export const SCALAR_KINDS: readonly FactKind[] = ['number', 'decimal', 'text', 'date', 'boolean'];
