/**
 * The few MCAP records the chunk reader parses itself (MCAP spec, "Records"): all little-endian, strings and
 * byte arrays prefixed by a u32 length, each record `opcode u8, length u64, body`.
 */

export const MCAP_MAGIC = [0x89, 0x4d, 0x43, 0x41, 0x50, 0x30, 0x0d, 0x0a] as const;

export const OPCODE = {
  header: 0x01,
  footer: 0x02,
  schema: 0x03,
  channel: 0x04,
  message: 0x05,
  chunk: 0x06,
  dataEnd: 0x0f,
} as const;

/** Raised on a body shorter than its fields; the caller knows the record offset. */
export class McapFormatError extends Error {}

/** Reads fields in order from one record body. */
export class McapCursor {
  private readonly view: DataView;
  at = 0;

  constructor(readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  private need(n: number): void {
    if (this.at + n > this.bytes.byteLength) {
      throw new McapFormatError(
        `field of ${n} bytes at ${this.at} runs past the record (${this.bytes.byteLength} bytes)`,
      );
    }
  }

  u16(): number {
    this.need(2);
    const v = this.view.getUint16(this.at, true);
    this.at += 2;
    return v;
  }

  u32(): number {
    this.need(4);
    const v = this.view.getUint32(this.at, true);
    this.at += 4;
    return v;
  }

  u64(): bigint {
    this.need(8);
    const v = this.view.getBigUint64(this.at, true);
    this.at += 8;
    return v;
  }

  /** A u64 used as a size or offset; files beyond 2^53 bytes are not a concern. */
  size64(): number {
    return Number(this.u64());
  }

  bytesOf(length: number): Uint8Array {
    this.need(length);
    const out = this.bytes.subarray(this.at, this.at + length);
    this.at += length;
    return out;
  }

  string(): string {
    return utf8.decode(this.bytesOf(this.u32()));
  }

  rest(): Uint8Array {
    return this.bytesOf(this.bytes.byteLength - this.at);
  }
}

const utf8 = new TextDecoder();

export interface SchemaRecord {
  id: number;
  name: string;
  encoding: string;
  data: Uint8Array;
}

export function parseSchema(body: Uint8Array): SchemaRecord {
  const c = new McapCursor(body);
  const id = c.u16();
  const name = c.string();
  const encoding = c.string();
  const data = c.bytesOf(c.u32());
  return { id, name, encoding, data };
}

export interface ChannelRecord {
  id: number;
  schemaId: number;
  topic: string;
  messageEncoding: string;
}

export function parseChannel(body: Uint8Array): ChannelRecord {
  const c = new McapCursor(body);
  const id = c.u16();
  const schemaId = c.u16();
  const topic = c.string();
  const messageEncoding = c.string();
  return { id, schemaId, topic, messageEncoding };
}

export interface ChunkHeader {
  messageStartTime: bigint;
  messageEndTime: bigint;
  uncompressedSize: number;
  compression: string;
  records: Uint8Array;
  /** Offset of `records` inside the chunk body. */
  recordsAt: number;
}

/** `partial`: the body is cut by the end of the file; keep the records bytes that are there. */
export function parseChunk(body: Uint8Array, options: { partial?: boolean } = {}): ChunkHeader {
  const c = new McapCursor(body);
  const messageStartTime = c.u64();
  const messageEndTime = c.u64();
  const uncompressedSize = c.size64();
  c.u32(); // uncompressed_crc: not checked, the decoders catch damage that matters and it costs a pass
  const compression = c.string();
  const length = c.size64();
  const recordsAt = c.at;
  const records = c.bytesOf(options.partial === true ? Math.min(length, body.byteLength - c.at) : length);
  return { messageStartTime, messageEndTime, uncompressedSize, compression, records, recordsAt };
}
