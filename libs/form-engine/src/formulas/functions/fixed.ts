import { FormulaRuntimeError, toInteger, toNumber } from '../values.js';
import type { FormulaFunction } from './function.js';

/** FIXED(number, places=2): the number as text with exactly `places` decimals (half up). */
export const FIXED: FormulaFunction = {
  name: 'FIXED',
  minArgs: 1,
  maxArgs: 2,
  returns: () => 'text',
  call: ([x, p]) => {
    const n = toNumber(x!, 'FIXED');
    const places = p === undefined ? 2 : (toInteger(p, 'FIXED') ?? 2);
    if (places < 0 || places > 20) throw new FormulaRuntimeError('range', 'FIXED: places out of range');
    return n === null ? '' : n.toFixed(places);
  },
};
