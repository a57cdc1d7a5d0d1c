import { bufferSource, type ByteSource } from './byte-source.js';

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

export type DecodedChunks = { chunks: Generator<string>; encoding: SourceEncoding; lines: number } | { problem: 'binary' | 'workbook'; row: number };

/**
 * decodeCsvBytes a block at a time, over bytes in memory or a file on disk: the same encoding
 * rules (UTF-8 is checked over the whole file, block by block, without keeping the text; line
 * feeds are counted on the way, for the ETA), then the text is handed out in pieces of about
 * 4 MB read as they are asked for, so a large file is never one string, nor one buffer, in memory.
 */
export function decodeCsvChunks(input: Buffer | ByteSource): DecodedChunks {
  const source = Buffer.isBuffer(input) ? bufferSource(input) : input;
  const head = source.read(0, 4);
  if (head[0] === 0xff && head[1] === 0xfe) return { chunks: pieces(source, 2, 'utf-16le'), encoding: 'utf-16le', lines: countLines(source) };
  if (head[0] === 0xd0 && head[1] === 0xcf && head[2] === 0x11 && head[3] === 0xe0) return { problem: 'workbook', row: 1 };
  const from = head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf ? 3 : 0;
  const check = new TextDecoder('utf-8', { fatal: true });
  let utf8 = true;
  let lines = 0;
  let last = -1;
  for (let at = 0; at < source.size; at += SLICE) {
    const block = source.read(at, SLICE);
    const nul = block.indexOf(0);
    const upTo = nul >= 0 ? nul : block.length;
    for (let i = block.indexOf(10); i >= 0 && i < upTo; i = block.indexOf(10, i + 1)) lines++;
    if (nul >= 0) return { problem: 'binary', row: lines + 1 };
    last = block[block.length - 1] ?? last;
    if (utf8) {
      try {
        check.decode(at < from ? block.subarray(from - at) : block, { stream: true });
      } catch {
        utf8 = false;
      }
    }
  }
  if (utf8) {
    try {
      check.decode();
    } catch {
      utf8 = false;
    }
  }
  if (source.size && last !== 10) lines++;
  const encoding = utf8 ? 'utf-8' : 'gb18030';
  return { chunks: pieces(source, from, encoding), encoding, lines };
}

function countLines(source: ByteSource): number {
  let lines = 0;
  let last = -1;
  for (let at = 0; at < source.size; at += SLICE) {
    const block = source.read(at, SLICE);
    for (let i = block.indexOf(10); i >= 0; i = block.indexOf(10, i + 1)) lines++;
    last = block[block.length - 1] ?? last;
  }
  return source.size && last !== 10 ? lines + 1 : lines;
}

function* pieces(source: ByteSource, from: number, encoding: SourceEncoding): Generator<string> {
  const decoder = new TextDecoder(encoding);
  for (let i = from; i < source.size; i += SLICE) yield decoder.decode(source.read(i, SLICE), { stream: true });
  const rest = decoder.decode();
  if (rest) yield rest;
}
