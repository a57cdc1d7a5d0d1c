import { truthy } from '../values.js';
import type { FormulaFunction } from './function.js';

export const NOT: FormulaFunction = {
  name: 'NOT',
  minArgs: 1,
  maxArgs: 1,
  returns: () => 'boolean',
  call: ([a]) => !truthy(a!),
};
