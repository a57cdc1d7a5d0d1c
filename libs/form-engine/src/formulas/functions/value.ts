import { FDecimal, FormulaRuntimeError, toText } from '../values.js';
import type { FormulaFunction } from './function.js';

/** VALUE(text): a decimal from text such as "1234.50"; empty for blank text. */
export const VALUE: FormulaFunction = {
  name: 'VALUE',
  minArgs: 1,
  maxArgs: 1,
  returns: () => 'number',
  call: ([s]) => {
    if (s instanceof FDecimal) return s;
    const t = toText(s!).trim().replace(/,/g, '');
    if (t === '') return null;
    if (!/^-?\d+(\.\d+)?$/.test(t)) throw new FormulaRuntimeError('type', `VALUE: '${t}' is not a number`);
    return new FDecimal(t);
  },
};
