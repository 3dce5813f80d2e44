import { DecodeError } from '../../core/errors.js';
import type { Batch } from '../../core/reject.js';
import type { RandomAccessSource } from '../../core/source.js';
import type { LogMessage, LogReadOptions } from '../rosmsg/LogMessage.js';
import { parseRos2Metadata } from './parseRos2Metadata.js';
import { readMcap } from './readMcap.js';

/**
 * Streams a rosbag2 folder (`metadata.yaml` + split `.mcap` files) file after file in the order the
 * metadata gives (split files follow each other in time, so this keeps log-time order). The caller opens
 * files, so this stays free of `node:fs`: pass `fileSource(join(dir, path))` for a local folder.
 * Only the `mcap` storage plugin is read; `sqlite3` bags and whole-file compression throw DecodeError.
 */
export async function* readRos2BagFolder(options: {
  /** Text of `metadata.yaml`. */
  metadata: string;
  /** Name for errors, e.g. the folder path. */
  uri: string;
  open: (relativePath: string) => RandomAccessSource | Promise<RandomAccessSource>;
  decompress: LogReadOptions['decompress'];
  blobThreshold?: number;
}): AsyncIterable<Batch<LogMessage>> {
  const metadata = parseRos2Metadata(options.metadata, options.uri);
  if (metadata.storageIdentifier !== 'mcap') {
    throw new DecodeError(`rosbag2: storage "${metadata.storageIdentifier}" is not supported (only mcap)`, {
      uri: options.uri,
    });
  }
  if (metadata.compressionMode.toUpperCase() === 'FILE') {
    throw new DecodeError(`rosbag2: whole-file ${metadata.compressionFormat} compression is not supported`, {
      uri: options.uri,
    });
  }
  for (const path of metadata.files) {
    const source = await options.open(path);
    const read: LogReadOptions = { decompress: options.decompress };
    if (options.blobThreshold !== undefined) read.blobThreshold = options.blobThreshold;
    yield* readMcap(source, read);
  }
}
