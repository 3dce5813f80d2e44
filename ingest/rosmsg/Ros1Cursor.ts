type TypedArray =
  | Int8Array
  | Uint8Array
  | Int16Array
  | Uint16Array
  | Int32Array
  | Uint32Array
  | Float32Array
  | Float64Array
  | BigInt64Array
  | BigUint64Array;

interface TypedArrayConstructor {
  new (length?: number): TypedArray;
  new (buffer: ArrayBuffer, byteOffset: number, length: number): TypedArray;
  BYTES_PER_ELEMENT: number;
}

const EMPTY = new Uint8Array(0);
const utf8 = new TextDecoder();
/** Short strings (frame ids, names) repeat message after message; longer ones are decoded each time. */
const CACHED_STRING_BYTES = 32;
const MAX_CACHED_STRINGS = 1024;

/**
 * The primitive reader that @foxglove/rosmsg-serialization's generated message constructors call
 * (`reader.uint32()`, `reader.string()`, ...), with the same results and errors as its
 * `StandardTypeReader`, but reused across messages: one per decoder, and one DataView per chunk buffer
 * instead of a reader and a DataView per message. Short ASCII strings come from a small cache instead of a
 * new string (and a byte view) per message. ROS 1 serialization: little-endian, no padding
 * (wiki.ros.org/msg "Serialization").
 */
export class Ros1Cursor {
  /** The buffer holding the current message (kept for shape compatibility with `StandardTypeReader`). */
  buffer: ArrayBufferView = EMPTY;
  /** Absolute position in `view`'s buffer. */
  offset = 0;
  view: DataView = new DataView(EMPTY.buffer);
  private bytes: Uint8Array = EMPTY;
  private start = 0;
  private limit = 0;
  private readonly strings = new Map<number, string>();

  /** Points the cursor at one message's bytes. */
  reset(data: Uint8Array): void {
    this.resetRange(data, 0, data.byteLength);
  }

  /** Points the cursor at the message in `bytes[start, start + length)` (no view on it is made). */
  resetRange(bytes: Uint8Array, start: number, length: number): void {
    if (bytes.buffer !== this.view.buffer) {
      this.view = new DataView(bytes.buffer);
      this.bytes = new Uint8Array(bytes.buffer);
    }
    this.buffer = bytes;
    this.start = bytes.byteOffset + start;
    this.offset = this.start;
    this.limit = this.start + length;
  }

  private take(n: number): number {
    const at = this.offset;
    if (at + n > this.limit) {
      throw new RangeError(`Offset is outside the bounds of the DataView (${at - this.start} + ${n})`);
    }
    this.offset = at + n;
    return at;
  }

  json(): unknown {
    const text = this.string();
    try {
      return JSON.parse(text) as unknown;
    } catch {
      return `Could not parse ${text}`;
    }
  }

  string(): string {
    const len = this.uint32();
    const maxLen = this.limit - this.offset;
    if (len < 0 || len > maxLen) {
      throw new RangeError(`String deserialization error: length ${len}, maxLength ${maxLen}`);
    }
    const at = this.offset;
    this.offset += len;
    if (len === 0) return '';
    if (len > CACHED_STRING_BYTES) return utf8.decode(this.bytes.subarray(at, at + len));
    const bytes = this.bytes;
    // FNV-1a over the bytes, with the length mixed in; a hit is checked byte by byte.
    let hash = 0x811c9dc5 ^ len;
    let high = 0;
    for (let i = at; i < at + len; i++) {
      const b = bytes[i]!;
      high |= b;
      hash = Math.imul(hash ^ b, 0x01000193);
    }
    if (high & 0x80) return utf8.decode(bytes.subarray(at, at + len));
    const known = this.strings.get(hash);
    if (known !== undefined && known.length === len && sameAscii(known, bytes, at)) return known;
    let text = '';
    for (let i = at; i < at + len; i++) text += String.fromCharCode(bytes[i]!);
    if (this.strings.size >= MAX_CACHED_STRINGS) this.strings.clear();
    this.strings.set(hash, text);
    return text;
  }

  bool(): boolean {
    return this.uint8() !== 0;
  }

  int8(): number {
    return this.view.getInt8(this.take(1));
  }

  uint8(): number {
    return this.view.getUint8(this.take(1));
  }

  typedArray(len: number | null | undefined, TypedArrayConstructor: TypedArrayConstructor): TypedArray {
    const arrayLength = len ?? this.uint32();
    const size = arrayLength * TypedArrayConstructor.BYTES_PER_ELEMENT;
    const at = this.take(size);
    // A view when aligned (no copy: replaceBlobs relies on views into the message); else a copy.
    if (at % TypedArrayConstructor.BYTES_PER_ELEMENT === 0) {
      return new TypedArrayConstructor(this.view.buffer as ArrayBuffer, at, arrayLength);
    }
    const copy = new Uint8Array(size);
    copy.set(this.bytes.subarray(at, at + size));
    return new TypedArrayConstructor(copy.buffer, 0, arrayLength);
  }

  int16(): number {
    return this.view.getInt16(this.take(2), true);
  }

  uint16(): number {
    return this.view.getUint16(this.take(2), true);
  }

  int32(): number {
    return this.view.getInt32(this.take(4), true);
  }

  uint32(): number {
    return this.view.getUint32(this.take(4), true);
  }

  float32(): number {
    return this.view.getFloat32(this.take(4), true);
  }

  float64(): number {
    return this.view.getFloat64(this.take(8), true);
  }

  int64(): bigint {
    return this.view.getBigInt64(this.take(8), true);
  }

  uint64(): bigint {
    return this.view.getBigUint64(this.take(8), true);
  }

  time(): { sec: number; nsec: number } {
    const at = this.take(8);
    return { sec: this.view.getUint32(at, true), nsec: this.view.getUint32(at + 4, true) };
  }

  duration(): { sec: number; nsec: number } {
    const at = this.take(8);
    return { sec: this.view.getInt32(at, true), nsec: this.view.getInt32(at + 4, true) };
  }
}

function sameAscii(text: string, bytes: Uint8Array, at: number): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) !== bytes[at + i]) return false;
  return true;
}
