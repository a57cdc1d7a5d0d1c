import { FormulaRuntimeError, toInteger, toNumber } from '../values.js';
import type { FormulaFunction } from './function.js';

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
