import { describe, expect, it } from 'vitest';
import { isUuid, UUID_RE } from './uuid.js';

describe('uuid format', () => {
  it('accepts canonical, upper-case and urn-prefixed ids', () => {
    for (const v of ['0f8fad5b-d9cb-469f-a165-70867728950e', '0F8FAD5B-D9CB-469F-A165-70867728950E', 'urn:uuid:0f8fad5b-d9cb-469f-a165-70867728950e', 'URN:UUID:0f8fad5b-d9cb-469f-a165-70867728950e']) {
      expect(isUuid(v), v).toBe(true);
    }
  });

  it('refuses near misses', () => {
    for (const v of ['', '0f8fad5b-d9cb-469f-a165-70867728950', '0f8fad5bd9cb-469f-a165-70867728950e0', '0f8fad5b-d9cb-469f-a165-70867728950g', 'urn:uuid0f8fad5b-d9cb-469f-a165-70867728950e', ' 0f8fad5b-d9cb-469f-a165-70867728950e', 'urn:uuid:0f8fad5b-d9cb-469f-a165-70867728950e\n']) {
      expect(isUuid(v), JSON.stringify(v)).toBe(false);
    }
  });

  it('accepts exactly what UUID_RE accepts: every code unit replaced or inserted at every position', () => {
    let n = 0;
    for (const base of ['0f8fad5b-d9cb-469f-a165-70867728950e', 'URN:uuid:0F8FAD5B-D9CB-469F-A165-70867728950E']) {
      for (let at = 0; at <= base.length; at++) {
        const dropped = base.slice(0, at) + base.slice(at + 1);
        expect(isUuid(dropped), JSON.stringify(dropped)).toBe(UUID_RE.test(dropped));
        for (let c = 0; c < 0x10000; c++) {
          const ch = String.fromCharCode(c);
          for (const v of [base.slice(0, at) + ch + base.slice(at + 1), base.slice(0, at) + ch + base.slice(at)]) {
            if (isUuid(v) !== UUID_RE.test(v)) expect.fail(`isUuid(${JSON.stringify(v)}) should be ${UUID_RE.test(v)}`);
            n++;
          }
        }
      }
    }
    expect(n).toBeGreaterThan(5_000_000);
  }, 120_000);
});
