import { isBlank } from '../values.js';
import type { FormulaFunction } from './function.js';
import { INFINITE } from './function.js';
import { unify } from './logic-helpers.js';

/** COALESCE(a, b, …): the first non-blank argument. */
export const COALESCE: FormulaFunction = {
  name: 'COALESCE',
  minArgs: 1,
  maxArgs: INFINITE,
  returns: unify,
  call: (args) => args.find((a) => !isBlank(a)) ?? null,
};
