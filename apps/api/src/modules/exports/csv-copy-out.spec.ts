import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { CsvCopyOut } from './csv-copy-out.js';

/** PostgreSQL's CSV rows (LF ends, quoted cells with doubled quotes and raw line breaks), one per CopyData message. */
const ROWS = ['a,b\n', '"x\ny","say ""hi""\r\n"\n', ',""\n', '"""",plain\n', '"\n"\n', '客户,"多行\n联系人",¥1\n'];
const EXCEL = ROWS.map((r) => `${r.slice(0, -1)}\r\n`).join('');

function message(code: string, body: Buffer | string = ''): Buffer {
  const content = Buffer.from(body);
  const head = Buffer.alloc(5);
  head.write(code, 0, 'latin1');
  head.writeUInt32BE(content.length + 4, 1);
  return Buffer.concat([head, content]);
}

/** What the server sends for a COPY TO STDOUT, then what pg's own parser should get. */
const TAIL = Buffer.concat([message('C', 'COPY 6\0'), message('Z', 'T')]);
const WIRE = Buffer.concat([message('H', Buffer.from([0, 0, 2, 0, 0, 0, 0])), ...ROWS.map((r) => message('d', r)), message('N', 'SNOTICE\0\0'), message('c'), TAIL]);

/** A stand-in for pg's connection: its socket stream with pg's one 'data' listener. */
function fakeConnection() {
  const stream = new EventEmitter() as EventEmitter & { pause(): void; resume(): void; paused: number };
  stream.paused = 0;
  stream.pause = () => void (stream.paused += 1);
  stream.resume = () => undefined;
  const toPg: Buffer[] = [];
  stream.on('data', (chunk: Buffer) => toPg.push(Buffer.from(chunk)));
  const sent: string[] = [];
  return { connection: { stream, query: (text: string) => sent.push(text) }, stream, toPg, sent };
}

function run(chunks: Buffer[], opts: { full?: boolean } = {}) {
  const fake = fakeConnection();
  const out: Buffer[] = [];
  const copy = new CsvCopyOut('COPY x TO STDOUT', {
    write: (chunk, done) => {
      out.push(Buffer.from(chunk));
      done();
      return !opts.full;
    },
    onDrain: (resume) => setImmediate(resume),
  });
  copy.submit(fake.connection as never);
  for (const chunk of chunks) fake.stream.emit('data', chunk);
  return { copy, out: Buffer.concat(out).toString(), toPg: Buffer.concat(fake.toPg), fake };
}

describe('CsvCopyOut', () => {
  it('writes every row with a CRLF end, keeps line breaks inside quoted cells, and hands the rest to pg', () => {
    const { copy, out, toPg, fake } = run([WIRE]);
    expect(fake.sent).toEqual(['COPY x TO STDOUT']);
    expect(out).toBe(EXCEL);
    expect(copy.rows).toBe(ROWS.length);
    expect(toPg.equals(TAIL)).toBe(true);
  });

  it('gives the same bytes however the socket cuts the messages (headers and multi-byte text split too)', () => {
    for (const size of [1, 2, 3, 4, 5, 6, 7, 11, 64]) {
      const chunks: Buffer[] = [];
      for (let at = 0; at < WIRE.length; at += size) chunks.push(WIRE.subarray(at, at + size));
      const { copy, out, toPg } = run(chunks);
      expect(out, `chunks of ${size}`).toBe(EXCEL);
      expect(copy.rows).toBe(ROWS.length);
      expect(toPg.equals(TAIL), `chunks of ${size}`).toBe(true);
    }
  });

  it('a read larger than the pooled buffers gets a buffer of its own', () => {
    const big = ROWS.concat(Array.from({ length: 3000 }, (_, i) => `"行${i}",${'x'.repeat(40)}\n`));
    const wire = Buffer.concat([message('H', Buffer.from([0, 0, 2, 0, 0, 0, 0])), ...big.map((r) => message('d', r)), message('c'), TAIL]);
    expect(wire.length).toBeGreaterThan(128 * 1024);
    const { copy, out, toPg } = run([wire.subarray(0, 1000), wire.subarray(1000)]);
    expect(out).toBe(big.map((r) => `${r.slice(0, -1)}\r\n`).join(''));
    expect(copy.rows).toBe(big.length);
    expect(toPg.equals(TAIL)).toBe(true);
  });

  it('an error from the server goes to pg from its first byte, and the query fails with it', async () => {
    const error = message('E', 'SERROR\0C57014\0Mcanceling statement due to user request\0\0');
    const wire = Buffer.concat([message('H', Buffer.from([0, 0, 1, 0, 0])), message('d', 'a,b\n'), error, message('Z', 'I')]);
    const { copy, out, toPg } = run([wire.subarray(0, 20), wire.subarray(20)]);
    expect(out).toBe('a,b\r\n');
    expect(toPg.equals(Buffer.concat([error, message('Z', 'I')]))).toBe(true);
    copy.handleError(new Error('canceled'));
    await expect(copy.done).rejects.toThrow('canceled');
  });

  it('pauses the socket while the client is full, and writes nothing once abandoned', async () => {
    const { copy, fake } = run([WIRE.subarray(0, 30)], { full: true });
    expect(fake.stream.paused).toBe(1);
    let cancels = 0;
    await copy.abandon(async () => void (cancels += 1));
    expect(cancels).toBe(1);
    expect(copy.wasAbandoned).toBe(true);
    const before = copy.rows;
    fake.stream.emit('data', WIRE.subarray(30));
    expect(copy.rows).toBe(before);
    copy.handleReadyForQuery();
    await expect(copy.done).resolves.toBeUndefined();
  });
});
