import { describe, expect, it } from 'vitest';
import { workbookOf } from '../exports/xlsx-buffer.js';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileSource } from './byte-source.js';
import { readXlsx, streamXlsx, WorkbookError } from './xlsx-read.js';

async function all<T>(records: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const r of records) out.push(r);
  return out;
}

describe('streamXlsx', () => {
  it('reads what readXlsx reads, across inflate blocks (several MB of sheet XML)', async () => {
    const rows = [['名称', '金额', '备注']];
    for (let i = 0; i < 40_000; i++) rows.push([`客户${i} & <公司>`, String(i * 3.5), i % 7 ? `第${i}行 "引号"` : '']);
    const zip = await workbookOf(rows, new Set([1]));
    let lastRow = 0;
    const streamed = await all(streamXlsx(zip, (n) => (lastRow = n)));
    expect(streamed).toHaveLength(40_001);
    expect(lastRow).toBe(40_001);
    expect(streamed).toEqual([...readXlsx(zip)]);
    expect(streamed[40_000]).toEqual({ row: 40_001, cells: ['客户39999 & <公司>', '139996.5', '第39999行 "引号"'], problems: [] });
  });

  it('reads the same from the file on disk, a block at a time', async () => {
    const rows = [['名称', '金额']];
    for (let i = 0; i < 30_000; i++) rows.push([`客户${i}`, String(i)]);
    const zip = await workbookOf(rows, new Set([1]));
    const dir = await mkdtemp(path.join(os.tmpdir(), 'xlsx-file-'));
    try {
      await writeFile(path.join(dir, 'a.xlsx'), zip);
      const source = fileSource(path.join(dir, 'a.xlsx'));
      const streamed = await all(streamXlsx(source));
      source.close();
      expect(streamed).toEqual([...readXlsx(zip)]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('a file that is not a workbook is a WorkbookError', async () => {
    await expect(all(streamXlsx(Buffer.from('PK\u0003\u0004 not a zip at all')))).rejects.toBeInstanceOf(WorkbookError);
  });
});
