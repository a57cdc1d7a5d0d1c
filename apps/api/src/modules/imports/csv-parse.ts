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

/**
 * parseCsv over text that arrives in pieces (a file decoded a block at a time): each piece is
 * cut after its last line break outside a quoted cell — found by the same quoting rules as
 * parseCsv — and the whole records before it are parsed; the rest waits for the next piece.
 * Row numbers run on across pieces.
 */
export function* parseCsvChunks(chunks: Iterable<string>): Generator<CsvRecord> {
  let carry = '';
  let offset = 0;
  let scanned = 0;
  let quoted = false;
  let cellStart = true;
  let cut = -1;
  function* emit(text: string): Generator<CsvRecord> {
    let last = 0;
    try {
      for (const record of parseCsv(text)) {
        last = record.row;
        yield { row: record.row + offset, cells: record.cells };
      }
    } catch (error) {
      if (error instanceof CsvSyntaxError) throw new CsvSyntaxError(error.row + offset, error.column);
      throw error;
    }
    offset += last;
  }
  for (const chunk of chunks) {
    carry += chunk;
    let i = scanned;
    for (; i < carry.length; i++) {
      const c = carry.charCodeAt(i);
      if (quoted) {
        if (c !== 34) continue;
        // A quote at the end of the text so far: escaped ("") or closing is decided by the next piece.
        if (i + 1 === carry.length) break;
        if (carry.charCodeAt(i + 1) === 34) i++;
        else quoted = false;
      } else if (c === 34 && cellStart) {
        quoted = true;
        cellStart = false;
      } else if (c === 44 /* , */ || c === 13) cellStart = true;
      else if (c === 10) {
        cut = i;
        cellStart = true;
      } else cellStart = false;
    }
    scanned = i;
    if (cut >= 0) {
      yield* emit(carry.slice(0, cut + 1));
      carry = carry.slice(cut + 1);
      scanned -= cut + 1;
      cut = -1;
    }
  }
  if (carry) yield* emit(carry);
}
