import { FDecimal, flatten, isBlank } from '../values.js';
import type { FormulaFunction } from './function.js';
import { INFINITE } from './function.js';

/** COUNT(…): number of non-blank values (rows of a sub-table column). */
export const COUNT: FormulaFunction = {
  name: 'COUNT',
  minArgs: 1,
  maxArgs: INFINITE,
  returns: () => 'number',
  call: (args) => new FDecimal(flatten(args).filter((v) => !isBlank(v)).length),
};
