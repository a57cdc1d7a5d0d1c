import { closeSync, fstatSync, openSync, readSync } from 'node:fs';

/**
 * The bytes of an uploaded file, read a range at a time: a Buffer (a small upload held in memory)
 * or a file on disk (a large upload streamed to DATA_DIR/imports), so a file of hundreds of MB
 * is never held whole. Reads are positional and synchronous (the file is local, in the page
 * cache just after the upload): the readers stay plain generators.
 */
export interface ByteSource {
  readonly size: number;
  /** Bytes [start, start + length), fewer at the end of the file. */
  read(start: number, length: number): Buffer;
  /** Releases the file (a Buffer has nothing to release); reading after it throws. */
  close(): void;
}

export function bufferSource(bytes: Buffer): ByteSource {
  return {
    size: bytes.length,
    read: (start, length) => bytes.subarray(start, Math.min(bytes.length, start + length)),
    close: () => undefined,
  };
}

/** A file opened for positional reads (closed by close(); a second close does nothing). */
export function fileSource(path: string): ByteSource {
  let fd: number | null = openSync(path, 'r');
  const size = fstatSync(fd).size;
  return {
    size,
    read(start, length) {
      if (fd === null) throw new Error('file source closed');
      const wanted = Math.max(0, Math.min(length, size - start));
      const out = Buffer.allocUnsafe(wanted);
      let done = 0;
      while (done < wanted) {
        const n = readSync(fd, out, done, wanted - done, start + done);
        if (n === 0) break;
        done += n;
      }
      return done === wanted ? out : out.subarray(0, done);
    },
    close() {
      if (fd !== null) closeSync(fd);
      fd = null;
    },
  };
}

/** The source's bytes from `start` to `end` in blocks of at most `block` bytes. */
export function* blocksOf(source: ByteSource, start: number, end: number, block: number): Generator<Buffer> {
  for (let at = start; at < end; at += block) yield source.read(at, Math.min(block, end - at));
}
