import { StringDecoder } from 'node:string_decoder';
import { Readable } from 'node:stream';
import { createInflateRaw, inflateRawSync } from 'node:zlib';
import { blocksOf, bufferSource, type ByteSource } from './byte-source.js';
import type { MessageKey } from '../../common/i18n.js';

/** A cell that cannot be imported as it is (a formula, an error value), by 1-based column. */
export interface SheetCellProblem {
  column: number;
  code: MessageKey;
}

export interface SheetRecord {
  /** The spreadsheet's own row number. */
  row: number;
  cells: string[];
  problems: SheetCellProblem[];
}

export class WorkbookError extends Error {
  constructor(
    readonly code: MessageKey,
    readonly row: number | null = null,
    readonly column: number | null = null,
  ) {
    super(code);
  }
}

/** Inflated parts larger than this are refused (a 50 MB upload can hide gigabytes of XML). */
const MAX_PART_BYTES = 400 * 1024 * 1024;

interface ZipEntry {
  method: number;
  compressed: number;
  offset: number;
}

/** The entries of a ZIP, by its central directory (read from the end of the file). */
function zipEntries(zip: ByteSource): Map<string, ZipEntry> {
  const from = Math.max(0, zip.size - 65_557);
  const tail = zip.read(from, zip.size - from);
  const endAt = tail.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (endAt < 0 || endAt + 22 > tail.length) throw new WorkbookError('imports.bad_workbook');
  const count = tail.readUInt16LE(endAt + 10);
  const dirSize = tail.readUInt32LE(endAt + 12);
  const dirAt = tail.readUInt32LE(endAt + 16);
  if (dirAt + dirSize > zip.size) throw new WorkbookError('imports.bad_workbook');
  const dir = zip.read(dirAt, dirSize);
  let at = 0;
  const entries = new Map<string, ZipEntry>();
  for (let i = 0; i < count; i++) {
    if (at + 46 > dir.length || dir.readUInt32LE(at) !== 0x02014b50) throw new WorkbookError('imports.bad_workbook');
    const nameLength = dir.readUInt16LE(at + 28);
    const name = dir.toString('utf8', at + 46, at + 46 + nameLength);
    entries.set(name, { method: dir.readUInt16LE(at + 10), compressed: dir.readUInt32LE(at + 20), offset: dir.readUInt32LE(at + 42) });
    at += 46 + nameLength + dir.readUInt16LE(at + 30) + dir.readUInt16LE(at + 32);
  }
  return entries;
}

/** Where an entry's (compressed) data starts, after its local header. */
function dataStart(zip: ByteSource, entry: ZipEntry): number {
  const local = zip.read(entry.offset, 30);
  if (local.length < 30 || local.readUInt32LE(0) !== 0x04034b50) throw new WorkbookError('imports.bad_workbook');
  return entry.offset + 30 + local.readUInt16LE(26) + local.readUInt16LE(28);
}

function readPart(zip: ByteSource, entries: Map<string, ZipEntry>, name: string): string | null {
  const entry = entries.get(name);
  if (!entry) return null;
  const data = zip.read(dataStart(zip, entry), entry.compressed);
  try {
    if (entry.method === 0) return data.toString('utf8');
    if (entry.method === 8) return inflateRawSync(data, { maxOutputLength: MAX_PART_BYTES }).toString('utf8');
  } catch (error) {
    if ((error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') throw new WorkbookError('imports.workbook_too_large');
    throw new WorkbookError('imports.bad_workbook');
  }
  throw new WorkbookError('imports.bad_workbook');
}

const ENTITY = /&(?:#(\d+)|#x([0-9a-fA-F]+)|(amp|lt|gt|quot|apos));/g;
const NAMED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function unescapeXml(text: string): string {
  return text.replace(ENTITY, (_, dec?: string, hex?: string, name?: string) =>
    dec ? String.fromCodePoint(Number(dec)) : hex ? String.fromCodePoint(parseInt(hex, 16)) : NAMED[name!]!,
  );
}

/** The text of an <si> or <is>: every <t> run, phonetic guides (<rPh>) left out. */
function runText(xml: string): string {
  let text = '';
  for (const match of xml.replace(/<rPh\b[\s\S]*?<\/rPh>/g, '').matchAll(/<t(?:\s[^>]*)?>([\s\S]*?)<\/t>|<t(?:\s[^>]*)?\/>/g)) text += match[1] ?? '';
  return unescapeXml(text);
}

const ATTRIBUTES = new Map<string, RegExp>();

function attribute(attributes: string, name: string): string | undefined {
  let pattern = ATTRIBUTES.get(name);
  if (!pattern) ATTRIBUTES.set(name, (pattern = new RegExp(`\\b${name}="([^"]*)"`)));
  return pattern.exec(attributes)?.[1];
}

function columnIndex(ref: string): number {
  let n = 0;
  for (const c of ref) {
    const code = c.charCodeAt(0);
    if (code < 65 || code > 90) break;
    n = n * 26 + (code - 64);
  }
  return n - 1;
}

/** Numbers as Excel shows them: 15 significant digits, so 0.1+0.2 reads 0.3. */
function numberText(v: string): string {
  // Plain decimals of up to 15 digits are kept as written (e.g. 100000.00 from our own export).
  if (/^-?\d+(\.\d+)?$/.test(v) && v.replace(/[-.]/g, '').replace(/^0+/, '').length <= 15) return v;
  const n = Number(v);
  if (!Number.isFinite(n)) return v;
  const text = String(Number(n.toPrecision(15)));
  return /e/i.test(text) ? v : text;
}

/**
 * The first worksheet of an .xlsx, row by row, each cell as the text Excel stores: shared and
 * inline strings, numbers (dates stay serial numbers, which date columns read), booleans as
 * 1/0. Formulas and error values are reported per cell; merged cells in the header row make
 * the columns unknowable and are refused.
 */
export function* readXlsx(bytes: Buffer): Generator<SheetRecord> {
  const zip = bufferSource(bytes);
  const { entries, sheetPath, shared } = openSheet(zip);
  const sheet = readPart(zip, entries, sheetPath);
  if (sheet === null) throw new WorkbookError('imports.bad_workbook');

  let headerRow: number | null = null;
  const merged = [...sheet.matchAll(MERGE)].map((m) => ({
    column: columnIndex(m[1]!) + 1,
    from: Number(m[2]),
    to: Number(m[4] ?? m[2]),
  }));
  let rowNumber = 0;
  for (const rowMatch of sheet.matchAll(ROW)) {
    const record = rowOf(rowMatch, shared, rowNumber);
    rowNumber = record.row;
    if (headerRow === null && record.cells.some((c) => c.trim() !== '')) {
      headerRow = rowNumber;
      const spread = merged.find((m) => m.from <= rowNumber && m.to >= rowNumber);
      if (spread) throw new WorkbookError('imports.merged_header', rowNumber, spread.column);
    }
    yield record;
  }
}

const ROW = /<row\b([^>]*?)(?:\/>|>([\s\S]*?)<\/row>)/g;
const MERGE = /<mergeCell\b[^>]*\bref="([A-Z]+)(\d+)(?::([A-Z]+)(\d+))?"/g;

/** One <row> of a sheet: its cells' texts and the cells that cannot be imported as they are. */
function rowOf(rowMatch: RegExpMatchArray, shared: string[], previous: number): SheetRecord {
  const rowNumber = Number(attribute(rowMatch[1]!, 'r') ?? previous + 1);
  const cells: string[] = [];
  const problems: SheetCellProblem[] = [];
  let next = 0;
  for (const cell of (rowMatch[2] ?? '').matchAll(/<c\b([^>]*?)(?:\/>|>([\s\S]*?)<\/c>)/g)) {
    const attrs = cell[1]!;
    const inner = cell[2] ?? '';
    const ref = attribute(attrs, 'r');
    const index = ref ? columnIndex(ref) : next;
    next = index + 1;
    const type = attribute(attrs, 't') ?? 'n';
    const v = /<v>([\s\S]*?)<\/v>/.exec(inner)?.[1];
    let text = '';
    if (type === 's') text = shared[Number(v)] ?? '';
    else if (type === 'inlineStr') text = runText(/<is>([\s\S]*?)<\/is>/.exec(inner)?.[1] ?? '');
    else if (type === 'e') problems.push({ column: index + 1, code: 'imports.error_cell' });
    else if (v !== undefined) text = type === 'n' ? numberText(unescapeXml(v)) : unescapeXml(v);
    if (/<f\b/.test(inner)) problems.push({ column: index + 1, code: 'imports.formula_cell' });
    while (cells.length < index) cells.push('');
    cells[index] = text;
  }
  return { row: rowNumber, cells, problems };
}

/** The first sheet's part: where it is and how it is stored, with the shared strings it uses. */
function openSheet(zip: ByteSource): { entries: Map<string, ZipEntry>; sheetPath: string; shared: string[] } {
  const entries = zipEntries(zip);
  const workbook = readPart(zip, entries, 'xl/workbook.xml');
  if (workbook === null) throw new WorkbookError('imports.bad_workbook');
  const firstSheetId = /<sheet\b[^>]*\br:id="([^"]+)"/.exec(workbook)?.[1];
  const rels = readPart(zip, entries, 'xl/_rels/workbook.xml.rels') ?? '';
  let target = 'worksheets/sheet1.xml';
  for (const rel of rels.matchAll(/<Relationship\b([^>]*)\/?>/g)) {
    if (attribute(rel[1]!, 'Id') === firstSheetId) target = attribute(rel[1]!, 'Target') ?? target;
  }
  const sheetPath = target.startsWith('/') ? target.slice(1) : `xl/${target.replace(/^\.\//, '')}`;
  if (!entries.has(sheetPath)) throw new WorkbookError('imports.bad_workbook');
  const shared: string[] = [];
  const sst = readPart(zip, entries, 'xl/sharedStrings.xml');
  if (sst) for (const si of sst.matchAll(/<si>([\s\S]*?)<\/si>|<si\/>/g)) shared.push(si[1] === undefined ? '' : runText(si[1]));
  return { entries, sheetPath, shared };
}

/**
 * readXlsx, streamed: the sheet is inflated and read a block at a time, so a sheet of a million
 * rows (gigabytes of XML) never sits in memory. Merged header cells are listed after the rows in
 * the sheet XML, so they are refused once the end is read (a commit by then rolls back).
 */
export async function* streamXlsx(input: Buffer | ByteSource, onDimension?: (lastRow: number) => void): AsyncGenerator<SheetRecord> {
  const zip = Buffer.isBuffer(input) ? bufferSource(input) : input;
  let sheetPart: { entry: ZipEntry; start: number; shared: string[] };
  try {
    const { entries, sheetPath, shared } = openSheet(zip);
    const entry = entries.get(sheetPath)!;
    sheetPart = { entry, start: dataStart(zip, entry), shared };
  } catch (error) {
    if (error instanceof WorkbookError) throw error;
    throw new WorkbookError('imports.bad_workbook');
  }
  const { entry, start, shared } = sheetPart;
  if (entry.method !== 0 && entry.method !== 8) throw new WorkbookError('imports.bad_workbook');
  // The sheet's bytes are read from the file a block at a time, as the inflater asks for them.
  const compressed = blocksOf(zip, start, Math.min(zip.size, start + entry.compressed), 1 << 20);
  const decoder = new StringDecoder('utf8');
  let carry = '';
  let rowNumber = 0;
  let headerRow: number | null = null;
  const blocks: AsyncIterable<Buffer> = entry.method === 0 ? Readable.from(compressed) : inflated(compressed);
  try {
    let first = true;
    for await (const block of blocks) {
      carry += decoder.write(block);
      if (first) {
        first = false;
        // Excel states the used range before the rows (<dimension ref="A1:L100001"/>): progress needs it.
        const last = /<dimension\b[^>]*\bref="[A-Z]+\d+:[A-Z]+(\d+)"/.exec(carry)?.[1];
        if (last) onDimension?.(Number(last));
      }
      const end = carry.lastIndexOf('</row>');
      if (end < 0) continue;
      const complete = carry.slice(0, end + 6);
      carry = carry.slice(end + 6);
      for (const rowMatch of complete.matchAll(ROW)) {
        const record = rowOf(rowMatch, shared, rowNumber);
        rowNumber = record.row;
        if (headerRow === null && record.cells.some((c) => c.trim() !== '')) headerRow = rowNumber;
        yield record;
      }
    }
  } catch (error) {
    if (error instanceof WorkbookError) throw error;
    throw new WorkbookError('imports.bad_workbook');
  }
  carry += decoder.end();
  const tail = carry.indexOf('</sheetData>');
  for (const rowMatch of (tail < 0 ? carry : carry.slice(0, tail)).matchAll(ROW)) {
    const record = rowOf(rowMatch, shared, rowNumber);
    rowNumber = record.row;
    if (headerRow === null && record.cells.some((c) => c.trim() !== '')) headerRow = rowNumber;
    yield record;
  }
  for (const m of carry.matchAll(MERGE)) {
    const from = Number(m[2]);
    const to = Number(m[4] ?? m[2]);
    if (headerRow !== null && from <= headerRow && to >= headerRow) throw new WorkbookError('imports.merged_header', headerRow, columnIndex(m[1]!) + 1);
  }
}

function inflated(blocks: Iterable<Buffer>): AsyncIterable<Buffer> {
  const inflater = createInflateRaw({ chunkSize: 1 << 20 });
  const source = Readable.from(blocks);
  // A read error (the file gone) ends the inflater with it; the reader sees a bad workbook.
  source.on('error', (error) => inflater.destroy(error));
  source.pipe(inflater);
  return inflater;
}
