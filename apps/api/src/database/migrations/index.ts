import { Foundation1764000000000 } from './1764000000000-foundation.js';

/** Every platform migration, in order. New migrations are appended here. */
export const migrations = [Foundation1764000000000];
