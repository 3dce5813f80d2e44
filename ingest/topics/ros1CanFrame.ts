import type { CanFrame } from '../can/frame.js';
import type { MessageDecoder } from '../rosmsg/messageDecoder.js';
import { rosTimeNs } from '../rosmsg/rosTimeNs.js';
import type { RawMessage } from '../rosmsg/RawMessage.js';

/**
 * The can_msgs/Frame definition as ROS 1 drivers publish it (socketcan_bridge): a std_msgs/Header, then
 * `uint32 id, bool is_rtr, bool is_extended, bool is_error, uint8 dlc, uint8[8] data`. Serialized: u32 seq,
 * u32 sec, u32 nsec, u32 length + frame_id bytes, then 16 fixed bytes.
 */
const FRAME_FIELDS: readonly (readonly [string, string, number | undefined])[] = [
  ['id', 'uint32', undefined],
  ['is_rtr', 'bool', undefined],
  ['is_extended', 'bool', undefined],
  ['is_error', 'bool', undefined],
  ['dlc', 'uint8', undefined],
  ['data', 'uint8', 8],
];

const standard = new WeakMap<MessageDecoder, boolean>();

function isStandardFrame(decoder: MessageDecoder): boolean {
  let known = standard.get(decoder);
  if (known === undefined) {
    known = decoder.layout?.headerFirst === true && hasFrameFields(decoder);
    standard.set(decoder, known);
  }
  return known;
}

function hasFrameFields(decoder: MessageDecoder): boolean {
  const fields = decoder.definitions?.[0]?.definitions.filter((f) => f.isConstant !== true);
  return (
    fields !== undefined &&
    fields.length === FRAME_FIELDS.length + 1 &&
    FRAME_FIELDS.every(([name, type, arrayLength], i) => {
      const f = fields[i + 1]!;
      return (
        f.name === name &&
        f.type === type &&
        (f.isArray === true) === (arrayLength !== undefined) &&
        f.arrayLength === arrayLength
      );
    })
  );
}

const utf8 = new TextDecoder();

/**
 * Reads the `can_frames` row of a can_msgs/Frame straight from its ROS 1 bytes: the same values as
 * `canFrameRow` of the decoded message (time from the header stamp unless it is zero, bus from frame_id
 * or else the topic, `dlc` payload bytes of the 8), with one object and one byte view per frame.
 */
export class Ros1CanFrameReader {
  // Frame ids repeat frame after frame: compare the bytes with the last one instead of decoding them.
  private lastFrameId = '';
  private lastDecoder: MessageDecoder | undefined;
  private lastAccepted = false;

  /**
   * Whether `m` is a ROS 1 can_msgs/Frame in the standard layout, bounds-checked by the reader (see
   * `decodeMessages`): then `read` takes its fields from the bytes without deserialising it.
   */
  accepts(m: RawMessage): boolean {
    const decoder = m.channel.decoder;
    if (decoder !== this.lastDecoder) {
      this.lastDecoder = decoder;
      this.lastAccepted = decoder !== undefined && m.encoding === 'ros1' && isStandardFrame(decoder);
    }
    return this.lastAccepted;
  }

  /** The frame of a message `accepts` took. */
  read(m: RawMessage): CanFrame {
    const b = m.bytes;
    const start = m.start;
    const sec = u32(b, start + 4);
    const nsec = u32(b, start + 8);
    const idLength = u32(b, start + 12);
    const frameId = this.frameId(b, start + 16, idLength);
    // The 16 fixed bytes after frame_id: id u32, is_rtr, is_extended, is_error, dlc, data[8].
    const at = start + 16 + idLength;
    const dlc = b[at + 7]!;
    return {
      t: sec === 0 && nsec === 0 ? m.logTime : rosTimeNs(sec, nsec),
      // CAN drivers name the channel in frame_id (e.g. `can0`); without one, the topic names the bus.
      bus: frameId === '' ? m.topic : frameId,
      id: u32(b, at),
      extended: b[at + 5] !== 0,
      dlc,
      // can_msgs/Frame always carries 8 bytes; the DLC says how many are payload.
      data: b.subarray(at + 8, at + 8 + Math.min(dlc, 8)),
      fd: false,
      brs: false,
      esi: false,
      error: b[at + 6] !== 0,
      remote: b[at + 4] !== 0,
    };
  }

  private frameId(b: Uint8Array, at: number, length: number): string {
    const last = this.lastFrameId;
    if (last.length === length) {
      let same = true;
      for (let i = 0; i < length; i++) {
        if (last.charCodeAt(i) !== b[at + i]) {
          same = false;
          break;
        }
      }
      if (same) return last;
    }
    // Strings are UTF-8, as the decoder reads them (Ros1Cursor). Only an ASCII id is kept for the
    // comparison above, where a char code equals its byte.
    const text = utf8.decode(b.subarray(at, at + length));
    if (isAscii(text)) this.lastFrameId = text;
    return text;
  }
}

function isAscii(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) > 0x7f) return false;
  return true;
}

function u32(b: Uint8Array, at: number): number {
  return (b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16) | (b[at + 3]! << 24)) >>> 0;
}
