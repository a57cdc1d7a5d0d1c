import { toDate, toInteger } from '../values.js';
import { endOfMonth } from '../../validators/date.js';
import type { FormulaFunction } from './function.js';
import { fromString } from './date-helpers.js';

/** EOMONTH(date, months=0): last day of the month `months` after the date's month (月结). */
export const EOMONTH: FormulaFunction = {
  name: 'EOMONTH',
  minArgs: 1,
  maxArgs: 2,
  returns: () => 'date',
  call: ([d, n]) => {
    const date = toDate(d!, 'EOMONTH');
    const months = n === undefined ? 0 : toInteger(n, 'EOMONTH');
    return date === null || months === null ? null : fromString(endOfMonth(date.toString(), months));
  },
};
