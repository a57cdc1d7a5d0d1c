import { truthy } from '../values.js';
import type { FormulaFunction } from './function.js';
import { INFINITE } from './function.js';

export const AND: FormulaFunction = {
  name: 'AND',
  minArgs: 1,
  maxArgs: INFINITE,
  returns: () => 'boolean',
  call: (args) => args.every(truthy),
};
