import { FDecimal } from '../values.js';
import type { FormulaFunction } from './function.js';
import { INFINITE } from './function.js';
import { numbers } from './math-helpers.js';

/** SUM(x, y, lines.amount, …): exact sum; blanks are skipped. */
export const SUM: FormulaFunction = {
  name: 'SUM',
  minArgs: 1,
  maxArgs: INFINITE,
  returns: () => 'number',
  call: (args) => numbers(args, 'SUM').reduce((a, b) => a.plus(b), new FDecimal(0)),
};
