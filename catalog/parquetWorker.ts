/**
 * Node adapter: Parquet encoding on worker threads, so the thread that decodes logs keeps decoding while
 * another core encodes (the encoding is ~80% of the writer's work; see `parquetWriter.ts`).
 *
 * The main thread serialises each part to an Arrow IPC stream in shared memory (cheap, a copy); a worker
 * runs parquet-wasm on it and transfers the Parquet bytes back. The worker is a small CommonJS script
 * evaluated from a string, so it runs the same from TypeScript sources under a test runner and from the
 * compiled package; it applies the same `WriterPlan` as `encodeParquetIpc` (a test checks both produce
 * identical bytes).
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { InternalError, UsageError } from '../core/errors.js';
import { WASM_NAMES } from './parquetWriter.js';
import type { ParquetEncoder, WriterPlan } from './parquetWriter.js';

// Keep in step with `writerProperties` in parquetWriter.ts.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const pw = require(workerData.parquetWasm);
const names = workerData.names;
parentPort.on('message', ({ id, ipc, plan }) => {
  try {
    let builder = new pw.WriterPropertiesBuilder()
      .setCompression(pw.Compression[names.compression[plan.compression]])
      .setMaxRowGroupSize(plan.rowGroupRows)
      .setStatisticsEnabled(pw.EnabledStatistics.Page)
      .setDictionaryEnabled(true);
    for (const column of plan.columns) {
      if (column.dictionary !== undefined) builder = builder.setColumnDictionaryEnabled(column.name, column.dictionary);
      if (column.encoding !== undefined) builder = builder.setColumnEncoding(column.name, pw.Encoding[names.encoding[column.encoding]]);
      if (column.statistics !== undefined) builder = builder.setColumnStatisticsEnabled(column.name, pw.EnabledStatistics[names.statistics[column.statistics]]);
    }
    const bytes = pw.writeParquet(pw.Table.fromIPCStream(ipc), builder.build());
    parentPort.postMessage({ id, bytes }, [bytes.buffer]);
  } catch (error) {
    parentPort.postMessage({ id, error: { message: String((error && error.message) || error), stack: error && error.stack } });
  }
});
`;

interface Reply {
  id: number;
  bytes?: Uint8Array;
  error?: { message: string; stack?: string };
}

interface Slot {
  worker: Worker;
  pending: Map<number, { resolve: (bytes: Uint8Array) => void; reject: (error: Error) => void }>;
  /** Set when the thread has died; its parts fail and it takes no more. */
  dead?: Error;
}

/** A small pool of encoding threads; a `ParquetEncoder` for `PartitionedTableWriter`. Call `close()`. */
export class ParquetWorker implements ParquetEncoder {
  private nextId = 0;
  private closed = false;

  private constructor(private readonly slots: Slot[]) {}

  /**
   * Starts the threads and waits until they are up.
   * @param options.threads encoding threads. @default 1 (one more core besides the decoding thread)
   */
  static async start(options: { threads?: number } = {}): Promise<ParquetWorker> {
    const threads = options.threads ?? 1;
    if (!Number.isInteger(threads) || threads < 1)
      throw new UsageError(`threads must be a positive integer, got ${threads}`);
    const parquetWasm = createRequire(import.meta.url).resolve('parquet-wasm');
    const slots = await Promise.all(
      Array.from({ length: threads }, async () => {
        const worker = new Worker(WORKER_SOURCE, {
          eval: true,
          workerData: { parquetWasm, names: WASM_NAMES },
        });
        await new Promise<void>((resolve, reject) => {
          worker.once('online', resolve);
          worker.once('error', reject);
        });
        const slot: Slot = { worker, pending: new Map() };
        worker.on('message', (reply: Reply) => settle(slot, reply));
        worker.on('error', (error) => failAll(slot, error));
        worker.on('exit', (code) =>
          failAll(slot, new InternalError(`parquet worker exited with code ${code}`)),
        );
        // Idle workers do not keep the process alive; busy ones do (see `encode`).
        worker.unref();
        return slot;
      }),
    );
    return new ParquetWorker(slots);
  }

  encode(ipc: Uint8Array, plan: WriterPlan): Promise<Uint8Array> {
    if (this.closed) return Promise.reject(new UsageError('the parquet worker is closed'));
    let slot: Slot | undefined;
    for (const s of this.slots) if (!s.dead && (!slot || s.pending.size < slot.pending.size)) slot = s;
    if (!slot) return Promise.reject(this.slots[0]?.dead ?? new InternalError('no parquet worker thread'));
    const chosen = slot;
    const id = this.nextId++;
    return new Promise<Uint8Array>((resolve, reject) => {
      if (chosen.pending.size === 0) chosen.worker.ref();
      chosen.pending.set(id, { resolve, reject });
      // A view of a SharedArrayBuffer (as IpcBuffer makes) is shared with the worker; any other is copied.
      chosen.worker.postMessage({ id, ipc, plan });
    });
  }

  /** Stops the threads; parts still encoding fail. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all(this.slots.map((slot) => slot.worker.terminate()));
  }
}

function settle(slot: Slot, reply: Reply): void {
  const waiter = slot.pending.get(reply.id);
  if (!waiter) return;
  slot.pending.delete(reply.id);
  if (slot.pending.size === 0) slot.worker.unref();
  if (reply.bytes) {
    waiter.resolve(reply.bytes);
  } else {
    const error = new InternalError(
      `parquet encoding failed in the worker: ${reply.error?.message ?? 'no reply'}`,
    );
    if (reply.error?.stack) error.stack = reply.error.stack;
    waiter.reject(error);
  }
}

function failAll(slot: Slot, error: Error): void {
  slot.dead ??= error;
  for (const waiter of slot.pending.values()) waiter.reject(error);
  slot.pending.clear();
}
