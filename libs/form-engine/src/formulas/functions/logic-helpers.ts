import { FormulaRuntimeError } from '../values.js';
import type { FValue, StaticType } from '../values.js';

/* Shared by the logic functions (one function per file next to this one). */

export const unify = (types: StaticType[]): StaticType => {
  const known = types.filter((t) => t !== 'any');
  return known.length && known.every((t) => t === known[0]) ? known[0]! : 'any';
};

export const noEager = (): FValue => {
  throw new FormulaRuntimeError('internal', 'lazy function called eagerly');
};
