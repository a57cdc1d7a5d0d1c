import type { FormulaFunction } from './function.js';
import { dateFunctions } from './date.js';
import { logicFunctions } from './logic.js';
import { mathFunctions } from './math.js';
import { textFunctions } from './text.js';

/** The whitelist: a formula can call these functions and nothing else. */
export const formulaFunctions: ReadonlyMap<string, FormulaFunction> = new Map(
  [...logicFunctions, ...mathFunctions, ...textFunctions, ...dateFunctions].map((f) => [f.name, f]),
);

export const TIME_DEPENDENT_FUNCTIONS: ReadonlySet<string> = new Set(
  [...formulaFunctions.values()].filter((f) => f.timeDependent).map((f) => f.name),
);

export type { FormulaContext, FormulaFunction } from './function.js';
