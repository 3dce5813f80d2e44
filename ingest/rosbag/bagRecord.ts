import { DecodeError } from '../../core/errors.js';
import type { SourceWindow } from '../rosmsg/SourceWindow.js';
import { rosTimeNs } from '../rosmsg/rosTimeNs.js';

/** ROS bag 2.0 record opcodes (wiki.ros.org/Bags/Format/2.0 "Records"). */
export const OP = {
  messageData: 0x02,
  bagHeader: 0x03,
  indexData: 0x04,
  chunk: 0x05,
  chunkInfo: 0x06,
  connection: 0x07,
} as const;

export const BAG_MAGIC = '#ROSBAG V2.0\n';

/** One record's header fields and where its data is. */
export interface BagRecordHead {
  offset: number;
  op: number;
  fields: Map<string, Uint8Array>;
  dataOffset: number;
  dataLength: number;
  /** Offset of the next record. */
  end: number;
  /** Set (with `dataLength` clipped) when the file ends inside the data and the caller asked for `partial`. */
  cut?: boolean;
}

/** Record headers are a few fields; anything bigger is a wrong length, not a header. */
const MAX_HEADER = 1 << 20;

/**
 * Reads the header of the record at `offset` (Format 2.0: `header_len` u32, fields `len u32 name=value`,
 * `data_len` u32, data). Throws a DecodeError naming the offset on a cut or impossible length.
 */
export async function readBagRecordHead(
  window: SourceWindow,
  offset: number,
  uri: string,
  options: { partial?: boolean } = {},
): Promise<BagRecordHead> {
  const lenBytes = await window.read(offset, 4);
  if (lenBytes.byteLength < 4) throw new DecodeError('rosbag: truncated record header', { uri, offset });
  const headerLength = u32(lenBytes, 0);
  if (headerLength > MAX_HEADER || offset + 8 + headerLength > window.size) {
    throw new DecodeError(`rosbag: record header length ${headerLength} runs past the end`, { uri, offset });
  }
  const both = await window.read(offset + 4, headerLength + 4);
  if (both.byteLength < headerLength + 4) throw new DecodeError('rosbag: truncated record', { uri, offset });
  const fields = parseFields(both.subarray(0, headerLength), offset, uri);
  const dataLength = u32(both, headerLength);
  const dataOffset = offset + 8 + headerLength;
  const cut = dataOffset + dataLength > window.size;
  if (cut && !options.partial) {
    throw new DecodeError(`rosbag: record data length ${dataLength} runs past the end (truncated file?)`, {
      uri,
      offset,
    });
  }
  const opField = fields.get('op');
  if (opField === undefined || opField.byteLength !== 1) {
    throw new DecodeError('rosbag: record without op field', { uri, offset });
  }
  if (cut) {
    const kept = window.size - dataOffset;
    return { offset, op: opField[0]!, fields, dataOffset, dataLength: kept, end: window.size, cut };
  }
  return { offset, op: opField[0]!, fields, dataOffset, dataLength, end: dataOffset + dataLength };
}

/** Parses `len u32, name=value` header fields (also the connection header inside connection records). */
export function parseFields(bytes: Uint8Array, offset: number, uri: string): Map<string, Uint8Array> {
  const fields = new Map<string, Uint8Array>();
  let at = 0;
  while (at + 4 <= bytes.byteLength) {
    const length = u32(bytes, at);
    at += 4;
    if (at + length > bytes.byteLength) {
      throw new DecodeError(`rosbag: header field length ${length} runs past the header`, { uri, offset });
    }
    const field = bytes.subarray(at, at + length);
    const eq = field.indexOf(0x3d);
    if (eq < 0) throw new DecodeError('rosbag: header field without "="', { uri, offset });
    fields.set(latin1(field.subarray(0, eq)), field.subarray(eq + 1));
    at += length;
  }
  if (at !== bytes.byteLength)
    throw new DecodeError('rosbag: trailing bytes in record header', { uri, offset });
  return fields;
}

/**
 * The header fields of a record inside a chunk that the message path needs, found straight from the bytes
 * (no Map, no strings per record: chunks hold hundreds of thousands of message records). Fields that are
 * absent or too short are -1.
 */
export interface ChunkRecordHead {
  op: number;
  /** The `conn` field's u32. */
  conn: number;
  /** Index in the scanned bytes of the `time` field's value (u32 sec, u32 nsec). */
  timeAt: number;
}

/**
 * Fills `out` from the header fields in `bytes[start, end)` (same layout as `parseFields`). Returns false when
 * the fields are malformed; callers then run `parseFields` for the error.
 */
export function scanChunkRecordHead(
  bytes: Uint8Array,
  start: number,
  end: number,
  out: ChunkRecordHead,
): boolean {
  out.op = -1;
  out.conn = -1;
  out.timeAt = -1;
  let at = start;
  while (at + 4 <= end) {
    const length = u32(bytes, at);
    at += 4;
    const fieldEnd = at + length;
    if (fieldEnd > end) return false;
    // Names in use are at most 18 bytes ("message_definition"); only op, conn and time matter here.
    if (length >= 3 && bytes[at] === 0x6f && bytes[at + 1] === 0x70 && bytes[at + 2] === 0x3d) {
      if (length >= 4) out.op = bytes[at + 3]!;
    } else if (length >= 5 && bytes[at + 4] === 0x3d) {
      const b0 = bytes[at];
      const b1 = bytes[at + 1];
      const b2 = bytes[at + 2];
      const b3 = bytes[at + 3];
      if (b0 === 0x63 && b1 === 0x6f && b2 === 0x6e && b3 === 0x6e) {
        if (length >= 9) out.conn = u32(bytes, at + 5);
      } else if (b0 === 0x74 && b1 === 0x69 && b2 === 0x6d && b3 === 0x65) {
        if (length >= 13) out.timeAt = at + 5;
      }
    } else if (bytes.subarray(at, fieldEnd).indexOf(0x3d) < 0) {
      return false;
    }
    at = fieldEnd;
  }
  return at === end;
}

export function u32(bytes: Uint8Array, at: number): number {
  return (bytes[at]! | (bytes[at + 1]! << 8) | (bytes[at + 2]! << 16) | (bytes[at + 3]! << 24)) >>> 0;
}

/** A u32 field of a record header, or a DecodeError naming the record. */
export function u32Field(head: BagRecordHead, name: string, uri: string): number {
  const field = head.fields.get(name);
  if (field === undefined || field.byteLength < 4) {
    throw new DecodeError(`rosbag: record op ${head.op} lacks field ${name}`, { uri, offset: head.offset });
  }
  return u32(field, 0);
}

/** A ROS time field (u32 sec, u32 nsec) in ns. */
export function timeField(head: BagRecordHead, name: string, uri: string): bigint {
  const field = head.fields.get(name);
  if (field === undefined || field.byteLength < 8) {
    throw new DecodeError(`rosbag: record op ${head.op} lacks field ${name}`, { uri, offset: head.offset });
  }
  return timeAt(field, 0);
}

export function timeAt(bytes: Uint8Array, at: number): bigint {
  return rosTimeNs(u32(bytes, at), u32(bytes, at + 4));
}

export function u64Field(head: BagRecordHead, name: string, uri: string): number {
  const field = head.fields.get(name);
  if (field === undefined || field.byteLength < 8) {
    throw new DecodeError(`rosbag: record op ${head.op} lacks field ${name}`, { uri, offset: head.offset });
  }
  return u32(field, 0) + u32(field, 4) * 2 ** 32;
}

export function stringField(head: BagRecordHead | Map<string, Uint8Array>, name: string): string | undefined {
  const fields = head instanceof Map ? head : head.fields;
  const field = fields.get(name);
  return field === undefined ? undefined : utf8.decode(field);
}

const utf8 = new TextDecoder();

function latin1(bytes: Uint8Array): string {
  let text = '';
  for (const b of bytes) text += String.fromCharCode(b);
  return text;
}
