import type { RandomAccessSource } from '../../core/source.js';

/**
 * Reads small pieces of a source through a read-ahead window, so that walking record headers does not
 * cost one source read (one file open or one S3 request) per record. Large reads bypass the window.
 * @default windowSize 1 MiB
 */
export class SourceWindow {
  readonly size: number;
  private start = 0;
  private bytes: Uint8Array = new Uint8Array(0);
  /** The buffer refilled when `reuse` is set. */
  private buffer: Uint8Array = new Uint8Array(0);
  private readAheadEnd: number;

  /**
   * @param reuse refill one buffer rather than read into new ones (when the source can `readInto`): bytes
   *   returned earlier are then valid only until the next read, so the caller copies what it keeps.
   */
  constructor(
    private readonly source: RandomAccessSource,
    size: number,
    private readonly windowSize = 1 << 20,
    private readonly reuse = false,
  ) {
    this.size = size;
    this.readAheadEnd = size;
  }

  /**
   * Reads ahead no further than `end` (e.g. the start of an MCAP summary section, which the indexed reader
   * has already fetched), so the last window does not fetch those bytes a second time. Reads past `end`
   * still work; they are just not widened.
   */
  limitReadAhead(end: number): void {
    this.readAheadEnd = Math.min(Math.max(end, 0), this.size);
  }

  /** Bytes at `[offset, offset + length)`, fewer only at the end of the source. */
  async read(offset: number, length: number): Promise<Uint8Array> {
    const end = Math.min(offset + length, this.size);
    if (offset >= this.start && end <= this.start + this.bytes.byteLength) {
      return this.bytes.subarray(offset - this.start, end - this.start);
    }
    if (length >= this.windowSize) return this.source.read(offset, end - offset);
    const limit = offset < this.readAheadEnd ? this.readAheadEnd : this.size;
    const wanted = Math.max(end, Math.min(offset + this.windowSize, limit)) - offset;
    const bytes = await this.fill(offset, wanted);
    // Start and bytes change together, after the read: a read that overlaps this one (a chunk fetched
    // ahead while the previous one is decoded) never sees one without the other.
    this.start = offset;
    this.bytes = bytes;
    return bytes.subarray(0, end - offset);
  }

  /** `length` bytes at `offset`, in the window's own buffer when it is reused. */
  private async fill(offset: number, length: number): Promise<Uint8Array> {
    if (!this.reuse || !this.source.readInto) return this.source.read(offset, length);
    this.buffer =
      this.buffer.byteLength >= length ? this.buffer : new Uint8Array(Math.max(length, this.windowSize));
    const filled = await this.source.readInto(offset, this.buffer.subarray(0, length));
    return this.buffer.subarray(0, filled);
  }
}
