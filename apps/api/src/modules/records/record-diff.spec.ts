import { describe, expect, it } from 'vitest';
import { diffRecordData } from './record-diff.js';

describe('diffRecordData', () => {
  it('reports added, changed and removed fields only', () => {
    expect(
      diffRecordData({ a: 1, b: '2', c: true, same: 'x' }, { a: 1, b: '3', d: '1000.00', same: 'x' }),
    ).toEqual({ b: { from: '2', to: '3' }, c: { from: true }, d: { to: '1000.00' } });
  });

  it('compares nested values structurally, ignoring key order', () => {
    expect(diffRecordData({ rows: [{ x: 1, y: 2 }] }, { rows: [{ y: 2, x: 1 }] })).toEqual({});
    expect(diffRecordData({ rows: [{ x: 1 }] }, { rows: [{ x: 2 }] })).toEqual({ rows: { from: [{ x: 1 }], to: [{ x: 2 }] } });
  });

  it('treats money strings exactly ("1.0" is not "1.00")', () => {
    expect(diffRecordData({ m: '1.0' }, { m: '1.00' })).toEqual({ m: { from: '1.0', to: '1.00' } });
  });
});
