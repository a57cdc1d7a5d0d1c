import { slice } from './text-helpers.js';

/** LEFT(text, n=1), RIGHT(text, n=1), MID(text, start (1-based), n); counted in characters. */
export const LEFT = slice('LEFT', (c, n) => c.slice(0, n));
