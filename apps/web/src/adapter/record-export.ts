import type { FormRecord } from '../api/records';
import type { DisplayContext } from '../widgets/types';
import { cellText, columnLabel, type RecordColumn } from './record-columns';

/** One CSV field: quoted when it holds a separator, a quote or a line break (RFC 4180). */
function csvField(text: string): string {
  // A leading = + - @ would make a spreadsheet run the cell as a formula.
  const safe = /^[=+\-@]/.test(text) && !/^-?\d/.test(text) ? `'${text}` : text;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/**
 * The rows as CSV with the columns on screen, values as the list shows them (option labels,
 * user names, formatted money). Starts with a BOM so Excel opens UTF-8 Chinese correctly.
 */
export function recordsToCsv(columns: readonly RecordColumn[], rows: readonly Pick<FormRecord, 'data' | 'labels'>[], ctx: DisplayContext): string {
  const lines = [columns.map((c) => csvField(columnLabel(c, ctx.locale))).join(',')];
  for (const row of rows) lines.push(columns.map((c) => csvField(cellText(c, row, ctx).replace(/^—$/, ''))).join(','));
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}
