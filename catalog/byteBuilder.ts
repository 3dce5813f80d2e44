/**
 * A growable byte buffer that is written front to back and emptied for reuse. Encoders keep one per
 * kind of output instead of allocating per page: on this host the first write to a fresh 4 KiB page
 * costs ~15 µs (see bench/README.md, session 4), more than encoding the page's values.
 */
export class ByteBuilder {
  bytes: Uint8Array;
  length = 0;

  constructor(capacity = 1 << 16) {
    this.bytes = new Uint8Array(capacity);
  }

  /** Empties the sink; its memory is kept. */
  reset(): void {
    this.length = 0;
  }

  /** Makes room for `more` bytes after `length`; `bytes` may be replaced. */
  reserve(more: number): void {
    const need = this.length + more;
    if (need <= this.bytes.length) return;
    let capacity = this.bytes.length * 2;
    while (capacity < need) capacity *= 2;
    const grown = new Uint8Array(capacity);
    grown.set(this.bytes.subarray(0, this.length));
    this.bytes = grown;
  }

  byte(value: number): void {
    this.reserve(1);
    this.bytes[this.length++] = value;
  }

  append(bytes: Uint8Array): void {
    this.reserve(bytes.length);
    this.bytes.set(bytes, this.length);
    this.length += bytes.length;
  }

  /** Little-endian 32-bit integer. */
  int32(value: number): void {
    this.reserve(4);
    const b = this.bytes;
    const at = this.length;
    b[at] = value & 0xff;
    b[at + 1] = (value >>> 8) & 0xff;
    b[at + 2] = (value >>> 16) & 0xff;
    b[at + 3] = (value >>> 24) & 0xff;
    this.length = at + 4;
  }

  /** Unsigned LEB128 of a non-negative integer up to 2^53. */
  varint(value: number): void {
    this.reserve(8);
    const b = this.bytes;
    let at = this.length;
    let v = value;
    while (v >= 0x80) {
      b[at++] = (v % 0x80) | 0x80;
      v = Math.floor(v / 0x80);
    }
    b[at++] = v;
    this.length = at;
  }

  /** ZigZag then LEB128 of an integer with |value| < 2^52 (Thrift compact and delta encoding). */
  zigzag(value: number): void {
    this.varint(value >= 0 ? value * 2 : -value * 2 - 1);
  }

  /** The written bytes, viewed: valid until the next write or reset. */
  view(): Uint8Array {
    return this.bytes.subarray(0, this.length);
  }
}
