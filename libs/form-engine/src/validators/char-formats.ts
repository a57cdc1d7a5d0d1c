/*
 * Character-code versions of the short all-digit regex formats of cn-formats.ts. On the hot path
 * every format is asked about every present value; for these a loop over the character codes beats
 * RegExp#test's fixed cost (from 12 digits on, isDigits uses unrolled regexes instead: UNROLLED_DIGITS).
 * Each function accepts exactly what its regex accepts
 * (char-formats.spec.ts compares them on generated, mutated and every single-code-unit input);
 * the regexes stay the reference definitions.
 */

/**
 * 0 for the code units '0'-'9', 1 for every other one. The hot-path predicates OR table entries
 * together instead of branching per character: inside the validator a record's dozen formats run
 * one after another, and there every data-dependent branch in a character loop is a likely
 * misprediction (measured: about a third of the per-record format cost).
 */
export const NOT_DIGIT = new Uint8Array(0x10000).fill(1);
for (let c = 48; c <= 57; c++) NOT_DIGIT[c] = 0;

/** `count` ASCII digits at value[from, from + count) (the caller keeps the range inside the string). */
export function digitsAt(value: string, from: number, count: number): boolean {
  let bad = 0;
  for (let i = from; i < from + count; i++) bad |= NOT_DIGIT[value.charCodeAt(i)]!;
  return bad === 0;
}

/**
 * From 12 digits on, /^\d{n}$/ written out as n `[0-9]` classes: irregexp checks several characters
 * per compare on unrolled text, and beats the loop (Node 20: 20 digits ~24 ns against ~38 ns; the
 * loop wins below ~10, where RegExp#test's fixed cost dominates).
 */
const UNROLLED_DIGITS = Array.from({ length: 33 }, (_, n) => (n >= 12 ? new RegExp(`^${'[0-9]'.repeat(n)}$`) : null));

/** /^\d{n}$/ as n `[0-9]` classes (12 <= n <= 32). */
export function unrolledDigits(n: number): RegExp {
  const re = UNROLLED_DIGITS[n];
  if (!re) throw new Error(`unrolledDigits: ${n} is outside 12-32`);
  return re;
}

/** /^\d{n}$/ */
export function isDigits(value: string, n: number): boolean {
  if (value.length !== n) return false;
  const re = n < UNROLLED_DIGITS.length ? UNROLLED_DIGITS[n] : null;
  return re ? re.test(value) : digitsAt(value, 0, n);
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

/** [from, to) is 0 + a 2–3 digit area + a 7–8 digit number starting 1-9 (the caller checked that all are digits). */
function areaAndNumber(value: string, from: number, to: number): boolean {
  const n = to - from;
  if (n < 10 || n > 12 || value.charCodeAt(from) !== 48) return false;
  // Area 2 leaves 7 or 8 digits (n 10, 11), area 3 leaves 7 or 8 (n 11, 12); the number's first digit is not 0.
  return (n <= 11 && value.charCodeAt(from + 3) !== 48) || (n >= 11 && value.charCodeAt(from + 4) !== 48);
}

/**
 * CN_LANDLINE: /^0\d{2,3}-?[1-9]\d{6,7}(?:-\d{1,6})?$/ — one pass: every character a digit or one of
 * at most two hyphens, then the runs between the hyphens measured: 0+area+number, or 0+area - number,
 * each optionally followed by - extension (1–6 digits).
 */
export function landlineChars(value: string): boolean {
  const n = value.length;
  if (n < 10 || n > 20 || value.charCodeAt(0) !== 48) return false;
  let h1 = -1;
  let h2 = -1;
  for (let i = 1; i < n; i++) {
    const c = value.charCodeAt(i);
    if (NOT_DIGIT[c] === 0) continue;
    if (c !== 45 || h2 >= 0) return false;
    if (h1 < 0) h1 = i;
    else h2 = i;
  }
  if (h1 < 0) return areaAndNumber(value, 0, n);
  // A hyphen after the area (0 + 2–3 digits): the number runs to the next hyphen or the end.
  const numberEnd = h2 < 0 ? n : h2;
  const afterArea = (h1 === 3 || h1 === 4) && numberEnd - h1 - 1 >= 7 && numberEnd - h1 - 1 <= 8 && value.charCodeAt(h1 + 1) !== 48;
  if (h2 >= 0) return afterArea && n - h2 - 1 >= 1 && n - h2 - 1 <= 6;
  // One hyphen: after the area, or before an extension.
  return afterArea || (areaAndNumber(value, 0, h1) && n - h1 - 1 >= 1 && n - h1 - 1 <= 6);
}

/** A code unit RegExp `\s` matches (without the u flag). */
function isRegExpSpace(c: number): boolean {
  return (
    c === 32 ||
    (c >= 9 && c <= 13) ||
    c === 0xa0 ||
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000 ||
    c === 0xfeff
  );
}

/** Per code unit, for emailChars: 1 '@', 2 '.', 4 a RegExp `\s` character, 0 anything else. */
const EMAIL_CLASS = new Uint8Array(0x10000);
for (let c = 0; c < 0x10000; c++) if (isRegExpSpace(c)) EMAIL_CLASS[c] = 4;
EMAIL_CLASS[64] = 1;
EMAIL_CLASS[46] = 2;

/**
 * EMAIL: /^[^\s@]+@[^\s@]+\.[^\s@]+$/ — no `\s` anywhere, exactly one '@' (not first), and after it
 * a '.' with at least one character on each side. One pass, one table lookup per character.
 */
export function emailChars(value: string): boolean {
  const n = value.length;
  let at = -1;
  let dot = false;
  for (let i = 0; i < n; i++) {
    const k = EMAIL_CLASS[value.charCodeAt(i)]!;
    if (k === 0) continue;
    if (k === 1) {
      if (at >= 0) return false;
      at = i;
    } else if (k === 2) {
      if (at >= 0 && i >= at + 2 && i <= n - 2) dot = true;
    } else {
      return false;
    }
  }
  return at >= 1 && dot;
}
