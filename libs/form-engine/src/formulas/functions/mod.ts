import { toNumber } from '../values.js';
import type { FormulaFunction } from './function.js';

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
