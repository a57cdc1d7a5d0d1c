import { describe, expect, it } from 'vitest';
import { FORMATS_REFUSING_BLANK, getAjv, getFastAjv } from './ajv-instance.js';

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
});
