import { describe, expect, it } from 'vitest';
import { isValidUscc, normalizeUscc, orgCodeCheckChar, usccCheckChar, usccOrgCodeValid, usccProblem, USCC_WEIGHTS } from './uscc.js';

describe('USCC (GB 32100-2015, DOMAIN §4.1)', () => {
  it('uses weights 3^(i-1) mod 31', () => {
    expect([...USCC_WEIGHTS]).toEqual(Array.from({ length: 17 }, (_, i) => 3 ** i % 31));
  });

  it('worked example 1: 91110000600037341L (S = 538, 538 mod 31 = 11, 31 - 11 = 20 = L)', () => {
    expect(usccCheckChar('91110000600037341')).toBe('L');
    expect(isValidUscc('91110000600037341L')).toBe(true);
  });

  it("worked example 2: the standard's 91350100M000100Y4? has check character 3; …Y4Z is invalid", () => {
    expect(usccCheckChar('91350100M000100Y4')).toBe('3');
    expect(isValidUscc('91350100M000100Y43')).toBe(true);
    expect(isValidUscc('91350100M000100Y4Z')).toBe(false);
    expect(usccProblem('91350100M000100Y4Z')).toBe('checksum');
  });

  it('accepts the other codes checked in DOMAIN §4.1', () => {
    for (const c of ['91440300708461136T', '91330100799655058B', '91110108551385082Q', '914403001922038216', '91512081MA62K0260E']) {
      expect(isValidUscc(c), c).toBe(true);
    }
  });

  it('maps a sum divisible by 31 to check character 0', () => {
    // Find a body whose weighted sum is a multiple of 31 and check the standard's MOD(31,31)=0 note.
    const body = '9111000060003734';
    for (const c of '0123456789ABCDEFGHJKLMNPQRTUWXY') {
      const code = body + c;
      if (usccCheckChar(code) === '0') {
        expect(isValidUscc(`${code}0`)).toBe(true);
        return;
      }
    }
    throw new Error('no body with check character 0 found');
  });

  it('accepts registration authorities A, N and Y (not only digits in position 1)', () => {
    for (const prefix of ['A1', 'N2', 'Y1']) {
      const body = `${prefix}110000MA0000001`;
      expect(isValidUscc(body + usccCheckChar(body))).toBe(true);
    }
  });

  it('normalises spaces, hyphens and lower case', () => {
    expect(normalizeUscc(' 9111-0000 6000 37341l ')).toBe('91110000600037341L');
    expect(isValidUscc('91110000600037341l')).toBe(true);
  });

  it('classifies problems', () => {
    expect(usccProblem('9111000060003734')).toBe('length');
    expect(usccProblem('01110000600037341L')).toBe('structure'); // position 1 cannot be 0
    expect(usccProblem('9111000060003734IL')).toBe('structure'); // I is not in the alphabet
    expect(usccProblem('91110000600037341K')).toBe('checksum');
    expect(isValidUscc(123 as unknown as string)).toBe(false);
  });

  it('GB 11714 organisation-code part (warning-level check)', () => {
    expect(orgCodeCheckChar('60003734')).toBe('1');
    expect(usccOrgCodeValid('91110000600037341L')).toBe(true);
    expect(usccOrgCodeValid('91350100M000100Y43')).toBe(true);
    expect(usccOrgCodeValid('91440300708461136T')).toBe(true);
  });

  it('throws for a body with characters outside the alphabet', () => {
    expect(() => usccCheckChar('9111000060003734I')).toThrow(RangeError);
    expect(() => usccCheckChar('911')).toThrow(RangeError);
  });
});
