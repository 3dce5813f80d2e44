import { describe, expect, test } from 'vitest';
import { ChunkBuffers } from '../../ingest/rosmsg/chunkBuffers.js';

describe('ChunkBuffers', () => {
  test('a buffer is handed out again only after every message made from it is done', () => {
    const buffers = new ChunkBuffers();
    const first = buffers.take(100);
    buffers.retain(first, 2);
    buffers.done(first.subarray(10, 20));
    expect(buffers.take(50).buffer).not.toBe(first.buffer);
    buffers.done(first.subarray(30, 40));
    const again = buffers.take(80);
    expect(again.buffer).toBe(first.buffer);
    expect(again).toHaveLength(80);
  });

  test('a buffer with no messages is free at once; a too small one is not taken for a larger read', () => {
    const buffers = new ChunkBuffers();
    const small = buffers.take(10);
    buffers.retain(small, 0);
    expect(buffers.take(20).buffer).not.toBe(small.buffer);
    expect(buffers.take(10).buffer).toBe(small.buffer);
  });

  test('bytes it did not hand out are never reused (a source may return views of its own memory)', () => {
    const buffers = new ChunkBuffers();
    const foreign = new Uint8Array(1000);
    buffers.retain(foreign, 1);
    buffers.done(foreign);
    buffers.retain(foreign, 0);
    expect(buffers.take(10).buffer).not.toBe(foreign.buffer);
  });

  test('keeps at most `keep` free buffers', () => {
    const buffers = new ChunkBuffers(1);
    const a = buffers.take(10);
    const b = buffers.take(10);
    buffers.retain(a, 0);
    buffers.retain(b, 0);
    expect(buffers.take(10).buffer).toBe(a.buffer);
    expect(buffers.take(10).buffer).not.toBe(b.buffer);
  });
});
