import { describe, expect, it } from 'vitest';
import type { Reject } from '../../core/reject.js';
import { bytesSource } from '../../core/source.js';
import { readBag } from '../../ingest/rosbag/readBag.js';
import { summarizeBag } from '../../ingest/rosbag/summarizeBag.js';
import type { BlobField, LogMessage } from '../../ingest/rosmsg/LogMessage.js';

const enc = new TextEncoder();

function u32(n: number): Uint8Array {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, n, true);
  return b;
}
function u64(n: number): Uint8Array {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setBigUint64(0, BigInt(n), true);
  return b;
}
function time(ns: bigint): Uint8Array {
  return concat([u32(Number(ns / 1_000_000_000n)), u32(Number(ns % 1_000_000_000n))]);
}
function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
function fields(entries: [string, Uint8Array][]): Uint8Array {
  return concat(entries.flatMap(([k, v]) => [u32(k.length + 1 + v.length), enc.encode(`${k}=`), v]));
}
/** A bag 2.0 record: header_len, header fields, data_len, data. */
function record(header: [string, Uint8Array][], data: Uint8Array): Uint8Array {
  const h = fields(header);
  return concat([u32(h.length), h, u32(data.length), data]);
}

const IMAGE_DEF =
  'std_msgs/Header header\nuint32 height\nuint32 width\nstring encoding\nuint8 is_bigendian\nuint32 step\nuint8[] data\n================================================================================\nMSG: std_msgs/Header\nuint32 seq\ntime stamp\nstring frame_id\n';

function imageMessage(seq: number, stamp: bigint, payload: Uint8Array): Uint8Array {
  return concat([
    u32(seq),
    time(stamp),
    u32(3),
    enc.encode('cam'),
    u32(1),
    u32(payload.length),
    u32(5),
    enc.encode('mono8'),
    new Uint8Array([0]),
    u32(payload.length),
    u32(payload.length),
    payload,
  ]);
}

const T0 = 1_600_000_000_000_000_000n;
const payload = Uint8Array.from({ length: 70_000 }, (_, i) => (i * 13) & 0xff);

/** Two uncompressed chunks whose times interleave; `indexed: false` leaves index_pos 0 (unclosed bag). */
function writeBag(indexed: boolean): { bytes: Uint8Array; payloadAt: number } {
  const conn = record(
    [
      ['op', new Uint8Array([7])],
      ['conn', u32(0)],
      ['topic', enc.encode('/cam')],
    ],
    fields([
      ['topic', enc.encode('/cam')],
      ['type', enc.encode('sensor_msgs/Image')],
      ['md5sum', enc.encode('060021388200f6f0f447d0fcd9c64743')],
      ['message_definition', enc.encode(IMAGE_DEF)],
    ]),
  );
  const msg = (seq: number, t: bigint): Uint8Array =>
    record(
      [
        ['op', new Uint8Array([2])],
        ['conn', u32(0)],
        ['time', time(t)],
      ],
      imageMessage(seq, t, seq === 3 ? payload : new Uint8Array(4)),
    );
  const chunkTimes = [
    [1n, 3n, 5n],
    [2n, 4n, 6n],
  ];
  const magic = enc.encode('#ROSBAG V2.0\n');
  const headerLength = 4096;
  let offset = magic.length + headerLength;
  const chunks: Uint8Array[] = [];
  const infos: Uint8Array[] = [];
  let payloadAt = -1;
  chunkTimes.forEach((times, c) => {
    const inner = concat([
      ...(c === 0 ? [conn] : []),
      ...times.map((t) => msg(Number(t), T0 + t * 1_000_000n)),
    ]);
    const chunk = record(
      [
        ['op', new Uint8Array([5])],
        ['compression', enc.encode('none')],
        ['size', u32(inner.length)],
      ],
      inner,
    );
    const found = indexOf(chunk, payload.subarray(0, 64));
    if (found >= 0) payloadAt = offset + found;
    infos.push(
      record(
        [
          ['op', new Uint8Array([6])],
          ['ver', u32(1)],
          ['chunk_pos', u64(offset)],
          ['start_time', time(T0 + times[0]! * 1_000_000n)],
          ['end_time', time(T0 + times.at(-1)! * 1_000_000n)],
          ['count', u32(1)],
        ],
        concat([u32(0), u32(times.length)]),
      ),
    );
    chunks.push(chunk);
    offset += chunk.length;
  });
  const index = concat([conn, ...infos]);
  const headerFields: [string, Uint8Array][] = [
    ['op', new Uint8Array([3])],
    ['index_pos', u64(indexed ? offset : 0)],
    ['conn_count', u32(1)],
    ['chunk_count', u32(2)],
  ];
  const bare = record(headerFields, new Uint8Array(0));
  const header = record(headerFields, new Uint8Array(headerLength - bare.length).fill(0x20));
  return { bytes: concat([magic, header, ...chunks, ...(indexed ? [index] : [])]), payloadAt };
}

function indexOf(haystack: Uint8Array, needle: Uint8Array): number {
  outer: for (let i = 0; i + needle.length <= haystack.length; i++) {
    for (let j = 0; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}

async function readAll(bytes: Uint8Array): Promise<{ records: LogMessage[]; rejects: Reject[] }> {
  const records: LogMessage[] = [];
  const rejects: Reject[] = [];
  for await (const batch of readBag(bytesSource('synthetic.bag', bytes), { decompress: {} })) {
    records.push(...batch.records);
    rejects.push(...batch.rejects);
  }
  return { records, rejects };
}

describe('readBag on written bags', () => {
  it('merges overlapping chunks in time order and leaves the image bytes in the file', async () => {
    const { bytes, payloadAt } = writeBag(true);
    const { records, rejects } = await readAll(bytes);
    expect(rejects).toEqual([]);
    expect(records.map((m) => Number((m.logTime - T0) / 1_000_000n))).toEqual([1, 2, 3, 4, 5, 6]);
    const image = records[2]!;
    expect(image.headerStamp).toBe(T0 + 3_000_000n);
    const data = (image.message as { data: BlobField }).data;
    expect(data.size).toBe(70_000);
    expect(data.encoding).toBe('mono8');
    expect(data.$blob).toEqual({
      uri: 'synthetic.bag',
      offset: payloadAt,
      length: 70_000,
      compressed: false,
    });
    expect(bytes.subarray(data.$blob.offset, data.$blob.offset + data.size)).toEqual(payload);
    // Small images' data also become blobs: Image payloads never go into rows.
    expect((records[0]!.message as { data: BlobField }).data.size).toBe(4);
    const summary = await summarizeBag(bytesSource('synthetic.bag', bytes), { decompress: {} });
    expect(summary).toMatchObject({
      messageCount: 6,
      topics: [{ topic: '/cam', schemaName: 'sensor_msgs/Image', count: 6 }],
    });
  });

  it('reads an unindexed bag (index_pos 0) in file order and reports nothing missing', async () => {
    const { bytes } = writeBag(false);
    const { records, rejects } = await readAll(bytes);
    expect(rejects).toEqual([]);
    expect(records.map((m) => Number((m.logTime - T0) / 1_000_000n))).toEqual([1, 3, 5, 2, 4, 6]);
    const summary = await summarizeBag(bytesSource('synthetic.bag', bytes), { decompress: {} });
    expect(summary.messageCount).toBe(6);
    expect(summary.start).toBe(T0 + 1_000_000n);
  });
});
