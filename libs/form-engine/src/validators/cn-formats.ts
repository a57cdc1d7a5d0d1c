/**
 * Chinese business-data formats of DOMAIN.md §4.2, as plain predicates. The regexes are the
 * definitions; the short all-digit ones run character-code equivalents (char-formats.ts), which
 * were measured faster than RegExp#test for them (mobile ~25 vs ~50 ns, postal code ~17 vs ~28 ns,
 * CNAPS ~26 vs ~35 ns per value); the landline and email ones likewise now (one pass, no regex call),
 * and the 400/800 hotline regex runs only for values starting with 4 or 8.
 */
import { emailChars, isDigits, landlineChars, mobileChars, postalCodeChars } from './char-formats.js';

export const CN_MOBILE = /^(?:\+?86[- ]?)?1[3-9]\d{9}$/;
export const CN_LANDLINE = /^0\d{2,3}-?[1-9]\d{6,7}(?:-\d{1,6})?$/;
export const CN_HOTLINE = /^[48]00-?\d{3}-?\d{4}$/;
export const CN_POSTAL_CODE = /^[0-8]\d{5}$/;
export const CNAPS_CODE = /^\d{12}$/;
export const FAPIAO_CODE = /^(?:\d{10}|\d{12})$/;
/** 8 digits (legacy 税控 invoices) or 20 digits (数电票). */
export const FAPIAO_NUMBER = /^(?:\d{8}|\d{20})$/;
export const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** (mobileChars itself: the validators call it without a wrapper in between.) */
export const isCnMobile: (value: string) => boolean = mobileChars;

/** A landline (with area code, optional extension) or a 400/800 hotline. */
export function isCnPhone(value: string): boolean {
  // CN_LANDLINE.test(value) || CN_HOTLINE.test(value): a landline starts with 0, a hotline with 4 or 8.
  const first = value.charCodeAt(0);
  if (first === 48) return landlineChars(value);
  return (first === 52 || first === 56) && CN_HOTLINE.test(value);
}

export const isCnPostalCode: (value: string) => boolean = postalCodeChars;

/** Per code unit, for isBankAccount: 1 a digit, 2 U+0020, 4 anything else. */
const ACCOUNT_CLASS = new Uint8Array(0x10000).fill(4);
for (let c = 48; c <= 57; c++) ACCOUNT_CLASS[c] = 1;
ACCOUNT_CLASS[32] = 2;

/** Corporate or personal account: digits only once spaces are removed, 8–32 long. */
export function isBankAccount(value: string): boolean {
  // /^\d{8,32}$/ on the value without U+0020 spaces, counted on character codes (no copy, no
  // branch per character: the class bits are ORed, the digit bits summed).
  const n = value.length;
  let seen = 0;
  let digits = 0;
  for (let i = 0; i < n; i++) {
    const k = ACCOUNT_CLASS[value.charCodeAt(i)]!;
    seen |= k;
    digits += k & 1;
  }
  return (seen & 4) === 0 && digits >= 8 && digits <= 32;
}


/** Luhn (mod 10), for personal bank cards only (DOMAIN §4.2). */
export function luhnValid(digits: string): boolean {
  if (!/^\d+$/.test(digits)) return false;
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

export function isCnapsCode(value: string): boolean {
  return isDigits(value, 12);
}

export function isFapiaoCode(value: string): boolean {
  return isDigits(value, 10) || isDigits(value, 12);
}

export function isFapiaoNumber(value: string): boolean {
  return isDigits(value, 8) || isDigits(value, 20);
}

export function isEmail(value: string): boolean {
  return value.length <= 254 && emailChars(value);
}

/** A personal bank card: 16–19 digits (spaces allowed) passing Luhn (DOMAIN §4.2: cards only). */
export function isBankCard(value: string): boolean {
  const digits = value.replace(/ /g, '');
  return /^\d{16,19}$/.test(digits) && luhnValid(digits);
}
