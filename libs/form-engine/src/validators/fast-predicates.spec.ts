import { describe, expect, it } from 'vitest';
import { isBankAccount } from './cn-formats.js';
import { dateKeyOrNaN, dayNumberOf, dayNumberOrNaN, isValidDate, parseDate, toDayNumber } from './date.js';
import { compareCanonicalDecimal, compareDecimal, DECIMAL_RE, decimalProblem, isDecimalWithin } from './decimal.js';
import { isUsccWithValidOrgCode, isValidUscc, normalizeUscc, orgCodeCheckChar, usccCheckChar, usccOrgCodeValid, usccProblem, usccScan } from './uscc.js';

/*
 * The validators on the hot path are written on character codes; each is checked here against a
 * plain restatement (the regex / slice based definition it replaced) on many mutated values.
 */

function random(seed: number) {
  let s = seed >>> 0;
  return (n: number) => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return (s >>> 8) % n;
  };
}

/** Values near `bases`: characters replaced, dropped or inserted from `alphabet`. */
function mutations(bases: string[], alphabet: string, count: number, seed: number): string[] {
  const rnd = random(seed);
  const out: string[] = [...bases];
  for (let n = 0; n < count; n++) {
    const chars = [...bases[rnd(bases.length)]!];
    const edits = rnd(4);
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

describe('character-code validators agree with their plain definitions', () => {
  it('isValidUscc, usccOrgCodeValid, usccScan (canonical fast paths) on 30,000 mutated codes', () => {
    const bases = ['91350100M000100Y43', '91440300708461136T', '11420106MAYKMPBN30', 'N1350100M000100Y43', '9135 0100 M000 100Y 43', 'a1350100m000100y43'];
    const orgValid = (v: string) => {
      const s = normalizeUscc(v);
      if (s.length !== 18) return false;
      try {
        return orgCodeCheckChar(s.slice(8, 16)) === s[16];
      } catch {
        return false;
      }
    };
    for (const v of mutations(bases, '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZay -\uff10\uff21\u00e9\u0130', 30_000, 3)) {
      const valid = usccProblem(v) === null;
      expect(isValidUscc(v), v).toBe(valid);
      expect(usccOrgCodeValid(v), v).toBe(orgValid(v));
      expect(isUsccWithValidOrgCode(v), v).toBe(valid && orgValid(v));
      const scan = usccScan(v);
      if (/^[0-9A-Z]{18}$/.test(v)) expect(scan, v).toBe(!valid ? 0 : orgValid(v) ? 1 : 2);
      else expect(scan, v).toBe(-1);
    }
    // Every check character of one body: exactly one is valid.
    const body = '91350100M000100Y4';
    expect([...'0123456789ABCDEFGHJKLMNPQRTUWXYZ'].filter((c) => isValidUscc(body + c))).toEqual([usccCheckChar(body)]);
  }, 60_000);

  it('isBankAccount = /^\\d{8,32}$/ after removing spaces', () => {
    const bases = ['4790496592734702', '6222 0202 0000 1234', '12345678', '1'.repeat(32), '1'.repeat(33)];
    for (const v of mutations(bases, '0123456789 \t-a', 20_000, 5)) {
      expect(isBankAccount(v), JSON.stringify(v)).toBe(/^\d{8,32}$/.test(v.replace(/ /g, '')));
    }
  }, 60_000);

  it('isDecimalWithin = decimalProblem(...) === null, and compareCanonicalDecimal = compareDecimal', () => {
    const bases = ['0', '-0', '0.00', '160000.00', '-12.5', '1.2345', '123456789012345678', '1234567890123456789', '0.1', '10', '-0.001'];
    const values = mutations(bases, '0123456789.-+e ', 20_000, 9);
    for (const v of values) {
      for (const scale of [0, 2, 4, 1000]) expect(isDecimalWithin(v, scale), `${v} ${scale}`).toBe(decimalProblem(v, scale) === null);
    }
    const canonical = values.filter((v) => DECIMAL_RE.test(v));
    expect(canonical.length).toBeGreaterThan(2000);
    const rnd = random(11);
    for (let i = 0; i < 20_000; i++) {
      const a = canonical[rnd(canonical.length)]!;
      const b = i % 3 === 0 ? bases[rnd(bases.length)]! : canonical[rnd(canonical.length)]!;
      expect(compareCanonicalDecimal(a, b), `${a} vs ${b}`).toBe(compareDecimal(a, b));
    }
    // Money with two decimals on both sides (compareCanonicalDecimal's shortcut): signs, zeros,
    // integer parts of equal and unequal lengths, equal values, against other shapes too.
    const money = () => `${rnd(4) === 0 ? '-' : ''}${rnd(10 ** rnd(8))}.${String(rnd(100)).padStart(2, '0')}`;
    const pairs: Array<[string, string]> = [['0.00', '-0.00'], ['10.00', '9.99'], ['-10.00', '-9.99'], ['1.10', '1.1'], ['100.00', '100'], ['5.00', '5.00']];
    for (let i = 0; i < 20_000; i++) {
      const a = money();
      const b = i % 4 === 0 ? `${a.slice(0, -2)}${String(rnd(100)).padStart(2, '0')}` : i % 4 === 1 ? canonical[rnd(canonical.length)]! : money();
      pairs.push([a, b], [b, a]);
    }
    let shortcut = 0;
    for (const [a, b] of pairs) {
      expect(compareCanonicalDecimal(a, b), `${a} vs ${b}`).toBe(compareDecimal(a, b));
      if (a.charCodeAt(a.length - 3) === 46 && b.charCodeAt(b.length - 3) === 46) shortcut++;
    }
    expect(shortcut).toBeGreaterThan(20_000);
  }, 60_000);

  it('dayNumberOf = toDayNumber(parseDate(...)) and NaN exactly where parseDate refuses', () => {
    const bases = ['2026-11-25', '2024-02-29', '2023-02-29', '1800-01-01', '0001-01-01', '9999-12-31', '2026-04-31', '2026-13-01'];
    for (const v of mutations(bases, '0123456789-/ ', 20_000, 13)) {
      const p = parseDate(v);
      const d = dayNumberOf(v);
      if (p) expect(d, v).toBe(toDayNumber(p));
      else expect(Number.isNaN(d), v).toBe(true);
      expect(isValidDate(v)).toBe(p !== null);
    }
  }, 60_000);

  it('usccScan answers as the plain definitions for every code unit at every position of valid codes', () => {
    const orgValid = (v: string) => {
      try {
        return orgCodeCheckChar(v.slice(8, 16)) === v[16];
      } catch {
        return false;
      }
    };
    const expected = (v: string) => (!/^[0-9A-Z]{18}$/.test(v) ? -1 : usccProblem(v) !== null ? 0 : orgValid(v) ? 1 : 2);
    let n = 0;
    // A valid code with a valid organisation code, one whose organisation code fails, and an 'N' authority.
    for (const base of ['91350100M000100Y43', '91440300708461136T', 'N1350100M000100Y43']) {
      expect(usccScan(base)).toBe(expected(base));
      for (let at = 0; at < 18; at++) {
        for (let c = 0; c < 0x10000; c++) {
          const v = base.slice(0, at) + String.fromCharCode(c) + base.slice(at + 1);
          if (usccScan(v) !== expected(v)) expect.fail(`usccScan(${JSON.stringify(v)}) should be ${expected(v)}`);
          n++;
        }
      }
    }
    expect(n).toBeGreaterThan(3_000_000);
  }, 120_000);

  it('isDecimalWithin agrees with decimalProblem for every code unit at every position', () => {
    let n = 0;
    for (const base of ['160000.00', '-0.5', '0', '12']) {
      for (let at = 0; at <= base.length; at++) {
        for (let c = 0; c < 0x10000; c++) {
          const ch = String.fromCharCode(c);
          for (const v of [base.slice(0, at) + ch + base.slice(at + 1), base.slice(0, at) + ch + base.slice(at)]) {
            for (const scale of [0, 2]) {
              if (isDecimalWithin(v, scale) !== (decimalProblem(v, scale) === null)) expect.fail(`isDecimalWithin(${JSON.stringify(v)}, ${scale})`);
            }
            n++;
          }
        }
      }
    }
    expect(n).toBeGreaterThan(2_000_000);
  }, 120_000);

  it('dateKeyOrNaN and dayNumberOrNaN: NaN exactly where parseDate refuses, keys in day order, day numbers as toDayNumber(parseDate)', () => {
    // The plain restatement: parseDate (a loop over the characters) and Hinnant's days_from_civil.
    const reference = (v: string) => {
      const ymd = parseDate(v);
      return ymd ? toDayNumber(ymd) : NaN;
    };
    const same = (a: number, b: number) => (Number.isNaN(a) ? Number.isNaN(b) : a === b);
    const bases = ['2026-11-25', '2024-02-29', '2023-02-28', '1800-01-01', '0001-01-01', '9999-12-31', '2026-04-30', '2000-02-29', '1900-02-28'];
    let n = 0;
    for (const base of bases) {
      for (let at = 0; at < base.length; at++) {
        for (let c = 0; c < 0x10000; c++) {
          const v = base.slice(0, at) + String.fromCharCode(c) + base.slice(at + 1);
          const day = reference(v);
          if (Number.isNaN(dateKeyOrNaN(v)) !== Number.isNaN(day) || !same(dayNumberOrNaN(v), day)) expect.fail(`dateKeyOrNaN / dayNumberOrNaN(${JSON.stringify(v)})`);
          n++;
        }
      }
    }
    expect(n).toBeGreaterThan(500_000);
    const values = mutations(bases, '0123456789-', 20_000, 17);
    for (const v of values) {
      expect(Number.isNaN(dateKeyOrNaN(v)), v).toBe(Number.isNaN(reference(v)));
      expect(same(dayNumberOrNaN(v), reference(v)), v).toBe(true);
    }
    const valid = values.filter((v) => !Number.isNaN(reference(v)));
    expect(valid.length).toBeGreaterThan(1000);
    const rnd = random(19);
    for (let i = 0; i < 20_000; i++) {
      const a = valid[rnd(valid.length)]!;
      const b = valid[rnd(valid.length)]!;
      expect(Math.sign(dateKeyOrNaN(a) - dateKeyOrNaN(b)), `${a} vs ${b}`).toBe(Math.sign(reference(a) - reference(b)));
    }
  }, 120_000);
});
