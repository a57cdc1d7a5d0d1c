// T2 — XLSX import (PERFORMANCE.md §6.1).
// Candidate: the same N rows × 12 columns as an .xlsx (inline strings, the money column as text,
// built by the product's own ZIP writer, apps/api/dist/modules/exports/xlsx-buffer.js) imported as
// a job. Baseline: the CSV import of the same rows (T1's measurement when both run, else its own).
// Different name prefixes, rows deleted afterwards.
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { dropImported, importJob, importRows, measureCsvImport } from './t1-csv-import.mjs';

/** @type {import('../lib/target.mjs').BenchTarget} */
export default {
  id: 'T2',
  name: 'XLSX import',
  async run(ctx) {
    const csv = await measureCsvImport(ctx);
    const product = await ctx.product();
    const token = await product.login();
    const { workbookOf } = await import(pathToFileURL(path.join(ctx.repoRoot, 'apps/api/dist/modules/exports/xlsx-buffer.js')).href);
    const prefix = `T2导入${Date.now()}-`;
    const body = await workbookOf(importRows(prefix, csv.n));
    ctx.log(`T2: importing ${csv.n} rows (${(body.length / 1e6).toFixed(1)} MB xlsx)`);
    try {
      const xlsx = await importJob(product, token, body, 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', ctx.log);
      if (xlsx.job.counts.inserted !== csv.n) throw new Error(`imported ${xlsx.job.counts.inserted} of ${csv.n} rows`);
      return [
        ctx.ratioResult({
          id: 'T2',
          name: `XLSX import (${csv.n} rows × 12 columns) vs the same rows as CSV`,
          unit: 'rows/s',
          baseline: (csv.n / csv.candidateMs) * 1000,
          candidate: (csv.n / xlsx.ms) * 1000,
          target: 0.4,
          comparator: '>=',
          details: { rows: csv.n, xlsxMB: Math.round(body.length / 1e5) / 10, xlsxMs: Math.round(xlsx.ms), csvMs: Math.round(csv.candidateMs), stageMs: xlsx.job.report?.timings ?? null },
        }),
      ];
    } finally {
      await dropImported(product, prefix);
    }
  },
};
