/**
 * Worker-thread entry of `ColumnsWorker`: owns a `ColumnsParquetEncoder` and encodes the parts it is sent.
 *
 * Messages in: `{ id, part }` (a `ColumnsPart` whose views lie in a SharedArrayBuffer). Messages out:
 * `{ ready: true }` once zstd is loaded (or `{ failed }`), then per part `{ id, staged: true }` once its
 * rows are encoded (the shared memory is free again) and `{ id, bytes }` (transferred) or `{ id, error }`;
 * `'close'` answers `{ closed: true }`. Parts are encoded in arrival order.
 */
import { parentPort } from 'node:worker_threads';
import { ColumnsParquetEncoder } from './columnsParquet.js';
import type { ColumnsPart } from './columnsPart.js';
import { ZstdCompressor } from './zstdCompressor.js';

interface Request {
  id: number;
  part: ColumnsPart;
}

const port = parentPort;
if (port) {
  try {
    const encoder = new ColumnsParquetEncoder(await ZstdCompressor.open());
    port.on('message', (request: Request | 'close') => {
      if (request === 'close') {
        port.postMessage({ closed: true });
        return;
      }
      let bytes: Uint8Array;
      try {
        bytes = encoder.encode(request.part);
      } catch (error) {
        port.postMessage({ id: request.id, error: describe(error) });
        return;
      }
      port.postMessage({ id: request.id, staged: true });
      port.postMessage({ id: request.id, bytes }, [bytes.buffer as ArrayBuffer]);
    });
    port.postMessage({ ready: true });
  } catch (error) {
    port.postMessage({ failed: describe(error) });
  }
}

function describe(error: unknown): { message: string; stack?: string; cause?: string } {
  if (!(error instanceof Error)) return { message: String(error) };
  const cause = error.cause instanceof Error ? error.cause.message : undefined;
  return {
    message: error.message,
    ...(error.stack ? { stack: error.stack } : {}),
    ...(cause ? { cause } : {}),
  };
}
