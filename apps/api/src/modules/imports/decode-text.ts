export type SourceEncoding = 'utf-8' | 'gb18030' | 'utf-16le';

export type DecodeResult = { text: string; encoding: SourceEncoding } | { problem: 'binary' | 'workbook'; row: number };

const utf8 = new TextDecoder('utf-8', { fatal: true });
const gb18030 = new TextDecoder('gb18030');
const utf16 = new TextDecoder('utf-16le');

/**
 * The text of an uploaded CSV: UTF-8 (with or without a BOM) when the bytes are valid UTF-8,
 * UTF-16 when they carry its BOM, else GB18030 (a superset of GBK and GB2312: what Excel on a
 * Chinese Windows saves as "CSV"). Bytes no text file holds (NUL, a ZIP signature) are refused
 * naming the row they are on.
 */
export function decodeCsvBytes(bytes: Buffer): DecodeResult {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return { text: utf16.decode(bytes.subarray(2)), encoding: 'utf-16le' };
  if (bytes[0] === 0xd0 && bytes[1] === 0xcf && bytes[2] === 0x11 && bytes[3] === 0xe0) return { problem: 'workbook', row: 1 };
  const nul = bytes.indexOf(0);
  if (nul >= 0) return { problem: 'binary', row: rowOf(bytes, nul) };
  const body = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? bytes.subarray(3) : bytes;
  try {
    return { text: utf8.decode(body), encoding: 'utf-8' };
  } catch {
    return { text: gb18030.decode(body), encoding: 'gb18030' };
  }
}

function rowOf(bytes: Buffer, index: number): number {
  let row = 1;
  for (let i = bytes.indexOf(10); i >= 0 && i < index; i = bytes.indexOf(10, i + 1)) row++;
  return row;
}

const SLICE = 4 << 20;

export type DecodedChunks = { chunks: Generator<string>; encoding: SourceEncoding } | { problem: 'binary' | 'workbook'; row: number };

/**
 * decodeCsvBytes a block at a time: the same encoding rules (UTF-8 is checked over the whole
 * file, block by block, without keeping the text), then the text is handed out in pieces of
 * about 4 MB, so a large file is never one string in memory.
 */
export function decodeCsvChunks(bytes: Buffer): DecodedChunks {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return { chunks: pieces(bytes.subarray(2), 'utf-16le'), encoding: 'utf-16le' };
  if (bytes[0] === 0xd0 && bytes[1] === 0xcf && bytes[2] === 0x11 && bytes[3] === 0xe0) return { problem: 'workbook', row: 1 };
  const nul = bytes.indexOf(0);
  if (nul >= 0) return { problem: 'binary', row: rowOf(bytes, nul) };
  const body = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? bytes.subarray(3) : bytes;
  const check = new TextDecoder('utf-8', { fatal: true });
  try {
    for (let i = 0; i < body.length; i += SLICE) check.decode(body.subarray(i, i + SLICE), { stream: true });
    check.decode();
    return { chunks: pieces(body, 'utf-8'), encoding: 'utf-8' };
  } catch {
    return { chunks: pieces(body, 'gb18030'), encoding: 'gb18030' };
  }
}

function* pieces(body: Buffer, encoding: SourceEncoding): Generator<string> {
  const decoder = new TextDecoder(encoding);
  for (let i = 0; i < body.length; i += SLICE) yield decoder.decode(body.subarray(i, i + SLICE), { stream: true });
  const rest = decoder.decode();
  if (rest) yield rest;
}
