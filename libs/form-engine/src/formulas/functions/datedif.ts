import { FDecimal, FormulaRuntimeError, toDate, toText } from '../values.js';
import { fromDayNumber } from '../../validators/date.js';
import type { FormulaFunction } from './function.js';

/** DATEDIF(start, end, "Y" | "M" | "D"): whole years, months or days between two dates. */
export const DATEDIF: FormulaFunction = {
  name: 'DATEDIF',
  minArgs: 3,
  maxArgs: 3,
  returns: () => 'number',
  call: ([s, e, u]) => {
    const start = toDate(s!, 'DATEDIF');
    const end = toDate(e!, 'DATEDIF');
    if (start === null || end === null) return null;
    const unit = toText(u!).toUpperCase();
    if (unit === 'D') return new FDecimal(end.day - start.day);
    const a = fromDayNumber(start.day);
    const b = fromDayNumber(end.day);
    let months = (b.y - a.y) * 12 + (b.m - a.m);
    if (end.day >= start.day ? b.d < a.d : b.d > a.d) months += end.day >= start.day ? -1 : 1;
    if (unit === 'M') return new FDecimal(months);
    if (unit === 'Y') return new FDecimal(Math.trunc(months / 12));
    throw new FormulaRuntimeError('type', `DATEDIF: unit must be "Y", "M" or "D"`);
  },
};
