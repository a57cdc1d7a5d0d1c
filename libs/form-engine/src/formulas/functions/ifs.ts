import { FormulaRuntimeError, truthy } from '../values.js';
import type { FormulaFunction } from './function.js';
import { INFINITE } from './function.js';
import { unify, noEager } from './logic-helpers.js';

/** IFS(cond1, value1, cond2, value2, …): the value of the first true condition, else empty. */
export const IFS: FormulaFunction = {
  name: 'IFS',
  minArgs: 2,
  maxArgs: INFINITE,
  lazy: true,
  returns: (a) => unify(a.filter((_, i) => i % 2 === 1)),
  call: noEager,
  callLazy: (args) => {
    if (args.length % 2 !== 0) throw new FormulaRuntimeError('arity', 'IFS needs condition/value pairs');
    for (let i = 0; i < args.length; i += 2) if (truthy(args[i]!())) return args[i + 1]!();
    return null;
  },
};
