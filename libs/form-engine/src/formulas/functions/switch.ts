import { compareValues } from '../values.js';
import type { FormulaFunction } from './function.js';
import { INFINITE } from './function.js';
import { unify, noEager } from './logic-helpers.js';

/** SWITCH(expr, match1, result1, …, [default]). */
export const SWITCH: FormulaFunction = {
  name: 'SWITCH',
  minArgs: 3,
  maxArgs: INFINITE,
  lazy: true,
  returns: (a) => unify(a.slice(1).filter((_, i) => i % 2 === 1 || i === a.length - 2)),
  call: noEager,
  callLazy: ([subject, ...rest]) => {
    const v = subject!();
    let i = 0;
    for (; i + 1 < rest.length; i += 2) if (compareValues(v, rest[i]!()) === 0) return rest[i + 1]!();
    return i < rest.length ? rest[i]!() : null;
  },
};
