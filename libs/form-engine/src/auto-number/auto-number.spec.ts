import { describe, expect, it } from 'vitest';
import { autoNumberPatternProblem, autoNumberPeriod, formatAutoNumber } from './auto-number.js';

describe('auto-number', () => {
  it('formats the customer pattern', () => {
    expect(formatAutoNumber('C{YYYY}{#####}', 7, '2026-11-25')).toBe('C202600007');
    expect(formatAutoNumber('AR-{YY}{MM}-{####}', 12, '2026-03-01')).toBe('AR-2603-0012');
    expect(formatAutoNumber('R{YYYY}{MM}{DD}{###}', 1, '2026-12-31')).toBe('R20261231001');
    expect(formatAutoNumber('N{###}', 1234, '2026-01-01')).toBe('N1234'); // overflow widens, never cuts
  });

  it('buckets counters by the finest date part the pattern shows', () => {
    expect(autoNumberPeriod('C{YYYY}{#####}', '2026-11-25')).toBe('2026');
    expect(autoNumberPeriod('C{YYYY}{MM}{####}', '2026-11-25')).toBe('202611');
    expect(autoNumberPeriod('C{YY}{MM}{DD}{###}', '2026-11-25')).toBe('20261125');
    expect(autoNumberPeriod('C{#####}', '2026-11-25')).toBe('');
  });

  it('validates patterns', () => {
    expect(autoNumberPatternProblem('C{YYYY}{#####}')).toBeNull();
    expect(autoNumberPatternProblem('C{YYYY}')).toBe('noSequence');
    expect(autoNumberPatternProblem('{##}{##}')).toBe('multipleSequences');
    expect(autoNumberPatternProblem('C{HH}{##}')).toBe('unknownToken');
    expect(autoNumberPatternProblem('C{YYYY{##}')).toBe('unbalancedBraces');
    expect(autoNumberPatternProblem('C}{##}')).toBe('unbalancedBraces');
    expect(autoNumberPatternProblem('')).toBe('empty');
  });

  it('refuses bad dates and sequences', () => {
    expect(() => formatAutoNumber('C{YYYY}{###}', 1, '2026-02-30')).toThrow(RangeError);
    expect(() => formatAutoNumber('C{YYYY}{###}', -1, '2026-02-01')).toThrow(RangeError);
    expect(() => formatAutoNumber('C{YYYY}', 1, '2026-02-01')).toThrow(RangeError);
  });

  it('formats many numbers of a pattern and date alike, and other dates and patterns apart', () => {
    expect(formatAutoNumber('INV-{YY}{MM}-{####}/x', 7, '2026-11-25')).toBe('INV-2611-0007/x');
    expect(formatAutoNumber('INV-{YY}{MM}-{####}/x', 123456, '2026-11-25')).toBe('INV-2611-123456/x');
    expect(formatAutoNumber('INV-{YY}{MM}-{####}/x', 8, '2027-01-02')).toBe('INV-2701-0008/x');
    expect(formatAutoNumber('{#}{DD}', 3, '2027-01-02')).toBe('302');
    expect(() => formatAutoNumber('INV-{YY}{MM}-{####}/x', 1.5, '2026-11-25')).toThrow(RangeError);
  });
});
