// pg-copy-streams ships no types: the one entry point the import uses.
declare module 'pg-copy-streams' {
  import type { Submittable } from 'pg';
  import type { Writable } from 'node:stream';
  export function from(text: string): Writable & Submittable;
}
