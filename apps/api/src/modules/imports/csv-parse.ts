/** One CSV record: its number (1 = the header row, as a spreadsheet counts) and its cells. */
export interface CsvRecord {
  row: number;
  cells: string[];
}

export class CsvSyntaxError extends Error {
  constructor(
    readonly row: number,
    readonly column: number,
  ) {
    super(`unclosed quote at row ${row}, column ${column}`);
  }
}

/**
 * RFC 4180 records from text: quoted cells (with doubled quotes, commas and line breaks inside),
 * CRLF or LF line ends, a trailing line break or none. A quote that is never closed is a
 * CsvSyntaxError naming where that cell began. Lazily, one record at a time.
 */
export function* parseCsv(text: string): Generator<CsvRecord> {
  const length = text.length;
  let i = 0;
  let row = 0;
  while (i < length) {
    row += 1;
    const cells: string[] = [];
    for (;;) {
      if (text.charCodeAt(i) === 34 /* " */) {
        const column = cells.length + 1;
        let cell = '';
        let start = i + 1;
        for (;;) {
          const close = text.indexOf('"', start);
          if (close < 0) throw new CsvSyntaxError(row, column);
          cell += text.slice(start, close);
          if (text.charCodeAt(close + 1) === 34) {
            cell += '"';
            start = close + 2;
          } else {
            i = close + 1;
            break;
          }
        }
        // Text after the closing quote (e.g. "a"b) is kept, as spreadsheet apps do.
        let end = i;
        while (end < length && text.charCodeAt(end) !== 44 && text.charCodeAt(end) !== 10 && text.charCodeAt(end) !== 13) end++;
        cells.push(cell + text.slice(i, end));
        i = end;
      } else {
        let end = i;
        while (end < length && text.charCodeAt(end) !== 44 && text.charCodeAt(end) !== 10 && text.charCodeAt(end) !== 13) end++;
        cells.push(text.slice(i, end));
        i = end;
      }
      const c = text.charCodeAt(i);
      if (c === 44 /* , */) {
        i += 1;
        if (i < length) continue;
        cells.push('');
      }
      if (c === 13 && text.charCodeAt(i + 1) === 10) i += 2;
      else if (c === 10 || c === 13) i += 1;
      break;
    }
    yield { row, cells };
  }
}
