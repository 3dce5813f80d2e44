import type { Reject } from '../../core/reject.js';
import type { RandomAccessSource } from '../../core/source.js';
import type { LogReadOptions, LogSummary, TopicSummary } from '../rosmsg/LogMessage.js';
import type { LogChannel } from '../rosmsg/RawMessage.js';
import { McapScan } from './McapScan.js';

/**
 * Topics, schemas, message counts and time range of an MCAP file: from the Statistics record when the
 * summary has one (nothing decompressed), else by scanning the messages.
 */
export async function summarizeMcap(
  source: RandomAccessSource,
  options: LogReadOptions,
): Promise<LogSummary & { rejects: Reject[] }> {
  const uri = options.uri ?? source.uri;
  const scan = new McapScan(source, uri, options.decompress);
  await scan.open();
  const rejects: Reject[] = [];
  const counts = new Map<LogChannel, number>();
  let start: bigint | undefined;
  let end: bigint | undefined;
  let messageCount = 0;
  const statistics = scan.indexed?.statistics;
  if (statistics !== undefined) {
    for (const [id, n] of statistics.channelMessageCounts) {
      const channel = scan.channels.get(id);
      if (channel !== undefined) counts.set(channel, Number(n));
    }
    messageCount = Number(statistics.messageCount);
    if (messageCount > 0) {
      start = statistics.messageStartTime;
      end = statistics.messageEndTime;
    }
  } else {
    for await (const contents of scan.chunks()) {
      rejects.push(...contents.rejects);
      for (const m of contents.messages) {
        messageCount++;
        counts.set(m.channel, (counts.get(m.channel) ?? 0) + 1);
        if (start === undefined || m.logTime < start) start = m.logTime;
        if (end === undefined || m.logTime > end) end = m.logTime;
      }
    }
  }
  const topics: TopicSummary[] = [];
  for (const channel of scan.channels.values()) {
    topics.push({ topic: channel.topic, schemaName: channel.schemaName, count: counts.get(channel) ?? 0 });
  }
  const summary: LogSummary & { rejects: Reject[] } = { topics, messageCount, rejects };
  if (start !== undefined) summary.start = start;
  if (end !== undefined) summary.end = end;
  return summary;
}
