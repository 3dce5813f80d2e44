import { GroupDecoder, type MdfGroupChunk } from './GroupDecoder.js';
import type { MdfChannelGroup, MdfFile } from './model.js';
import { readRecords } from './readRecords.js';

export interface ReadGroupOptions {
  /** Decode only these channels (by name); the master is always decoded. @default every channel */
  channels?: readonly string[];
}

/**
 * Streams one channel group's records as converted columns, one chunk per data read (about 1 MiB of records
 * or one DZ block): memory stays bounded by the chunk, not the file. Numeric channels are Float64Array (NaN
 * where the invalidation bit is set); text, byte-array and value-to-text channels are value arrays (byte
 * arrays may be views into the chunk buffer, which the reader never writes to).
 * `t` is the master channel (seconds since `file.startTimeNs` for a time master).
 */
export async function* readGroup(
  file: MdfFile,
  group: MdfChannelGroup,
  options: ReadGroupOptions = {},
): AsyncIterable<MdfGroupChunk> {
  const dataGroup = file.dataGroups[group.dataGroup];
  if (!dataGroup || group.isVlsd) return;
  const decoder = await GroupDecoder.create(
    file,
    group,
    options.channels ? { channels: new Set(options.channels) } : {},
  );
  const wanted = new Set<MdfChannelGroup>([group, ...decoder.vlsdGroups]);
  for await (const chunk of readRecords(file, dataGroup, { groups: wanted })) {
    for (const vlsd of chunk.vlsd) decoder.addVlsd(vlsd);
    for (const batch of chunk.fixed) if (batch.group === group) yield await decoder.decode(batch);
  }
}
