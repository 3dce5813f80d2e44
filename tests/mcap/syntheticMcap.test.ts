import { McapWriter, TempBuffer } from '@mcap/core';
import * as zstd from '@foxglove/wasm-zstd';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Reject } from '../../core/reject.js';
import { bytesSource } from '../../core/source.js';
import { readMcap } from '../../ingest/mcap/readMcap.js';
import type { BlobField, Decompressors, LogMessage } from '../../ingest/rosmsg/LogMessage.js';
import { loadDecompressors } from '../../ingest/rosmsg/decompressors.js';

const IMAGE_DEFINITION = [
  'std_msgs/Header header',
  'string format',
  'uint8[] data',
  '='.repeat(80),
  'MSG: std_msgs/Header',
  'uint32 seq',
  'time stamp',
  'string frame_id',
].join('\n');

/** ROS 1 serialisation of the message above (little-endian, u32-prefixed strings and arrays). */
function image(seq: number, stampNs: bigint, payload: Uint8Array): Uint8Array {
  const frame = new TextEncoder().encode('cam');
  const format = new TextEncoder().encode('jpeg');
  const out = new Uint8Array(4 + 8 + 4 + frame.length + 4 + format.length + 4 + payload.length);
  const view = new DataView(out.buffer);
  let at = 0;
  view.setUint32(at, seq, true);
  view.setUint32(at + 4, Number(stampNs / 1_000_000_000n), true);
  view.setUint32(at + 8, Number(stampNs % 1_000_000_000n), true);
  at += 12;
  for (const bytes of [frame, format, payload]) {
    view.setUint32(at, bytes.length, true);
    out.set(bytes, at + 4);
    at += 4 + bytes.length;
  }
  return out;
}

function payloadOf(seq: number, size: number): Uint8Array {
  return Uint8Array.from({ length: size }, (_, i) => (i * 7 + seq) & 0xff);
}

const T0 = 1_700_000_000_000_000_000n;

/** Writes images and JSON messages; `finish: false` leaves the file as an unfinished recording would. */
async function writeMcap(options: { compress: boolean; finish: boolean }): Promise<Uint8Array> {
  const buffer = new TempBuffer();
  const writer = new McapWriter({
    writable: buffer,
    chunkSize: 200_000,
    ...(options.compress
      ? {
          compressChunk: (data: Uint8Array) => ({ compression: 'zstd', compressedData: zstd.compress(data) }),
        }
      : {}),
  });
  await writer.start({ profile: 'ros1', library: 'adlake-test' });
  const imageSchema = await writer.registerSchema({
    name: 'sensor_msgs/CompressedImage',
    encoding: 'ros1msg',
    data: new TextEncoder().encode(IMAGE_DEFINITION),
  });
  const images = await writer.registerChannel({
    topic: '/cam',
    schemaId: imageSchema,
    messageEncoding: 'ros1',
    metadata: new Map(),
  });
  const json = await writer.registerChannel({
    topic: '/json',
    schemaId: 0,
    messageEncoding: 'json',
    metadata: new Map(),
  });
  const other = await writer.registerChannel({
    topic: '/proto',
    schemaId: 0,
    messageEncoding: 'protobuf',
    metadata: new Map(),
  });
  for (let i = 0; i < 12; i++) {
    const t = T0 + BigInt(i) * 100_000_000n;
    await writer.addMessage({
      channelId: images,
      sequence: i,
      logTime: t,
      publishTime: t,
      data: image(i, t - 5n, payloadOf(i, 70_000)),
    });
    // JSON messages are logged late: their log times interleave with images in other chunks.
    const late = t - 250_000_000n;
    await writer.addMessage({
      channelId: json,
      sequence: i,
      logTime: late,
      publishTime: late,
      data: new TextEncoder().encode(JSON.stringify({ i, speed: i * 1.5 })),
    });
    await writer.addMessage({
      channelId: other,
      sequence: i,
      logTime: t,
      publishTime: t,
      data: new Uint8Array(3),
    });
  }
  if (options.finish) await writer.end();
  return buffer.get().slice();
}

let decompress: Decompressors;
beforeAll(async () => {
  decompress = await loadDecompressors();
});

async function readAll(bytes: Uint8Array): Promise<{ records: LogMessage[]; rejects: Reject[] }> {
  const records: LogMessage[] = [];
  const rejects: Reject[] = [];
  for await (const batch of readMcap(bytesSource('synthetic.mcap', bytes), { decompress })) {
    records.push(...batch.records);
    rejects.push(...batch.rejects);
  }
  return { records, rejects };
}

describe('readMcap on written files', () => {
  for (const compress of [false, true]) {
    for (const finish of [true, false]) {
      it(`compress=${compress} finished=${finish}: json + ros1, blobs, order, rejects`, async () => {
        const bytes = await writeMcap({ compress, finish });
        const { records, rejects } = await readAll(bytes);
        const unsupported = rejects.filter((r) => r.reason === 'unsupported_encoding');
        expect(unsupported.length).toBe(1);
        expect(unsupported[0]!.message).toContain('/proto');
        expect(rejects.filter((r) => r.reason !== 'unsupported_encoding').map((r) => r.reason)).toEqual(
          finish ? [] : ['truncated'],
        );
        // An unfinished writer never flushed its last chunk: those messages do not exist in the file.
        for (const topic of ['/cam', '/json']) {
          const count = records.filter((m) => m.topic === topic).length;
          if (finish) expect(count).toBe(12);
          else expect(count).toBeGreaterThan(5);
        }
        if (finish) {
          // With a summary, chunks are merged: log-time order across chunks.
          for (let i = 1; i < records.length; i++)
            expect(records[i]!.logTime >= records[i - 1]!.logTime).toBe(true);
        }
        const json = records.find((m) => m.topic === '/json' && (m.message as { i: number }).i === 3)!;
        expect(json.encoding).toBe('json');
        expect(json.message).toEqual({ i: 3, speed: 4.5 });
        const cam = records.find(
          (m) => m.topic === '/cam' && (m.message as { header: { seq: number } }).header.seq === 5,
        )!;
        expect(cam.headerStamp).toBe(T0 + 500_000_000n - 5n);
        const blob = (cam.message as { data: BlobField; format: string }).data;
        expect(blob.size).toBe(70_000);
        expect(blob.encoding).toBe('jpeg');
        expect(blob.$blob.compressed).toBe(compress);
        expect(cam.ref.compressed).toBe(compress);
        if (!compress) {
          // The blob points at the very bytes in the file; the message ref at the raw message.
          expect(bytes.subarray(blob.$blob.offset, blob.$blob.offset + blob.$blob.length)).toEqual(
            payloadOf(5, 70_000),
          );
          expect(bytes.subarray(cam.ref.offset, cam.ref.offset + cam.ref.length)).toEqual(
            image(5, T0 + 500_000_000n - 5n, payloadOf(5, 70_000)),
          );
        } else {
          expect(blob.$blob).toEqual(cam.ref);
          expect(bytes[cam.ref.offset]).toBe(0x06); // a Chunk record
        }
      });
    }
  }

  it('an uncompressed chunk cut by the end of the file keeps its whole messages', async () => {
    const bytes = await writeMcap({ compress: false, finish: false });
    const { records: whole } = await readAll(bytes);
    const cut = bytes.subarray(0, Math.floor(bytes.byteLength * 0.8));
    const { records, rejects } = await readAll(cut);
    expect(records.length).toBeGreaterThan(0);
    expect(records.length).toBeLessThan(whole.length);
    const truncated = rejects.filter((r) => r.reason === 'truncated');
    expect(truncated.length).toBe(1);
    expect(truncated[0]!.offset).toBeLessThan(cut.byteLength);
  });
});
