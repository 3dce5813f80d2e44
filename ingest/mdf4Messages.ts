import type { Batch, Reject } from '../core/reject.js';
import type { MdfChannelGroup, MdfFile } from './mdf4/model.js';
import { readGroup } from './mdf4/readGroup.js';
import { recordTimeNs, timeReject } from './mdf4/recordTime.js';
import type { LogMessage } from './rosmsg/LogMessage.js';

/**
 * The rows of an MDF4 channel group of measured signals as messages of one topic, `mdf/<group name>`, so
 * they land in a `topics_<name>` table like any bag topic: one message per record, one field per channel
 * (invalid values as null), time = measurement start + the master channel. A record without a master value
 * keeps the measurement start; one whose time int64 nanoseconds cannot hold is a reject.
 */
export async function* mdfGroupMessages(
  file: MdfFile,
  group: MdfChannelGroup,
  uri: string,
): AsyncIterable<Batch<LogMessage>> {
  const name = group.acquisitionName ?? group.name ?? `group${group.index}`;
  const topic = `mdf/${name}`;
  const master = new Set(group.channels.filter((c) => c.isMaster).map((c) => c.name));
  let record = 0; // the group's record number of the chunk's first row
  for await (const chunk of readGroup(file, group)) {
    const columns = [...chunk.columns].filter(([channel]) => !master.has(channel));
    const messages: LogMessage[] = [];
    const rejects: Reject[] = [];
    for (let i = 0; i < chunk.rows; i++) {
      const seconds = chunk.t[i] ?? Number.NaN;
      const logTime = Number.isFinite(seconds) ? recordTimeNs(file, seconds) : file.startTimeNs;
      if (logTime === undefined) {
        rejects.push(timeReject(file, group, record + i, seconds));
        continue;
      }
      const message: Record<string, unknown> = {};
      for (const [channel, values] of columns) {
        const value = values[i];
        message[channel] = typeof value === 'number' && Number.isNaN(value) ? null : (value ?? null);
      }
      messages.push({
        topic,
        schemaName: `mdf4/${name}`,
        encoding: 'json',
        logTime,
        message,
        ref: { uri, offset: group.offset, length: 0, compressed: false },
      });
    }
    record += chunk.rows;
    yield { records: messages, rejects };
  }
}
