import { FDecimal, FDate, FormulaRuntimeError, compareValues, flatten, isBlank, toInteger, toNumber } from '../values.js';
import type { FValue } from '../values.js';

type RoundingMode = 0 | 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8;
import type { FormulaFunction } from './function.js';
import { INFINITE } from './function.js';

function numbers(args: FValue[], fn: string): FDecimal[] {
  return flatten(args)
    .filter((v) => !isBlank(v))
    .map((v) => toNumber(v, fn)!)
    .filter((v) => v !== null);
}

/** SUM(x, y, lines.amount, …): exact sum; blanks are skipped. */
export const SUM: FormulaFunction = {
  name: 'SUM',
  minArgs: 1,
  maxArgs: INFINITE,
  returns: () => 'number',
  call: (args) => numbers(args, 'SUM').reduce((a, b) => a.plus(b), new FDecimal(0)),
};

export const AVERAGE: FormulaFunction = {
  name: 'AVERAGE',
  minArgs: 1,
  maxArgs: INFINITE,
  returns: () => 'number',
  call: (args) => {
    const ns = numbers(args, 'AVERAGE');
    return ns.length ? ns.reduce((a, b) => a.plus(b), new FDecimal(0)).div(ns.length) : null;
  },
};

/** COUNT(…): number of non-blank values (rows of a sub-table column). */
export const COUNT: FormulaFunction = {
  name: 'COUNT',
  minArgs: 1,
  maxArgs: INFINITE,
  returns: () => 'number',
  call: (args) => new FDecimal(flatten(args).filter((v) => !isBlank(v)).length),
};

function extreme(name: string, sign: 1 | -1): FormulaFunction {
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

export const MAX = extreme('MAX', 1);
export const MIN = extreme('MIN', -1);

function rounding(name: string, mode: RoundingMode): FormulaFunction {
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

/** ROUND half away from zero, like Excel and 四舍五入. */
export const ROUND = rounding('ROUND', FDecimal.ROUND_HALF_UP);
export const ROUNDUP = rounding('ROUNDUP', FDecimal.ROUND_UP);
export const ROUNDDOWN = rounding('ROUNDDOWN', FDecimal.ROUND_DOWN);

export const INT: FormulaFunction = {
  name: 'INT',
  minArgs: 1,
  maxArgs: 1,
  returns: () => 'number',
  call: ([x]) => toNumber(x!, 'INT')?.floor() ?? null,
};

export const ABS: FormulaFunction = {
  name: 'ABS',
  minArgs: 1,
  maxArgs: 1,
  returns: () => 'number',
  call: ([x]) => toNumber(x!, 'ABS')?.abs() ?? null,
};

/** MOD with the divisor's sign (Excel); empty when dividing by zero. */
export const MOD: FormulaFunction = {
  name: 'MOD',
  minArgs: 2,
  maxArgs: 2,
  returns: () => 'number',
  call: ([a, b]) => {
    const x = toNumber(a!, 'MOD');
    const y = toNumber(b!, 'MOD');
    if (x === null || y === null || y.isZero()) return null;
    return x.minus(y.times(x.div(y).floor()));
  },
};

/** POWER(x, n) with a whole exponent between −100 and 100 (keeps results exact and bounded). */
export const POWER: FormulaFunction = {
  name: 'POWER',
  minArgs: 2,
  maxArgs: 2,
  returns: () => 'number',
  call: ([a, b]) => {
    const x = toNumber(a!, 'POWER');
    const n = toInteger(b!, 'POWER');
    if (x === null || n === null) return null;
    if (Math.abs(n) > 100) throw new FormulaRuntimeError('range', 'POWER: exponent out of range');
    if (n < 0 && x.isZero()) return null;
    return x.pow(n);
  },
};

export const mathFunctions = [SUM, AVERAGE, COUNT, MAX, MIN, ROUND, ROUNDUP, ROUNDDOWN, INT, ABS, MOD, POWER];
