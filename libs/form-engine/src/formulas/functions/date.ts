import { FDate, FormulaRuntimeError, toInteger, toText } from '../values.js';
import { daysInMonth, formatYmd } from '../../validators/date.js';
import type { FormulaFunction } from './function.js';

/** DATE("2026-01-31") or DATE(2026, 1, 31). */
export const DATE: FormulaFunction = {
  name: 'DATE',
  minArgs: 1,
  maxArgs: 3,
  returns: () => 'date',
  call: (args) => {
    if (args.length === 1) {
      const d = FDate.parse(toText(args[0]!));
      if (!d) throw new FormulaRuntimeError('type', `DATE: '${toText(args[0]!)}' is not a date`);
      return d;
    }
    if (args.length !== 3) throw new FormulaRuntimeError('arity', 'DATE takes a text date or year, month, day');
    const [y, m, d] = args.map((a) => toInteger(a, 'DATE'));
    if (y == null || m == null || d == null) return null;
    if (m < 1 || m > 12 || d < 1 || d > daysInMonth(y, m) || y < 1 || y > 9999) throw new FormulaRuntimeError('range', 'DATE: no such date');
    return FDate.parse(formatYmd({ y, m, d }));
  },
};
