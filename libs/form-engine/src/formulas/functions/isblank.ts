import { isBlank } from '../values.js';
import type { FormulaFunction } from './function.js';

export const ISBLANK: FormulaFunction = {
  name: 'ISBLANK',
  minArgs: 1,
  maxArgs: 1,
  returns: () => 'boolean',
  call: ([a]) => isBlank(a!),
};
