import type { Reject } from '../../core/reject.js';
import { isStorableNs } from '../../core/time.js';
import type { MdfChannelGroup, MdfFile } from './model.js';

/**
 * A record's absolute time in ns: the file's start plus its master channel's seconds. Undefined when the
 * seconds are not a finite number, or when the sum is past what int64 nanoseconds hold (1677-09-21 to
 * 2262-04-11): a master channel in another unit than it states (nanoseconds labelled "s") gives such times.
 */
export function recordTimeNs(file: Pick<MdfFile, 'startTimeNs'>, seconds: number): bigint | undefined {
  if (!Number.isFinite(seconds)) return undefined;
  const t = file.startTimeNs + BigInt(Math.round(seconds * 1e9));
  return isStorableNs(t) ? t : undefined;
}

/** The reject for a record whose time `recordTimeNs` cannot give. */
export function timeReject(
  file: Pick<MdfFile, 'uri'>,
  group: MdfChannelGroup,
  record: number,
  seconds: number,
): Reject {
  const master = group.channels.find((channel) => channel.isMaster);
  const name = group.acquisitionName ?? group.name ?? `group ${group.index}`;
  return {
    uri: file.uri,
    offset: group.offset,
    reason: Number.isFinite(seconds) ? 'time_out_of_range' : 'invalid_value',
    message:
      `record ${record} of channel group 0x${group.offset.toString(16)} (${name}): master channel ` +
      `${master?.name ?? '(none)'} gives ${seconds} ${master?.unit ?? 's'} after the file's start, ` +
      'not a time int64 nanoseconds can hold (1677 to 2262)',
  };
}
