import { describe, expect, it } from 'vitest';
import { emailChars, isDigits, landlineChars, mobileChars, postalCodeChars } from './char-formats.js';
import { CN_HOTLINE, CN_LANDLINE, CN_MOBILE, CN_POSTAL_CODE, CNAPS_CODE, EMAIL, FAPIAO_CODE, FAPIAO_NUMBER, isCnapsCode, isCnMobile, isCnPhone, isCnPostalCode, isEmail, isFapiaoCode, isFapiaoNumber } from './cn-formats.js';

/*
 * Differential tests: each character-code predicate against the regex it replaces, on the values of
 * generated customers, on random mutations of them, and on every UTF-16 code unit at every position
 * of valid examples (so no character the regex refuses can slip through, whatever its code).
 */

function random(seed: number) {
  let s = seed >>> 0;
  return (n: number) => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return (s >>> 8) % n;
  };
}

function mutations(bases: string[], alphabet: string, count: number, seed: number): string[] {
  const rnd = random(seed);
  const out: string[] = [...bases];
  for (let n = 0; n < count; n++) {
    const chars = [...bases[rnd(bases.length)]!];
    const edits = rnd(5);
    for (let e = 0; e < edits; e++) {
      const op = rnd(3);
      const at = rnd(chars.length + 1);
      const ch = alphabet[rnd(alphabet.length)]!;
      if (op === 0) chars[at] = ch;
      else if (op === 1) chars.splice(at, 1);
      else chars.splice(at, 0, ch);
    }
    out.push(chars.join(''));
  }
  return out;
}

/** Every string obtained from a base by replacing, inserting or deleting one code unit (all 65,536). */
function* singleEdits(base: string): Generator<string> {
  for (let at = 0; at <= base.length; at++) {
    if (at < base.length) yield base.slice(0, at) + base.slice(at + 1);
    for (let c = 0; c < 0x10000; c++) {
      const ch = String.fromCharCode(c);
      if (at < base.length) yield base.slice(0, at) + ch + base.slice(at + 1);
      yield base.slice(0, at) + ch + base.slice(at);
    }
  }
}

function agree(name: string, fast: (v: string) => boolean, re: RegExp, values: Iterable<string>): number {
  let n = 0;
  let accepted = 0;
  for (const v of values) {
    const want = re.test(v);
    if (fast(v) !== want) expect.fail(`${name}(${JSON.stringify(v)}) should be ${want}`);
    n++;
    if (want) accepted++;
  }
  expect(accepted).toBeGreaterThan(0); // the corpus exercises both answers
  expect(accepted).toBeLessThan(n);
  return n;
}

/** Generated customers' values are checked in seeds/src/fast-path-differential.spec.ts (this library does not depend on the seeds). */
const column = (key: string): string[] =>
  ({
    mobile: ['18534045708', '13608654732', '15900000000', '19912345678'],
    postal_code: ['430479', '518000', '010010'],
    bank_cnaps: ['103578046962', '102100099996'],
  })[key] ?? [];

describe('character-code formats accept exactly what their regexes accept', { timeout: 120_000 }, () => {
  it('cn-mobile', () => {
    const bases = [...column('mobile'), '13800138000', '+8613800138000', '+86-13800138000', '+86 13800138000', '8613800138000', '86-13800138000', '86 19912345678'];
    const n = agree('mobileChars', mobileChars, CN_MOBILE, mutations(bases, '0123456789+86- 1a\u0661', 60_000, 7));
    expect(n).toBeGreaterThan(60_000);
    for (const base of ['13800138000', '+86-13800138000', '8613800138000']) agree('mobileChars', mobileChars, CN_MOBILE, singleEdits(base));
    expect(isCnMobile('+86 13912345678')).toBe(true);
    expect(isCnMobile('+8613912345678 ')).toBe(false);
    expect(isCnMobile('8612912345678')).toBe(false);
  });

  it('cn-postal-code', () => {
    const bases = [...column('postal_code'), '100000', '850000', '999999'];
    agree('postalCodeChars', postalCodeChars, CN_POSTAL_CODE, mutations(bases, '0123456789 a-\u0660', 30_000, 8));
    agree('postalCodeChars', postalCodeChars, CN_POSTAL_CODE, singleEdits('430479'));
    expect(isCnPostalCode('900000')).toBe(false);
  });

  it('cn-phone (landline by character codes, 400/800 hotline regex)', () => {
    const bases = ['027-45062519', '02745062519', '0591-87654321', '059187654321', '0591-8765432', '010-1234567-123456', '0755-12345678-1', '01012345678', '0591-87654321-123', '400-123-4567', '4001234567', '800-1234567'];
    agree('landlineChars', landlineChars, CN_LANDLINE, mutations(bases, '0123456789-- x\uff10', 80_000, 11));
    for (const base of ['027-45062519', '0591-87654321-123', '05918765432']) agree('landlineChars', landlineChars, CN_LANDLINE, singleEdits(base));
    const phone = { test: (v: string) => CN_LANDLINE.test(v) || CN_HOTLINE.test(v) } as RegExp;
    agree('isCnPhone', isCnPhone, phone, mutations(bases, '0123456789-48 ', 40_000, 12));
    agree('isCnPhone', isCnPhone, phone, singleEdits('400-123-4567'));
  });

  it('email', () => {
    const bases = ['a@b.cn', 'finance@example.com', 'wv658@c70873.com.cn', 'x.y@a.b.c', '.a@.b.c.', 'a@b..c', '名字@例子.中国'];
    const alphabet = 'a.@ \t\u3000\u00a0\u2028\ufeff\u200b\u0085x.';
    agree('emailChars', emailChars, EMAIL, mutations(bases, alphabet, 80_000, 13));
    for (const base of ['a@b.cn', 'fi.n@ex.co']) agree('emailChars', emailChars, EMAIL, singleEdits(base));
    expect(isEmail(`${'a'.repeat(250)}@b.cn`)).toBe(false);
    expect(isEmail('finance@example.com')).toBe(true);
  });

  it('cnaps, fapiao code and number (runs of digits)', () => {
    const digits = (n: number) => (v: string) => isDigits(v, n);
    const cnaps = [...column('bank_cnaps'), '103578046962'];
    agree('isDigits12', digits(12), CNAPS_CODE, mutations(cnaps, '0123456789 x', 20_000, 9));
    agree('isDigits12', digits(12), CNAPS_CODE, singleEdits('103578046962'));
    const codes = ['3100231130', '031002300111', '12345678', '24312000000012345678'];
    const all = mutations(codes, '0123456789 x\n', 30_000, 10);
    agree('isFapiaoCode', isFapiaoCode, FAPIAO_CODE, all);
    agree('isFapiaoNumber', isFapiaoNumber, FAPIAO_NUMBER, all);
    agree('isCnapsCode', isCnapsCode, CNAPS_CODE, all.concat(cnaps));
    agree('isFapiaoCode', isFapiaoCode, FAPIAO_CODE, [...singleEdits('3100231130'), '3100231130']);
    agree('isFapiaoNumber', isFapiaoNumber, FAPIAO_NUMBER, [...singleEdits('12345678'), '12345678']);
    // 12 and 20 digits go through the unrolled regexes, 8 and 10 through the loop.
    agree('isFapiaoCode', isFapiaoCode, FAPIAO_CODE, [...singleEdits('031002300111'), '031002300111']);
    agree('isFapiaoNumber', isFapiaoNumber, FAPIAO_NUMBER, [...singleEdits('24312000000012345678'), '24312000000012345678']);
  });
});
