import { FDecimal, toText } from '../values.js';
import type { FormulaFunction } from './function.js';

export const LEN: FormulaFunction = {
  name: 'LEN',
  minArgs: 1,
  maxArgs: 1,
  returns: () => 'number',
  call: ([s]) => new FDecimal([...toText(s!)].length),
};
