import zlib from 'node:zlib';

interface Entry {
  name: Buffer;
  crc: number;
  compressed: number;
  size: number;
  offset: number;
}

/** Sends bytes on and resolves once the receiver can take more. */
export type ZipOutput = (chunk: Buffer) => Promise<void>;

/**
 * A streaming ZIP writer (deflate, data descriptors after each entry), enough for an XLSX:
 * nothing is held but the current deflate window and the central directory. No ZIP64, so an
 * entry stays under 4 GB (a million rows of twelve columns is about 200 MB of sheet XML).
 */
export class ZipStream {
  private readonly entries: Entry[] = [];
  private offset = 0;

  constructor(private readonly out: ZipOutput) {}

  /** A small entry written in one go. */
  async file(name: string, content: string): Promise<void> {
    const entry = await this.begin(name);
    await entry.write(content);
    await entry.end();
  }

  /** A streamed entry: write() its text as it comes, then end(). */
  async begin(name: string): Promise<{ write(text: string): Promise<void>; end(): Promise<void> }> {
    const entry: Entry = { name: Buffer.from(name, 'utf8'), crc: 0, compressed: 0, size: 0, offset: this.offset };
    const header = Buffer.alloc(30);
    header.writeUInt32LE(0x04034b50, 0);
    header.writeUInt16LE(20, 4); // version needed
    header.writeUInt16LE(0x0808, 6); // data descriptor follows; names are UTF-8
    header.writeUInt16LE(8, 8); // deflate
    header.writeUInt32LE(DOS_DATE_TIME, 10);
    header.writeUInt16LE(entry.name.length, 26);
    await this.emit(Buffer.concat([header, entry.name]));
    const deflate = zlib.createDeflateRaw({ level: 6 });
    let pending: Buffer[] = [];
    deflate.on('data', (chunk: Buffer) => pending.push(chunk));
    const drain = async () => {
      const chunks = pending;
      pending = [];
      for (const chunk of chunks) {
        entry.compressed += chunk.length;
        await this.emit(chunk);
      }
    };
    return {
      write: async (text: string) => {
        const data = Buffer.from(text, 'utf8');
        entry.crc = zlib.crc32(data, entry.crc);
        entry.size += data.length;
        await new Promise<void>((resolve, reject) => deflate.write(data, (error) => (error ? reject(error) : resolve())));
        await drain();
      },
      end: async () => {
        await new Promise<void>((resolve, reject) => {
          deflate.once('error', reject);
          deflate.once('end', resolve);
          deflate.end();
        });
        await drain();
        const descriptor = Buffer.alloc(16);
        descriptor.writeUInt32LE(0x08074b50, 0);
        descriptor.writeUInt32LE(entry.crc >>> 0, 4);
        descriptor.writeUInt32LE(entry.compressed, 8);
        descriptor.writeUInt32LE(entry.size, 12);
        await this.emit(descriptor);
        this.entries.push(entry);
      },
    };
  }

  /** The central directory and its end record. */
  async finish(): Promise<void> {
    const start = this.offset;
    const parts: Buffer[] = [];
    for (const entry of this.entries) {
      const header = Buffer.alloc(46);
      header.writeUInt32LE(0x02014b50, 0);
      header.writeUInt16LE(20, 4); // made by
      header.writeUInt16LE(20, 6); // needed
      header.writeUInt16LE(0x0808, 8);
      header.writeUInt16LE(8, 10);
      header.writeUInt32LE(DOS_DATE_TIME, 12);
      header.writeUInt32LE(entry.crc >>> 0, 16);
      header.writeUInt32LE(entry.compressed, 20);
      header.writeUInt32LE(entry.size, 24);
      header.writeUInt16LE(entry.name.length, 28);
      header.writeUInt32LE(entry.offset, 42);
      parts.push(header, entry.name);
    }
    const directory = Buffer.concat(parts);
    const end = Buffer.alloc(22);
    end.writeUInt32LE(0x06054b50, 0);
    end.writeUInt16LE(this.entries.length, 8);
    end.writeUInt16LE(this.entries.length, 10);
    end.writeUInt32LE(directory.length, 12);
    end.writeUInt32LE(start, 16);
    await this.emit(Buffer.concat([directory, end]));
  }

  private async emit(chunk: Buffer): Promise<void> {
    this.offset += chunk.length;
    await this.out(chunk);
  }
}

/** 2026-01-01 00:00 in MS-DOS format (entries carry no meaningful time). */
const DOS_DATE_TIME = ((((2026 - 1980) << 9) | (1 << 5) | 1) << 16) >>> 0;
