import { toText } from '../values.js';
import type { FormulaFunction } from './function.js';
import { INFINITE } from './function.js';
import { bounded } from './text-helpers.js';

export const CONCAT: FormulaFunction = {
  name: 'CONCAT',
  minArgs: 1,
  maxArgs: INFINITE,
  returns: () => 'text',
  call: (args) => bounded(args.map(toText).join('')),
};
