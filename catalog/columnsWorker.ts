/**
 * Node adapter: adlake's own Parquet encoder (`columnsParquet.ts`) on a worker thread, as a
 * `ParquetEncoder` for `PartitionedTableWriter`.
 *
 * The thread that decodes the input only copies the part's column arrays into shared memory (a memcpy
 * per column) and goes on; encoding and zstd run on the worker. Parts that the encoder does not take
 * (nested columns, snappy) and Arrow IPC parts go to the fallback encoder.
 */
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { InternalError, UsageError } from '../core/errors.js';
import type { ColumnView } from './columnBuffer.js';
import { planColumnsPart } from './columnsPart.js';
import type { ColumnsPart } from './columnsPart.js';
import type { ColumnarPart, ParquetEncoder, StagedPart, WriterPlan } from './parquetWriter.js';

export interface ColumnsWorkerOptions {
  /** Encodes the parts the columns encoder does not take, and Arrow IPC parts. */
  fallback: ParquetEncoder;
}

interface Reply {
  id?: number;
  ready?: boolean;
  failed?: ErrorText;
  closed?: boolean;
  staged?: boolean;
  bytes?: Uint8Array;
  error?: ErrorText;
}

interface ErrorText {
  message: string;
  stack?: string;
  cause?: string;
}

/** Shared buffers kept for reuse (first touches of fresh pages are slow in VMs; see `ipcBuffer.ts`). */
const POOL_SIZE = 3;

/** A `ParquetEncoder` whose columnar path encodes on a worker thread. Call `close()`. */
export class ColumnsWorker implements ParquetEncoder {
  private readonly pending = new Map<
    number,
    { resolve: (b: Uint8Array) => void; reject: (e: Error) => void; staged: () => void }
  >();
  private readonly pool: SharedArrayBuffer[] = [];
  private nextId = 0;
  private dead: Error | undefined;
  private onClosed: (() => void) | undefined;
  private closed = false;

  private constructor(
    private readonly worker: Worker,
    private readonly fallback: ParquetEncoder,
  ) {
    worker.on('message', (reply: Reply) => this.settle(reply));
    worker.on('error', (error) => this.fail(error));
    worker.on('exit', (code) =>
      this.fail(new InternalError(`Parquet encoder thread exited with code ${code}`)),
    );
    // An idle thread does not keep the process alive; one with parts in flight does.
    worker.unref();
  }

  /** Starts the thread and waits until its encoder (zstd) is loaded. */
  static async start(options: ColumnsWorkerOptions): Promise<ColumnsWorker> {
    const { fallback } = options;
    const worker = spawnThread();
    const listeners: {
      error?: (e: Error) => void;
      exit?: (code: number) => void;
      message?: (r: Reply) => void;
    } = {};
    try {
      await new Promise<void>((resolve, reject) => {
        listeners.error = reject;
        listeners.exit = (code) =>
          reject(new InternalError(`Parquet encoder thread exited with code ${code}`));
        listeners.message = (reply) =>
          reply.ready
            ? resolve()
            : reject(
                new InternalError(`Parquet encoder did not start: ${reply.failed?.message ?? 'no reply'}`),
              );
        worker.once('error', listeners.error);
        worker.once('exit', listeners.exit);
        worker.once('message', listeners.message);
      });
    } catch (error) {
      await worker.terminate();
      throw error;
    } finally {
      if (listeners.error) worker.off('error', listeners.error);
      if (listeners.exit) worker.off('exit', listeners.exit);
      if (listeners.message) worker.off('message', listeners.message);
    }
    return new ColumnsWorker(worker, fallback);
  }

  encode(ipc: Uint8Array, plan: WriterPlan): Promise<Uint8Array> {
    return this.fallback.encode(ipc, plan);
  }

  stageColumns(part: ColumnarPart, plan: WriterPlan): Promise<StagedPart | undefined> {
    if (this.closed) return Promise.reject(new UsageError('the Parquet encoder thread is closed'));
    if (this.dead) return Promise.reject(this.dead);
    const planned = planColumnsPart(part, plan);
    if (!planned) return Promise.resolve(undefined);
    const shared = this.share(planned.views);
    const id = this.nextId++;
    let given = false;
    const giveBack = (): void => {
      if (!given) this.giveBack(shared.buffer);
      given = true;
    };
    const bytes = new Promise<Uint8Array>((resolve, reject) => {
      if (this.pending.size === 0) this.worker.ref();
      this.pending.set(id, { resolve, reject, staged: giveBack });
    }).finally(giveBack);
    const message: { id: number; part: ColumnsPart } = { id, part: { ...planned, views: shared.views } };
    this.worker.postMessage(message);
    // The writer attaches its handler once this resolves; until then a failure is not unhandled.
    bytes.catch(() => undefined);
    return Promise.resolve({ bytes });
  }

  /** Stops the thread; parts still encoding fail. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (!this.dead) {
      const closed = new Promise<void>((resolve) => {
        this.onClosed = resolve;
        this.worker.once('exit', () => resolve());
      });
      this.worker.ref();
      this.worker.postMessage('close');
      await closed;
    }
    this.fail(new UsageError('the Parquet encoder thread is closed'));
    await this.worker.terminate();
  }

  /** Copies the views' arrays into one shared buffer (8-byte aligned) and views them there. */
  private share(views: readonly ColumnView[]): { buffer: SharedArrayBuffer; views: ColumnView[] } {
    let size = 0;
    const add = (array: ArrayBufferView | undefined): void => {
      if (array) size += align8(array.byteLength);
    };
    for (const view of views) {
      add(view.valid);
      if (view.kind === 'fixed') add(view.values);
      else if (view.kind === 'bool') add(view.bytes);
      else if (view.kind === 'dictionary') add(view.indices);
      else if (view.kind === 'bytes') {
        add(view.offsets);
        add(view.data);
      } else if (view.kind === 'list') {
        add(view.offsets);
        add(view.itemOffsets);
        add(view.items);
      }
    }
    const buffer = this.take(size);
    let at = 0;
    /** Copies an array's bytes to the next free offset; returns that offset. */
    const place = (array: ArrayBufferView): number => {
      const offset = at;
      const bytes = new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
      new Uint8Array(buffer, offset, array.byteLength).set(bytes);
      at += align8(array.byteLength);
      return offset;
    };
    const u8 = (array: Uint8Array): Uint8Array => new Uint8Array(buffer, place(array), array.length);
    const i32 = (array: Int32Array): Int32Array => new Int32Array(buffer, place(array), array.length);
    const out = views.map((view): ColumnView => {
      const valid = view.valid ? { valid: u8(view.valid) } : {};
      switch (view.kind) {
        case 'fixed': {
          const { values } = view;
          const Type = values.constructor as new (
            b: SharedArrayBuffer,
            o: number,
            n: number,
          ) => typeof values;
          return { kind: 'fixed', values: new Type(buffer, place(values), values.length), ...valid };
        }
        case 'bool':
          return { kind: 'bool', bytes: u8(view.bytes), ...valid };
        case 'dictionary':
          return { kind: 'dictionary', indices: i32(view.indices), strings: view.strings, ...valid };
        case 'bytes':
          return { kind: 'bytes', offsets: i32(view.offsets), data: u8(view.data), ...valid };
        case 'list':
          return {
            kind: 'list',
            offsets: i32(view.offsets),
            itemOffsets: i32(view.itemOffsets),
            items: u8(view.items),
            ...valid,
          };
        case 'values':
          throw new InternalError('nested columns do not reach the columns encoder');
      }
    });
    return { buffer, views: out };
  }

  private take(size: number): SharedArrayBuffer {
    let best = -1;
    for (let i = 0; i < this.pool.length; i++) {
      const length = (this.pool[i] as SharedArrayBuffer).byteLength;
      if (length >= size && (best < 0 || length < (this.pool[best] as SharedArrayBuffer).byteLength))
        best = i;
    }
    if (best >= 0) return this.pool.splice(best, 1)[0] as SharedArrayBuffer;
    // Room to grow: the next part of the same table is about as large.
    return new SharedArrayBuffer(Math.ceil((size * 1.25) / 65536) * 65536);
  }

  private giveBack(buffer: SharedArrayBuffer): void {
    if (this.pool.length < POOL_SIZE) this.pool.push(buffer);
  }

  private settle(reply: Reply): void {
    if (reply.closed) this.onClosed?.();
    if (reply.id === undefined) return;
    const waiter = this.pending.get(reply.id);
    if (!waiter) return;
    if (reply.staged) {
      waiter.staged();
      return;
    }
    this.pending.delete(reply.id);
    if (this.pending.size === 0) this.worker.unref();
    if (reply.bytes) {
      waiter.resolve(reply.bytes);
    } else {
      const error = new InternalError(
        `Parquet encoding failed: ${reply.error?.message ?? 'no reply'}${reply.error?.cause ? ` (${reply.error.cause})` : ''}`,
      );
      if (reply.error?.stack) error.stack = reply.error.stack;
      waiter.reject(error);
    }
  }

  private fail(error: Error): void {
    this.dead ??= error;
    for (const waiter of this.pending.values()) waiter.reject(error);
    this.pending.clear();
  }
}

/**
 * Starts the thread. The built package runs `columnsEncoderThread.js`; from TypeScript sources (tests)
 * the thread registers tsx's loader first (`--import` in a worker's execArgv is not applied by Node 20).
 */
function spawnThread(): Worker {
  const here = import.meta.url;
  if (!here.endsWith('.ts')) return new Worker(new URL('./columnsEncoderThread.js', here));
  const tsx = pathToFileURL(createRequire(here).resolve('tsx/package.json')).href;
  const api = new URL('./dist/esm/api/index.mjs', tsx).href;
  const entry = new URL('./columnsEncoderThread.ts', here).href;
  const source = `import(${JSON.stringify(api)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry)}); });`;
  return new Worker(source, { eval: true });
}

function align8(bytes: number): number {
  return (bytes + 7) & ~7;
}
