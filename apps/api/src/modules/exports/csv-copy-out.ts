import net from 'node:net';
import type pg from 'pg';

const COPY_DATA = 0x64; // 'd'
const COPY_DONE = 0x63; // 'c'
const ERROR_RESPONSE = 0x45; // 'E'
const LF = 0x0a;
const CR = 0x0d;
/** Output buffer size: a socket read is usually at most 64 KiB. */
const OUT_SIZE = 64 * 1024 + 64;

/** Where the rows go: `write` takes a buffer and calls `done` once it may be reused; false asks for a pause until `drain`. */
export interface CopyOutTarget {
  write(chunk: Buffer, done: () => void): boolean;
  onDrain(resume: () => void): void;
}

interface PgConnection {
  stream: NodeJS.ReadableStream & { listeners(event: 'data'): Array<(chunk: Buffer) => void> };
  query(text: string): void;
}

/**
 * `COPY … TO STDOUT (FORMAT csv)` read straight off the connection's socket for the CSV export
 * (a pg Submittable, like pg-copy-streams' copy-to, which it replaces here). PostgreSQL sends
 * every row as one CopyData message ending in LF (protocol docs, COPY operations: messages from
 * the backend "always correspond to single data rows"), so the row ends are known without
 * scanning the text for quotes: each message's content is copied out with its final LF written
 * as CRLF, one pass, into a few reused buffers (nothing allocated per chunk).
 *
 * Backpressure: when the target asks for a pause, the socket is paused until it drains.
 * `abandon()` (the client left) drops the rest, cancels the statement (a CancelRequest on a
 * side connection) and lets PostgreSQL end it with an error; `done` settles when the
 * statement has ended (ReadyForQuery, or its error; pg queues later statements until the
 * connection is ready again).
 */
export class CsvCopyOut {
  /** Rows written to the target. */
  rows = 0;
  readonly done: Promise<void>;
  private settle!: { resolve: () => void; reject: (error: Error) => void };
  private connection?: PgConnection;
  private pgHandler?: (chunk: Buffer) => void;
  private readonly onData = (chunk: Buffer) => this.parse(chunk);
  private readonly header = Buffer.alloc(5);
  private headerHave = 0;
  private inMessage = false;
  private code = 0;
  private remaining = 0;
  private finished = false;
  private abandoned = false;
  private readonly free: Buffer[] = [];
  private paused = false;

  constructor(
    private readonly text: string,
    private readonly target: CopyOutTarget,
  ) {
    this.done = new Promise<void>((resolve, reject) => {
      this.settle = { resolve, reject };
    });
    // Settled through `done`; a caller that stopped listening must not see an unhandled rejection.
    this.done.catch(() => undefined);
  }

  /** Called by pg when the query's turn comes. */
  submit(connection: PgConnection): void {
    this.connection = connection;
    const handlers = connection.stream.listeners('data');
    if (handlers.length !== 1) throw new Error('COPY out: unexpected listeners on the connection');
    this.pgHandler = handlers[0];
    connection.stream.removeListener('data', this.pgHandler!);
    connection.stream.on('data', this.onData);
    connection.query(this.text);
  }

  /** The client left: nothing more is written; the statement is cancelled and its end read. */
  abandon(cancel: () => Promise<void>): Promise<void> {
    if (this.abandoned) return Promise.resolve();
    this.abandoned = true;
    if (this.finished) return Promise.resolve();
    if (this.paused) this.resume();
    return cancel();
  }

  get wasAbandoned(): boolean {
    return this.abandoned;
  }

  private resume = () => {
    if (!this.paused) return;
    this.paused = false;
    this.connection?.stream.resume();
  };

  private parse(chunk: Buffer): void {
    if (this.finished) return;
    const n = chunk.length;
    // A chunk's rows take at most one byte more than the chunk (a CR for the one message whose
    // header came in the previous chunk): a pooled buffer fits unless the read was unusually large.
    let out = this.abandoned ? null : (this.free.pop() ?? null);
    if (!this.abandoned && (!out || out.length < n + 64)) out = Buffer.allocUnsafeSlow(Math.max(OUT_SIZE, n + 64));
    let used = 0;
    let i = 0;
    while (i < n) {
      if (!this.inMessage) {
        // The 5-byte header (code, length) may be cut across chunks.
        while (this.headerHave < 5 && i < n) this.header[this.headerHave++] = chunk[i++]!;
        if (this.headerHave < 5) break;
        this.headerHave = 0;
        this.code = this.header[0]!;
        if (this.code === ERROR_RESPONSE) {
          // pg reports the error to this query (handleError), then ReadyForQuery.
          this.handBack(Buffer.concat([this.header, chunk.subarray(i)]), out, used);
          return;
        }
        this.remaining = this.header.readUInt32BE(1) - 4;
        this.inMessage = true;
      }
      const take = Math.min(this.remaining, n - i);
      if (this.code === COPY_DATA && out) {
        if (take === this.remaining && take > 0 && chunk[i + take - 1] === LF) {
          // The row ends in this chunk: its LF goes out as CRLF.
          used += chunk.copy(out, used, i, i + take - 1);
          out[used++] = CR;
          out[used++] = LF;
        } else {
          used += chunk.copy(out, used, i, i + take);
        }
      }
      i += take;
      this.remaining -= take;
      if (this.remaining === 0) {
        this.inMessage = false;
        if (this.code === COPY_DATA && !this.abandoned) this.rows += 1;
        if (this.code === COPY_DONE) {
          // CommandComplete and ReadyForQuery follow: pg's own parser takes them.
          this.handBack(chunk.subarray(i), out, used);
          return;
        }
      }
    }
    this.flush(out, used);
  }

  private flush(out: Buffer | null, used: number): void {
    if (!out) return;
    if (!used) {
      this.free.push(out);
      return;
    }
    const more = this.target.write(out.subarray(0, used), () => {
      if (this.free.length < 4) this.free.push(out);
    });
    if (!more && !this.abandoned && !this.finished && !this.paused) {
      this.paused = true;
      this.connection!.stream.pause();
      this.target.onDrain(this.resume);
    }
  }

  /** The COPY part is over (done or failed): the socket goes back to pg's parser with what is left. */
  private handBack(rest: Buffer, out: Buffer | null, used: number): void {
    this.finished = true;
    this.flush(out, used);
    const stream = this.connection!.stream;
    stream.removeListener('data', this.onData);
    stream.on('data', this.pgHandler!);
    if (this.paused) {
      this.paused = false;
      stream.resume();
    }
    if (rest.length) this.pgHandler!(rest);
  }

  // pg's Submittable callbacks (after the hand-back).
  handleCommandComplete(): void {}

  /** pg forgets the query after an error (no ReadyForQuery for it); what follows waits in pg's queue. */
  handleError(error: Error): void {
    this.settle.reject(error);
  }

  handleReadyForQuery(): void {
    this.settle.resolve();
  }
}

/**
 * Asks PostgreSQL to cancel what `client`'s backend is running (a CancelRequest on a side
 * connection, as pg's own Client#cancel sends). Resolves once the server has taken it and closed
 * that connection (the backend has been signalled by then), or after 5 s.
 */
export function cancelBackend(client: pg.PoolClient): Promise<void> {
  const c = client as unknown as { processID?: number; secretKey?: number; host?: string; port?: number };
  if (c.processID === undefined || c.secretKey === undefined) return Promise.resolve();
  return new Promise<void>((resolve) => {
    const packet = Buffer.alloc(16);
    packet.writeInt32BE(16, 0);
    packet.writeInt32BE(80877102, 4);
    packet.writeInt32BE(c.processID!, 8);
    packet.writeInt32BE(c.secretKey!, 12);
    const host = c.host ?? 'localhost';
    const port = c.port ?? 5432;
    const socket = host.startsWith('/') ? net.connect(`${host}/.s.PGSQL.${port}`) : net.connect(port, host);
    const timer = setTimeout(() => socket.destroy(), 5000);
    socket.on('connect', () => socket.end(packet));
    socket.on('data', () => undefined);
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}
