import { FormulaRuntimeError, toInteger, toText } from '../values.js';
import type { FormulaFunction } from './function.js';

/* Shared by the text functions (one function per file next to this one). */

export const MAX_TEXT = 100_000;

export function bounded(s: string): string {
  if (s.length > MAX_TEXT) throw new FormulaRuntimeError('range', 'Text result too long');
  return s;
}

export function slice(name: string, pick: (chars: string[], a: number, b: number) => string[]): FormulaFunction {
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
