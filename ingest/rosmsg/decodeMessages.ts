import type { Batch, Reject } from '../../core/reject.js';
import type { LogMessage } from './LogMessage.js';
import type { ChunkContents } from './RawMessage.js';
import { headerStampNs } from './messageDecoder.js';
import { replaceBlobs } from './replaceBlobs.js';

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
  for (const raw of contents.messages) {
    const { channel } = raw;
    if (channel.decoder === undefined) continue;
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
    if (channel.decoder.hasByteArrays) {
      message = replaceBlobs(message, {
        uri: options.uri,
        data: raw.data,
        dataOffset: raw.dataOffset,
        ref: raw.ref,
        threshold: options.blobThreshold,
        schemaName: channel.schemaName,
      });
    }
    const record: LogMessage = {
      topic: channel.topic,
      schemaName: channel.schemaName,
      encoding: channel.encoding,
      logTime: raw.logTime,
      message,
      ref: raw.ref,
    };
    if (raw.publishTime !== undefined) record.publishTime = raw.publishTime;
    const stamp = headerStampNs(message);
    if (stamp !== undefined) record.headerStamp = stamp;
    records.push(record);
  }
  return { records, rejects };
}
