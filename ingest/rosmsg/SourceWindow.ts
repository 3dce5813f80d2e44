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

  constructor(
    private readonly source: RandomAccessSource,
    size: number,
    private readonly windowSize = 1 << 20,
  ) {
    this.size = size;
  }

  /** Bytes at `[offset, offset + length)`, fewer only at the end of the source. */
  async read(offset: number, length: number): Promise<Uint8Array> {
    const end = Math.min(offset + length, this.size);
    if (offset >= this.start && end <= this.start + this.bytes.byteLength) {
      return this.bytes.subarray(offset - this.start, end - this.start);
    }
    if (length >= this.windowSize) return this.source.read(offset, end - offset);
    this.start = offset;
    this.bytes = await this.source.read(offset, Math.min(this.windowSize, this.size - offset));
    return this.bytes.subarray(0, end - offset);
  }
}
