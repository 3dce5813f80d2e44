import type { Reject } from '../../core/reject.js';
import type { ByteStream } from '../../core/source.js';
import type { CanFrame } from '../../ingest/can/frame.js';
import type { CanLogBatch } from '../../ingest/can/readCanLog.js';

/** A frame with the batch's measurement start, so tests can compare the file's relative time. */
export interface CollectedFrame extends CanFrame {
  measurementStart: bigint | undefined;
}

/** Reads all batches of a reader into arrays (test inputs are small). */
export async function collect(
  batches: AsyncIterable<CanLogBatch>,
): Promise<{ frames: CollectedFrame[]; rejects: Reject[]; batches: number }> {
  const frames: CollectedFrame[] = [];
  const rejects: Reject[] = [];
  let count = 0;
  for await (const batch of batches) {
    count += 1;
    for (const frame of batch.records) frames.push({ ...frame, measurementStart: batch.measurementStart });
    rejects.push(...batch.rejects);
  }
  return { frames, rejects, batches: count };
}

/** A frame's fields without its time, payload as its length: the row shape the format tests compare. */
export function frameShape(f: CanFrame): unknown[] {
  return [f.bus, f.id, f.extended, f.dlc, f.data.length, f.fd, f.brs, f.esi, f.error, f.remote, f.direction];
}

/**
 * Exact rejects by reason from a reader's output alone: a summary reject stands for `count` rejects
 * (those past the detail cap), any other for one.
 */
export function countByReason(rejects: readonly Reject[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const r of rejects) counts[r.reason] = (counts[r.reason] ?? 0) + (r.count ?? 1);
  return counts;
}

export function sumValues(counts: Record<string, number>): number {
  return Object.values(counts).reduce((a, b) => a + b, 0);
}

/** A byte stream over `bytes` in chunks of the given sizes (cycled), to exercise chunk boundaries. */
export function chunked(bytes: Uint8Array, sizes: number[] = [1 << 20]): ByteStream {
  const pieces: Uint8Array[] = [];
  let offset = 0;
  for (let i = 0; offset < bytes.length; i++) {
    const size = Math.max(1, sizes[i % sizes.length] ?? 1);
    pieces.push(bytes.slice(offset, offset + size));
    offset += size;
  }
  let next = 0;
  return {
    [Symbol.asyncIterator]: () => ({
      next: (): Promise<IteratorResult<Uint8Array, undefined>> => {
        const value = pieces[next++];
        return Promise.resolve(
          value === undefined ? { done: true, value: undefined } : { done: false, value },
        );
      },
    }),
  };
}

export function bytesOf(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}

export function hex(data: Uint8Array): string {
  return Buffer.from(data).toString('hex');
}

/** Seeded linear congruential generator (deterministic test data). */
export function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}
