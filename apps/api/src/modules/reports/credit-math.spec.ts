import { describe, expect, it } from 'vitest';
import {
  averageDaysDelinquent,
  bestPossibleDso,
  collectionEffectivenessIndex,
  countbackDso,
  provisionOf,
  simpleDso,
  sumDecimals,
} from './credit-math.js';

/** Worked examples of DOMAIN.md §2.2–2.3, computed by hand there. */
describe('credit math (DOMAIN worked examples)', () => {
  it('simple DSO: 150,000 ÷ 1,800,000 × 365 = 30.4 days', () => {
    expect(simpleDso('150000', '1800000', 365)).toBe('30.4');
  });

  it('countback DSO: AR 212,000, sales 100,000 / 80,000 / 70,000 in 30-day months = 73.7 days', () => {
    expect(
      countbackDso('212000', [
        { month: 'M3', sales: '100000', days: 30 },
        { month: 'M2', sales: '80000', days: 30 },
        { month: 'M1', sales: '70000', days: 30 },
      ]),
    ).toBe('73.7');
  });

  it('BPDSO and ADD: AR 15,000, current 4,000, 30-day sales 10,000 -> DSO 45, BPDSO 12, ADD 33', () => {
    const dso = simpleDso('15000', '10000', 30);
    const bp = bestPossibleDso('4000', '10000', 30);
    expect([dso, bp, averageDaysDelinquent(dso, bp)]).toEqual(['45.0', '12.0', '33.0']);
  });

  it('CEI: begin 6,200, 3-month sales 10,890, end total 6,340, end current 3,590 -> 55.9 %', () => {
    expect(collectionEffectivenessIndex('6200', '10890', 3, '6340', '3590')).toBe('55.9');
  });

  it('provision matrix (NEEQ 2024 interim): 1,818,100.42 on 14,698,067.80', () => {
    const parts = [
      provisionOf('6922127.24', '5'),
      provisionOf('2471940.56', '10'),
      provisionOf('5099000', '20'),
      provisionOf('205000', '100'),
    ];
    expect(parts).toEqual(['346106.36', '247194.06', '1019800.00', '205000.00']);
    expect(sumDecimals(parts)).toBe('1818100.42');
    expect(sumDecimals(['6922127.24', '2471940.56', '5099000', '205000'])).toBe('14698067.80');
  });

  it('no sales: no DSO (not a division by zero)', () => {
    expect(simpleDso('100', '0', 30)).toBeNull();
    expect(countbackDso('0', [])).toBe('0.0');
  });
});
