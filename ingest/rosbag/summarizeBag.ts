import type { Reject } from '../../core/reject.js';
import type { RandomAccessSource } from '../../core/source.js';
import type { LogReadOptions, LogSummary, TopicSummary } from '../rosmsg/LogMessage.js';
import { BagScan } from './scanBag.js';

/**
 * Topics, types, message counts and time range of a ROS 1 bag. Reads only the index when the bag has
 * one (no chunk is decompressed); otherwise counts the messages in a scan.
 */
export async function summarizeBag(
  source: RandomAccessSource,
  options: LogReadOptions,
): Promise<LogSummary & { rejects: Reject[] }> {
  const uri = options.uri ?? source.uri;
  const scan = new BagScan(source, uri, options.decompress);
  await scan.open();
  const rejects: Reject[] = [];
  const index = await scan.readIndex(rejects);
  const topics = new Map<string, TopicSummary>();
  const count = (topic: string, schemaName: string, n: number): void => {
    const key = `${topic}\n${schemaName}`;
    const entry = topics.get(key);
    if (entry === undefined) topics.set(key, { topic, schemaName, count: n });
    else entry.count += n;
  };
  let start: bigint | undefined;
  let end: bigint | undefined;
  let messageCount = 0;
  if (index !== undefined) {
    for (const { topic, schemaName } of index.connections.values()) count(topic, schemaName, 0);
    for (const chunk of index.chunks) {
      for (const [id, n] of chunk.counts) {
        const connection = index.connections.get(id);
        if (connection !== undefined) count(connection.topic, connection.schemaName, n);
        messageCount += n;
      }
      if (start === undefined || chunk.startTime < start) start = chunk.startTime;
      if (end === undefined || chunk.endTime > end) end = chunk.endTime;
    }
  } else {
    for await (const contents of scan.chunks(undefined, rejects)) {
      rejects.push(...contents.rejects);
      for (const m of contents.messages) {
        count(m.channel.topic, m.channel.schemaName, 1);
        messageCount++;
        if (start === undefined || m.logTime < start) start = m.logTime;
        if (end === undefined || m.logTime > end) end = m.logTime;
      }
    }
    for (const channel of scan.channels.values()) count(channel.topic, channel.schemaName, 0);
  }
  const summary: LogSummary & { rejects: Reject[] } = {
    topics: [...topics.values()].sort((a, b) => (a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : 0)),
    messageCount,
    rejects,
  };
  if (start !== undefined) summary.start = start;
  if (end !== undefined) summary.end = end;
  return summary;
}
