import { toText } from '../values.js';
import type { FormulaFunction } from './function.js';

export const UPPER: FormulaFunction = { name: 'UPPER', minArgs: 1, maxArgs: 1, returns: () => 'text', call: ([s]) => toText(s!).toUpperCase() };
