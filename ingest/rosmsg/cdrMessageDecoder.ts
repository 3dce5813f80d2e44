import { parse } from '@foxglove/rosmsg';
import { MessageReader as CdrReader } from '@foxglove/rosmsg2-serialization';
import { EMPTY_MESSAGE, largestByteArrayOf, type MessageDecoder } from './messageDecoder.js';

/**
 * `messageDecoder` for ROS 2 messages: CDR-encoded (`cdr` in MCAP) with a `ros2msg` definition. Throws when
 * the definition does not parse; callers turn that into a Reject.
 */
export function cdrMessageDecoder(definition: string): MessageDecoder {
  if (definition.trim() === '') return EMPTY_MESSAGE;
  const definitions = parse(definition, { ros2: true });
  const largestByteArray = largestByteArrayOf(definitions);
  const reader = new CdrReader(definitions);
  return {
    decode: (data) => reader.readMessage(data),
    decodeRange: (bytes, start, length) => reader.readMessage(bytes.subarray(start, start + length)),
    hasByteArrays: largestByteArray > 0,
    largestByteArray,
    definitions,
  };
}
