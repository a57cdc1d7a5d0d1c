import type { Response } from 'express';
import type { ExportColumn } from './export-columns.js';
import { write, type ExportSink } from './exports.service.js';
import { ZipStream } from './zip-stream.js';

export const XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n';
export const FILES: Array<[string, string]> = [
  [
    '[Content_Types].xml',
    `${XML}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/></Types>`,
  ],
  [
    '_rels/.rels',
    `${XML}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`,
  ],
  [
    'xl/workbook.xml',
    `${XML}<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>`,
  ],
  [
    'xl/_rels/workbook.xml.rels',
    `${XML}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>`,
  ],
  [
    'xl/styles.xml',
    `${XML}<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><fonts count="2"><font><sz val="11"/><name val="Calibri"/></font><font><b/><sz val="11"/><name val="Calibri"/></font></fonts><fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills><borders count="1"><border/></borders><cellStyleXfs count="1"><xf/></cellStyleXfs><cellXfs count="2"><xf/><xf fontId="1" applyFont="1"/></cellXfs></styleSheet>`,
  ],
];

/** Characters XML 1.0 cannot carry at all. */
// eslint-disable-next-line no-control-regex
const INVALID_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;

export function xmlText(text: string): string {
  return text.replace(INVALID_XML, '').replace(/[&<>"]/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : '&quot;'));
}

function columnName(index: number): string {
  let name = '';
  for (let n = index + 1; n > 0; n = Math.floor((n - 1) / 26)) name = String.fromCharCode(65 + ((n - 1) % 26)) + name;
  return name;
}

const NUMBER = /^-?\d{1,15}(\.\d+)?$/;
const DEFUSED = /^'[=+\-@\t\r]/;

/**
 * One worksheet, streamed: inline strings (no shared-string table to hold in memory), numbers
 * as numbers, a bold frozen header row. Everything a cell shows is the CSV export's text.
 */
export function xlsxSink(res: Response): ExportSink {
  const zip = new ZipStream((chunk) => write(res, chunk));
  let sheet: { write(text: string): Promise<void>; end(): Promise<void> } | undefined;
  let refs: string[] = [];
  let numeric: boolean[] = [];
  let row = 0;
  const rowXml = (cells: string[], header: boolean) => {
    row += 1;
    let xml = `<row r="${row}">`;
    cells.forEach((cell, i) => {
      if (cell === '') return;
      const ref = `${refs[i]}${row}`;
      if (!header && numeric[i] && NUMBER.test(cell)) xml += `<c r="${ref}"><v>${cell}</v></c>`;
      // An inline string is never run as a formula: the CSV's defusing apostrophe is not needed.
      else if (!header && DEFUSED.test(cell)) xml += `<c r="${ref}" t="inlineStr"><is><t xml:space="preserve">${xmlText(cell.slice(1))}</t></is></c>`;
      else xml += `<c r="${ref}" t="inlineStr"${header ? ' s="1"' : ''}><is><t xml:space="preserve">${xmlText(cell)}</t></is></c>`;
    });
    return `${xml}</row>`;
  };
  return {
    contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    extension: 'xlsx',
    async begin(columns: ExportColumn[]) {
      refs = columns.map((_, i) => columnName(i));
      numeric = columns.map((c) => c.numeric);
      for (const [name, content] of FILES) await zip.file(name, content);
      sheet = await zip.begin('xl/worksheets/sheet1.xml');
      await sheet.write(
        `${XML}<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/></sheetView></sheetViews><sheetData>${rowXml(columns.map((c) => c.header), true)}`,
      );
    },
    async rows(rows: string[][]) {
      await sheet!.write(rows.map((cells) => rowXml(cells, false)).join(''));
    },
    async end() {
      await sheet!.write('</sheetData></worksheet>');
      await sheet!.end();
      await zip.finish();
      await new Promise<void>((resolve) => res.end(resolve));
    },
  };
}
