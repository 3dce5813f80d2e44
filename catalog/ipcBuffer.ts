/**
 * Arrow IPC stream serialisation into reused buffers.
 *
 * `tableToIPC` allocates a fresh buffer the size of the part (~36 MB per million can_signals rows) for
 * every part. First touches of fresh pages are what that costs, and in VMs they are slow (measured here:
 * ~5 µs per 4 KiB page, ~200 ms per part, against ~3 ms to copy into memory already touched). So parts are
 * serialised into buffers from a small process-wide pool, sized once from the part's column buffers.
 * The buffers are SharedArrayBuffers, so an encoding worker reads them in place instead of a copy.
 */
import { RecordBatchStreamWriter } from 'apache-arrow';
import type { Data, DataType, Table, Vector } from 'apache-arrow';

/**
 * Free buffers kept for reuse. Two writers (can_frames and can_signals) with two parts in flight each, plus
 * the part being serialised, hold five at once: a smaller pool dropped a buffer per part and the next part
 * paid for a fresh one (its pages first-touched: 2.0 → 0.55 s of main-thread profile on a 5M-frame log).
 */
const POOL_SIZE = 6;
const pool: IpcBuffer[] = [];

export class IpcBuffer {
  private bytes = new Uint8Array(new SharedArrayBuffer(0));

  /**
   * A buffer from the pool (or a new one). Give it back with `release()` once its bytes are consumed.
   * @param bytes the size needed, when known: the smallest pooled buffer that holds it is taken (else the
   *   largest, which grows least). @default 0
   */
  static take(bytes = 0): IpcBuffer {
    let best = -1;
    for (let i = 0; i < pool.length; i++) {
      const size = (pool[i] as IpcBuffer).bytes.length;
      const bestSize = best < 0 ? -1 : (pool[best] as IpcBuffer).bytes.length;
      const fits = size >= bytes;
      const bestFits = bestSize >= bytes;
      if (best < 0 || (fits && (!bestFits || size < bestSize)) || (!fits && !bestFits && size > bestSize))
        best = i;
    }
    return best < 0 ? new IpcBuffer() : (pool.splice(best, 1)[0] as IpcBuffer);
  }

  release(): void {
    if (pool.length < POOL_SIZE && !pool.includes(this)) pool.push(this);
  }

  /** Bytes `table` needs as an IPC stream, at most (see `write`). */
  static estimate(table: Table): number {
    return estimateIpcBytes(table);
  }

  /**
   * Writes `table` as an IPC stream and returns the bytes: a view of this buffer, valid until the next
   * `write`. Each chunk the Arrow writer produces is copied as is; Arrow's own join (`tableToIPC`) merges
   * chunks that are views of one ArrayBuffer, which loses data when two columns share a buffer.
   */
  async write(table: Table): Promise<Uint8Array> {
    this.reserve(estimateIpcBytes(table));
    const writer = RecordBatchStreamWriter.writeAll(table);
    let length = 0;
    for await (const chunk of writer as AsyncIterable<Uint8Array>) {
      this.reserve(length + chunk.byteLength);
      this.bytes.set(chunk, length);
      length += chunk.byteLength;
    }
    return this.bytes.subarray(0, length);
  }

  private reserve(size: number): void {
    if (size <= this.bytes.length) return;
    const next = new Uint8Array(new SharedArrayBuffer(Math.max(size, this.bytes.length * 2)));
    next.set(this.bytes);
    this.bytes = next;
  }
}

/** Body bytes of a table plus 8-byte alignment per buffer and room for the schema and message headers. */
function estimateIpcBytes(table: Table): number {
  let bytes = 64 * 1024;
  for (const batch of table.batches) bytes += dataBytes(batch.data);
  return bytes;
}

function dataBytes(data: Data): number {
  let bytes = 32;
  for (const buffer of [data.values, data.valueOffsets, data.nullBitmap, data.typeIds] as (
    ArrayBufferView | undefined
  )[]) {
    if (buffer) bytes += buffer.byteLength + 8;
  }
  for (const child of data.children) bytes += dataBytes(child);
  const dictionary = data.dictionary as Vector<DataType> | undefined;
  for (const chunk of dictionary?.data ?? []) bytes += dataBytes(chunk);
  return bytes;
}
