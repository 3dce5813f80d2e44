import { parse } from '@foxglove/rosmsg';
import { MessageReader as Ros1Reader } from '@foxglove/rosmsg-serialization';
import { MessageReader as CdrReader } from '@foxglove/rosmsg2-serialization';
import { Ros1Cursor } from './Ros1Cursor.js';
import { rosTimeNs } from './rosTimeNs.js';

/** Turns one channel's raw message bytes into a plain object. */
export interface MessageDecoder {
  decode(data: Uint8Array): unknown;
  /** True when the schema has a uint8/int8 array anywhere, so `replaceBlobs` has work to do. */
  hasByteArrays: boolean;
  /**
   * Length of the longest byte array the schema can hold: a fixed `uint8[8]` is 8, a variable `uint8[]` is
   * Infinity, 0 without byte arrays. Lets callers skip the blob walk for schemas whose arrays are all short.
   */
  largestByteArray: number;
}

const BYTE_TYPES = new Set(['uint8', 'int8', 'char', 'byte']);

/**
 * Builds a decoder from a ROS message definition (`ros1msg` text in bags and MCAP, `ros2msg` in ROS 2 MCAP)
 * or for JSON messages. Throws when the definition does not parse; callers turn that into a Reject.
 */
export function messageDecoder(encoding: 'ros1' | 'cdr' | 'json', definition: string): MessageDecoder {
  if (encoding === 'json') {
    const text = new TextDecoder();
    return {
      decode: (data) => JSON.parse(text.decode(data)) as unknown,
      hasByteArrays: false,
      largestByteArray: 0,
    };
  }
  // An empty definition is a message without fields (std_msgs/Empty, test_msgs/msg/Empty); CDR still
  // writes one padding byte for it, which the reader need not look at.
  if (definition.trim() === '') return { decode: () => ({}), hasByteArrays: false, largestByteArray: 0 };
  const definitions = parse(definition, { ros2: encoding === 'cdr' });
  let largestByteArray = 0;
  for (const d of definitions) {
    for (const f of d.definitions) {
      if (f.isArray !== true || !BYTE_TYPES.has(f.type)) continue;
      largestByteArray = Math.max(largestByteArray, f.arrayLength ?? Infinity);
    }
  }
  const hasByteArrays = largestByteArray > 0;
  if (encoding === 'ros1') {
    // The generated constructor, fed by one reused cursor (see Ros1Cursor) instead of `readMessage`,
    // which makes a reader and a DataView per message.
    const Message = new Ros1Reader(definitions).reader;
    const cursor = new Ros1Cursor();
    return {
      decode: (data) => {
        cursor.reset(data);
        return new Message(cursor);
      },
      hasByteArrays,
      largestByteArray,
    };
  }
  const reader = new CdrReader(definitions);
  return { decode: (data) => reader.readMessage(data), hasByteArrays, largestByteArray };
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
