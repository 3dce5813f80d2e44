import { md5, parse } from '@foxglove/rosmsg';
import { BAG_MAGIC, OP } from './bagRecord.js';

/**
 * Where a bag is written: appended to, and patched once at the start (the bag header's `index_pos` is only
 * known when the bag is closed).
 */
export interface ByteSink {
  /** Appends bytes. The sink must not keep `bytes` after the returned promise settles: the writer reuses them. */
  write(bytes: Uint8Array): void | Promise<void>;
  /** Overwrites bytes already written at `offset`. */
  writeAt(offset: number, bytes: Uint8Array): void | Promise<void>;
}

/** A topic as the connection header describes it (wiki.ros.org/ROS/Connection Header). */
export interface BagConnectionInfo {
  topic: string;
  /** `sensor_msgs/NavSatFix` */
  type: string;
  /** Full definition text as recorders embed it: the type's fields, then each dependency after a `===` line. */
  messageDefinition: string;
  /** @default the ROS md5 of `messageDefinition` (as `gendeps --md5` computes it) */
  md5sum?: string;
  callerid?: string;
  latching?: boolean;
}

/** A chunk codec: the name the chunk header carries (`lz4` is the LZ4 frame format, as roslz4 writes). */
export interface BagCompression {
  name: 'lz4' | 'bz2';
  compress(data: Uint8Array): Uint8Array;
}

export interface BagWriterOptions {
  /** Uncompressed chunk size at which a chunk is closed. @default 786432 (rosbag's default) */
  chunkSize?: number;
  /** @default none (uncompressed chunks) */
  compression?: BagCompression;
}

export interface BagWriter {
  /** Registers a connection (topic) and returns its id for `write`. */
  addConnection(info: BagConnectionInfo): number;
  /** Appends one serialised ROS 1 message, stamped with record time `time` (ns since epoch). */
  write(connection: number, time: bigint, data: Uint8Array): Promise<void>;
  /** Flushes the last chunk and writes the index; the sink is complete afterwards. */
  close(): Promise<{ messages: number; chunks: number; bytes: number }>;
}

/** The bag header record fills exactly this many bytes, so it can be rewritten in place (rosbag does the same). */
const BAG_HEADER_LENGTH = 4096;
const DEFAULT_CHUNK_SIZE = 768 * 1024;
const NS = 1_000_000_000n;
/** ROS 1 time is u32 seconds: up to 2106-02-07. */
const MAX_TIME = 2n ** 32n * NS;

/**
 * Starts a ROS 1 bag (format 2.0, wiki.ros.org/Bags/Format/2.0) on `sink`: magic and a placeholder bag
 * header; then chunks of message data records, each chunk followed by one index data record per
 * connection in it; on `close`, the connection records and chunk info records at `index_pos`, and the bag
 * header rewritten to point at them. A connection record is also written into the chunk where the
 * connection is first used, so a bag cut before its index can still be read in file order.
 *
 * Memory is one chunk. Messages should come in time order (the index is per chunk, as rosbag records).
 */
export async function writeBag(sink: ByteSink, options: BagWriterOptions = {}): Promise<BagWriter> {
  const writer = new ChunkedBagWriter(sink, options);
  await writer.start();
  return writer;
}

interface Connection {
  id: number;
  topic: string;
  /** The connection header (record data of a connection record). */
  header: Uint8Array;
  written: boolean;
}

class ChunkedBagWriter implements BagWriter {
  private readonly chunkSize: number;
  private readonly compression: BagCompression | undefined;
  private readonly connections: Connection[] = [];
  /** Uncompressed chunk being filled. */
  private chunk = new Uint8Array(1 << 16);
  private view = new DataView(this.chunk.buffer);
  private used = 0;
  private chunkStart = 0n;
  private chunkEnd = 0n;
  /** Per connection id: flat (sec, nsec, offset) triples for this chunk's index data records. */
  private entries = new Map<number, number[]>();
  private readonly chunkInfos: Uint8Array[] = [];
  private offset = 0;
  private messages = 0;

  constructor(
    private readonly sink: ByteSink,
    options: BagWriterOptions,
  ) {
    this.chunkSize = options.chunkSize ?? DEFAULT_CHUNK_SIZE;
    this.compression = options.compression;
  }

  async start(): Promise<void> {
    await this.append(latin1(BAG_MAGIC));
    await this.append(bagHeader(0, 0, 0));
  }

  addConnection(info: BagConnectionInfo): number {
    const id = this.connections.length;
    const md5sum = info.md5sum ?? md5(parse(info.messageDefinition, { ros2: false }));
    const fields: [string, Uint8Array][] = [
      ['topic', utf8(info.topic)],
      ['type', utf8(info.type)],
      ['md5sum', utf8(md5sum)],
      ['message_definition', utf8(info.messageDefinition)],
    ];
    if (info.callerid !== undefined) fields.push(['callerid', utf8(info.callerid)]);
    if (info.latching !== undefined) fields.push(['latching', utf8(info.latching ? '1' : '0')]);
    this.connections.push({ id, topic: info.topic, header: encodeFields(fields), written: false });
    return id;
  }

  async write(connection: number, time: bigint, data: Uint8Array): Promise<void> {
    const conn = this.connections[connection];
    if (conn === undefined) throw new RangeError(`rosbag writer: unknown connection ${connection}`);
    if (time < 0n || time >= MAX_TIME)
      throw new RangeError(`rosbag writer: time ${time} ns is not a ROS time`);
    if (!conn.written) {
      conn.written = true;
      this.put(connectionRecord(conn));
    }
    const sec = Number(time / NS);
    const nsec = Number(time % NS);
    if (this.entries.size === 0) {
      this.chunkStart = time;
      this.chunkEnd = time;
    } else if (time < this.chunkStart) this.chunkStart = time;
    else if (time > this.chunkEnd) this.chunkEnd = time;
    let list = this.entries.get(connection);
    if (list === undefined) this.entries.set(connection, (list = []));
    list.push(sec, nsec, this.used);

    // Message data record (op 0x02), written in place: fields op, conn, time; then the serialised message.
    this.reserve(MESSAGE_HEADER_LENGTH + 8 + data.byteLength);
    const v = this.view;
    let at = this.used;
    v.setUint32(at, MESSAGE_HEADER_LENGTH, true);
    this.chunk.set(MESSAGE_HEADER_TEMPLATE, at + 4);
    at += 4;
    v.setUint32(at + MESSAGE_CONN_AT, connection, true);
    v.setUint32(at + MESSAGE_TIME_AT, sec, true);
    v.setUint32(at + MESSAGE_TIME_AT + 4, nsec, true);
    at += MESSAGE_HEADER_LENGTH;
    v.setUint32(at, data.byteLength, true);
    this.chunk.set(data, at + 4);
    this.used = at + 4 + data.byteLength;
    this.messages += 1;
    if (this.used >= this.chunkSize) await this.flushChunk();
  }

  async close(): Promise<{ messages: number; chunks: number; bytes: number }> {
    await this.flushChunk();
    const indexPos = this.offset;
    for (const conn of this.connections) await this.append(connectionRecord(conn));
    for (const info of this.chunkInfos) await this.append(info);
    await this.sink.writeAt(
      BAG_MAGIC.length,
      bagHeader(indexPos, this.connections.length, this.chunkInfos.length),
    );
    return { messages: this.messages, chunks: this.chunkInfos.length, bytes: this.offset };
  }

  /** Writes the chunk record (op 0x05), then an index data record (op 0x04) per connection in it. */
  private async flushChunk(): Promise<void> {
    if (this.used === 0) return;
    const raw = this.chunk.subarray(0, this.used);
    const stored = this.compression ? this.compression.compress(raw) : raw;
    const chunkPos = this.offset;
    await this.append(
      recordHead(
        [
          ['op', new Uint8Array([OP.chunk])],
          ['compression', latin1(this.compression?.name ?? 'none')],
          ['size', u32(this.used)],
        ],
        stored.byteLength,
      ),
    );
    await this.append(stored);
    const counts: number[] = [];
    for (const [conn, list] of this.entries) {
      const count = list.length / 3;
      counts.push(conn, count);
      const data = new Uint8Array(count * 12);
      const v = new DataView(data.buffer);
      for (let i = 0, at = 0; i < list.length; i += 3, at += 12) {
        v.setUint32(at, list[i]!, true);
        v.setUint32(at + 4, list[i + 1]!, true);
        v.setUint32(at + 8, list[i + 2]!, true);
      }
      await this.append(
        record(
          [
            ['op', new Uint8Array([OP.indexData])],
            ['ver', u32(1)],
            ['conn', u32(conn)],
            ['count', u32(count)],
          ],
          data,
        ),
      );
    }
    const countData = new Uint8Array(counts.length * 4);
    const cv = new DataView(countData.buffer);
    counts.forEach((n, i) => cv.setUint32(i * 4, n, true));
    this.chunkInfos.push(
      record(
        [
          ['op', new Uint8Array([OP.chunkInfo])],
          ['ver', u32(1)],
          ['chunk_pos', u64(chunkPos)],
          ['start_time', rosTime(this.chunkStart)],
          ['end_time', rosTime(this.chunkEnd)],
          ['count', u32(this.entries.size)],
        ],
        countData,
      ),
    );
    this.used = 0;
    this.entries = new Map();
  }

  /** Appends a record to the chunk being filled. */
  private put(bytes: Uint8Array): void {
    this.reserve(bytes.byteLength);
    this.chunk.set(bytes, this.used);
    this.used += bytes.byteLength;
  }

  private reserve(extra: number): void {
    if (this.used + extra <= this.chunk.byteLength) return;
    const grown = new Uint8Array(Math.max(this.used + extra, this.chunk.byteLength * 2));
    grown.set(this.chunk.subarray(0, this.used));
    this.chunk = grown;
    this.view = new DataView(grown.buffer);
  }

  private async append(bytes: Uint8Array): Promise<void> {
    await this.sink.write(bytes);
    this.offset += bytes.byteLength;
  }
}

/** Bag header record (op 0x03), padded with spaces to BAG_HEADER_LENGTH bytes. */
function bagHeader(indexPos: number, connCount: number, chunkCount: number): Uint8Array {
  const fields = encodeFields([
    ['op', new Uint8Array([OP.bagHeader])],
    ['index_pos', u64(indexPos)],
    ['conn_count', u32(connCount)],
    ['chunk_count', u32(chunkCount)],
  ]);
  return record([], new Uint8Array(BAG_HEADER_LENGTH - 8 - fields.byteLength).fill(0x20), fields);
}

/** Connection record (op 0x07): the connection header is the record data. */
function connectionRecord(conn: Connection): Uint8Array {
  return record(
    [
      ['op', new Uint8Array([OP.connection])],
      ['conn', u32(conn.id)],
      ['topic', utf8(conn.topic)],
    ],
    conn.header,
  );
}

/** The fixed part of every message data record header; conn and time are patched in per message. */
const MESSAGE_HEADER_TEMPLATE = encodeFields([
  ['op', new Uint8Array([OP.messageData])],
  ['conn', new Uint8Array(4)],
  ['time', new Uint8Array(8)],
]);
const MESSAGE_HEADER_LENGTH = MESSAGE_HEADER_TEMPLATE.byteLength;
/** Offsets of the conn and time values inside the template: after `len op=x`, `len conn=`, `len time=`. */
const MESSAGE_CONN_AT = 4 + 4 + 4 + 5;
const MESSAGE_TIME_AT = MESSAGE_CONN_AT + 4 + 4 + 5;

/** header_len, header, data_len, data. `header` may be given pre-encoded. */
function record(fields: [string, Uint8Array][], data: Uint8Array, header = encodeFields(fields)): Uint8Array {
  const out = new Uint8Array(8 + header.byteLength + data.byteLength);
  const v = new DataView(out.buffer);
  v.setUint32(0, header.byteLength, true);
  out.set(header, 4);
  v.setUint32(4 + header.byteLength, data.byteLength, true);
  out.set(data, 8 + header.byteLength);
  return out;
}

/** A record without its data (for chunks, whose data is appended separately to avoid a copy). */
function recordHead(fields: [string, Uint8Array][], dataLength: number): Uint8Array {
  const header = encodeFields(fields);
  const out = new Uint8Array(8 + header.byteLength);
  const v = new DataView(out.buffer);
  v.setUint32(0, header.byteLength, true);
  out.set(header, 4);
  v.setUint32(4 + header.byteLength, dataLength, true);
  return out;
}

/** `len u32, name=value` fields (record headers and connection headers alike). */
function encodeFields(fields: [string, Uint8Array][]): Uint8Array {
  const length = fields.reduce((n, [name, value]) => n + 4 + name.length + 1 + value.byteLength, 0);
  const out = new Uint8Array(length);
  const v = new DataView(out.buffer);
  let at = 0;
  for (const [name, value] of fields) {
    v.setUint32(at, name.length + 1 + value.byteLength, true);
    out.set(latin1(`${name}=`), at + 4);
    at += 4 + name.length + 1;
    out.set(value, at);
    at += value.byteLength;
  }
  return out;
}

function u32(n: number): Uint8Array {
  const out = new Uint8Array(4);
  new DataView(out.buffer).setUint32(0, n, true);
  return out;
}

function u64(n: number): Uint8Array {
  const out = new Uint8Array(8);
  new DataView(out.buffer).setBigUint64(0, BigInt(n), true);
  return out;
}

/** ROS time: u32 sec, u32 nsec. */
function rosTime(ns: bigint): Uint8Array {
  const out = new Uint8Array(8);
  const v = new DataView(out.buffer);
  v.setUint32(0, Number(ns / NS), true);
  v.setUint32(4, Number(ns % NS), true);
  return out;
}

const encoder = new TextEncoder();

function utf8(text: string): Uint8Array {
  return encoder.encode(text);
}

function latin1(text: string): Uint8Array {
  return Uint8Array.from(text, (c) => c.charCodeAt(0));
}
