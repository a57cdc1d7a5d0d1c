import { slice } from './text-helpers.js';

export const RIGHT = slice('RIGHT', (c, n) => (n === 0 ? [] : c.slice(-n)));
