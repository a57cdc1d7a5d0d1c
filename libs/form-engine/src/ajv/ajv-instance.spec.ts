import { describe, expect, it } from 'vitest';
import { CUSTOM_FORMATS, FAST_CHAR_FORMATS, FAST_CHARS, FAST_ENUM, FORMATS_REFUSING_BLANK, getAjv, getFastAjv } from './ajv-instance.js';

/** Every string CompiledForm counts as blank up to 3 code units, plus longer runs: '' or whitespace led by a code unit <= 32. */
function blankStrings(): string[] {
  const ws: string[] = [];
  for (let c = 0; c < 0x10000; c++) if (String.fromCharCode(c).trim() === '') ws.push(String.fromCharCode(c));
  const leads = ws.filter((w) => w.charCodeAt(0) <= 32);
  const out = [''];
  for (const a of leads) {
    out.push(a, a.repeat(40));
    for (const b of ws) {
      out.push(a + b);
      for (const c of ws) out.push(a + b + c);
    }
  }
  return out;
}

describe('engine Ajv instances', () => {
  it('FORMATS_REFUSING_BLANK: each format, in both instances, refuses every blank string', () => {
    const blanks = blankStrings();
    expect(blanks.length).toBeGreaterThan(3000);
    for (const name of FORMATS_REFUSING_BLANK) {
      for (const ajv of [getAjv(), getFastAjv()]) {
        const format = ajv.formats[name] as { validate?: (v: string) => boolean } | undefined;
        expect(typeof format?.validate, name).toBe('function');
        for (const v of blanks) if (format!.validate!(v)) expect.fail(`${name} accepts the blank ${JSON.stringify(v)}`);
      }
    }
  }, 120_000);

  it('the decimal keyword, in both instances, refuses every blank string (so the fast schema adds no blank check to it)', () => {
    const blanks = blankStrings();
    for (const ajv of [getAjv(), getFastAjv()]) {
      for (const decimal of [{}, { scale: 2, minimum: '0' }, { scale: 4, maximum: '10' }]) {
        const validate = ajv.compile({ type: 'string', decimal });
        expect(validate('1.5'), JSON.stringify(decimal)).toBe(true);
        for (const v of blanks) if (validate(v)) expect.fail(`decimal ${JSON.stringify(decimal)} accepts the blank ${JSON.stringify(v)}`);
      }
    }
  }, 120_000);

  it('FAST_CHARS answers as the format for every code unit replaced or inserted at every position', () => {
    const bases: Record<string, string[]> = {
      'cn-postal-code': ['430479', '861000'],
      cnaps: ['103578046962'],
      'cn-mobile': ['18534045708', '+86 13912345678', '8613912345678'],
      'fapiao-code': ['3100231130', '031002300111'],
      'fapiao-number': ['24312000000012345678', '12345678'],
      uuid: ['0f8fad5b-d9cb-469f-a165-70867728950e', 'urn:uuid:0F8FAD5B-D9CB-469F-A165-70867728950E'],
    };
    expect(Object.keys(bases).sort()).toEqual(Object.keys(FAST_CHAR_FORMATS).sort());
    let n = 0;
    for (const [name, list] of Object.entries(bases)) {
      const inline = getFastAjv().compile({ type: 'string', [FAST_CHARS]: name });
      const predicate = CUSTOM_FORMATS[name]!;
      for (const base of list) {
        expect(inline(base), base).toBe(true);
        for (let at = 0; at <= base.length; at++) {
          const dropped = base.slice(0, at) + base.slice(at + 1);
          expect(inline(dropped), dropped).toBe(predicate(dropped));
          for (let c = 0; c < 0x10000; c++) {
            const ch = String.fromCharCode(c);
            for (const v of [base.slice(0, at) + ch + base.slice(at + 1), base.slice(0, at) + ch + base.slice(at)]) {
              if (inline(v) !== predicate(v)) expect.fail(`${name}: ${JSON.stringify(v)} should be ${predicate(v)}`);
              n++;
            }
          }
        }
      }
    }
    expect(n).toBeGreaterThan(5_000_000);
  }, 120_000);

  it('FAST_ENUM answers as `enum` for every code unit replaced or inserted at every position of every value', () => {
    const lists: string[][] = [
      ['CN', 'HK', 'MO', 'TW', 'US', 'JP', 'KR', 'SG', 'DE', 'GB', 'OTHER'],
      ['制造业', '批发和零售业', '建筑业', '房地产业', '信息技术服务业', '交通运输和物流', '金融业', '教育', '其他'],
      ['', ' ', 'a', 'ab', 'é', '\u{1F600}', '月结'],
    ];
    let n = 0;
    for (const values of lists) {
      const plain = getFastAjv().compile({ type: 'string', enum: values });
      const fast = getFastAjv().compile({ type: 'string', [FAST_ENUM]: values });
      for (const v of [...values, 'x'.repeat(300), 1, null, true, [], {}]) expect(fast(v), JSON.stringify(v)).toBe(plain(v));
      for (const base of values) {
        for (let at = 0; at <= base.length; at++) {
          const dropped = base.slice(0, at) + base.slice(at + 1);
          expect(fast(dropped), JSON.stringify(dropped)).toBe(plain(dropped));
          for (let c = 0; c < 0x10000; c++) {
            const ch = String.fromCharCode(c);
            for (const v of [base.slice(0, at) + ch + base.slice(at + 1), base.slice(0, at) + ch + base.slice(at)]) {
              if (fast(v) !== plain(v)) expect.fail(`${JSON.stringify(v)} should be ${plain(v)}`);
              n++;
            }
          }
        }
      }
    }
    expect(n).toBeGreaterThan(10_000_000);
  }, 120_000);
});
