import type { Batch, Reject } from '../../core/reject.js';
import type { LogMessage } from './LogMessage.js';
import type { ChunkContents } from './RawMessage.js';
import { headerStampNs } from './messageDecoder.js';
import { needsBlobScan, replaceBlobs } from './replaceBlobs.js';
import type { LogChannel } from './RawMessage.js';

/**
 * Deserialises a group of raw messages into a batch. A message its decoder cannot read becomes a
 * `bad_message` Reject at the message's offset; the rest of the group goes on.
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
    if (channel.decoder === undefined) continue;
    if (channel !== lastChannel) {
      lastChannel = channel;
      scanBlobs = needsBlobScan(channel.schemaName, channel.decoder, options.blobThreshold);
    }
    let message: unknown;
    try {
      message = channel.decoder.decode(raw.data);
    } catch (error) {
      rejects.push({
        uri: options.uri,
        offset: raw.ref.offset,
        reason: 'bad_message',
        message: `cannot deserialise ${channel.schemaName} on ${channel.topic}: ${error instanceof Error ? error.message : String(error)}`,
      });
      continue;
    }
    if (scanBlobs) {
      message = replaceBlobs(message, {
        uri: options.uri,
        data: raw.data,
        dataOffset: raw.dataOffset,
        ref: raw.ref,
        threshold: options.blobThreshold,
        schemaName: channel.schemaName,
      });
    }
    // One object literal per shape (with or without a stamp) rather than adding the property later: fewer
    // hidden-class transitions on the hottest allocation of the read path.
    const stamp = headerStampNs(message);
    const record: LogMessage =
      stamp === undefined
        ? {
            topic: channel.topic,
            schemaName: channel.schemaName,
            encoding: channel.encoding,
            logTime: raw.logTime,
            message,
            ref: raw.ref,
          }
        : {
            topic: channel.topic,
            schemaName: channel.schemaName,
            encoding: channel.encoding,
            logTime: raw.logTime,
            message,
            ref: raw.ref,
            headerStamp: stamp,
          };
    if (raw.publishTime !== undefined) record.publishTime = raw.publishTime;
    records.push(record);
  }
  return { records, rejects };
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
): Iterable<Batch<LogMessage>> {
  const { messages } = contents;
  for (let at = 0; at === 0 || at < messages.length; at += DECODE_SLICE) {
    const slice =
      at === 0 && messages.length <= DECODE_SLICE
        ? contents
        : { messages: messages.slice(at, at + DECODE_SLICE), rejects: at === 0 ? contents.rejects : [] };
    const batch = decodeMessages(slice, options);
    if (batch.records.length > 0 || batch.rejects.length > 0) yield batch;
  }
}
