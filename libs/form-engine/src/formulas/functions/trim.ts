import { toText } from '../values.js';
import type { FormulaFunction } from './function.js';

export const TRIM: FormulaFunction = { name: 'TRIM', minArgs: 1, maxArgs: 1, returns: () => 'text', call: ([s]) => toText(s!).trim() };
