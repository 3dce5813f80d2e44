import { DecodeError } from '../../core/errors.js';
import type { Reject } from '../../core/reject.js';
import type { RandomAccessSource } from '../../core/source.js';
import type { Decompressors } from '../rosmsg/LogMessage.js';
import { RawMessage, type ChunkContents, type LogChannel } from '../rosmsg/RawMessage.js';
import { SourceWindow } from '../rosmsg/SourceWindow.js';
import type { ChunkBuffers } from '../rosmsg/chunkBuffers.js';
import { decompressorFor } from '../rosmsg/decompressorFor.js';
import { mergeChunks, sortByLogTime } from '../rosmsg/mergeChunks.js';
import { messageDecoder, type MessageDecoder } from '../rosmsg/messageDecoder.js';
import {
  BAG_MAGIC,
  OP,
  parseFields,
  readBagRecordHead,
  scanChunkRecordHead,
  stringField,
  timeAt,
  timeField,
  u32,
  u32Field,
  u64Field,
  type BagRecordHead,
  type ChunkRecordHead,
} from './bagRecord.js';

/** What the index section of a bag says (Format 2.0: connection records, then chunk info records). */
export interface BagIndex {
  connections: Map<number, { topic: string; schemaName: string }>;
  chunks: { chunkPos: number; startTime: bigint; endTime: bigint; counts: Map<number, number> }[];
}

/**
 * The shared state of one bag read: connections seen so far and their decoders, and the rejects
 * already reported per connection.
 */
export class BagScan {
  readonly channels = new Map<number, LogChannel>();
  private readonly decoders = new Map<string, MessageDecoder>();
  private readonly unknownReported = new Set<number>();
  window!: SourceWindow;
  bodyStart = 0;
  indexPos = 0;
  connectionCount = 0;
  chunkCount = 0;

  /**
   * @param buffers where uncompressed chunks are read, when the consumer reports the messages it is done
   *   with (see `readBag`'s `reuseBuffers`); else each chunk gets new bytes.
   */
  constructor(
    readonly source: RandomAccessSource,
    readonly uri: string,
    readonly decompress: Decompressors,
    readonly buffers?: ChunkBuffers,
  ) {}

  /** Checks magic and bag header. Throws DecodeError on an empty file or one that is not a bag. */
  async open(): Promise<void> {
    const size = await this.source.size();
    const uri = this.uri;
    if (size === 0) throw new DecodeError('rosbag: empty file (0 bytes)', { uri, offset: 0 });
    // With reused chunk buffers the caller copies what it keeps, and chunk data is read past the window:
    // what the window holds (record headers, index records) is parsed before the next read.
    this.window = new SourceWindow(this.source, size, undefined, this.buffers !== undefined);
    const magic = await this.window.read(0, BAG_MAGIC.length);
    if (String.fromCharCode(...magic) !== BAG_MAGIC) {
      throw new DecodeError('rosbag: not a ROS bag 2.0 file (bad magic)', { uri, offset: 0 });
    }
    const head = await readBagRecordHead(this.window, BAG_MAGIC.length, uri);
    if (head.op !== OP.bagHeader) {
      throw new DecodeError(`rosbag: first record is op ${head.op}, not a bag header`, {
        uri,
        offset: head.offset,
      });
    }
    this.indexPos = u64Field(head, 'index_pos', uri);
    this.connectionCount = u32Field(head, 'conn_count', uri);
    this.chunkCount = u32Field(head, 'chunk_count', uri);
    this.bodyStart = head.end;
  }

  /**
   * Reads the index section, or returns undefined when the bag has none (recording not closed: index_pos 0)
   * or it is cut or damaged; callers then scan the records in file order.
   */
  async readIndex(rejects: Reject[]): Promise<BagIndex | undefined> {
    if (this.indexPos < this.bodyStart || this.indexPos >= this.window.size) return undefined;
    const index: BagIndex = { connections: new Map(), chunks: [] };
    try {
      let offset = this.indexPos;
      for (let i = 0; i < this.connectionCount; i++) {
        const head = await readBagRecordHead(this.window, offset, this.uri);
        if (head.op !== OP.connection)
          throw new DecodeError(`rosbag: expected a connection record in the index, got op ${head.op}`, {
            uri: this.uri,
            offset,
          });
        const channel = await this.addConnection(head, rejects);
        index.connections.set(u32Field(head, 'conn', this.uri), {
          topic: channel.topic,
          schemaName: channel.schemaName,
        });
        offset = head.end;
      }
      for (let i = 0; i < this.chunkCount; i++) {
        const head = await readBagRecordHead(this.window, offset, this.uri);
        if (head.op !== OP.chunkInfo)
          throw new DecodeError(`rosbag: expected a chunk info record in the index, got op ${head.op}`, {
            uri: this.uri,
            offset,
          });
        const data = await this.window.read(head.dataOffset, head.dataLength);
        const counts = new Map<number, number>();
        for (let at = 0; at + 8 <= data.byteLength; at += 8) counts.set(u32(data, at), u32(data, at + 4));
        index.chunks.push({
          chunkPos: u64Field(head, 'chunk_pos', this.uri),
          startTime: timeField(head, 'start_time', this.uri),
          endTime: timeField(head, 'end_time', this.uri),
          counts,
        });
        offset = head.end;
      }
    } catch (error) {
      if (!(error instanceof DecodeError)) throw error;
      rejects.push({
        uri: this.uri,
        offset: error.where.offset,
        reason: 'bad_index',
        message: `${error.detail}; reading records in file order instead`,
      });
      return undefined;
    }
    return index;
  }

  /** Registers a connection record (top level or inside a chunk); the first definition of an id wins. */
  async addConnection(head: BagRecordHead, rejects: Reject[], chunkData?: Uint8Array): Promise<LogChannel> {
    const id = u32Field(head, 'conn', this.uri);
    const known = this.channels.get(id);
    if (known !== undefined) return known;
    const data = chunkData ?? (await this.window.read(head.dataOffset, head.dataLength));
    const conn = parseFields(data, head.offset, this.uri);
    const topic = stringField(head, 'topic') ?? stringField(conn, 'topic') ?? '';
    const schemaName = stringField(conn, 'type') ?? '';
    const definition = stringField(conn, 'message_definition');
    let decoder: MessageDecoder | undefined;
    if (definition === undefined || schemaName === '') {
      rejects.push({
        uri: this.uri,
        offset: head.offset,
        reason: 'no_message_definition',
        message: `rosbag: connection ${id} on topic ${topic} has no message definition; its messages are skipped`,
      });
    } else {
      const key = `${schemaName}\n${definition}`;
      decoder = this.decoders.get(key);
      if (decoder === undefined) {
        try {
          decoder = messageDecoder('ros1', definition);
          this.decoders.set(key, decoder);
        } catch (error) {
          rejects.push({
            uri: this.uri,
            offset: head.offset,
            reason: 'bad_message_definition',
            message: `rosbag: cannot parse the ${schemaName} definition of topic ${topic}: ${error instanceof Error ? error.message : String(error)}`,
          });
        }
      }
    }
    const channel: LogChannel = { topic, schemaName, encoding: 'ros1', decoder };
    this.channels.set(id, channel);
    return channel;
  }

  /**
   * Reads one chunk record: decompresses it and lists its messages sorted by record time. A chunk that
   * fails to decompress or holds a damaged record is reported and the messages before the damage kept.
   */
  async readChunk(head: BagRecordHead): Promise<ChunkContents> {
    const rejects: Reject[] = [];
    const uri = this.uri;
    const compression = stringField(head, 'compression') ?? 'none';
    const size = u32Field(head, 'size', uri);
    const compressed = compression !== 'none';
    // An uncompressed chunk's messages are views on the bytes read: those go into a reused buffer.
    const pooled = !compressed ? this.buffers : undefined;
    const stored = pooled
      ? await readPooled(
          this.source,
          pooled,
          head.dataOffset,
          Math.min(head.dataLength, this.window.size - head.dataOffset),
        )
      : await this.window.read(head.dataOffset, head.dataLength);
    let data: Uint8Array;
    if (!compressed) {
      data = stored;
    } else {
      const decompress = await decompressorFor(this.decompress, compression);
      if (decompress === undefined) {
        rejects.push({
          uri,
          offset: head.offset,
          reason: 'unsupported_compression',
          message: `rosbag: chunk compression ${compression} has no decompressor`,
        });
        return { messages: [], rejects };
      }
      try {
        data = decompress(stored, size);
      } catch (error) {
        rejects.push({
          uri,
          offset: head.offset,
          reason: 'bad_chunk',
          message: `rosbag: ${compression} chunk does not decompress: ${error instanceof Error ? error.message : String(error)}`,
        });
        return { messages: [], rejects };
      }
      if (data.byteLength !== size) {
        rejects.push({
          uri,
          offset: head.offset,
          reason: 'bad_chunk',
          message: `rosbag: ${compression} chunk decompressed to ${data.byteLength} bytes, header says ${size}`,
        });
        return { messages: [], rejects };
      }
    }
    const chunkRef = { uri, offset: head.offset, length: head.end - head.offset, compressed: true };
    const messages: RawMessage[] = [];
    const recordHead: ChunkRecordHead = { op: -1, conn: -1, timeAt: -1 };
    let lastId = -1;
    let lastChannel: LogChannel | undefined;
    let at = 0;
    while (at < data.byteLength) {
      // Offsets inside a compressed chunk are not file offsets; report the chunk instead.
      const where = compressed ? head.offset : head.dataOffset + at;
      if (at + 4 > data.byteLength) {
        rejects.push({
          uri,
          offset: where,
          reason: 'bad_record',
          message: 'rosbag: record header cut at the end of the chunk',
        });
        break;
      }
      const headerLength = u32(data, at);
      const dataLenAt = at + 4 + headerLength;
      if (dataLenAt + 4 > data.byteLength) {
        rejects.push({
          uri,
          offset: where,
          reason: 'bad_record',
          message: `rosbag: record header length ${headerLength} runs past the chunk`,
        });
        break;
      }
      const dataLength = u32(data, dataLenAt);
      const dataAt = dataLenAt + 4;
      if (dataAt + dataLength > data.byteLength) {
        rejects.push({
          uri,
          offset: where,
          reason: 'bad_record',
          message: `rosbag: record data length ${dataLength} runs past the chunk`,
        });
        break;
      }
      if (!scanChunkRecordHead(data, at + 4, dataLenAt, recordHead)) {
        let detail = 'rosbag: malformed record header';
        try {
          parseFields(data.subarray(at + 4, dataLenAt), where, uri);
        } catch (error) {
          detail = error instanceof DecodeError ? error.detail : String(error);
        }
        rejects.push({ uri, offset: where, reason: 'bad_record', message: detail });
        break;
      }
      const op = recordHead.op;
      if (op === OP.connection) {
        // Rare (once per connection and chunk): the full fields, as top-level connection records have them.
        const fields = parseFields(data.subarray(at + 4, dataLenAt), where, uri);
        if (fields.has('conn')) {
          const connHead: BagRecordHead = {
            offset: where,
            op,
            fields,
            dataOffset: where,
            dataLength,
            end: where,
          };
          await this.addConnection(connHead, rejects, data.subarray(dataAt, dataAt + dataLength));
          lastId = -1;
        }
      } else if (op === OP.messageData && recordHead.conn >= 0) {
        const id = recordHead.conn;
        // Messages of one connection come in runs: one map lookup per run.
        if (id !== lastId) {
          lastId = id;
          lastChannel = this.channels.get(id);
        }
        const channel = lastChannel;
        if (recordHead.timeAt < 0) {
          rejects.push({
            uri,
            offset: where,
            reason: 'bad_record',
            message: 'rosbag: message record without time',
          });
        } else if (channel === undefined) {
          if (!this.unknownReported.has(id)) {
            this.unknownReported.add(id);
            rejects.push({
              uri,
              offset: where,
              reason: 'unknown_connection',
              message: `rosbag: message on connection ${id} that no connection record defines`,
            });
          }
        } else {
          // Messages of undecodable connections are kept so that summaries count them; decoding skips them.
          messages.push(
            new RawMessage(
              channel,
              timeAt(data, recordHead.timeAt),
              undefined,
              data,
              dataAt,
              dataLength,
              compressed ? undefined : head.dataOffset + dataAt,
              chunkRef,
            ),
          );
        }
      }
      at = dataAt + dataLength;
    }
    // In a chunk cut by the end of the file the last record is cut too; the caller reports the cut once.
    if (head.cut === true && rejects.at(-1)?.reason === 'bad_record') rejects.pop();
    pooled?.retain(stored, messages.length);
    return { messages: sortByLogTime(messages), rejects };
  }

  /**
   * All messages, chunk by chunk. With an index, chunks are merged in log-time order; without one
   * (unfinished recording, cut file), chunks come in file order, each sorted, and the scan stops at the
   * first record that is cut or damaged with a `truncated` Reject naming its offset.
   */
  async *chunks(index: BagIndex | undefined, rejects: Reject[]): AsyncIterable<ChunkContents> {
    if (rejects.length > 0) yield { messages: [], rejects: rejects.splice(0) };
    if (index !== undefined) {
      const plans = [...index.chunks].sort((a, b) =>
        a.startTime < b.startTime ? -1 : a.startTime > b.startTime ? 1 : 0,
      );
      yield* mergeChunks(plans, async (plan) => {
        try {
          const head = await readBagRecordHead(this.window, plan.chunkPos, this.uri);
          if (head.op !== OP.chunk)
            throw new DecodeError(`rosbag: index points at op ${head.op}, not a chunk`, {
              uri: this.uri,
              offset: plan.chunkPos,
            });
          return await this.readChunk(head);
        } catch (error) {
          if (!(error instanceof DecodeError)) throw error;
          return {
            messages: [],
            rejects: [{ uri: this.uri, offset: plan.chunkPos, reason: 'bad_chunk', message: error.detail }],
          };
        }
      });
      return;
    }
    let offset = this.bodyStart;
    while (offset < this.window.size) {
      let head: BagRecordHead;
      try {
        head = await readBagRecordHead(this.window, offset, this.uri, { partial: true });
      } catch (error) {
        if (!(error instanceof DecodeError)) throw error;
        yield {
          messages: [],
          rejects: [
            {
              uri: this.uri,
              offset,
              reason: 'truncated',
              message: `${error.detail}; messages after byte ${offset} are lost`,
            },
          ],
        };
        return;
      }
      if (head.cut === true) {
        // An uncompressed chunk cut by the end of the file still holds whole messages before the cut.
        const salvage = head.op === OP.chunk && (stringField(head, 'compression') ?? 'none') === 'none';
        const contents = salvage ? await this.readChunk(head) : { messages: [], rejects: [] };
        contents.rejects.push({
          uri: this.uri,
          offset,
          reason: 'truncated',
          message: `rosbag: record at byte ${offset} is cut by the end of the file; messages after byte ${offset} are lost${salvage ? ' except those before the cut' : ''}`,
        });
        yield contents;
        return;
      }
      if (head.op === OP.chunk) yield await this.readChunk(head);
      else if (head.op === OP.connection) {
        const connRejects: Reject[] = [];
        await this.addConnection(head, connRejects);
        if (connRejects.length > 0) yield { messages: [], rejects: connRejects };
      }
      offset = head.end;
    }
  }
}

/** Reads `[offset, offset + length)` into a buffer from `buffers` (fewer bytes only at the end of the file). */
async function readPooled(
  source: RandomAccessSource,
  buffers: ChunkBuffers,
  offset: number,
  length: number,
): Promise<Uint8Array> {
  if (!source.readInto) return source.read(offset, length);
  const target = buffers.take(Math.max(length, 0));
  const filled = await source.readInto(offset, target);
  return filled === target.length ? target : target.subarray(0, filled);
}
