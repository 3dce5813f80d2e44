import type { MdfChannelGroup, MdfFile } from './mdf4/model.js';
import { readGroup } from './mdf4/readGroup.js';
import type { LogMessage } from './rosmsg/LogMessage.js';

/**
 * The rows of an MDF4 channel group of measured signals as messages of one topic, `mdf/<group name>`, so
 * they land in a `topics_<name>` table like any bag topic: one message per record, one field per channel
 * (invalid values as null), time = measurement start + the master channel.
 */
export async function* mdfGroupMessages(
  file: MdfFile,
  group: MdfChannelGroup,
  uri: string,
): AsyncIterable<LogMessage[]> {
  const name = group.acquisitionName ?? group.name ?? `group${group.index}`;
  const topic = `mdf/${name}`;
  const master = new Set(group.channels.filter((c) => c.isMaster).map((c) => c.name));
  for await (const chunk of readGroup(file, group)) {
    const columns = [...chunk.columns].filter(([channel]) => !master.has(channel));
    const messages: LogMessage[] = [];
    for (let i = 0; i < chunk.rows; i++) {
      const message: Record<string, unknown> = {};
      for (const [channel, values] of columns) {
        const value = values[i];
        message[channel] = typeof value === 'number' && Number.isNaN(value) ? null : (value ?? null);
      }
      const seconds = chunk.t[i] ?? Number.NaN;
      const logTime = Number.isFinite(seconds)
        ? file.startTimeNs + BigInt(Math.round(seconds * 1e9))
        : file.startTimeNs;
      messages.push({
        topic,
        schemaName: `mdf4/${name}`,
        encoding: 'json',
        logTime,
        message,
        ref: { uri, offset: group.offset, length: 0, compressed: false },
      });
    }
    yield messages;
  }
}
