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

  it('agrees with the ajv-formats regex on 50,000 mutated ids', () => {
    let seed = 7;
    const rnd = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    const alphabet = '0123456789abcdefABCDEFgGzZ-: nurUNRi';
    const bases = ['0f8fad5b-d9cb-469f-a165-70867728950e', 'urn:uuid:0f8fad5b-d9cb-469f-a165-70867728950e', 'URN:uuid:ABCDEF01-2345-6789-abcd-ef0123456789'];
    for (let n = 0; n < 50_000; n++) {
      const chars = [...bases[rnd(bases.length)]!];
      const edits = rnd(3);
      for (let e = 0; e < edits; e++) {
        const op = rnd(3);
        const at = rnd(chars.length + 1);
        const ch = alphabet[rnd(alphabet.length)]!;
        if (op === 0) chars[at] = ch;
        else if (op === 1) chars.splice(at, 1);
        else chars.splice(at, 0, ch);
      }
      const v = chars.join('');
      expect(isUuid(v), v).toBe(UUID_RE.test(v));
    }
  });
});
