import type { Batch, Reject } from '../../core/reject.js';
import type { LogMessage } from './LogMessage.js';
import type { ChunkContents, LogChannel, RawMessage } from './RawMessage.js';
import { fitsLayout } from './ros1Layout.js';
import { needsBlobScan, replaceBlobs } from './replaceBlobs.js';

/**
 * Deserialises a group of raw messages into a batch. A message its decoder cannot read becomes a
 * `bad_message` Reject at the message's offset; the rest of the group goes on.
 *
 * The records are the `RawMessage`s themselves. Types with a fixed ROS 1 layout (see `ros1Layout`) are only
 * bounds-checked here, which tells exactly whether they decode, and deserialised when a consumer first
 * reads `message`: the curated tables read the common types straight from the bytes.
 */
export function decodeMessages(
  contents: ChunkContents,
  options: { uri: string; blobThreshold: number },
): Batch<LogMessage> {
  const records: LogMessage[] = [];
  const rejects: Reject[] = [...contents.rejects];
  // Messages of one channel come in runs; decide the blob walk once per run, not per message.
  let lastChannel: LogChannel | undefined;
  let scanBlobs = false;
  for (const raw of contents.messages) {
    const { channel } = raw;
    const decoder = channel.decoder;
    if (decoder === undefined) continue;
    if (channel !== lastChannel) {
      lastChannel = channel;
      scanBlobs = needsBlobScan(channel.schemaName, decoder, options.blobThreshold);
    }
    const layout = decoder.layout;
    if (layout !== undefined && !scanBlobs) {
      if (fitsLayout(layout, raw.bytes, raw.start, raw.length)) {
        records.push(raw);
        continue;
      }
    }
    let message: unknown;
    try {
      message = decoder.decodeRange(raw.bytes, raw.start, raw.length);
    } catch (error) {
      rejects.push(badMessage(raw, error, options.uri));
      continue;
    }
    if (scanBlobs) {
      message = replaceBlobs(message, {
        uri: options.uri,
        data: raw.data,
        dataOffset: raw.fileOffset,
        ref: raw.ref,
        threshold: options.blobThreshold,
        schemaName: channel.schemaName,
      });
    }
    raw.message = message;
    records.push(raw);
  }
  return { records, rejects };
}

function badMessage(raw: RawMessage, error: unknown, uri: string): Reject {
  return {
    uri,
    offset: raw.ref.offset,
    reason: 'bad_message',
    message: `cannot deserialise ${raw.channel.schemaName} on ${raw.channel.topic}: ${error instanceof Error ? error.message : String(error)}`,
  };
}

/** Messages per batch handed on by `decodeInSlices`. */
const DECODE_SLICE = 1024;

/**
 * `decodeMessages` over a chunk in slices of about a thousand messages, skipping empty batches. A chunk
 * holds thousands of small messages; handing them on in slices lets the caller finish with each slice
 * while its objects are still young, which made garbage collection measurably cheaper.
 */
export function* decodeInSlices(
  contents: ChunkContents,
  options: { uri: string; blobThreshold: number },
  passed?: (messages: readonly RawMessage[]) => void,
): Iterable<Batch<LogMessage>> {
  const { messages } = contents;
  for (let at = 0; at === 0 || at < messages.length; at += DECODE_SLICE) {
    const slice =
      at === 0 && messages.length <= DECODE_SLICE
        ? contents
        : { messages: messages.slice(at, at + DECODE_SLICE), rejects: at === 0 ? contents.rejects : [] };
    const batch = decodeMessages(slice, options);
    if (batch.records.length > 0 || batch.rejects.length > 0) yield batch;
    // The caller asked for the next batch: it is done with this slice's messages.
    passed?.(slice.messages);
  }
}
