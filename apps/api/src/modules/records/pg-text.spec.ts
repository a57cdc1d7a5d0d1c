import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { isoOfUtc } from './pg-text.js';

const parse = pg.types.getTypeParser(pg.types.builtins.TIMESTAMPTZ) as (text: string) => Date;
const pad = (n: number, width: number) => String(n).padStart(width, '0');

describe('isoOfUtc', () => {
  it('gives what pg parsing then toISOString gives, for whole seconds, 1–6 fraction digits and any offset', () => {
    let seed = 7;
    const next = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2147483648), seed % n);
    for (let i = 0; i < 20_000; i++) {
      const base = `${pad(1 + next(9999), 4)}-${pad(1 + next(12), 2)}-${pad(1 + next(28), 2)} ${pad(next(24), 2)}:${pad(next(60), 2)}:${pad(next(60), 2)}`;
      const digits = next(7);
      const zone = ['+00', '+00', '+08', '-05:30'][next(4)];
      const text = `${digits ? `${base}.${pad(next(10 ** digits), digits)}` : base}${zone}`;
      expect(isoOfUtc(text), text).toBe(parse(text).toISOString());
    }
  });

  it('cuts microseconds to milliseconds the way pg does, at every value', () => {
    for (let us = 0; us < 1_000_000; us += 7) {
      const text = `2026-11-26 09:32:19.${pad(us, 6).replace(/0+$/, '') || '0'}+00`;
      expect(isoOfUtc(text), text).toBe(parse(text).toISOString());
    }
  });

  it('leaves years beyond 9999 and BC to pg parsing', () => {
    expect(isoOfUtc('12026-01-02 03:04:05.5+00')).toBe(parse('12026-01-02 03:04:05.5+00').toISOString());
    expect(isoOfUtc('0044-03-15 12:00:00+00 BC')).toBe(parse('0044-03-15 12:00:00+00 BC').toISOString());
    expect(isoOfUtc('2026-11-26 09:32:19.5+00')).toBe('2026-11-26T09:32:19.500Z');
  });
});
