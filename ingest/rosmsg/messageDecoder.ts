import { parse } from '@foxglove/rosmsg';
import { MessageReader as Ros1Reader } from '@foxglove/rosmsg-serialization';
import { Ros1Cursor } from './Ros1Cursor.js';
import { ros1Layout, type Ros1Layout } from './ros1Layout.js';
import { rosTimeNs } from './rosTimeNs.js';

/** Turns one channel's raw message bytes into a plain object. */
export interface MessageDecoder {
  decode(data: Uint8Array): unknown;
  /** `decode` of `bytes[start, start + length)`, without a view on them where the encoding allows. */
  decodeRange(bytes: Uint8Array, start: number, length: number): unknown;
  /** ROS 1 types without variable-length arrays: their serialized shape (see `ros1Layout`). */
  layout?: Ros1Layout;
  /** The parsed definition (ROS 1 and ROS 2; the top-level type first). */
  definitions?: readonly MessageDefinition[];
  /** True when the schema has a uint8/int8 array anywhere, so `replaceBlobs` has work to do. */
  hasByteArrays: boolean;
  /**
   * Length of the longest byte array the schema can hold: a fixed `uint8[8]` is 8, a variable `uint8[]` is
   * Infinity, 0 without byte arrays. Lets callers skip the blob walk for schemas whose arrays are all short.
   */
  largestByteArray: number;
}

export type MessageDefinition = ReturnType<typeof parse>[number];

const BYTE_TYPES = new Set(['uint8', 'int8', 'char', 'byte']);

/**
 * Builds a decoder from a ROS 1 message definition (`ros1msg` text in bags and MCAP) or for JSON messages;
 * `cdrMessageDecoder` reads ROS 2 (kept apart so that reading a bag does not load the CDR reader). Throws
 * when the definition does not parse; callers turn that into a Reject.
 */
export function messageDecoder(encoding: 'ros1' | 'json', definition: string): MessageDecoder {
  if (encoding === 'json') {
    const text = new TextDecoder();
    const decode = (data: Uint8Array): unknown => JSON.parse(text.decode(data)) as unknown;
    return {
      decode,
      decodeRange: (bytes, start, length) => decode(bytes.subarray(start, start + length)),
      hasByteArrays: false,
      largestByteArray: 0,
    };
  }
  if (definition.trim() === '') return EMPTY_MESSAGE;
  const definitions = parse(definition, { ros2: false });
  const largestByteArray = largestByteArrayOf(definitions);
  // The generated constructor, fed by one reused cursor (see Ros1Cursor) instead of `readMessage`,
  // which makes a reader and a DataView per message.
  const Message = new Ros1Reader(definitions).reader;
  const cursor = new Ros1Cursor();
  const decoder: MessageDecoder = {
    decode: (data) => {
      cursor.reset(data);
      return new Message(cursor);
    },
    decodeRange: (bytes, start, length) => {
      cursor.resetRange(bytes, start, length);
      return new Message(cursor);
    },
    hasByteArrays: largestByteArray > 0,
    largestByteArray,
    definitions,
  };
  const layout = ros1Layout(definitions);
  if (layout !== undefined) decoder.layout = layout;
  return decoder;
}

/**
 * A message without fields (an empty definition: std_msgs/Empty, test_msgs/msg/Empty); CDR still writes
 * one padding byte for it, which the reader need not look at.
 */
export const EMPTY_MESSAGE: MessageDecoder = {
  decode: () => ({}),
  decodeRange: () => ({}),
  hasByteArrays: false,
  largestByteArray: 0,
};

/** See `MessageDecoder.largestByteArray`. */
export function largestByteArrayOf(definitions: readonly MessageDefinition[]): number {
  let largest = 0;
  for (const d of definitions) {
    for (const f of d.definitions) {
      if (f.isArray !== true || !BYTE_TYPES.has(f.type)) continue;
      largest = Math.max(largest, f.arrayLength ?? Infinity);
    }
  }
  return largest;
}

/** `header.stamp` in ns when the message has a std_msgs/Header (ROS 1 `{sec,nsec}`, ROS 2 `{sec,nanosec}`). */
export function headerStampNs(message: unknown): bigint | undefined {
  if (typeof message !== 'object' || message === null || !('header' in message)) return undefined;
  const header = message.header;
  if (typeof header !== 'object' || header === null || !('stamp' in header)) return undefined;
  const stamp = header.stamp;
  if (typeof stamp !== 'object' || stamp === null || !('sec' in stamp)) return undefined;
  const sec = stamp.sec;
  const nsec = 'nsec' in stamp ? stamp.nsec : 'nanosec' in stamp ? stamp.nanosec : undefined;
  if (typeof sec !== 'number' || typeof nsec !== 'number') return undefined;
  // Readers return integers; a JSON message may not: exact arithmetic (BigInt throws on a fraction).
  if (!Number.isInteger(sec) || !Number.isInteger(nsec)) return BigInt(sec) * 1_000_000_000n + BigInt(nsec);
  return rosTimeNs(sec, nsec);
}
