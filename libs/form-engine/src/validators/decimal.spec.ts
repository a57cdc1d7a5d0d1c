import { describe, expect, it } from 'vitest';
import { compareDecimal, Decimal, decimalProblem } from './decimal.js';

describe('decimal strings', () => {
  it('compares exactly, agreeing with decimal.js', () => {
    const values = ['0', '-0', '0.0', '0.1', '0.10', '0.2', '0.3', '-0.3', '1', '1.00', '10', '9.99', '-10', '-9.99', '100000000.01', '99999999.99', '0.0000001', '123456789012345678.99', '00.5'];
    for (const a of values) for (const b of values) expect(compareDecimal(a, b), `${a} vs ${b}`).toBe(new Decimal(a).comparedTo(new Decimal(b)));
  });

  it('0.1 + 0.2 is exactly 0.3', () => {
    expect(new Decimal('0.1').plus('0.2').toString()).toBe('0.3');
    expect(compareDecimal(new Decimal('0.1').plus('0.2').toString(), '0.3')).toBe(0);
  });

  it('classifies malformed values', () => {
    expect(decimalProblem('1.005', 2)).toBe('scale');
    expect(decimalProblem('1e3', 2)).toBe('format');
    expect(decimalProblem('.5', 2)).toBe('format');
    expect(decimalProblem('5.', 2)).toBe('format');
    expect(decimalProblem('-', 2)).toBe('format');
    expect(decimalProblem('1'.repeat(19), 2)).toBe('integerDigits');
    expect(decimalProblem('-12.34', 2)).toBeNull();
  });
});
