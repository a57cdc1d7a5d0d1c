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


/** Per code unit, for isDecimalWithin: 0 a digit, 1 '.', 2 anything else. */
const DECIMAL_CLASS = new Uint8Array(0x10000).fill(2);
for (let c = 48; c <= 57; c++) DECIMAL_CLASS[c] = 0;
DECIMAL_CLASS[46] = 1;

/**
 * decimalProblem(value, scale) === null, on character codes without allocating: the validator's
 * per-value check for money and decimal fields. One pass without a branch per character: after an
 * optional '-', only digits and at most one '.' (counted, its position kept arithmetically), then
 * the parts measured — an integer part of 1–18 digits without a leading zero (unless it is "0"),
 * and after a '.' 1–scale digits.
 */
export function isDecimalWithin(value: string, scale: number): boolean {
  const n = value.length;
  if (n === 0 || n > 60) return false;
  const start = value.charCodeAt(0) === 45 ? 1 : 0;
  let other = 0;
  let dots = 0;
  let dotAt = n;
  for (let i = start; i < n; i++) {
    const k = DECIMAL_CLASS[value.charCodeAt(i)]!;
    other |= k & 2;
    const isDot = k & 1;
    dots += isDot;
    dotAt += (i - dotAt) & -isDot;
  }
  const intDigits = dotAt - start;
  if (other !== 0 || dots > 1 || intDigits < 1 || intDigits > MAX_INTEGER_DIGITS) return false;
  if (intDigits > 1 && value.charCodeAt(start) === 48) return false;
  if (dots === 0) return true;
  const fracDigits = n - dotAt - 1;
  return fracDigits > 0 && fracDigits <= scale;
}

/**
 * compareDecimal for two strings in the canonical form DECIMAL_RE accepts (no leading zeros, no
 * '+', no exponent), on character codes without allocating. '-0' and '0.00' equal '0'.
 */
export function compareCanonicalDecimal(a: string, b: string): number {
  const aNeg = a.charCodeAt(0) === 45;
  const bNeg = b.charCodeAt(0) === 45;
  // Two non-negative values (the usual amounts): their magnitudes' order, zeros included.
  if (!aNeg && !bNeg) return compareCanonicalMagnitude(a, 0, b, 0);
  const aSign = canonicalIsZero(a, aNeg ? 1 : 0) ? 0 : aNeg ? -1 : 1;
  const bSign = canonicalIsZero(b, bNeg ? 1 : 0) ? 0 : bNeg ? -1 : 1;
  if (aSign !== bSign) return aSign < bSign ? -1 : 1;
  if (aSign === 0) return 0;
  const c = compareCanonicalMagnitude(a, aNeg ? 1 : 0, b, bNeg ? 1 : 0);
  return aSign < 0 ? 0 - c || 0 : c;
}

/**
 * The sign (-1, 0 or 1) of a decimal string in the canonical form (isDecimalWithin), without
 * allocating: '-0' and '0.00' are 0.
 */
export function canonicalSign(value: string): number {
  const neg = value.charCodeAt(0) === 45;
  return canonicalIsZero(value, neg ? 1 : 0) ? 0 : neg ? -1 : 1;
}

function canonicalIsZero(s: string, from: number): boolean {
  for (let i = from; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c !== 48 && c !== 46) return false;
  }
  return true;
}

function compareCanonicalMagnitude(a: string, ai: number, b: string, bi: number): number {
  // Money's usual shape, two decimals on both sides: the integer parts' lengths follow from the
  // strings' lengths, and at equal lengths the strings' own order (native) is their numeric order.
  // (`ai === bi`: the caller compares values of one sign, so both or neither have the '-'.)
  if (a.charCodeAt(a.length - 3) === 46 && b.charCodeAt(b.length - 3) === 46) {
    if (a.length !== b.length) return a.length < b.length ? -1 : 1;
    return a === b ? 0 : a < b ? -1 : 1;
  }
  let aDot = a.indexOf('.', ai);
  let bDot = b.indexOf('.', bi);
  if (aDot < 0) aDot = a.length;
  if (bDot < 0) bDot = b.length;
  // Canonical integer parts have no leading zeros: the longer one is larger.
  if (aDot - ai !== bDot - bi) return aDot - ai < bDot - bi ? -1 : 1;
  for (let k = 0; k < aDot - ai; k++) {
    const x = a.charCodeAt(ai + k);
    const y = b.charCodeAt(bi + k);
    if (x !== y) return x < y ? -1 : 1;
  }
  // Fractions digit by digit, a missing digit counting as 0.
  const aFrac = a.length - aDot - 1;
  const bFrac = b.length - bDot - 1;
  const len = Math.max(aFrac, bFrac, 0);
  for (let k = 0; k < len; k++) {
    const x = k < aFrac ? a.charCodeAt(aDot + 1 + k) : 48;
    const y = k < bFrac ? b.charCodeAt(bDot + 1 + k) : 48;
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}
