import { describe, expect, it } from 'vitest';
import { validate, version } from 'uuid';
import { uuidv7Many } from './uuid-v7-many.js';

describe('uuidv7Many', () => {
  it('makes valid, distinct version-7 ids in the order made, stamped with the current time', () => {
    const before = Date.now();
    const ids = [...uuidv7Many(5000), ...uuidv7Many(3)];
    const after = Date.now();
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) {
      expect(validate(id)).toBe(true);
      expect(version(id)).toBe(7);
      expect(/^[0-9a-f-]{36}$/.test(id)).toBe(true);
      const ms = parseInt(id.slice(0, 8) + id.slice(9, 13), 16);
      expect(ms).toBeGreaterThanOrEqual(before);
      expect(ms).toBeLessThanOrEqual(after + 1);
    }
    expect([...ids].sort()).toEqual(ids);
  });
});
