import { parse } from '@foxglove/rosmsg';
import { MessageReader as Ros1Reader } from '@foxglove/rosmsg-serialization';
import { MessageReader as CdrReader } from '@foxglove/rosmsg2-serialization';
import type { MessageDefinition } from '@foxglove/message-definition';

/** Turns one channel's raw message bytes into a plain object. */
export interface MessageDecoder {
  decode(data: Uint8Array): unknown;
  /** True when the schema has a uint8/int8 array anywhere, so `replaceBlobs` has work to do. */
  hasByteArrays: boolean;
}

const BYTE_TYPES = new Set(['uint8', 'int8', 'char', 'byte']);

/**
 * Builds a decoder from a ROS message definition (`ros1msg` text in bags and MCAP, `ros2msg` in ROS 2 MCAP)
 * or for JSON messages. Throws when the definition does not parse; callers turn that into a Reject.
 */
export function messageDecoder(encoding: 'ros1' | 'cdr' | 'json', definition: string): MessageDecoder {
  if (encoding === 'json') {
    const text = new TextDecoder();
    return { decode: (data) => JSON.parse(text.decode(data)) as unknown, hasByteArrays: false };
  }
  // An empty definition is a message without fields (std_msgs/Empty, test_msgs/msg/Empty); CDR still
  // writes one padding byte for it, which the reader need not look at.
  if (definition.trim() === '') return { decode: () => ({}), hasByteArrays: false };
  const definitions = parse(definition, { ros2: encoding === 'cdr' });
  const hasByteArrays = definitions.some((d: MessageDefinition) =>
    d.definitions.some((f) => f.isArray === true && BYTE_TYPES.has(f.type)),
  );
  if (encoding === 'ros1') {
    const reader = new Ros1Reader(definitions);
    return { decode: (data) => reader.readMessage(data), hasByteArrays };
  }
  const reader = new CdrReader(definitions);
  return { decode: (data) => reader.readMessage(data), hasByteArrays };
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
  return BigInt(sec) * 1_000_000_000n + BigInt(nsec);
}
