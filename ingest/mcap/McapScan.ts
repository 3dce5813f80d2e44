import { McapIndexedReader } from '@mcap/core';
import { DecodeError } from '../../core/errors.js';
import type { Reject } from '../../core/reject.js';
import { MAX_NS, TIME_OUT_OF_RANGE } from '../../core/time.js';
import type { RandomAccessSource } from '../../core/source.js';
import type { ByteRef, Decompressors, LogMessage } from '../rosmsg/LogMessage.js';
import { RawMessage, type ChunkContents, type LogChannel } from '../rosmsg/RawMessage.js';
import { SourceWindow } from '../rosmsg/SourceWindow.js';
import { decompressorFor } from '../rosmsg/decompressorFor.js';
import { mergeChunks, sortByLogTime } from '../rosmsg/mergeChunks.js';
import { cdrMessageDecoder } from '../rosmsg/cdrMessageDecoder.js';
import { messageDecoder, type MessageDecoder } from '../rosmsg/messageDecoder.js';
import { serviceEventDefinition } from '../rosmsg/serviceEventDefinition.js';
import {
  MCAP_MAGIC,
  McapCursor,
  McapFormatError,
  OPCODE,
  parseChannel,
  parseChunk,
  parseSchema,
  type ChannelRecord,
  type SchemaRecord,
} from './mcapRecords.js';

/** A chunk as the summary's ChunkIndex records describe it. */
interface ChunkPlan {
  startTime: bigint;
  offset: number;
  length: number;
}

/** Unchunked messages are handed on in groups of this many. */
const LOOSE_GROUP = 4096;

/**
 * The state of one MCAP read: schemas and channels seen so far and their decoders. Chunks are parsed
 * here (not by `McapIndexedReader.readMessages`) so that each message keeps its file offset and a chunk
 * that fails to decompress is reported and skipped instead of ending the read.
 */
export class McapScan {
  private readonly schemas = new Map<number, SchemaRecord>();
  readonly channels = new Map<number, LogChannel>();
  private readonly decoders = new Map<string, MessageDecoder>();
  private readonly unknownReported = new Set<number>();
  private pendingRejects: Reject[] = [];
  window!: SourceWindow;
  /** Set when the summary section was usable. */
  indexed: McapIndexedReader | undefined;

  constructor(
    readonly source: RandomAccessSource,
    readonly uri: string,
    readonly decompress: Decompressors,
  ) {}

  /** Checks the magic and reads the summary if there is one. Throws DecodeError on an empty or foreign file. */
  async open(): Promise<void> {
    const size = await this.source.size();
    const uri = this.uri;
    if (size === 0) throw new DecodeError('mcap: empty file (0 bytes)', { uri, offset: 0 });
    this.window = new SourceWindow(this.source, size);
    // Not through the window: its 1 MiB read-ahead would fetch the summary before the limit below is known.
    const magic = await this.source.read(0, Math.min(MCAP_MAGIC.length, size));
    if (magic.byteLength < MCAP_MAGIC.length || MCAP_MAGIC.some((b, i) => magic[i] !== b)) {
      throw new DecodeError('mcap: not an MCAP file (bad magic)', { uri, offset: 0 });
    }
    try {
      const source = this.source;
      const reader = await McapIndexedReader.Initialize({
        readable: {
          size: () => Promise.resolve(BigInt(size)),
          read: (offset, length) => source.read(Number(offset), Number(length)),
        },
      });
      if (reader.chunkIndexes.length > 0) this.indexed = reader;
      // The summary was just read; chunk reads near the end of the data section must not fetch it again
      // (on S3 that is a second ranged GET of the whole summary). 0 means "no summary section".
      const summaryStart = Number(reader.footer.summaryStart);
      if (summaryStart > 0) this.window.limitReadAhead(summaryStart);
      for (const schema of reader.schemasById.values()) this.schemas.set(schema.id, schema);
      for (const channel of reader.channelsById.values()) this.addChannel(channel, 0);
    } catch {
      // No footer or summary (unfinished recording, cut file, summary-less writer): scan in file order.
      this.indexed = undefined;
    }
  }

  private addChannel(record: ChannelRecord, offset: number): void {
    if (this.channels.has(record.id)) return;
    const schema = this.schemas.get(record.schemaId);
    const schemaName = schema?.name ?? '';
    const reject = (reason: string, why: string): void => {
      this.pendingRejects.push({
        uri: this.uri,
        offset,
        reason,
        message: `mcap: channel ${record.id} on topic ${record.topic}: ${why}; its messages are skipped`,
      });
    };
    const encoding = messageEncoding(record.messageEncoding);
    let decoder: MessageDecoder | undefined;
    if (encoding === undefined) {
      reject('unsupported_encoding', `message encoding "${record.messageEncoding}" is not supported`);
    } else if (encoding === 'json') {
      decoder = this.decoder('json', '');
    } else if (schema === undefined) {
      reject('no_message_definition', 'no schema (message definition)');
    } else if (schema.encoding !== (encoding === 'ros1' ? 'ros1msg' : 'ros2msg')) {
      reject('unsupported_schema', `schema encoding "${schema.encoding}" is not supported`);
    } else {
      try {
        const text = new TextDecoder().decode(schema.data);
        decoder = this.decoder(
          encoding,
          encoding === 'cdr' ? serviceEventDefinition(schema.name, text) : text,
        );
      } catch (error) {
        reject(
          'bad_message_definition',
          `cannot parse the ${schemaName} definition: ${error instanceof Error ? error.message : String(error)}`,
        );
      }
    }
    this.channels.set(record.id, { topic: record.topic, schemaName, encoding: encoding ?? 'cdr', decoder });
  }

  private decoder(encoding: LogMessage['encoding'], definition: string): MessageDecoder {
    const key = `${encoding}\n${definition}`;
    let decoder = this.decoders.get(key);
    if (decoder === undefined) {
      decoder = encoding === 'cdr' ? cdrMessageDecoder(definition) : messageDecoder(encoding, definition);
      this.decoders.set(key, decoder);
    }
    return decoder;
  }

  private takeRejects(into: Reject[]): Reject[] {
    if (this.pendingRejects.length > 0) into.push(...this.pendingRejects.splice(0));
    return into;
  }

  /**
   * Handles one record of the data section or of a chunk; messages go to `out`.
   * `fileOffset` is the body's file offset when the bytes are stored uncompressed.
   */
  private record(
    opcode: number,
    body: Uint8Array,
    fileOffset: number | undefined,
    chunkRef: ByteRef | undefined,
    out: RawMessage[],
  ): void {
    const where = fileOffset ?? chunkRef?.offset ?? 0;
    if (opcode === OPCODE.schema) {
      const schema = parseSchema(body);
      if (!this.schemas.has(schema.id)) this.schemas.set(schema.id, { ...schema, data: schema.data.slice() });
    } else if (opcode === OPCODE.channel) {
      this.addChannel(parseChannel(body), where);
    } else if (opcode === OPCODE.message) {
      const c = new McapCursor(body);
      const channelId = c.u16();
      c.u32(); // sequence
      const logTime = c.u64();
      const publishTime = c.u64();
      const data = c.rest();
      if (logTime > MAX_NS) {
        // A u64 past int64 nanoseconds (after 2262): a reject here, not a time the lake cannot store.
        this.pendingRejects.push({
          uri: this.uri,
          offset: where,
          reason: 'time_out_of_range',
          message: `mcap: message on channel ${channelId} at ${logTime} ns: ${TIME_OUT_OF_RANGE}`,
        });
        return;
      }
      const channel = this.channels.get(channelId);
      if (channel === undefined) {
        if (!this.unknownReported.has(channelId)) {
          this.unknownReported.add(channelId);
          this.pendingRejects.push({
            uri: this.uri,
            offset: where,
            reason: 'unknown_channel',
            message: `mcap: message on channel ${channelId} that no channel record defines`,
          });
        }
        return;
      }
      const dataOffset = fileOffset === undefined ? undefined : fileOffset + c.at - data.byteLength;
      out.push(
        new RawMessage(
          channel,
          logTime,
          publishTime,
          data,
          0,
          data.byteLength,
          dataOffset,
          chunkRef ?? { uri: this.uri, offset: where, length: data.byteLength, compressed: false },
        ),
      );
    }
  }

  /** Reads the chunk record at `offset`: decompresses it and lists its messages by log time. */
  async readChunk(offset: number, length: number, options: { cut?: boolean } = {}): Promise<ChunkContents> {
    const rejects: Reject[] = [];
    const uri = this.uri;
    const messages: RawMessage[] = [];
    let recordsOffset = 0;
    try {
      const bytes = await this.window.read(offset, length);
      if (bytes.byteLength < length)
        throw new McapFormatError(`chunk of ${length} bytes is cut at ${bytes.byteLength}`);
      const c = new McapCursor(bytes);
      if (c.bytesOf(1)[0] !== OPCODE.chunk) throw new McapFormatError('not a chunk record');
      const bodyLength = c.size64();
      const chunk =
        options.cut === true ? parseChunk(c.rest(), { partial: true }) : parseChunk(c.bytesOf(bodyLength));
      if (options.cut === true && chunk.compression !== '')
        return { messages, rejects: this.takeRejects(rejects) };
      recordsOffset = offset + 9 + chunk.recordsAt;
      const compressed = chunk.compression !== '';
      let records = chunk.records;
      if (compressed) {
        const decompress = await decompressorFor(this.decompress, chunk.compression);
        if (decompress === undefined) {
          rejects.push({
            uri,
            offset,
            reason: 'unsupported_compression',
            message: `mcap: chunk compression ${chunk.compression} has no decompressor`,
          });
          return { messages, rejects: this.takeRejects(rejects) };
        }
        try {
          records = decompress(chunk.records, chunk.uncompressedSize);
        } catch (error) {
          rejects.push({
            uri,
            offset,
            reason: 'bad_chunk',
            message: `mcap: ${chunk.compression} chunk does not decompress: ${error instanceof Error ? error.message : String(error)}`,
          });
          return { messages, rejects: this.takeRejects(rejects) };
        }
        if (records.byteLength !== chunk.uncompressedSize) {
          rejects.push({
            uri,
            offset,
            reason: 'bad_chunk',
            message: `mcap: chunk decompressed to ${records.byteLength} bytes, header says ${chunk.uncompressedSize}`,
          });
          return { messages, rejects: this.takeRejects(rejects) };
        }
      }
      const chunkRef = { uri, offset, length, compressed: true };
      const r = new McapCursor(records);
      while (r.at < records.byteLength) {
        const start = r.at;
        const opcode = r.bytesOf(1)[0]!;
        const body = r.bytesOf(r.size64());
        this.record(opcode, body, compressed ? undefined : recordsOffset + start + 9, chunkRef, messages);
      }
    } catch (error) {
      if (!(error instanceof McapFormatError)) throw error;
      // A chunk cut by the end of the file ends in a cut record; the caller reports the cut once.
      if (options.cut !== true)
        rejects.push({
          uri,
          offset,
          reason: 'bad_chunk',
          message: `mcap: damaged chunk: ${error.message}; kept the ${messages.length} messages before the damage`,
        });
    }
    return { messages: sortByLogTime(messages), rejects: this.takeRejects(rejects) };
  }

  /**
   * All messages, chunk by chunk: with a summary, chunks merged in log-time order; without one, records in
   * file order (each chunk sorted) up to the first cut or damaged record, reported as `truncated`.
   */
  async *chunks(): AsyncIterable<ChunkContents> {
    const initial = this.takeRejects([]);
    if (initial.length > 0) yield { messages: [], rejects: initial };
    if (this.indexed !== undefined) {
      const plans: ChunkPlan[] = this.indexed.chunkIndexes
        .map((c) => ({
          startTime: c.messageStartTime,
          offset: Number(c.chunkStartOffset),
          length: Number(c.chunkLength),
        }))
        .sort((a, b) => (a.startTime < b.startTime ? -1 : a.startTime > b.startTime ? 1 : 0));
      yield* mergeChunks(plans, (plan) => this.readChunk(plan.offset, plan.length));
      return;
    }
    let loose: RawMessage[] = [];
    let offset = MCAP_MAGIC.length;
    const size = this.window.size;
    while (offset < size) {
      const head = await this.window.read(offset, 9);
      const length = head.byteLength === 9 ? Number(new McapCursor(head.subarray(1)).u64()) : -1;
      if (length < 0 || offset + 9 + length > size) {
        // An uncompressed chunk cut by the end of the file still holds whole messages before the cut.
        const salvageRejects: Reject[] = [];
        if (head[0] === OPCODE.chunk && head.byteLength === 9) {
          const salvaged = await this.readChunk(offset, size - offset, { cut: true });
          loose = mergeLoose(loose, salvaged.messages);
          salvageRejects.push(...salvaged.rejects);
        }
        const truncated: Reject = {
          uri: this.uri,
          offset,
          reason: 'truncated',
          message: `mcap: record at byte ${offset} is cut by the end of the file; messages after it are lost`,
        };
        yield { messages: loose, rejects: this.takeRejects([...salvageRejects, truncated]) };
        return;
      }
      const opcode = head[0]!;
      if (opcode === OPCODE.footer || opcode === OPCODE.dataEnd) {
        yield { messages: loose, rejects: this.takeRejects([]) };
        return;
      }
      if (opcode === OPCODE.chunk) {
        if (loose.length > 0) {
          yield { messages: loose, rejects: [] };
          loose = [];
        }
        yield await this.readChunk(offset, 9 + length);
      } else if (opcode === OPCODE.schema || opcode === OPCODE.channel || opcode === OPCODE.message) {
        const body = await this.window.read(offset + 9, length);
        try {
          this.record(opcode, body, offset + 9, undefined, loose);
        } catch (error) {
          if (!(error instanceof McapFormatError)) throw error;
          this.pendingRejects.push({
            uri: this.uri,
            offset,
            reason: 'bad_record',
            message: `mcap: ${error.message}`,
          });
        }
        if (loose.length >= LOOSE_GROUP || this.pendingRejects.length > 0) {
          yield { messages: loose, rejects: this.takeRejects([]) };
          loose = [];
        }
      }
      offset += 9 + length;
    }
    // Every MCAP ends with DataEnd, summary and Footer (spec "File Structure"); ending on a record
    // boundary before them is still a cut (an unfinished recording).
    const truncated: Reject = {
      uri: this.uri,
      offset,
      reason: 'truncated',
      message: `mcap: file ends at byte ${offset} without a DataEnd or Footer record`,
    };
    yield { messages: loose, rejects: this.takeRejects([truncated]) };
  }
}

function messageEncoding(name: string): LogMessage['encoding'] | undefined {
  switch (name) {
    case 'ros1':
      return 'ros1';
    case 'cdr':
      return 'cdr';
    case 'json':
      return 'json';
    default:
      return undefined;
  }
}

function mergeLoose(a: RawMessage[], b: RawMessage[]): RawMessage[] {
  return a.length === 0 ? b : [...a, ...b];
}
