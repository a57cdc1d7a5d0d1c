const LF = 0x0a;
const CR = 0x0d;
const QUOTE = 0x22;

/**
 * PostgreSQL's CSV (COPY … FORMAT csv) ends rows with LF; Excel's CSV ends them with CRLF. This
 * turns every row-ending LF into CRLF and leaves line breaks inside quoted cells as they are,
 * across chunk boundaries (the quote state is carried over). In PostgreSQL's CSV a `"` only
 * occurs in quoted cells, where quotes are doubled, so quote parity tells inside from outside.
 * Counts the rows it has ended.
 */
export class CsvLineEnds {
  rows = 0;
  private quoted = false;

  convert(chunk: Buffer): Buffer {
    const ends: number[] = [];
    const n = chunk.length;
    let quoted = this.quoted;
    let at: number;
    // The next quote and LF at or after `at` (-1: none left in this chunk), searched again only once passed.
    let quote = chunk.indexOf(QUOTE, 0);
    let lf = chunk.indexOf(LF, 0);
    for (;;) {
      if (quoted) {
        // Inside a quoted cell: skip to its closing quote (a doubled quote closes and reopens).
        if (quote < 0) break;
        quoted = false;
        at = quote + 1;
      } else if (quote >= 0 && (lf < 0 || quote < lf)) {
        quoted = true;
        at = quote + 1;
      } else if (lf >= 0) {
        ends.push(lf);
        at = lf + 1;
      } else {
        break;
      }
      if (quote >= 0 && quote < at) quote = chunk.indexOf(QUOTE, at);
      if (lf >= 0 && lf < at) lf = chunk.indexOf(LF, at);
    }
    this.quoted = quoted;
    this.rows += ends.length;
    if (!ends.length) return chunk;
    const out = Buffer.allocUnsafe(n + ends.length);
    let from = 0;
    let to = 0;
    for (const end of ends) {
      to += chunk.copy(out, to, from, end);
      out[to++] = CR;
      out[to++] = LF;
      from = end + 1;
    }
    chunk.copy(out, to, from, n);
    return out;
  }
}
