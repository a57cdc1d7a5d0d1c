import { describe, expect, it } from 'vitest';
import { CompactStringMap } from './compact-string-map.js';

describe('CompactStringMap', () => {
  it('keeps the first row of each value, exactly, across growth', () => {
    const map = new CompactStringMap();
    const n = 50_000;
    for (let i = 0; i < n; i++) map.set(`客户${i}有限公司`, i + 2);
    for (let i = 0; i < n; i += 7) map.set(`客户${i}有限公司`, 999_999);
    expect(map.size).toBe(n);
    for (let i = 0; i < n; i++) expect(map.get(`客户${i}有限公司`)).toBe(i + 2);
    expect(map.get('客户有限公司')).toBeUndefined();
    expect(map.get(`客户${n}有限公司`)).toBeUndefined();
    expect(map.get('')).toBeUndefined();
  });

  it('tells apart empty, long and look-alike strings', () => {
    const map = new CompactStringMap();
    const long = 'x'.repeat(2_000_000);
    map.set('', 2);
    map.set(long, 3);
    map.set('a', 4);
    map.set('A', 5);
    map.set('ａ', 6);
    expect([map.get(''), map.get(long), map.get(`${long}y`), map.get('a'), map.get('A'), map.get('ａ'), map.get('aa')]).toEqual([2, 3, undefined, 4, 5, 6, undefined]);
  });
});
