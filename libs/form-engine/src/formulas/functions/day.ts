import { part } from './date-helpers.js';

export const DAY = part('DAY', (_y, _m, d) => d);
