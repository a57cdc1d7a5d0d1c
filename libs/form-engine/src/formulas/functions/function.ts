import type { FValue, StaticType } from '../values.js';

export interface FormulaContext {
  /** The evaluation date 'YYYY-MM-DD' (TODAY()); formulas never read a clock. */
  asOf: string;
}

/**
 * A whitelisted formula function. `lazy` functions receive thunks so IF/IFS only evaluate the
 * branch they take (a division by zero in the other branch does not matter).
 */
export interface FormulaFunction {
  readonly name: string;
  readonly minArgs: number;
  readonly maxArgs: number;
  /** Result type for static checks, from argument types. */
  readonly returns: (args: StaticType[]) => StaticType;
  readonly lazy?: boolean;
  readonly timeDependent?: boolean;
  call(args: FValue[], ctx: FormulaContext): FValue;
  callLazy?(args: Array<() => FValue>, ctx: FormulaContext): FValue;
}

export const INFINITE = Number.POSITIVE_INFINITY;
