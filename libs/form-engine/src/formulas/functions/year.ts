import { part } from './date-helpers.js';

export const YEAR = part('YEAR', (y) => y);
