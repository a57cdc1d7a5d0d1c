import { FDate, FormulaRuntimeError } from '../values.js';
import type { FormulaFunction } from './function.js';

/** TODAY(): the evaluation date passed in (asOf); the engine never reads a clock. */
export const TODAY: FormulaFunction = {
  name: 'TODAY',
  minArgs: 0,
  maxArgs: 0,
  timeDependent: true,
  returns: () => 'date',
  call: (_args, ctx) => {
    const d = FDate.parse(ctx.asOf);
    if (!d) throw new FormulaRuntimeError('asOf', `Invalid asOf '${ctx.asOf}'`);
    return d;
  },
};
