// pg-copy-streams ships no types: the copy-to entry point the CSV export uses (merged with the
// import's declaration of `from`).
declare module 'pg-copy-streams' {
  import type { Submittable } from 'pg';
  import type { Readable } from 'node:stream';
  export function to(text: string): Readable & Submittable & { rowCount: number };
}
