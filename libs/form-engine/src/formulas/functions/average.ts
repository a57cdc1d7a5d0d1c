import { FDecimal } from '../values.js';
import type { FormulaFunction } from './function.js';
import { INFINITE } from './function.js';
import { numbers } from './math-helpers.js';

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
