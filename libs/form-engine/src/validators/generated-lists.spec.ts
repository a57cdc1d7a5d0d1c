import { describe, expect, it } from 'vitest';
import { seededRng } from '../../test/seeded-rng.js';
import { isCnMobile, isCnPhone, isFapiaoCode, isFapiaoNumber } from './cn-formats.js';
import { isValidUscc, usccCheckChar } from './uscc.js';

/*
 * The validators against the published rules (DOMAIN §4) on generated lists: an independent
 * re-statement of each rule, written from the text, must agree with the engine on thousands of
 * generated near-miss values.
 */

/** A seeded generator of numbers in [0, 1). */
const rng = (seed: number): (() => number) => seededRng(seed).next;

const ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';

/** GB 32100 as written: Wi = 3^(i-1) mod 31, C18 = 31 - (S mod 31), 31 -> '0'. */
function referenceUscc(code: string): boolean {
  if (code.length !== 18) return false;
  if (!'123456789ANY'.includes(code[0]!) || !'123456789'.includes(code[1]!)) return false;
  if (!/^\d{6}$/.test(code.slice(2, 8))) return false;
  let s = 0;
  for (let i = 0; i < 17; i++) {
    const v = ALPHABET.indexOf(code[i]!);
    if (v < 0) return false;
    s += v * (3 ** i % 31);
  }
  const c = 31 - (s % 31);
  return code[17] === ALPHABET[c === 31 ? 0 : c];
}

describe('generated lists agree with the published rules', () => {
  it('USCC: 20,000 generated codes (half with a computed check character)', () => {
    const r = rng(32100);
    const pick = (chars: string) => chars[Math.floor(r() * chars.length)]!;
    let valid = 0;
    for (let n = 0; n < 20_000; n++) {
      const head = pick('123456789ANY0Z') + pick('1234567890');
      const region = Array.from({ length: 6 }, () => pick('0123456789A')).join('');
      const body = head + region + Array.from({ length: 9 }, () => pick(`${ALPHABET}IOSVZ`)).join('');
      let code: string;
      if (r() < 0.5 && /^[0-9A-Z]{17}$/.test(body) && [...body].every((c) => ALPHABET.includes(c))) code = body + usccCheckChar(body);
      else code = body + pick(`${ALPHABET}IOSVZ`);
      const ours = isValidUscc(code);
      expect(ours, code).toBe(referenceUscc(code));
      if (ours) valid++;
    }
    expect(valid).toBeGreaterThan(1000);
  });

  it('mobile, landline and 400/800: 20,000 generated strings', () => {
    const r = rng(86);
    const digits = (n: number) => Array.from({ length: n }, () => String(Math.floor(r() * 10))).join('');
    const mobileRule = /^(?:\+?86[- ]?)?1[3-9]\d{9}$/;
    const landlineRule = /^0\d{2,3}-?[1-9]\d{6,7}(?:-\d{1,6})?$/;
    const hotlineRule = /^[48]00-?\d{3}-?\d{4}$/;
    const shapes = [
      () => `1${digits(10)}`,
      () => `${['+86', '86', '+86 ', '86-', ''][Math.floor(r() * 5)]}1${digits(Math.floor(r() * 3) + 9)}`,
      () => `0${digits(Math.floor(r() * 3) + 2)}${r() < 0.5 ? '-' : ''}${digits(Math.floor(r() * 3) + 6)}${r() < 0.2 ? `-${digits(Math.floor(r() * 7) + 1)}` : ''}`,
      () => `${['400', '800', '500'][Math.floor(r() * 3)]}${r() < 0.5 ? '-' : ''}${digits(3)}${r() < 0.5 ? '-' : ''}${digits(Math.floor(r() * 2) + 3)}`,
    ];
    let mobiles = 0;
    let phones = 0;
    for (let n = 0; n < 20_000; n++) {
      const s = shapes[Math.floor(r() * shapes.length)]!();
      expect(isCnMobile(s), s).toBe(mobileRule.test(s));
      expect(isCnPhone(s), s).toBe(landlineRule.test(s) || hotlineRule.test(s));
      if (isCnMobile(s)) mobiles++;
      if (isCnPhone(s)) phones++;
    }
    expect(mobiles).toBeGreaterThan(1000);
    expect(phones).toBeGreaterThan(1000);
  });

  it('fapiao code (10 or 12 digits) and number (8 or 20 digits)', () => {
    for (let len = 0; len <= 24; len++) {
      const s = '1'.repeat(len);
      expect(isFapiaoCode(s), `code ${len}`).toBe(len === 10 || len === 12);
      expect(isFapiaoNumber(s), `number ${len}`).toBe(len === 8 || len === 20);
    }
    expect(isFapiaoNumber('2431200000001234567X')).toBe(false);
  });

  it('real-world examples', () => {
    expect(['13800138000', '+8613800138000', '86 19912345678'].every(isCnMobile)).toBe(true);
    expect(['010-62345678', '021-6888 8888', '0755-86013388', '4008208820', '800-820-8820'].map(isCnPhone)).toEqual([true, false, true, true, true]);
  });
});
