import { FDate, toDate, toInteger } from '../values.js';
import type { FormulaFunction } from './function.js';

export const ADDDAYS: FormulaFunction = {
  name: 'ADDDAYS',
  minArgs: 2,
  maxArgs: 2,
  returns: () => 'date',
  call: ([d, n]) => {
    const date = toDate(d!, 'ADDDAYS');
    const days = toInteger(n!, 'ADDDAYS');
    return date === null || days === null ? null : new FDate(date.day + days);
  },
};
