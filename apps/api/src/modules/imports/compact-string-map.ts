const PAGE = 1 << 20;
const EMPTY = -1;

/**
 * string → row number for the values an import keeps for the whole file (unique values and keys
 * seen so far, to name the first row a repeat was on): the strings' UTF-8 bytes in 1 MB pages and
 * the index in typed arrays, so a million values take ~25 bytes each plus their text instead of
 * a JS Map's ~120 (and nothing the garbage collector walks). Exact: a lookup compares bytes.
 * Insert-only (an import never forgets a value).
 */
export class CompactStringMap {
  private pages: Buffer[] = [];
  private used = PAGE;
  // Per entry: page, offset in it, byte length, hash, row.
  private page = new Int32Array(1024);
  private offset = new Int32Array(1024);
  private length = new Int32Array(1024);
  private hashes = new Int32Array(1024);
  private rows = new Int32Array(1024);
  private count = 0;
  /** Open addressing, linear probing: entry index or EMPTY; at most half full. */
  private slots = new Int32Array(2048).fill(EMPTY);
  private scratch = Buffer.allocUnsafe(1024);
  private readonly encoder = new TextEncoder();

  get size(): number {
    return this.count;
  }

  get(text: string): number | undefined {
    const n = this.encode(text);
    const hash = hashOf(this.scratch, n);
    const mask = this.slots.length - 1;
    for (let i = hash & mask; ; i = (i + 1) & mask) {
      const e = this.slots[i]!;
      if (e === EMPTY) return undefined;
      if (this.hashes[e] === hash && this.same(e, n)) return this.rows[e];
    }
  }

  /** Adds `text` → `row` unless `text` is there already (then the first row stays). */
  set(text: string, row: number): void {
    this.claim(text, row);
  }

  /** The row `text` was first seen on; else it is added with `row` (one lookup for both). */
  claim(text: string, row: number): number | undefined {
    const n = this.encode(text);
    const hash = hashOf(this.scratch, n);
    const mask = this.slots.length - 1;
    let i = hash & mask;
    for (; ; i = (i + 1) & mask) {
      const e = this.slots[i]!;
      if (e === EMPTY) break;
      if (this.hashes[e] === hash && this.same(e, n)) return this.rows[e];
    }
    if (this.count === this.rows.length) this.growEntries();
    const e = this.count++;
    if (this.used + n > PAGE || !this.pages.length) {
      this.pages.push(Buffer.allocUnsafe(Math.max(PAGE, n)));
      this.used = 0;
    }
    this.scratch.copy(this.pages[this.pages.length - 1]!, this.used, 0, n);
    this.page[e] = this.pages.length - 1;
    this.offset[e] = this.used;
    this.length[e] = n;
    this.hashes[e] = hash;
    this.rows[e] = row;
    this.used += n;
    this.slots[i] = e;
    if (this.count * 2 > this.slots.length) this.rehash();
    return undefined;
  }

  /** UTF-8 bytes of `text` in the scratch buffer; their count. */
  private encode(text: string): number {
    if (text.length * 3 > this.scratch.length) this.scratch = Buffer.allocUnsafe(text.length * 3);
    return this.encoder.encodeInto(text, this.scratch).written;
  }

  private same(e: number, n: number): boolean {
    if (this.length[e] !== n) return false;
    const page = this.pages[this.page[e]!]!;
    const at = this.offset[e]!;
    for (let i = 0; i < n; i++) if (page[at + i] !== this.scratch[i]) return false;
    return true;
  }

  private growEntries(): void {
    const grow = (a: Int32Array) => {
      const b = new Int32Array(a.length * 2);
      b.set(a);
      return b;
    };
    this.page = grow(this.page);
    this.offset = grow(this.offset);
    this.length = grow(this.length);
    this.hashes = grow(this.hashes);
    this.rows = grow(this.rows);
  }

  private rehash(): void {
    const slots = new Int32Array(this.slots.length * 2).fill(EMPTY);
    const mask = slots.length - 1;
    for (let e = 0; e < this.count; e++) {
      let i = this.hashes[e]! & mask;
      while (slots[i] !== EMPTY) i = (i + 1) & mask;
      slots[i] = e;
    }
    this.slots = slots;
  }
}

/** FNV-1a over the bytes, then mixed (murmur3's finalizer) so the low bits spread. */
function hashOf(bytes: Buffer, n: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < n; i++) h = Math.imul(h ^ bytes[i]!, 0x01000193);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}
