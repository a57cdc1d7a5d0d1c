/**
 * 统一社会信用代码 (USCC, GB 32100-2015) and the organisation-code part (GB 11714).
 * See DOMAIN.md §4.1. Note: positions 1–8 are NOT all digits (A, N, Y registration authorities).
 */

export const USCC_ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
/** Wᵢ = 3^(i−1) mod 31, i = 1..17. */
export const USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28] as const;

// Positions 1–17 are checked strictly; a wrong 18th character (even one outside the alphabet,
// like the standard's own `…Y4Z` example) is reported as a check-character error.
const STRUCTURE = /^[1-9ANY][1-9]\d{6}[0-9A-HJ-NP-RT-UW-Y]{9}[0-9A-Z]$/;

/** Uppercases and strips spaces and hyphens, as people paste codes with them. */
export function normalizeUscc(value: string): string {
  // Fast path: most stored codes are already canonical.
  if (value.length === 18 && /^[0-9A-Z]{18}$/.test(value)) return value;
  return value.replace(/[\s-]/g, '').toUpperCase();
}

/** The check character for the first 17 characters; throws on characters outside the alphabet. */
export function usccCheckChar(first17: string): string {
  const s = normalizeUscc(first17);
  if (s.length !== 17) throw new RangeError(`USCC body must have 17 characters, got ${s.length}`);
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    const v = USCC_ALPHABET.indexOf(s[i]!);
    if (v < 0) throw new RangeError(`Character '${s[i]}' is not in the USCC alphabet`);
    sum += v * USCC_WEIGHTS[i]!;
  }
  return USCC_ALPHABET[(31 - (sum % 31)) % 31]!;
}

export type UsccProblem = 'length' | 'structure' | 'checksum';

/** Why a code is not a valid USCC, or null when it is valid. */
export function usccProblem(value: string): UsccProblem | null {
  const s = normalizeUscc(value);
  if (s.length !== 18) return 'length';
  if (!STRUCTURE.test(s)) return 'structure';
  return usccCheckChar(s.slice(0, 17)) === s[17] ? null : 'checksum';
}

/** Alphabet index of each ASCII code for the USCC body (-1: not in the alphabet). */
const USCC_INDEX = new Int8Array(128).fill(-1);
for (let i = 0; i < USCC_ALPHABET.length; i++) USCC_INDEX[USCC_ALPHABET.charCodeAt(i)] = i;

/**
 * usccProblem(value) === null for an 18-character value made only of 0-9 and A-Z (normalising
 * leaves such a value unchanged), computed on character codes without allocating; null when the
 * value has any other character, so the caller takes the general path.
 */
function canonicalUsccValid(value: string): boolean | null {
  if (value.length !== 18) return null;
  let sum = 0;
  let ok = true;
  for (let i = 0; i < 18; i++) {
    const c = value.charCodeAt(i);
    const upperOrDigit = (c >= 48 && c <= 57) || (c >= 65 && c <= 90);
    if (!upperOrDigit) return null;
    if (i === 17) break;
    const v = USCC_INDEX[c]!;
    if (i === 0) {
      // [1-9ANY]
      if (c === 48 || (c > 57 && c !== 65 && c !== 78 && c !== 89)) ok = false;
    } else if (i === 1) {
      if (c < 49 || c > 57) ok = false; // [1-9]
    } else if (i < 8) {
      if (c > 57) ok = false; // \d
    } else if (v < 0) {
      ok = false; // [0-9A-HJ-NP-RT-UW-Y]
    }
    if (v >= 0) sum += v * USCC_WEIGHTS[i]!;
  }
  // Positions 1-17 valid implies every body character is in the alphabet (v >= 0 above).
  return ok && value.charCodeAt(17) === USCC_ALPHABET.charCodeAt((31 - (sum % 31)) % 31);
}

export function isValidUscc(value: string): boolean {
  if (typeof value !== 'string') return false;
  return canonicalUsccValid(value) ?? usccProblem(value) === null;
}

const ORG_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2] as const;

function orgCharValue(c: string): number {
  if (c >= '0' && c <= '9') return c.charCodeAt(0) - 48;
  if (c >= 'A' && c <= 'Z') return c.charCodeAt(0) - 55;
  return -1;
}

/** GB 11714 check character for an 8-character organisation-code body. */
export function orgCodeCheckChar(first8: string): string {
  let sum = 0;
  for (let i = 0; i < 8; i++) {
    const v = orgCharValue(first8[i] ?? '');
    if (v < 0) throw new RangeError(`Character '${first8[i]}' is not valid in an organisation code`);
    sum += v * ORG_WEIGHTS[i]!;
  }
  const c = 11 - (sum % 11);
  return c === 10 ? 'X' : c === 11 ? '0' : String(c);
}

/** usccOrgCodeValid for an 18-character value of 0-9 and A-Z only, on character codes; null otherwise. */
function canonicalOrgCodeValid(value: string): boolean | null {
  if (value.length !== 18) return null;
  for (let i = 0; i < 18; i++) {
    const c = value.charCodeAt(i);
    if (!((c >= 48 && c <= 57) || (c >= 65 && c <= 90))) return null;
  }
  let sum = 0;
  for (let i = 0; i < 8; i++) {
    const c = value.charCodeAt(8 + i);
    sum += (c <= 57 ? c - 48 : c - 55) * ORG_WEIGHTS[i]!;
  }
  const check = 11 - (sum % 11);
  const expected = check === 10 ? 88 /* X */ : check === 11 ? 48 /* 0 */ : 48 + check;
  return value.charCodeAt(16) === expected;
}

/**
 * Per code unit, everything usccScan asks about it in one table entry: bits 0-4 its USCC alphabet
 * index (31 outside the alphabet); bit 5 (32) not a digit; bit 6 (64) not in the USCC alphabet;
 * bit 7 (128) not 0-9 / A-Z; bits 8-13 its GB 11714 value (digits 0-9, letters 10-35); bit 14 not
 * [1-9ANY] (the registration authority); bit 15 not [1-9] (the organisation category).
 */
const SCAN = new Uint16Array(0x10000);
for (let c = 0; c < 0x10000; c++) {
  const digit = c >= 48 && c <= 57;
  const upper = c >= 65 && c <= 90;
  const index = c < 128 ? USCC_ALPHABET.indexOf(String.fromCharCode(c)) : -1;
  let entry = index >= 0 ? index : 31 | 64;
  if (!digit) entry |= 32;
  if (!digit && !upper) entry |= 128;
  entry |= (digit ? c - 48 : upper ? c - 55 : 0) << 8;
  if (!((c >= 49 && c <= 57) || c === 65 || c === 78 || c === 89)) entry |= 1 << 14;
  if (!(c >= 49 && c <= 57)) entry |= 1 << 15;
  SCAN[c] = entry;
}
/** The check character's code for each weighted sum mod 31 (GB 32100) and mod 11 (GB 11714). */
const USCC_CHECK = new Uint16Array(31);
for (let r = 0; r < 31; r++) USCC_CHECK[r] = USCC_ALPHABET.charCodeAt((31 - r) % 31);
const ORG_CHECK = new Uint16Array(11);
for (let r = 0; r < 11; r++) ORG_CHECK[r] = r === 1 ? 88 /* X */ : r === 0 ? 48 /* 0 */ : 48 + 11 - r;

/**
 * One pass over an 18-character value of 0-9 and A-Z: 0 = not a valid USCC, 1 = valid with a valid
 * GB 11714 organisation-code part, 2 = valid but the organisation-code part fails (a warning);
 * -1 = some other character or length (ask isValidUscc / usccOrgCodeValid). Written out per
 * position (the weights USCC_WEIGHTS and ORG_WEIGHTS as constants): one table entry per character,
 * the structure [1-9ANY][1-9]\d{6}[0-9A-HJ-NP-RT-UW-Y]{9} tested on ORed flag bits, no loop and no
 * branch until the sums are compared with the check characters.
 */
export function usccScan(value: string): -1 | 0 | 1 | 2 {
  if (value.length !== 18) return -1;
  const T = SCAN;
  const t0 = T[value.charCodeAt(0)]!;
  const t1 = T[value.charCodeAt(1)]!;
  const t2 = T[value.charCodeAt(2)]!;
  const t3 = T[value.charCodeAt(3)]!;
  const t4 = T[value.charCodeAt(4)]!;
  const t5 = T[value.charCodeAt(5)]!;
  const t6 = T[value.charCodeAt(6)]!;
  const t7 = T[value.charCodeAt(7)]!;
  const t8 = T[value.charCodeAt(8)]!;
  const t9 = T[value.charCodeAt(9)]!;
  const t10 = T[value.charCodeAt(10)]!;
  const t11 = T[value.charCodeAt(11)]!;
  const t12 = T[value.charCodeAt(12)]!;
  const t13 = T[value.charCodeAt(13)]!;
  const t14 = T[value.charCodeAt(14)]!;
  const t15 = T[value.charCodeAt(15)]!;
  const c16 = value.charCodeAt(16);
  const t16 = T[c16]!;
  const c17 = value.charCodeAt(17);
  const body = t8 | t9 | t10 | t11 | t12 | t13 | t14 | t15 | t16;
  const digits = t2 | t3 | t4 | t5 | t6 | t7;
  if (((t0 | t1 | digits | body | T[c17]!) & 128) !== 0) return -1;
  if ((((t0 >> 14) & 1) | (t1 >> 15) | (digits & 32) | (body & 64)) !== 0) return 0;
  const sum =
    (t0 & 31) + (t1 & 31) * 3 + (t2 & 31) * 9 + (t3 & 31) * 27 + (t4 & 31) * 19 + (t5 & 31) * 26 + (t6 & 31) * 16 + (t7 & 31) * 17 + (t8 & 31) * 20 +
    (t9 & 31) * 29 + (t10 & 31) * 25 + (t11 & 31) * 13 + (t12 & 31) * 8 + (t13 & 31) * 24 + (t14 & 31) * 10 + (t15 & 31) * 30 + (t16 & 31) * 28;
  if (c17 !== USCC_CHECK[sum % 31]) return 0;
  const org =
    ((t8 >> 8) & 63) * 3 + ((t9 >> 8) & 63) * 7 + ((t10 >> 8) & 63) * 9 + ((t11 >> 8) & 63) * 10 + ((t12 >> 8) & 63) * 5 + ((t13 >> 8) & 63) * 8 +
    ((t14 >> 8) & 63) * 4 + ((t15 >> 8) & 63) * 2;
  return c16 === ORG_CHECK[org % 11] ? 1 : 2;
}

/**
 * isValidUscc(value) && usccOrgCodeValid(value): a USCC that needs no warning. One pass over the
 * character codes for canonical values; the general functions otherwise.
 */
export function isUsccWithValidOrgCode(value: string): boolean {
  const fast = canonicalOrgCodeValid(value);
  if (fast === null) return usccOrgCodeValid(value) && isValidUscc(value);
  return fast && canonicalUsccValid(value) === true;
}

/**
 * Whether positions 9–17 of a USCC pass the GB 11714 organisation-code check. DOMAIN §4.1 asks
 * for this as a warning only: some legitimately issued codes may not satisfy it.
 */
export function usccOrgCodeValid(value: string): boolean {
  const fast = canonicalOrgCodeValid(value);
  if (fast !== null) return fast;
  const s = normalizeUscc(value);
  if (s.length !== 18) return false;
  const org = s.slice(8, 17);
  try {
    return orgCodeCheckChar(org.slice(0, 8)) === org[8];
  } catch {
    return false;
  }
}

/** A legacy 组织机构代码: 8 characters + GB 11714 check character, optionally as XXXXXXXX-X. */
export function isLegacyOrgCode(value: string): boolean {
  const s = value.trim().toUpperCase().replace('-', '');
  if (!/^[0-9A-Z]{8}[0-9X]$/.test(s)) return false;
  try {
    return orgCodeCheckChar(s.slice(0, 8)) === s[8];
  } catch {
    return false;
  }
}

/** A legacy 15-digit 工商注册号 (no public checksum is enforced). */
export function isLegacyRegistrationNo(value: string): boolean {
  return /^\d{15}$/.test(value.trim());
}

/** A USCC, or (for records from before 2015) a legacy registration number or organisation code. */
export function isUsccOrLegacy(value: string): boolean {
  return isValidUscc(value) || isLegacyRegistrationNo(value) || isLegacyOrgCode(value);
}
