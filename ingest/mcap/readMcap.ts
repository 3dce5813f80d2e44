import type { Batch } from '../../core/reject.js';
import type { RandomAccessSource } from '../../core/source.js';
import type { LogMessage, LogReadOptions } from '../rosmsg/LogMessage.js';
import { decodeInSlices } from '../rosmsg/decodeMessages.js';

/**
 * Streams an MCAP file in one pass over all channels. With a summary section (ChunkIndex records, read
 * by `McapIndexedReader`) chunks are merged in log-time order, holding only chunks that overlap in time;
 * without one (an unfinished recording, a cut file) records are read in file order up to the cut, then a
 * `truncated` Reject names the offset. Decodes `ros1` (ros1msg), `cdr` (ros2msg) and `json` channels;
 * other encodings get one Reject per channel. A 0-byte or non-MCAP file throws `DecodeError`.
 */
export async function* readMcap(
  source: RandomAccessSource,
  options: LogReadOptions,
): AsyncIterable<Batch<LogMessage>> {
  const uri = options.uri ?? source.uri;
  // Loaded on use: the MCAP library and the CDR reader are not needed to ingest bags and CAN logs.
  const { McapScan } = await import('./McapScan.js');
  const scan = new McapScan(source, uri, options.decompress);
  await scan.open();
  const decodeOptions = { uri, blobThreshold: options.blobThreshold ?? 65536 };
  for await (const contents of scan.chunks()) yield* decodeInSlices(contents, decodeOptions);
}
