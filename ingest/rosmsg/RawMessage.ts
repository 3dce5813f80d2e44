import type { Reject } from '../../core/reject.js';
import type { ByteRef, LogMessage } from './LogMessage.js';
import type { MessageDecoder } from './messageDecoder.js';
import { rosTimeNs } from './rosTimeNs.js';
import { headerStampNs } from './messageDecoder.js';

/** A connection (bag) or channel (MCAP) as the readers need it. */
export interface LogChannel {
  topic: string;
  schemaName: string;
  encoding: LogMessage['encoding'];
  /**
   * Absent when the channel cannot be decoded (one Reject per channel): its messages are counted by
   * summaries but not decoded.
   */
  decoder: MessageDecoder | undefined;
}

/** `decoded` before the message has been deserialised (undefined is a possible message value). */
const NOT_DECODED: unique symbol = Symbol('not decoded');

/**
 * A message found in a chunk: where its bytes are, and, once `decodeMessages` has passed it, the
 * `LogMessage` record itself. One object per message: the message is not copied out of the chunk (no view
 * per message), its `ref` and `headerStamp` are made when asked for, and for types whose bounds `decodeMessages` could check
 * without decoding (see `ros1Layout`) the message is deserialised on first access of `message`, so a
 * consumer that reads fields straight from `bytes` (see `topics/ros1CanFrame`) never builds the object.
 * The chunk's bytes stay referenced as long as the message is.
 */
export class RawMessage implements LogMessage {
  topic: string;
  schemaName: string;
  private decoded: unknown = NOT_DECODED;

  /**
   * @param bytes holds the message at `[start, start + length)`: the chunk, not a copy.
   * @param fileOffset file offset of `bytes[start]` when the chunk is stored uncompressed.
   * @param chunkRef the compressed chunk holding the message; the ref when `fileOffset` is undefined.
   */
  constructor(
    readonly channel: LogChannel,
    public logTime: bigint,
    public publishTime: bigint | undefined,
    readonly bytes: Uint8Array,
    readonly start: number,
    readonly length: number,
    readonly fileOffset: number | undefined,
    private readonly chunkRef: ByteRef,
  ) {
    this.topic = channel.topic;
    this.schemaName = channel.schemaName;
  }

  get encoding(): LogMessage['encoding'] {
    return this.channel.encoding;
  }

  /** The message's bytes (a view on the chunk). */
  get data(): Uint8Array {
    return this.bytes.subarray(this.start, this.start + this.length);
  }

  /** The raw message bytes when its chunk is uncompressed; else the compressed chunk record. */
  get ref(): ByteRef {
    return this.fileOffset === undefined
      ? this.chunkRef
      : { uri: this.chunkRef.uri, offset: this.fileOffset, length: this.length, compressed: false };
  }

  /** The deserialised message; decoded on first access when `decodeMessages` deferred it. */
  get message(): unknown {
    if (this.decoded === NOT_DECODED) {
      const decoder = this.channel.decoder;
      if (decoder === undefined) throw new Error(`no decoder for ${this.schemaName} on ${this.topic}`);
      this.decoded = decoder.decodeRange(this.bytes, this.start, this.length);
    }
    return this.decoded;
  }

  set message(value: unknown) {
    this.decoded = value;
  }

  /** `header.stamp` in ns when the message has a std_msgs/Header; read from the bytes when undecoded. */
  get headerStamp(): bigint | undefined {
    if (this.decoded !== NOT_DECODED || this.channel.decoder?.layout?.headerFirst !== true) {
      return headerStampNs(this.message);
    }
    // std_msgs/Header: uint32 seq, then the stamp as u32 sec, u32 nsec (bounds checked by decodeMessages).
    const b = this.bytes;
    const at = this.start + 4;
    return rosTimeNs(
      (b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16) | (b[at + 3]! << 24)) >>> 0,
      (b[at + 4]! | (b[at + 5]! << 8) | (b[at + 6]! << 16) | (b[at + 7]! << 24)) >>> 0,
    );
  }
}

/** The messages of one chunk, sorted by log time, plus what went wrong reading it. */
export interface ChunkContents {
  messages: RawMessage[];
  rejects: Reject[];
}
