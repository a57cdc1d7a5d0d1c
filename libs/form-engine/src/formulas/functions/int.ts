import { toNumber } from '../values.js';
import type { FormulaFunction } from './function.js';

export const INT: FormulaFunction = {
  name: 'INT',
  minArgs: 1,
  maxArgs: 1,
  returns: () => 'number',
  call: ([x]) => toNumber(x!, 'INT')?.floor() ?? null,
};
