import { FDecimal, toDate } from '../values.js';
import type { FormulaFunction } from './function.js';

/** DAYS(end, start): calendar days from start to end (Excel argument order). */
export const DAYS: FormulaFunction = {
  name: 'DAYS',
  minArgs: 2,
  maxArgs: 2,
  returns: () => 'number',
  call: ([e, s]) => {
    const end = toDate(e!, 'DAYS');
    const start = toDate(s!, 'DAYS');
    return end === null || start === null ? null : new FDecimal(end.day - start.day);
  },
};
