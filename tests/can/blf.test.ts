import { readFile } from 'node:fs/promises';
import { deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { DecodeError } from '../../core/errors.js';
import { bytesSource } from '../../core/source.js';
import { nodeInflate } from '../../ingest/can/nodeCodecs.js';
import { readBlf } from '../../ingest/can/readBlf.js';
import { chunked, collect, countByReason, hex, seeded } from './collect.js';

/**
 * The data folder has only uncompressed BLF files (python-can's test files). These tests rebuild them
 * with zlib-compressed containers, objects split across containers, damage and truncation, and expect the
 * same frames (or rejects, never a crash).
 */
const CAN = '../shared/data/can/python-can/test_CanMessage.blf';
const CAN_FD = '../shared/data/can/python-can/test_CanFdMessage.blf';

/** File header and the decoded object stream of a BLF file with uncompressed containers. */
async function parts(path: string): Promise<{ header: Uint8Array; objects: Uint8Array }> {
  const file = new Uint8Array(await readFile(path));
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  const headerSize = view.getUint32(4, true);
  const payloads: Uint8Array[] = [];
  for (let at = headerSize; at + 16 <= file.length;) {
    const size = view.getUint32(at + 8, true);
    const type = view.getUint32(at + 12, true);
    expect(type).toBe(10);
    expect(view.getUint16(at + 16, true)).toBe(0); // stored uncompressed
    payloads.push(file.slice(at + 32, at + size));
    at += size + (size % 4);
  }
  return { header: file.slice(0, headerSize), objects: Buffer.concat(payloads) };
}

/** A LOG_CONTAINER object holding `payload`, zlib-compressed unless `stored`. */
function container(payload: Uint8Array, options: { stored?: boolean; corrupt?: boolean } = {}): Uint8Array {
  let data: Uint8Array = options.stored ? payload : deflateSync(payload);
  if (options.corrupt) data = data.map((b, i) => (i > 2 ? b ^ 0x5a : b));
  const size = 32 + data.length;
  const out = new Uint8Array(size + (size % 4));
  const view = new DataView(out.buffer);
  out.set([0x4c, 0x4f, 0x42, 0x4a], 0);
  view.setUint16(4, 16, true);
  view.setUint16(6, 1, true);
  view.setUint32(8, size, true);
  view.setUint32(12, 10, true);
  view.setUint16(16, options.stored ? 0 : 2, true);
  view.setUint32(24, payload.length, true);
  out.set(data, 32);
  return out;
}

async function read(bytes: Uint8Array, maxDetailedRejects?: number) {
  return collect(
    readBlf(bytesSource('test.blf', bytes), { uri: 'test.blf', inflate: nodeInflate, maxDetailedRejects }),
  );
}

function summary(frames: Awaited<ReturnType<typeof read>>['frames']): string[] {
  return frames.map(
    (f) => `${f.t} ${f.bus} ${f.id} ${f.dlc} ${hex(f.data)} ${f.fd} ${f.brs} ${f.esi} ${f.direction}`,
  );
}

describe('BLF', () => {
  it('reads the same frames from zlib containers, and from objects split across containers', async () => {
    for (const path of [CAN, CAN_FD]) {
      const original = await collect(
        readBlf(bytesSource(path, new Uint8Array(await readFile(path))), { uri: path, inflate: nodeInflate }),
      );
      expect(original.rejects).toEqual([]);
      expect(original.frames.length).toBeGreaterThan(0);
      const { header, objects } = await parts(path);

      const compressed = await read(Buffer.concat([header, container(objects)]));
      expect(compressed.rejects).toEqual([]);
      expect(summary(compressed.frames)).toEqual(summary(original.frames));

      // Every split point, including inside object headers and payloads.
      for (let cut = 1; cut < objects.length; cut += 7) {
        const split = await read(
          Buffer.concat([
            header,
            container(objects.subarray(0, cut)),
            container(objects.subarray(cut), { stored: cut % 2 === 0 }),
          ]),
        );
        expect(split.rejects, `cut ${cut}`).toEqual([]);
        expect(summary(split.frames), `cut ${cut}`).toEqual(summary(original.frames));
      }

      // The same through a byte stream in odd chunk sizes.
      const streamed = await collect(
        readBlf(chunked(Buffer.concat([header, container(objects)]), [3, 17, 1]), {
          uri: path,
          inflate: nodeInflate,
        }),
      );
      expect(summary(streamed.frames)).toEqual(summary(original.frames));
    }
  });

  it('applies the header start time (SYSTEMTIME, with a UTC offset)', async () => {
    const { header, objects } = await parts(CAN);
    const view = new DataView(header.buffer, header.byteOffset);
    [2021, 12, 6, 18, 14, 28, 7, 62].forEach((v, i) => view.setUint16(40 + 2 * i, v, true));
    const bytes = Buffer.concat([header, container(objects)]);
    const utc = await collect(readBlf(bytesSource('x', bytes), { uri: 'x', inflate: nodeInflate }));
    const start = BigInt(Date.UTC(2021, 11, 18, 14, 28, 7, 62)) * 1_000_000n;
    expect(utc.frames[0]?.measurementStart).toBe(start);
    expect(utc.frames[0]?.t).toBe(start + 0x2222222222222222n);
    const cet = await collect(
      readBlf(bytesSource('x', bytes), { uri: 'x', inflate: nodeInflate, utcOffsetMinutes: 60 }),
    );
    expect(cet.frames[0]?.measurementStart).toBe(start - 3_600_000_000_000n);
  });

  it('rejects objects whose time int64 nanoseconds cannot hold, with their offset', async () => {
    const { header, objects } = await parts(CAN);
    const view = new DataView(header.buffer, header.byteOffset);
    // Start in 2250: the objects' 0x2222222222222222 ns after it are past 2262.
    [2250, 1, 0, 1, 0, 0, 0, 0].forEach((v, i) => view.setUint16(40 + 2 * i, v, true));
    const { frames, rejects } = await read(Buffer.concat([header, container(objects)]));
    expect(frames).toEqual([]);
    expect(rejects.length).toBeGreaterThan(0);
    for (const reject of rejects) {
      expect(reject.reason).toBe('time_out_of_range');
      expect(reject.offset).toBeGreaterThan(0);
    }
  });

  it('throws a DecodeError for a file that is not BLF', async () => {
    await expect(read(new TextEncoder().encode('(1.0) can0 123#00\n'))).rejects.toBeInstanceOf(DecodeError);
    await expect(read(new Uint8Array(0))).rejects.toBeInstanceOf(DecodeError);
  });

  it('rejects, never crashes, on every truncation of a file', async () => {
    const { header, objects } = await parts(CAN_FD);
    const bytes = Buffer.concat([header, container(objects), container(objects, { stored: true })]);
    const full = await read(bytes);
    const allowed = new Set(['truncated', 'bad_signature', 'bad_object', 'inflate_failed', 'bad_container']);
    for (let length = 72; length < bytes.length; length += 5) {
      const cut = await read(bytes.subarray(0, length));
      expect(cut.frames.length).toBeLessThanOrEqual(full.frames.length);
      for (const reject of cut.rejects)
        expect(allowed.has(reject.reason), `${length}: ${reject.message}`).toBe(true);
      // Every frame read from a prefix is one of the file's frames, in order.
      expect(summary(cut.frames)).toEqual(summary(full.frames).slice(0, cut.frames.length));
    }
  });

  it('resynchronises after garbage between containers and rejects undecodable containers', async () => {
    const { header, objects } = await parts(CAN);
    const random = seeded(7);
    const garbage = new Uint8Array(37).map(() => Math.floor(random() * 256));
    const bytes = Buffer.concat([
      header,
      container(objects),
      garbage,
      container(objects, { corrupt: true }),
      container(objects),
    ]);
    const { frames, rejects } = await read(bytes);
    expect(rejects.map((r) => r.reason)).toEqual(['bad_signature', 'inflate_failed']);
    expect(rejects[0]?.offset).toBe(header.length + container(objects).length);
    expect(frames).toHaveLength(4);
  });

  it('lists maxDetailedRejects per reason, then a summary at the first omitted offset', async () => {
    const { header, objects } = await parts(CAN);
    const random = seeded(11);
    const garbage = new Uint8Array(40).map(() => Math.floor(random() * 256));
    const good = container(objects);
    const bytes = Buffer.concat([header, good, garbage, good, garbage, good, garbage, good]);
    const { frames, rejects } = await read(bytes, 1);
    expect(frames).toHaveLength(8); // 2 frames per container
    expect(countByReason(rejects)).toEqual({ bad_signature: 3 });
    const second = header.length + 2 * good.length + garbage.length;
    expect(rejects.map((r) => [r.offset, r.count])).toEqual([
      [header.length + good.length, undefined],
      [second, 2],
    ]);
    expect(rejects[1]?.message).toContain(`from byte ${second}`);
  });
});
