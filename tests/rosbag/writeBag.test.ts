import { md5, parse } from '@foxglove/rosmsg';
import { MessageWriter } from '@foxglove/rosmsg-serialization';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Reject } from '../../core/reject.js';
import { bytesSource } from '../../core/source.js';
import { readBag } from '../../ingest/rosbag/readBag.js';
import { summarizeBag } from '../../ingest/rosbag/summarizeBag.js';
import { writeBag, type BagWriterOptions, type ByteSink } from '../../ingest/rosbag/writeBag.js';
import { lz4Frame } from '../../ingest/rosbag/lz4Frame.js';
import type { Decompressors, LogMessage } from '../../ingest/rosmsg/LogMessage.js';
import { loadDecompressors } from '../../ingest/rosmsg/decompressors.js';

/** An in-memory sink that copies what it is given (the writer reuses its chunk buffer). */
function memorySink(): ByteSink & { bytes(): Uint8Array } {
  let buffer = new Uint8Array(1 << 16);
  let size = 0;
  return {
    write(bytes) {
      if (size + bytes.byteLength > buffer.byteLength) {
        const grown = new Uint8Array(Math.max(buffer.byteLength * 2, size + bytes.byteLength));
        grown.set(buffer.subarray(0, size));
        buffer = grown;
      }
      buffer.set(bytes, size);
      size += bytes.byteLength;
    },
    writeAt(offset, bytes) {
      if (offset + bytes.byteLength > size) throw new RangeError('writeAt past the end');
      buffer.set(bytes, offset);
    },
    bytes: () => buffer.slice(0, size),
  };
}

const POINT_DEF = 'float64 x\nfloat64 y\nstring label\n';
const FIX_DEF = [
  'std_msgs/Header header',
  'float64 latitude',
  'float64 longitude',
  '================================================================================',
  'MSG: std_msgs/Header',
  'uint32 seq',
  'time stamp',
  'string frame_id',
].join('\n');
const T0 = 1_700_000_000_123_456_789n;

interface Written {
  bytes: Uint8Array;
  /** What was written, in write order. */
  expected: { topic: string; t: bigint; message: Record<string, unknown> }[];
}

/** Two connections interleaved; 300 messages with 4 KiB chunks, so ~10 chunks. */
async function smallBag(options: BagWriterOptions): Promise<Written> {
  const sink = memorySink();
  const bag = await writeBag(sink, { chunkSize: 4096, ...options });
  const point = bag.addConnection({ topic: '/point', type: 'test_msgs/Point', messageDefinition: POINT_DEF });
  const fix = bag.addConnection({
    topic: '/fix',
    type: 'test_msgs/Fix',
    messageDefinition: FIX_DEF,
    callerid: '/recorder',
    latching: false,
  });
  const pointWriter = new MessageWriter(parse(POINT_DEF, { ros2: false }));
  const fixWriter = new MessageWriter(parse(FIX_DEF, { ros2: false }));
  const expected: Written['expected'] = [];
  for (let i = 0; i < 300; i++) {
    const t = T0 + BigInt(i) * 10_000_000n;
    if (i % 3 === 0) {
      const message = {
        header: {
          seq: i,
          stamp: { sec: Number(t / 1_000_000_000n), nsec: Number(t % 1_000_000_000n) },
          frame_id: 'gps',
        },
        latitude: 48 + i * 1e-6,
        longitude: 11 - i * 1e-6,
      };
      await bag.write(fix, t, fixWriter.writeMessage(message));
      expected.push({ topic: '/fix', t, message });
    } else {
      const message = { x: i * 0.5, y: -i, label: `p${i}` };
      await bag.write(point, t, pointWriter.writeMessage(message));
      expected.push({ topic: '/point', t, message });
    }
  }
  const stats = await bag.close();
  expect(stats.messages).toBe(300);
  expect(stats.chunks).toBeGreaterThan(5);
  const bytes = sink.bytes();
  expect(stats.bytes).toBe(bytes.byteLength);
  return { bytes, expected };
}

async function readAll(
  bytes: Uint8Array,
  decompress: Decompressors,
): Promise<{ records: LogMessage[]; rejects: Reject[] }> {
  const records: LogMessage[] = [];
  const rejects: Reject[] = [];
  for await (const batch of readBag(bytesSource('written.bag', bytes), { decompress })) {
    records.push(...batch.records);
    rejects.push(...batch.rejects);
  }
  return { records, rejects };
}

function u32(bytes: Uint8Array, at: number): number {
  return new DataView(bytes.buffer, bytes.byteOffset).getUint32(at, true);
}

describe('writeBag', () => {
  let decompress: Decompressors;
  beforeAll(async () => {
    decompress = await loadDecompressors();
  });

  for (const compression of ['none', 'lz4'] as const) {
    it(`writes a bag that readBag reads back message for message (${compression} chunks)`, async () => {
      const { bytes, expected } = await smallBag(
        compression === 'lz4' ? { compression: { name: 'lz4', compress: lz4Frame } } : {},
      );
      const { records, rejects } = await readAll(bytes, decompress);
      expect(rejects).toEqual([]);
      expect(records.map((r) => [r.topic, r.logTime])).toEqual(expected.map((e) => [e.topic, e.t]));
      records.forEach((r, i) => {
        const { message } = expected[i]!;
        const got = r.message as Record<string, unknown>;
        if (r.topic === '/fix') {
          expect(r.schemaName).toBe('test_msgs/Fix');
          expect(r.headerStamp).toBe(r.logTime);
          expect(got.latitude).toBe(message.latitude);
          expect(got.longitude).toBe(message.longitude);
        } else {
          expect(r.schemaName).toBe('test_msgs/Point');
          expect(got).toEqual(message);
        }
      });
      const summary = await summarizeBag(bytesSource('written.bag', bytes), { decompress });
      expect(summary.rejects).toEqual([]);
      expect(summary.messageCount).toBe(300);
      expect(summary.start).toBe(T0);
      expect(summary.end).toBe(T0 + 299n * 10_000_000n);
      expect(new Map(summary.topics.map((t) => [t.topic, t.count]))).toEqual(
        new Map([
          ['/point', 200],
          ['/fix', 100],
        ]),
      );
    });
  }

  it('pads the bag header record to 4096 bytes and points index_pos at the connection records', async () => {
    const { bytes } = await smallBag({});
    const text = new TextDecoder('latin1');
    expect(text.decode(bytes.subarray(0, 13))).toBe('#ROSBAG V2.0\n');
    const headerLength = u32(bytes, 13);
    const dataLength = u32(bytes, 13 + 4 + headerLength);
    expect(4 + headerLength + 4 + dataLength).toBe(4096);
    const header = text.decode(bytes.subarray(17, 17 + headerLength));
    const indexPosAt = 17 + header.indexOf('index_pos=') + 'index_pos='.length;
    const indexPos = Number(new DataView(bytes.buffer).getBigUint64(indexPosAt, true));
    // The index starts with connection record 0: op=0x07, then its connection header with md5sum.
    const connHeader = text.decode(bytes.subarray(indexPos + 4, indexPos + 4 + u32(bytes, indexPos)));
    expect(connHeader).toContain('op=\x07');
    expect(connHeader).toContain('topic=/point');
    const connData = text.decode(bytes.subarray(indexPos, indexPos + 400));
    expect(connData).toContain(`md5sum=${md5(parse(POINT_DEF, { ros2: false }))}`);
    expect(connData).toContain('type=test_msgs/Point');
    expect(connData).toContain(`message_definition=${POINT_DEF}`);
  });

  it('computes the md5sum that ROS computes for a known type', async () => {
    // std_msgs/String's md5 as published by ROS (rosmsg md5 std_msgs/String).
    const sink = memorySink();
    const bag = await writeBag(sink);
    bag.addConnection({ topic: '/s', type: 'std_msgs/String', messageDefinition: 'string data\n' });
    await bag.write(0, T0, new Uint8Array([1, 0, 0, 0, 0x41]));
    await bag.close();
    const text = new TextDecoder('latin1').decode(sink.bytes());
    expect(text).toContain('md5sum=992ce8a1687cec8c8bd883ec73ca41d1');
    const { records } = await readAll(sink.bytes(), decompress);
    expect(records.map((r) => r.message)).toEqual([{ data: 'A' }]);
  });

  it('writes each connection record into its first chunk too, so a bag without index reads in file order', async () => {
    const { bytes, expected } = await smallBag({});
    const text = new TextDecoder('latin1').decode(bytes.subarray(17, 17 + u32(bytes, 13)));
    const indexPosAt = 17 + text.indexOf('index_pos=') + 'index_pos='.length;
    // index_pos 0 is what a recorder leaves when it is killed before closing the bag.
    bytes.fill(0, indexPosAt, indexPosAt + 8);
    const { records, rejects } = await readAll(bytes, decompress);
    expect(rejects).toEqual([]);
    expect(records.map((r) => [r.topic, r.logTime])).toEqual(expected.map((e) => [e.topic, e.t]));
  });

  it('rejects an unknown connection id and a time outside ROS time', async () => {
    const bag = await writeBag(memorySink());
    await expect(bag.write(3, T0, new Uint8Array(0))).rejects.toThrow(/unknown connection 3/);
    bag.addConnection({ topic: '/s', type: 'std_msgs/String', messageDefinition: 'string data\n' });
    await expect(bag.write(0, -1n, new Uint8Array(4))).rejects.toThrow(/not a ROS time/);
  });
});
