import { describe, expect, it } from 'vitest';
import { parseDate, parseDecimal } from './cell-convert.js';
import { decodeCsvBytes, decodeCsvChunks } from './decode-text.js';

describe('parseDecimal', () => {
  it.each([
    ['1234.50', '1234.50'],
    ['¥1,234,567.89', '1234567.89'],
    ['￥ 1,000', '1000'],
    ['RMB 12', '12'],
    ['1000元', '1000'],
    ['-3.5', '-3.5'],
    ['(1,200.00)', '-1200.00'],
    ['１２３．４', '123.4'],
    ['.5', '0.5'],
    ['007', '7'],
    ['0,000.00', '0.00'],
  ])('%s -> %s', (text, expected) => expect(parseDecimal(text)).toBe(expected));

  it.each(['12,34', 'abc', '1.2.3', '', '1e5'])('%s is not a number', (text) => expect(parseDecimal(text)).toBeNull());

  it('a trailing % only for percents', () => {
    expect(parseDecimal('12.5%', true)).toBe('12.5');
    expect(parseDecimal('12.5%')).toBeNull();
  });
});

describe('parseDate', () => {
  it.each([
    ['2026-11-25', '2026-11-25'],
    ['2026/11/25', '2026-11-25'],
    ['2026/1/5', '2026-01-05'],
    ['2026.11.25', '2026-11-25'],
    ['2026年11月25日', '2026-11-25'],
    ['2026年1月5日', '2026-01-05'],
    ['20261125', '2026-11-25'],
    ['2026/11/25 00:00', '2026-11-25'],
    ['46351', '2026-11-25'],
    ['61', '1900-03-01'],
  ])('%s -> %s', (text, expected) => expect(parseDate(text)).toBe(expected));

  it.each(['2026-02-30', '25/11/2026', 'tomorrow', '2026-13-01'])('%s is not a date', (text) => expect(parseDate(text)).toBeNull());
});

describe('decodeCsvBytes', () => {
  it('UTF-8 with and without a BOM', () => {
    expect(decodeCsvBytes(Buffer.from('\uFEFF名称\r\n', 'utf8'))).toEqual({ text: '名称\r\n', encoding: 'utf-8' });
    expect(decodeCsvBytes(Buffer.from('名称', 'utf8'))).toEqual({ text: '名称', encoding: 'utf-8' });
  });

  it('GB18030 when the bytes are not UTF-8', () => {
    // "客户名称" in GBK
    expect(decodeCsvBytes(Buffer.from([0xbf, 0xcd, 0xbb, 0xa7, 0xc3, 0xfb, 0xb3, 0xc6]))).toEqual({ text: '客户名称', encoding: 'gb18030' });
  });

  it('refuses workbooks and binary bytes, naming the row', () => {
    expect(decodeCsvBytes(Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 1, 2]))).toEqual({ problem: 'workbook', row: 1 });
    expect(decodeCsvBytes(Buffer.from('a\nb\nc\0', 'utf8'))).toEqual({ problem: 'binary', row: 3 });
  });
});

describe('decodeCsvChunks', () => {
  it('decodes GB18030 and UTF-8 in pieces, characters split across pieces kept whole', () => {
    // 客 is BF CD in GBK; an odd byte in front puts a character across every 4 MB boundary.
    const gbk = Buffer.alloc(1 + 2 * 2_500_001, 0);
    gbk[0] = 0x61;
    for (let i = 1; i < gbk.length; i += 2) [gbk[i], gbk[i + 1]] = [0xbf, 0xcd];
    const decoded = decodeCsvChunks(gbk);
    if ('problem' in decoded) throw new Error('unexpected problem');
    expect(decoded.encoding).toBe('gb18030');
    const text = [...decoded.chunks].join('');
    expect(text.length).toBe(2_500_002);
    expect(text).toBe(`a${'客'.repeat(2_500_001)}`);
    const utf8 = decodeCsvChunks(Buffer.from(`\uFEFFa,${'名'.repeat(2_000_000)}\r\n`, 'utf8'));
    if ('problem' in utf8) throw new Error('unexpected problem');
    expect([utf8.encoding, [...utf8.chunks].join('')]).toEqual(['utf-8', `a,${'名'.repeat(2_000_000)}\r\n`]);
    expect(decodeCsvChunks(Buffer.from('a\nb\0', 'utf8'))).toEqual({ problem: 'binary', row: 2 });
  });
});
