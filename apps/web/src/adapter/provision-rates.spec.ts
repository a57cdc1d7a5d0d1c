import { describe, expect, it } from 'vitest';
import { checkProvisionRates } from './provision-rates';

describe('checkProvisionRates', () => {
  it('accepts the demo defaults and equal neighbours', () => {
    expect(checkProvisionRates(['5', '10', '30', '50', '80', '100'])).toEqual([null, null, null, null, null, null]);
    expect(checkProvisionRates(['5', '5', '5.50', '50', '100.00', '100'])).toEqual([null, null, null, null, null, null]);
  });
  it('flags values outside 0–100 or with more than two decimals, as the API pattern would', () => {
    expect(checkProvisionRates(['101', '-1', '5.123', 'abc', '', '100']).slice(0, 5).every((p) => p?.kind === 'invalid')).toBe(true);
  });
  it('flags a bracket below the one before it, naming that rate', () => {
    expect(checkProvisionRates(['5', '10', '8', '50', '80', '100'])[2]).toEqual({ kind: 'notAscending', prev: '10' });
  });
});
