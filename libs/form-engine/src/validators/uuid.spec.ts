import { describe, expect, it } from 'vitest';
import { isUuid } from './uuid.js';

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
});
