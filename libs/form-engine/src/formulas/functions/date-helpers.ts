import { FDecimal, FDate, toDate } from '../values.js';
import { fromDayNumber } from '../../validators/date.js';
import type { FormulaFunction } from './function.js';

/* Shared by the date functions (one function per file next to this one). */

export function fromString(s: string | null): FDate | null {
  return s === null ? null : FDate.parse(s);
}

export function part(name: string, pick: (y: number, m: number, d: number) => number): FormulaFunction {
  return {
    name,
    minArgs: 1,
    maxArgs: 1,
    returns: () => 'number',
    call: ([d]) => {
      const date = toDate(d!, name);
      if (date === null) return null;
      const p = fromDayNumber(date.day);
      return new FDecimal(pick(p.y, p.m, p.d));
    },
  };
}
