import { extreme } from './math-helpers.js';

export const MAX = extreme('MAX', 1);
