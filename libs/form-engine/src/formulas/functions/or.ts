import { truthy } from '../values.js';
import type { FormulaFunction } from './function.js';
import { INFINITE } from './function.js';

export const OR: FormulaFunction = {
  name: 'OR',
  minArgs: 1,
  maxArgs: INFINITE,
  returns: () => 'boolean',
  call: (args) => args.some(truthy),
};
