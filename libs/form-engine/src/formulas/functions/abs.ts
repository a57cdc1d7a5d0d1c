import { toNumber } from '../values.js';
import type { FormulaFunction } from './function.js';

export const ABS: FormulaFunction = {
  name: 'ABS',
  minArgs: 1,
  maxArgs: 1,
  returns: () => 'number',
  call: ([x]) => toNumber(x!, 'ABS')?.abs() ?? null,
};
