import { toText } from '../values.js';
import type { FormulaFunction } from './function.js';

export const CONTAINS: FormulaFunction = {
  name: 'CONTAINS',
  minArgs: 2,
  maxArgs: 2,
  returns: () => 'boolean',
  call: ([s, part]) => toText(s!).includes(toText(part!)),
};
