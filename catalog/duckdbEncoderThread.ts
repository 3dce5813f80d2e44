/**
 * Worker-thread entry of `DuckdbWorker`: owns a `DuckdbPartEncoder` and encodes the parts it is sent.
 *
 * Messages in: `{ id, part }` (a `DuckdbPart` whose views lie in a SharedArrayBuffer). Messages out:
 * `{ ready: true }` once DuckDB is open (or `{ failed }`), then per part `{ id, staged: true }` once its
 * rows are in DuckDB and `{ id, bytes }` (transferred) or `{ id, error }`; `'close'` closes DuckDB and answers `{ closed: true }`. Parts are taken in arrival
 * order; their COPYs overlap.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { MessagePort } from 'node:worker_threads';
import type { DuckdbPart } from './duckdbPart.js';
import { DuckdbPartEncoder } from './duckdbPartEncoder.js';
import type { DuckdbPartEncoderOptions } from './duckdbPartEncoder.js';

interface Request {
  id: number;
  part: DuckdbPart;
}

const port = parentPort;
if (port) {
  try {
    const encoder = await DuckdbPartEncoder.open(workerData as DuckdbPartEncoderOptions);
    port.on('message', (request: Request | 'close') => {
      if (request === 'close') {
        // DuckDB's native handles keep the thread's loop alive: the owner terminates it on this reply.
        void encoder.close().then(
          () => port.postMessage({ closed: true }),
          () => port.postMessage({ closed: true }),
        );
        return;
      }
      void encodePart(encoder, request, port).then(
        (bytes) => port.postMessage({ id: request.id, bytes }, [bytes.buffer as ArrayBuffer]),
        (error: unknown) => port.postMessage({ id: request.id, error: describe(error) }),
      );
    });
    port.postMessage({ ready: true });
  } catch (error) {
    port.postMessage({ failed: describe(error) });
  }
}

async function encodePart(
  encoder: DuckdbPartEncoder,
  request: Request,
  port: MessagePort,
): Promise<Uint8Array> {
  const staged = await encoder.stage(request.part);
  // The part's shared memory is free once DuckDB holds the rows: the owner reuses it for the next part.
  port.postMessage({ id: request.id, staged: true });
  const bytes = await staged.bytes;
  // Transfer needs a buffer of its own (a Buffer may be a slice of a shared pool).
  return bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength
    ? bytes
    : new Uint8Array(bytes);
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
