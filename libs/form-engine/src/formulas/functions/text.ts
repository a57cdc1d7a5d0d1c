import { FDecimal, FormulaRuntimeError, toInteger, toNumber, toText } from '../values.js';
import type { FormulaFunction } from './function.js';
import { INFINITE } from './function.js';

const MAX_TEXT = 100_000;

function bounded(s: string): string {
  if (s.length > MAX_TEXT) throw new FormulaRuntimeError('range', 'Text result too long');
  return s;
}

export const CONCAT: FormulaFunction = {
  name: 'CONCAT',
  minArgs: 1,
  maxArgs: INFINITE,
  returns: () => 'text',
  call: (args) => bounded(args.map(toText).join('')),
};

export const LEN: FormulaFunction = {
  name: 'LEN',
  minArgs: 1,
  maxArgs: 1,
  returns: () => 'number',
  call: ([s]) => new FDecimal([...toText(s!)].length),
};

function slice(name: string, pick: (chars: string[], a: number, b: number) => string[]): FormulaFunction {
  return {
    name,
    minArgs: name === 'MID' ? 3 : 1,
    maxArgs: name === 'MID' ? 3 : 2,
    returns: () => 'text',
    call: ([s, a, b]) => {
      const chars = [...toText(s!)];
      const x = a === undefined ? 1 : (toInteger(a, name) ?? 0);
      const y = b === undefined ? 0 : (toInteger(b, name) ?? 0);
      if (x < 0 || y < 0) throw new FormulaRuntimeError('range', `${name}: negative length`);
      return pick(chars, x, y).join('');
    },
  };
}

/** LEFT(text, n=1), RIGHT(text, n=1), MID(text, start (1-based), n); counted in characters. */
export const LEFT = slice('LEFT', (c, n) => c.slice(0, n));
export const RIGHT = slice('RIGHT', (c, n) => (n === 0 ? [] : c.slice(-n)));
export const MID = slice('MID', (c, start, n) => c.slice(Math.max(0, start - 1), Math.max(0, start - 1) + n));

export const UPPER: FormulaFunction = { name: 'UPPER', minArgs: 1, maxArgs: 1, returns: () => 'text', call: ([s]) => toText(s!).toUpperCase() };
export const LOWER: FormulaFunction = { name: 'LOWER', minArgs: 1, maxArgs: 1, returns: () => 'text', call: ([s]) => toText(s!).toLowerCase() };
export const TRIM: FormulaFunction = { name: 'TRIM', minArgs: 1, maxArgs: 1, returns: () => 'text', call: ([s]) => toText(s!).trim() };

export const CONTAINS: FormulaFunction = {
  name: 'CONTAINS',
  minArgs: 2,
  maxArgs: 2,
  returns: () => 'boolean',
  call: ([s, part]) => toText(s!).includes(toText(part!)),
};

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

/** VALUE(text): a decimal from text such as "1234.50"; empty for blank text. */
export const VALUE: FormulaFunction = {
  name: 'VALUE',
  minArgs: 1,
  maxArgs: 1,
  returns: () => 'number',
  call: ([s]) => {
    if (s instanceof FDecimal) return s;
    const t = toText(s!).trim().replace(/,/g, '');
    if (t === '') return null;
    if (!/^-?\d+(\.\d+)?$/.test(t)) throw new FormulaRuntimeError('type', `VALUE: '${t}' is not a number`);
    return new FDecimal(t);
  },
};

export const textFunctions = [CONCAT, LEN, LEFT, RIGHT, MID, UPPER, LOWER, TRIM, CONTAINS, FIXED, VALUE];
