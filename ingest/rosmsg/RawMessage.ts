import type { Reject } from '../../core/reject.js';
import type { ByteRef, LogMessage } from './LogMessage.js';
import type { MessageDecoder } from './messageDecoder.js';

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

/** A message found in a chunk, not yet deserialised. */
export interface RawMessage {
  logTime: bigint;
  publishTime?: bigint;
  channel: LogChannel;
  /** A view on the chunk's bytes; valid while the chunk is held. */
  data: Uint8Array;
  /** File offset of `data[0]` when the chunk is stored uncompressed. */
  dataOffset: number | undefined;
  ref: ByteRef;
}

/** The messages of one chunk, sorted by log time, plus what went wrong reading it. */
export interface ChunkContents {
  messages: RawMessage[];
  rejects: Reject[];
}
