import { DecodeError, UsageError } from '../../core/errors.js';
import type { Batch } from '../../core/reject.js';
import type { RejectLimits } from '../../core/rejectTally.js';
import { streamSource } from '../../core/source.js';
import type { ByteStream, RandomAccessSource } from '../../core/source.js';
import type { CanFrame } from './frame.js';
import { readAsc } from './readAsc.js';
import { readBlf } from './readBlf.js';
import type { Inflate } from './readBlf.js';
import { readCandump } from './readCandump.js';
import { readTrc } from './readTrc.js';
import { SNIFF_BYTES, isGzip, sniffCanLog } from './sniff.js';
import type { CanLogFormat } from './sniff.js';
import { peekStream } from './streamReader.js';

/** Options of `openCanLog` / `readCanLog`. */
export interface CanLogOptions extends RejectLimits {
  /** Names the input in rejects and errors. */
  uri: string;
  /** zlib inflate, needed for BLF (`nodeInflate` in `nodeCodecs.ts`). */
  inflate?: Inflate;
  /** Gunzips a stream, needed for gzip'ed logs (`nodeGunzipStream` in `nodeCodecs.ts`). */
  gunzipStream?: (stream: ByteStream) => ByteStream;
  /** Frames per batch. @default each reader's default */
  batchSize?: number;
  /** Minutes east of UTC of the clock behind local-time stamps (ASC/TRC dates, BLF start). @default 0 */
  utcOffsetMinutes?: number;
}

/**
 * A batch from any CAN log reader. `measurementStart` is set by formats whose timestamps count from a
 * header date (ASC, BLF, TRC): `t - measurementStart` is the time as written in the file.
 */
export interface CanLogBatch extends Batch<CanFrame> {
  measurementStart?: bigint;
}

/** An opened CAN log: its detected format and its frames. */
export interface CanLog {
  /** The detected format; 'empty' for an input of zero bytes (no frames, nothing to detect). */
  format: CanLogFormat | 'empty';
  /** Whether the input was gzip-compressed. */
  gzip: boolean;
  batches: AsyncIterable<CanLogBatch>;
}

/**
 * Detects a CAN log's format by content (gzip, then candump / ASC / BLF / TRC; see `sniffCanLog`) and
 * opens the matching reader. Throws a `DecodeError` when the content is no known CAN log (the caller
 * quarantines the file) and a `UsageError` when a needed codec was not passed.
 */
export async function openCanLog(
  input: RandomAccessSource | ByteStream,
  options: CanLogOptions,
): Promise<CanLog> {
  const raw = isByteStream(input) ? input : streamSource(input);
  let peeked = await peekStream(raw, SNIFF_BYTES);
  const gzip = isGzip(peeked.head);
  const gunzipFailure: { error: unknown } = { error: undefined };
  if (gzip) {
    if (options.gunzipStream === undefined) {
      throw new UsageError('can: gzip-compressed log needs the gunzipStream option (nodeGunzipStream)', {
        uri: options.uri,
      });
    }
    peeked = await peekStream(stopOnError(options.gunzipStream(peeked.stream), gunzipFailure), SNIFF_BYTES);
  }
  const stream = peeked.stream;
  const format = peeked.head.length === 0 ? 'empty' : sniffCanLog(peeked.head);
  const common = {
    uri: options.uri,
    maxDetailedRejects: options.maxDetailedRejects,
    batchSize: options.batchSize,
  };
  const zone = { utcOffsetMinutes: options.utcOffsetMinutes };
  let batches: AsyncIterable<CanLogBatch>;
  switch (format) {
    case 'empty':
      batches = noBatches();
      break;
    case 'candump':
      batches = readCandump(stream, { ...common, ...zone });
      break;
    case 'asc':
      batches = readAsc(stream, { ...common, ...zone });
      break;
    case 'trc':
      batches = readTrc(stream, { ...common, ...zone });
      break;
    case 'blf': {
      const inflate = options.inflate;
      if (inflate === undefined) {
        throw new UsageError('can: BLF needs the inflate option (nodeInflate)', { uri: options.uri });
      }
      batches = readBlf(stream, { ...common, ...zone, inflate });
      break;
    }
    case undefined:
      await stream[Symbol.asyncIterator]().return?.();
      throw new DecodeError('can: not a candump, ASC, BLF or TRC log', { uri: options.uri, offset: 0 });
  }
  return { format, gzip, batches: gzip ? reportFailure(batches, gunzipFailure, options.uri) : batches };
}

/**
 * Ends a stream quietly at its first error, keeping the error for `reportFailure`: a truncated or
 * corrupt gzip file still yields the frames before the damage, as a truncated plain file does.
 */
async function* stopOnError(stream: ByteStream, failure: { error: unknown }): ByteStream {
  try {
    yield* stream;
  } catch (error) {
    failure.error = error;
  }
}

/** Passes batches through, then reports a decompression failure as a final `gzip_error` reject. */
async function* reportFailure(
  batches: AsyncIterable<CanLogBatch>,
  failure: { error: unknown },
  uri: string,
): AsyncIterable<CanLogBatch> {
  yield* batches;
  if (failure.error !== undefined) {
    const cause = failure.error instanceof Error ? failure.error.message : 'unknown error';
    const message = `can: gzip stream is damaged or truncated (${cause}); the frames before it were read`;
    yield { records: [], rejects: [{ uri, reason: 'gzip_error', message }] };
  }
}

/** `openCanLog`, then its batches: one call for callers that do not need the format. */
export async function* readCanLog(
  input: RandomAccessSource | ByteStream,
  options: CanLogOptions,
): AsyncIterable<CanLogBatch> {
  const log = await openCanLog(input, options);
  yield* log.batches;
}

/** The batches of an empty input: none. */
async function* noBatches(): AsyncIterable<CanLogBatch> {}

function isByteStream(input: RandomAccessSource | ByteStream): input is ByteStream {
  return Symbol.asyncIterator in input;
}
