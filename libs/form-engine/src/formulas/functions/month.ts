import { part } from './date-helpers.js';

export const MONTH = part('MONTH', (_y, m) => m);
