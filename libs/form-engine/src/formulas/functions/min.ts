import { extreme } from './math-helpers.js';

export const MIN = extreme('MIN', -1);
