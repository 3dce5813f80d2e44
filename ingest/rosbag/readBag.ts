import type { Batch, Reject } from '../../core/reject.js';
import type { RandomAccessSource } from '../../core/source.js';
import type { LogMessage, LogReadOptions } from '../rosmsg/LogMessage.js';
import { decodeInSlices } from '../rosmsg/decodeMessages.js';
import { ChunkBuffers } from '../rosmsg/chunkBuffers.js';
import type { RawMessage } from '../rosmsg/RawMessage.js';
import { BagScan } from './scanBag.js';

/**
 * Streams a ROS 1 bag (format 2.0) in one pass over all topics, in record-time order, holding one chunk
 * (or the few chunks that overlap in time) at a time. Uses the index at the end of the bag to order chunks;
 * a bag without a usable index (unfinished recording, cut file) is read in file order up to the cut, then a
 * `truncated` Reject names the offset. A 0-byte file or one that is not a bag throws `DecodeError`.
 *
 * Large byte arrays are not copied: see `replaceBlobs`.
 */
export async function* readBag(
  source: RandomAccessSource,
  options: LogReadOptions,
): AsyncIterable<Batch<LogMessage>> {
  const uri = options.uri ?? source.uri;
  const buffers = options.reuseBuffers ? new ChunkBuffers() : undefined;
  const scan = new BagScan(source, uri, options.decompress, buffers);
  await scan.open();
  const rejects: Reject[] = [];
  const index = await scan.readIndex(rejects);
  const decodeOptions = { uri, blobThreshold: options.blobThreshold ?? 65536 };
  const passed = buffers
    ? (messages: readonly RawMessage[]) => {
        for (const message of messages) buffers.done(message.bytes);
      }
    : undefined;
  for await (const contents of scan.chunks(index, rejects))
    yield* decodeInSlices(contents, decodeOptions, passed);
}
