import { FormulaRuntimeError, compareValues, isBlank, truthy } from '../values.js';
import type { FValue, StaticType } from '../values.js';
import type { FormulaFunction } from './function.js';
import { INFINITE } from './function.js';

const unify = (types: StaticType[]): StaticType => {
  const known = types.filter((t) => t !== 'any');
  return known.length && known.every((t) => t === known[0]) ? known[0]! : 'any';
};

const noEager = (): FValue => {
  throw new FormulaRuntimeError('internal', 'lazy function called eagerly');
};

export const IF: FormulaFunction = {
  name: 'IF',
  minArgs: 2,
  maxArgs: 3,
  lazy: true,
  returns: (a) => unify(a.slice(1)),
  call: noEager,
  callLazy: ([c, a, b]) => (truthy(c!()) ? a!() : b ? b() : null),
};

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

export const AND: FormulaFunction = {
  name: 'AND',
  minArgs: 1,
  maxArgs: INFINITE,
  returns: () => 'boolean',
  call: (args) => args.every(truthy),
};

export const OR: FormulaFunction = {
  name: 'OR',
  minArgs: 1,
  maxArgs: INFINITE,
  returns: () => 'boolean',
  call: (args) => args.some(truthy),
};

export const NOT: FormulaFunction = {
  name: 'NOT',
  minArgs: 1,
  maxArgs: 1,
  returns: () => 'boolean',
  call: ([a]) => !truthy(a!),
};

export const ISBLANK: FormulaFunction = {
  name: 'ISBLANK',
  minArgs: 1,
  maxArgs: 1,
  returns: () => 'boolean',
  call: ([a]) => isBlank(a!),
};

/** COALESCE(a, b, …): the first non-blank argument. */
export const COALESCE: FormulaFunction = {
  name: 'COALESCE',
  minArgs: 1,
  maxArgs: INFINITE,
  returns: unify,
  call: (args) => args.find((a) => !isBlank(a)) ?? null,
};

export const logicFunctions = [IF, IFS, SWITCH, AND, OR, NOT, ISBLANK, COALESCE];
