import { FILES, XML, xmlText } from './xlsx-sink.js';
import { ZipStream } from './zip-stream.js';

function columnName(index: number): string {
  let name = '';
  for (let n = index + 1; n > 0; n = Math.floor((n - 1) / 26)) name = String.fromCharCode(65 + ((n - 1) % 26)) + name;
  return name;
}

/**
 * A whole workbook in memory, one sheet of text cells (inline strings; `numbers` columns as
 * numbers): fixtures for import tests and benches, built by the same ZIP writer as the export.
 */
export async function workbookOf(rows: string[][], numbers: Set<number> = new Set()): Promise<Buffer> {
  const chunks: Buffer[] = [];
  const zip = new ZipStream(async (chunk) => {
    chunks.push(chunk);
  });
  for (const [name, content] of FILES) await zip.file(name, content);
  const sheet = await zip.begin('xl/worksheets/sheet1.xml');
  const refs = (rows[0] ?? []).map((_, i) => columnName(i));
  const dimension = rows.length ? `<dimension ref="A1:${refs[refs.length - 1] ?? 'A'}${rows.length}"/>` : '';
  await sheet.write(`${XML}<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">${dimension}<sheetData>`);
  let batch = '';
  for (let r = 0; r < rows.length; r++) {
    const cells = rows[r]!;
    batch += `<row r="${r + 1}">`;
    cells.forEach((cell, i) => {
      if (cell === '') return;
      const ref = `${refs[i] ?? columnName(i)}${r + 1}`;
      batch += r > 0 && numbers.has(i) && /^-?\d+(\.\d+)?$/.test(cell) ? `<c r="${ref}"><v>${cell}</v></c>` : `<c r="${ref}" t="inlineStr"><is><t xml:space="preserve">${xmlText(cell)}</t></is></c>`;
    });
    batch += '</row>';
    if (batch.length > 1 << 20) {
      await sheet.write(batch);
      batch = '';
    }
  }
  await sheet.write(`${batch}</sheetData></worksheet>`);
  await sheet.end();
  await zip.finish();
  return Buffer.concat(chunks);
}
