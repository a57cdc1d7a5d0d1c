import { describe, expect, it } from 'vitest';
import { CsvLineEnds } from './csv-line-ends.js';
import { parseCsv } from '../imports/csv-parse.js';

/** PostgreSQL-style CSV (LF row ends, quoted cells with doubled quotes and raw line breaks). */
const PG_CSV = 'a,b\n"x\ny","say ""hi""\r\n"\n,""\n"""",plain\n"\n"\nlast,"q,q"\n';
const EXCEL_CSV = 'a,b\r\n"x\ny","say ""hi""\r\n"\r\n,""\r\n"""",plain\r\n"\n"\r\nlast,"q,q"\r\n';

describe('CsvLineEnds', () => {
  it('turns row-ending LFs into CRLF and keeps line breaks inside quoted cells', () => {
    const lines = new CsvLineEnds();
    expect(lines.convert(Buffer.from(PG_CSV)).toString()).toBe(EXCEL_CSV);
    expect(lines.rows).toBe(6);
  });

  it('gives the same bytes however the input is cut into chunks (quote state carried over)', () => {
    const input = Buffer.from(PG_CSV);
    for (let size = 1; size <= input.length; size++) {
      const lines = new CsvLineEnds();
      const out: Buffer[] = [];
      for (let at = 0; at < input.length; at += size) out.push(lines.convert(input.subarray(at, at + size)));
      expect(Buffer.concat(out).toString(), `chunks of ${size}`).toBe(EXCEL_CSV);
      expect(lines.rows).toBe(6);
    }
  });

  it('multi-byte text split across chunks survives, and the cells read back unchanged', () => {
    const text = '客户,"多行\n联系人"\n"引""号",¥1\n';
    const input = Buffer.from(text);
    const lines = new CsvLineEnds();
    const out = Buffer.concat([lines.convert(input.subarray(0, 4)), lines.convert(input.subarray(4, 13)), lines.convert(input.subarray(13))]).toString();
    expect(out).toBe('客户,"多行\n联系人"\r\n"引""号",¥1\r\n');
    expect([...parseCsv(out)].map((r) => r.cells)).toEqual([
      ['客户', '多行\n联系人'],
      ['引"号', '¥1'],
    ]);
  });

  it('a chunk without a row end passes through as is', () => {
    const lines = new CsvLineEnds();
    const chunk = Buffer.from('no row end yet');
    expect(lines.convert(chunk)).toBe(chunk);
    expect(lines.rows).toBe(0);
  });
});
