import { toDate, toInteger } from '../values.js';
import { addMonths } from '../../validators/date.js';
import type { FormulaFunction } from './function.js';
import { fromString } from './date-helpers.js';

/** ADDMONTHS(date, n): the same day n months later, clamped to the month's end. */
export const ADDMONTHS: FormulaFunction = {
  name: 'ADDMONTHS',
  minArgs: 2,
  maxArgs: 2,
  returns: () => 'date',
  call: ([d, n]) => {
    const date = toDate(d!, 'ADDMONTHS');
    const months = toInteger(n!, 'ADDMONTHS');
    return date === null || months === null ? null : fromString(addMonths(date.toString(), months));
  },
};
