import { seededRandom } from '../ingest/demo/random.js';
import type { CanStream } from './canProfile.js';
import type { DbcMessageInfo } from './dbcCatalog.js';
import { LineSink } from './lineSink.js';

export interface CandumpOptions {
  /** The periodic streams to replay (see `readCanProfile`). */
  streams: CanStream[];
  /** How many frames to write. */
  frames: number;
  /** The DBC the log will be decoded with, to count DBC frames and the signals they decode to. */
  catalog: Map<number, DbcMessageInfo>;
  seed: number;
  /** First timestamp, microseconds since the epoch. */
  startUs: number;
}

const JITTER_SIGMA_US = 30;
const JITTER_BOUND_US = 150;

/** What was written: the facts the benchmark checks adlake's row counts against. */
export interface CandumpStats {
  frames: number;
  bytes: number;
  /** Frames whose id the DBC defines. */
  dbcFrames: number;
  /** DBC frames whose payload length equals the DBC message length (decodable by any tool). */
  decodableFrames: number;
  /** Signal values those decodable frames hold: the can_signals rows expected (upper bound if multiplexed). */
  signals: number;
  buses: string[];
}

/**
 * Writes a `candump -L` log of `frames` frames by replaying each stream at its recorded period, with
 * seeded arrival jitter and a random phase per stream, merged in time order through a min-heap, so the
 * interleaving looks like a real multi-ECU bus. Streaming: memory is the streams' payloads, not the log.
 */
export async function writeCandump(path: string, options: CandumpOptions): Promise<CandumpStats> {
  const { streams, frames, catalog } = options;
  if (streams.length === 0) throw new Error('bench: no CAN streams to generate from');
  const random = seededRandom(options.seed);
  const count = streams.length;
  const next = new Float64Array(count);
  const emitted = new Float64Array(count);
  const phase = new Float64Array(count);
  const prefix: string[] = [];
  const signalsPerFrame: Int32Array[] = [];
  for (let i = 0; i < count; i++) {
    const stream = streams[i] as CanStream;
    phase[i] = random.uniform(0, stream.periodUs);
    next[i] = options.startUs + (phase[i] ?? 0);
    prefix[i] = `${stream.bus} ${stream.idText}#`;
    const message = catalog.get(stream.key);
    // -1: id not in the DBC; 0: in the DBC but the payload length differs; else signals decoded
    signalsPerFrame[i] = Int32Array.from(stream.payloads, (p) =>
      message === undefined ? -1 : p.length / 2 === message.length ? message.signals : 0,
    );
  }
  const heap = Array.from({ length: count }, (_, i) => i);
  const less = (a: number, b: number): boolean => (next[a] ?? 0) < (next[b] ?? 0);
  for (let i = (count >> 1) - 1; i >= 0; i--) siftDown(heap, i, less);

  const sink = new LineSink(path);
  const stats: CandumpStats = {
    frames,
    bytes: 0,
    dbcFrames: 0,
    decodableFrames: 0,
    signals: 0,
    buses: [...new Set(streams.map((s) => s.bus))].sort(),
  };
  let lastSecond = -1;
  let secondText = '';
  try {
    for (let n = 0; n < frames; n++) {
      const i = heap[0] as number;
      const stream = streams[i] as CanStream;
      const k = emitted[i] ?? 0;
      const us = Math.round(next[i] ?? 0);
      const second = Math.floor(us / 1e6);
      if (second !== lastSecond) {
        lastSecond = second;
        secondText = `(${second}.`;
      }
      const slot = k % stream.payloads.length;
      const line = `${secondText}${String(us - second * 1e6).padStart(6, '0')}) ${prefix[i]}${stream.payloads[slot]}\n`;
      stats.bytes += line.length;
      const decoded = signalsPerFrame[i]?.[slot] ?? -1;
      if (decoded >= 0) stats.dbcFrames += 1;
      if (decoded > 0) {
        stats.decodableFrames += 1;
        stats.signals += decoded;
      }
      sink.append(line);
      if (sink.full) await sink.flush();

      // Next arrival: the nominal slot plus bus arbitration jitter (tens of microseconds, bounded by a
      // quarter period so each stream stays in order).
      emitted[i] = k + 1;
      const bound = Math.min(stream.periodUs / 4, JITTER_BOUND_US);
      const jitter = Math.max(-bound, Math.min(bound, random.gauss(JITTER_SIGMA_US)));
      next[i] = options.startUs + (phase[i] ?? 0) + (k + 1) * stream.periodUs + jitter;
      siftDown(heap, 0, less);
    }
  } finally {
    await sink.close();
  }
  return stats;
}

function siftDown(heap: number[], start: number, less: (a: number, b: number) => boolean): void {
  let i = start;
  const item = heap[i] as number;
  for (;;) {
    const left = 2 * i + 1;
    if (left >= heap.length) break;
    const right = left + 1;
    const child = right < heap.length && less(heap[right] as number, heap[left] as number) ? right : left;
    if (!less(heap[child] as number, item)) break;
    heap[i] = heap[child] as number;
    i = child;
  }
  heap[i] = item;
}
