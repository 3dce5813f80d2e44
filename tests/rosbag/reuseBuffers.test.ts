/**
 * Chunk buffers reused across batches (`reuseBuffers`) must never change what lands in the lake: CAN rows
 * view their frame's bytes in the chunk, so a buffer refilled before those rows are copied would corrupt them.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from '@foxglove/rosmsg';
import { MessageWriter } from '@foxglove/rosmsg-serialization';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { fileSource } from '../../core/fileSource.js';
import { DEMO_TOPICS, demoDefinitionText } from '../../ingest/demo/demoRosMessages.js';
import { FileSink } from '../../ingest/demo/writeDemoBag.js';
import { ingestPaths } from '../../ingest/ingestPaths.js';
import { loadDecompressors } from '../../ingest/rosmsg/decompressors.js';
import { RawMessage } from '../../ingest/rosmsg/RawMessage.js';
import { readBag } from '../../ingest/rosbag/readBag.js';
import { writeBag } from '../../ingest/rosbag/writeBag.js';
import { openDuck, sqlString } from '../catalog/duckdb.js';
import type { Duck } from '../catalog/duckdb.js';
import { tempLake } from '../catalog/tempLake.js';

const FRAMES = 3000;
const IMAGE_BYTES = 100_000;
const T0 = 1_700_000_000_000_000_000n;

let folder: string;
let bagPath: string;
let duck: Duck;

/** The data bytes of frame `i`: different for every frame, so a stale or overwritten row shows. */
function frameData(i: number): Uint8Array {
  return Uint8Array.from({ length: 8 }, (_, b) => (i * 31 + b * 7 + (i >> 8)) & 0xff);
}

beforeAll(async () => {
  duck = await openDuck();
  folder = await mkdtemp(join(tmpdir(), 'adlake-reuse-'));
  bagPath = join(folder, 'reuse.bag');
  const sink = await FileSink.open(bagPath);
  // Small chunks: many chunk reads, each a chance to reuse a buffer.
  const bag = await writeBag(sink, { chunkSize: 16 * 1024 });
  const canText = demoDefinitionText('can_msgs/Frame');
  const can = bag.addConnection({
    topic: DEMO_TOPICS['can_msgs/Frame'],
    type: 'can_msgs/Frame',
    messageDefinition: canText,
  });
  const canWriter = new MessageWriter(parse(canText, { ros2: false }));
  const imageText =
    'std_msgs/Header header\nuint32 height\nuint32 width\nstring encoding\nuint8 is_bigendian\nuint32 step\nuint8[] data\n' +
    '================================================================================\nMSG: std_msgs/Header\nuint32 seq\ntime stamp\nstring frame_id\n';
  const camera = bag.addConnection({
    topic: '/camera',
    type: 'sensor_msgs/Image',
    messageDefinition: imageText,
  });
  const imageWriter = new MessageWriter(parse(imageText, { ros2: false }));
  for (let i = 0; i < FRAMES; i++) {
    const t = T0 + BigInt(i) * 1_000_000n;
    const stamp = { sec: Number(t / 1_000_000_000n), nsec: Number(t % 1_000_000_000n) };
    const frame = {
      id: 0x100 + (i % 50),
      is_rtr: false,
      is_extended: false,
      is_error: false,
      dlc: 8,
      data: frameData(i),
    };
    await bag.write(
      can,
      t,
      canWriter.writeMessage({ header: { seq: i, stamp, frame_id: 'can0' }, ...frame }),
    );
    if (i % 100 === 0) {
      const image = {
        header: { seq: i, stamp, frame_id: 'cam' },
        height: 100,
        width: 1000,
        encoding: 'mono8',
        is_bigendian: 0,
        step: 1000,
        data: new Uint8Array(IMAGE_BYTES).fill(i & 0xff),
      };
      await bag.write(camera, t, imageWriter.writeMessage(image));
    }
  }
  await bag.close();
  await sink.close();
});

afterAll(async () => {
  duck.close();
  await rm(folder, { recursive: true, force: true });
});

describe('ROS 1 bag chunk buffers reused across batches', () => {
  test('readBag hands out the same buffers again, and every batch is intact while it is current', async () => {
    const buffers = new Set<ArrayBufferLike>();
    let chunksSeen = 0;
    let frames = 0;
    for await (const batch of readBag(fileSource(bagPath), {
      decompress: await loadDecompressors(),
      reuseBuffers: true,
    })) {
      for (const m of batch.records) {
        if (!(m instanceof RawMessage) || m.schemaName !== 'can_msgs/Frame') continue;
        if (!buffers.has(m.bytes.buffer)) chunksSeen++;
        buffers.add(m.bytes.buffer);
        const message = m.message as { header: { seq: number }; data: Uint8Array };
        expect([...message.data]).toEqual([...frameData(message.header.seq)]);
        frames++;
      }
    }
    expect(frames).toBe(FRAMES);
    // Far more chunks than buffers: the buffers were used again.
    expect(chunksSeen).toBeLessThan(10);
  });

  test('every CAN frame lands in can_frames with its own bytes', async () => {
    const store = await tempLake();
    const report = await ingestPaths({ store, paths: [bagPath], dbcs: [], vehicle: 'reuse' });
    expect(report.tables.can_frames?.rows).toBe(FRAMES);
    const rows = await duck.rows(
      `SELECT data FROM read_parquet(${sqlString(`${store.root}/tables/can_frames/**/*.parquet`)}) ORDER BY t`,
    );
    expect(rows).toHaveLength(FRAMES);
    rows.forEach((row, i) => expect([...(row.data as Uint8Array)]).toEqual([...frameData(i)]));
  });
});
