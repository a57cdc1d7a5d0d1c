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
