// The results table (stdout) and the --json array (PERFORMANCE.md §6.2 step 5).
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';

const fmt = (v) => (v === null || v === undefined ? '—' : typeof v === 'number' ? (Math.abs(v) >= 100 ? v.toFixed(0) : v.toFixed(2)) : String(v));

/** @param {import('./target.mjs').BenchResult[]} results */
export function formatTable(results) {
  const header = ['target', 'check', 'baseline', 'candidate', 'unit', 'ratio', 'goal', 'result'];
  const rows = results.map((r) => [
    r.id,
    r.name,
    fmt(r.baseline),
    fmt(r.candidate),
    r.unit,
    r.ratio === null ? '—' : r.ratio.toFixed(3),
    `${r.comparator === '>=' ? '≥' : '≤'} ${r.target.toFixed(2)}${r.floor !== undefined ? ` (floor ${r.floor.toFixed(2)})` : ''}`,
    r.error ? 'ERROR' : r.pass ? 'PASS' : r.floor !== undefined && r.ratio !== null && r.ratio < r.floor ? 'FAIL (under floor)' : 'FAIL',
  ]);
  const numeric = new Set([2, 3, 5]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => [...row[i]].length)));
  const line = (cells) => cells.map((c, i) => (numeric.has(i) ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ').trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

/** @param {string} file @param {import('./target.mjs').BenchResult[]} results */
export async function writeJson(file, results) {
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, JSON.stringify(results, null, 2) + '\n');
}
