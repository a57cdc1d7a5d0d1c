import * as decimalModule from 'decimal.js';

/*
 * decimal.js ships an ES module whose only export is `default`, but its typings are CommonJS-style;
 * reading `default` off the namespace is correct for both Node ESM and bundlers.
 */
export const Decimal = (decimalModule as unknown as { default: typeof decimalModule.Decimal }).default;
export type Decimal = decimalModule.Decimal;

/** Exact decimals as JSON strings: "-12.50", "0.1". No exponent, no leading '+', no thousands separators. */
export const DECIMAL_RE = /^-?(?:0|[1-9]\d*)(?:\.\d+)?$/;

/** Maximum digits before the point: numeric(20, scale) leaves room for 18. */
export const MAX_INTEGER_DIGITS = 18;

export type DecimalProblem = 'format' | 'integerDigits' | 'scale';

const DECIMAL_PARTS_RE = /^-?(0|[1-9]\d*)(?:\.(\d+))?$/;

export function decimalProblem(value: string, scale: number): DecimalProblem | null {
  if (value.length > 60) return 'format';
  const m = DECIMAL_PARTS_RE.exec(value);
  if (!m) return 'format';
  if (m[1]!.length > MAX_INTEGER_DIGITS) return 'integerDigits';
  if (m[2] !== undefined && m[2].length > scale) return 'scale';
  return null;
}

export function isDecimalString(value: unknown, scale = 10): value is string {
  return typeof value === 'string' && decimalProblem(value, scale) === null;
}

/** Compares two non-negative plain decimal strings without a sign. */
function compareUnsigned(a: string, b: string): number {
  const ai = a.indexOf('.');
  const bi = b.indexOf('.');
  let aInt = ai < 0 ? a : a.slice(0, ai);
  let bInt = bi < 0 ? b : b.slice(0, bi);
  let aFrac = ai < 0 ? '' : a.slice(ai + 1);
  let bFrac = bi < 0 ? '' : b.slice(bi + 1);
  aInt = aInt.replace(/^0+(?=\d)/, '');
  bInt = bInt.replace(/^0+(?=\d)/, '');
  if (aInt.length !== bInt.length) return aInt.length < bInt.length ? -1 : 1;
  if (aInt !== bInt) return aInt < bInt ? -1 : 1;
  aFrac = aFrac.replace(/0+$/, '');
  bFrac = bFrac.replace(/0+$/, '');
  if (aFrac === bFrac) return 0;
  return aFrac < bFrac ? -1 : 1; // lexicographic order is numeric order for fractions
}

function isZero(s: string): boolean {
  return /^[0.]*$/.test(s);
}

/**
 * Compares two decimal strings exactly (-1, 0 or 1) on their digits, never through floats.
 * String-based because it runs inside the validator for every money value; formulas use decimal.js.
 */
export function compareDecimal(a: string, b: string): number {
  const aNeg = a.startsWith('-');
  const bNeg = b.startsWith('-');
  const au = aNeg ? a.slice(1) : a;
  const bu = bNeg ? b.slice(1) : b;
  const aSign = isZero(au) ? 0 : aNeg ? -1 : 1;
  const bSign = isZero(bu) ? 0 : bNeg ? -1 : 1;
  if (aSign !== bSign) return aSign < bSign ? -1 : 1;
  if (aSign === 0) return 0;
  const c = compareUnsigned(au, bu);
  return aSign < 0 ? 0 - c || 0 : c;
}

