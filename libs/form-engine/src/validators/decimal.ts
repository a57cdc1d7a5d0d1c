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

export function decimalProblem(value: string, scale: number): DecimalProblem | null {
  if (value.length > 60 || !DECIMAL_RE.test(value)) return 'format';
  const unsigned = value.startsWith('-') ? value.slice(1) : value;
  const [int, frac = ''] = unsigned.split('.');
  if (int!.length > MAX_INTEGER_DIGITS) return 'integerDigits';
  if (frac.length > scale) return 'scale';
  return null;
}

export function isDecimalString(value: unknown, scale = 10): value is string {
  return typeof value === 'string' && decimalProblem(value, scale) === null;
}

/** Compares two decimal strings exactly: -1, 0 or 1. */
export function compareDecimal(a: string, b: string): number {
  return new Decimal(a).comparedTo(new Decimal(b));
}

