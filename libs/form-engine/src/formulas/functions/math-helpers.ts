import { FDecimal, FDate, FormulaRuntimeError, compareValues, flatten, isBlank, toInteger, toNumber } from '../values.js';
import type { FValue } from '../values.js';
import type { FormulaFunction } from './function.js';
import { INFINITE } from './function.js';

/* Shared by the math functions (one function per file next to this one). */

export type RoundingMode = 0 | 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8;

export function numbers(args: FValue[], fn: string): FDecimal[] {
  return flatten(args)
    .filter((v) => !isBlank(v))
    .map((v) => toNumber(v, fn)!)
    .filter((v) => v !== null);
}

export function extreme(name: string, sign: 1 | -1): FormulaFunction {
  return {
    name,
    minArgs: 1,
    maxArgs: INFINITE,
    returns: (a) => (a.every((t) => t === 'date') ? 'date' : 'number'),
    call: (args) => {
      let best: FValue = null;
      for (const v of flatten(args)) {
        if (isBlank(v)) continue;
        if (!(v instanceof FDecimal) && !(v instanceof FDate)) throw new FormulaRuntimeError('type', `${name}: expected numbers or dates`);
        if (best === null) best = v;
        else {
          const c = compareValues(v, best);
          if (c === null) throw new FormulaRuntimeError('type', `${name}: cannot compare mixed values`);
          if (c * sign > 0) best = v;
        }
      }
      return best;
    },
  };
}

export function rounding(name: string, mode: RoundingMode): FormulaFunction {
  return {
    name,
    minArgs: 1,
    maxArgs: 2,
    returns: () => 'number',
    call: ([x, places]) => {
      const n = toNumber(x!, name);
      if (n === null) return null;
      const p = places === undefined ? 0 : (toInteger(places, name) ?? 0);
      if (p < -15 || p > 20) throw new FormulaRuntimeError('range', `${name}: places out of range`);
      if (p >= 0) return n.toDecimalPlaces(p, mode);
      const f = new FDecimal(10).pow(-p);
      return n.div(f).toDecimalPlaces(0, mode).times(f);
    },
  };
}
