/*
 * Character-code versions of the short all-digit regex formats of cn-formats.ts. On the hot path
 * every format is asked about every present value; for these a loop over the character codes beats
 * RegExp#test's fixed cost. Each function accepts exactly what its regex accepts
 * (char-formats.spec.ts compares them on generated, mutated and every single-code-unit input);
 * the regexes stay the reference definitions.
 */

/** `count` ASCII digits at value[from, from + count). */
function digitsAt(value: string, from: number, count: number): boolean {
  for (let i = from; i < from + count; i++) {
    const c = value.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

/** /^\d{n}$/ */
export function isDigits(value: string, n: number): boolean {
  return value.length === n && digitsAt(value, 0, n);
}

/** CN_MOBILE: /^(?:\+?86[- ]?)?1[3-9]\d{9}$/ */
export function mobileChars(value: string): boolean {
  const n = value.length;
  if (n < 11 || n > 15) return false;
  let i = 0;
  if (value.charCodeAt(0) === 43 /* + */) {
    if (value.charCodeAt(1) !== 56 || value.charCodeAt(2) !== 54) return false;
    i = 3;
  } else if (n > 11 && value.charCodeAt(0) === 56 && value.charCodeAt(1) === 54) {
    i = 2;
  }
  if (i > 0) {
    const sep = value.charCodeAt(i);
    if (sep === 45 || sep === 32) i++;
  }
  if (n - i !== 11 || value.charCodeAt(i) !== 49) return false;
  const second = value.charCodeAt(i + 1);
  return second >= 51 && second <= 57 && digitsAt(value, i + 2, 9);
}

/** CN_POSTAL_CODE: /^[0-8]\d{5}$/ */
export function postalCodeChars(value: string): boolean {
  if (value.length !== 6) return false;
  const c = value.charCodeAt(0);
  return c >= 48 && c <= 56 && digitsAt(value, 1, 5);
}
