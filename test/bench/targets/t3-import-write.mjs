// T3 — Import DB-write stage (PERFORMANCE.md §6.1).
// Candidate: the write stage of T1's import (the same run when both run): the job report's
// `timings.write`, the time PostgreSQL spent taking the rows (one statement per chunk: its rows as
// one text parameter, inserted into records with their create revisions and, when the rule set
// could be evaluated before the write, their rule results). Baseline: T1's server-side COPY of the same
// rows into the same table and indexes (so the "with indexes" target, 0.9, applies).
import { measureCsvImport } from './t1-csv-import.mjs';

/** @type {import('../lib/target.mjs').BenchTarget} */
export default {
  id: 'T3',
  name: 'Import DB-write stage',
  async run(ctx) {
    const r = await measureCsvImport(ctx);
    const writeMs = r.timings?.write ?? null;
    return [
      ctx.ratioResult({
        id: 'T3',
        name: `Import write stage (${r.n} rows, records + revisions + rule results) vs COPY (with indexes)`,
        unit: 'rows/s',
        baseline: (r.n / r.copyMs) * 1000,
        candidate: writeMs ? (r.n / writeMs) * 1000 : null,
        target: 0.9,
        comparator: '>=',
        details: { rows: r.n, writeMs, copyMs: Math.round(r.copyMs), note: 'the import also writes one create revision and one rule result per record; COPY writes records only' },
      }),
    ];
  },
};
