import { slice } from './text-helpers.js';

export const MID = slice('MID', (c, start, n) => c.slice(Math.max(0, start - 1), Math.max(0, start - 1) + n));
