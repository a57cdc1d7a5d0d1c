import { truthy } from '../values.js';
import type { FormulaFunction } from './function.js';
import { unify, noEager } from './logic-helpers.js';

export const IF: FormulaFunction = {
  name: 'IF',
  minArgs: 2,
  maxArgs: 3,
  lazy: true,
  returns: (a) => unify(a.slice(1)),
  call: noEager,
  callLazy: ([c, a, b]) => (truthy(c!()) ? a!() : b ? b() : null),
};
