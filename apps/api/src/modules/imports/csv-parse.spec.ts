import { describe, expect, it } from 'vitest';
import { CsvSyntaxError, parseCsv, parseCsvChunks } from './csv-parse.js';

const all = (text: string) => [...parseCsv(text)].map((r) => r.cells);

describe('parseCsv', () => {
  it.each([
    ['plain CRLF', 'a,b\r\nc,d\r\n', [['a', 'b'], ['c', 'd']]],
    ['LF and no final line end', 'a,b\nc,d', [['a', 'b'], ['c', 'd']]],
    ['quoted commas, quotes and line breaks', '"a,1","say ""hi""","x\r\ny"\r\n', [['a,1', 'say "hi"', 'x\r\ny']]],
    ['empty cells', ',,\r\n"",x,', [['', '', ''], ['', 'x', '']]],
    ['an empty line is a record of one empty cell', 'a\r\n\r\nb', [['a'], [''], ['b']]],
    ['chinese text', '客户名称,信用额度\r\n华东公司,"¥1,000.00"', [['客户名称', '信用额度'], ['华东公司', '¥1,000.00']]],
  ])('%s', (_label, text, expected) => {
    expect(all(text)).toEqual(expected);
  });

  it('counts rows as records, a multi-line cell being one row', () => {
    expect([...parseCsv('h\r\n"a\r\nb"\r\nc')].map((r) => r.row)).toEqual([1, 2, 3]);
  });

  it('names the row and column of a quote that never closes', () => {
    try {
      all('a,b\r\nc,"oops\r\nd,e');
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(CsvSyntaxError);
      expect(error).toMatchObject({ row: 2, column: 2 });
    }
  });
});

describe('parseCsvChunks', () => {
  const text = 'h1,h2\r\n"a,\r\n1","say ""hi"""\r\nx"y,"q\nr"\r\n,\r\n客户,"¥1,000"\r\nlast';
  it.each([1, 2, 3, 5, 7, 64])('gives what parseCsv gives, in pieces of %i characters', (size) => {
    const pieces: string[] = [];
    for (let i = 0; i < text.length; i += size) pieces.push(text.slice(i, i + size));
    expect([...parseCsvChunks(pieces)]).toEqual([...parseCsv(text)]);
  });

  it('names the row of an unclosed quote across pieces', () => {
    expect(() => [...parseCsvChunks(['a\r\nb\r\n', 'c,"oo', 'ps\r\nd'])]).toThrow(expect.objectContaining({ row: 3, column: 2 }));
  });
});
