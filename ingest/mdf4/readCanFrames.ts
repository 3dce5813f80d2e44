import type { Batch, Reject } from '../../core/reject.js';
import { type CanFrame, FD_DLC_TO_LENGTH, lengthToDlc } from '../can/frame.js';
import { GroupDecoder, type MdfColumn } from './GroupDecoder.js';
import type { MdfChannelGroup, MdfFile } from './model.js';
import { readRecords } from './readRecords.js';
import { recordTimeNs, timeReject } from './recordTime.js';

/** ASAM MDF4 bus logging (ASAM MDF 4.1 "Bus Logging" associated standard): the CAN data frame group prefix. */
const FRAME_TYPES = ['CAN_DataFrame', 'CAN_RemoteFrame'] as const;

/** The bus logging channels a frame is built from (others, like the composed parent, are not decoded). */
const FIELDS = ['ID', 'IDE', 'DLC', 'DataLength', 'DataBytes', 'BusChannel', 'Dir', 'EDL', 'BRS', 'ESI'];

/** True for channel groups holding bus-logged CAN data or remote frames (`CAN_DataFrame.*` channels). */
export function isCanFrameGroup(group: MdfChannelGroup): boolean {
  return frameType(group) !== undefined;
}

function frameType(group: MdfChannelGroup): (typeof FRAME_TYPES)[number] | undefined {
  if (group.isVlsd) return undefined;
  return FRAME_TYPES.find((type) => group.channels.some((c) => c.name === `${type}.ID`));
}

/**
 * Streams every CAN frame of the file's `CAN_DataFrame` (and `CAN_RemoteFrame`) groups, as CANedge and Vector
 * loggers write them (§ bus logging: `.ID`, `.IDE`, `.DLC`, `.DataLength`, `.DataBytes` fixed or VLSD,
 * `.BusChannel`, `.Dir`, `.EDL`, `.BRS`, `.ESI`). `t` = `file.startTimeNs` + master seconds. Frames of one
 * data group are merged in time order within each chunk. A frame whose ID or payload is invalid becomes a
 * `Reject`.
 */
export async function* readCanFrames(file: MdfFile): AsyncIterable<Batch<CanFrame>> {
  for (const dataGroup of file.dataGroups) {
    const groups = dataGroup.groups.filter(isCanFrameGroup);
    if (groups.length === 0) continue;
    const decoders = new Map<MdfChannelGroup, GroupDecoder>();
    const wanted = new Set<MdfChannelGroup>();
    for (const group of groups) {
      const type = frameType(group) ?? 'CAN_DataFrame';
      const channels = new Set(FIELDS.map((field) => `${type}.${field}`));
      const decoder = await GroupDecoder.create(file, group, { channels });
      decoders.set(group, decoder);
      wanted.add(group);
      for (const vlsd of decoder.vlsdGroups) wanted.add(vlsd);
    }
    for await (const chunk of readRecords(file, dataGroup, { groups: wanted })) {
      for (const vlsd of chunk.vlsd) for (const decoder of decoders.values()) decoder.addVlsd(vlsd);
      const records: CanFrame[] = [];
      const rejects: Reject[] = [];
      for (const batch of chunk.fixed) {
        const decoder = decoders.get(batch.group);
        if (!decoder) continue;
        const decoded = await decoder.decode(batch);
        framesFrom(file, batch.group, decoded.t, decoded.columns, decoded.rows, records, rejects);
      }
      if (chunk.fixed.length > 1) records.sort((a, b) => (a.t < b.t ? -1 : a.t > b.t ? 1 : 0));
      if (records.length > 0 || rejects.length > 0) yield { records, rejects };
    }
  }
}

function framesFrom(
  file: MdfFile,
  group: MdfChannelGroup,
  t: Float64Array,
  columns: Map<string, MdfColumn>,
  rows: number,
  out: CanFrame[],
  rejects: Reject[],
): void {
  const type = frameType(group) ?? 'CAN_DataFrame';
  const column = (field: string): MdfColumn | undefined => columns.get(`${type}.${field}`);
  const ids = column('ID');
  const ide = column('IDE');
  const dlcs = column('DLC');
  const lengths = column('DataLength');
  const payloads = column('DataBytes');
  const buses = column('BusChannel');
  const dirs = column('Dir');
  const edl = column('EDL');
  const brs = column('BRS');
  const esi = column('ESI');
  const fallbackBus = group.sourceName ?? group.acquisitionName ?? '0';
  const remote = type === 'CAN_RemoteFrame';
  for (let i = 0; i < rows; i++) {
    const rawId = num(ids, i);
    const seconds = t[i]!;
    const time = recordTimeNs(file, seconds);
    if (!Number.isFinite(rawId) || !Number.isFinite(seconds)) {
      rejects.push({
        uri: file.uri,
        offset: group.offset,
        reason: 'invalid_value',
        message: `${type} record ${i} of channel group 0x${group.offset.toString(16)} has an invalid ID or time stamp`,
      });
      continue;
    }
    if (time === undefined) {
      rejects.push(timeReject(file, group, i, seconds));
      continue;
    }
    // Vector-style logs flag extended ids in bit 31 of the ID when there is no IDE channel.
    const extended = ide ? num(ide, i) === 1 : rawId > 0x7ff;
    const id = (rawId % 0x80000000) & 0x1fffffff;
    const fd = num(edl, i) === 1;
    let data = bytesAt(payloads, i);
    if (!remote && payloads && !(payloads instanceof Float64Array) && !(payloads[i] instanceof Uint8Array)) {
      // A VLSD payload that is not in the file (cut off) or a payload flagged invalid.
      rejects.push({
        uri: file.uri,
        offset: group.offset,
        reason: 'missing_payload',
        message: `${type} record ${i} of channel group 0x${group.offset.toString(16)} has no payload bytes`,
      });
      continue;
    }
    const length = num(lengths, i);
    const dlcValue = num(dlcs, i);
    const dlc = Number.isFinite(dlcValue) ? dlcValue : lengthToDlc(data.length);
    const wanted = Number.isFinite(length)
      ? length
      : fd
        ? (FD_DLC_TO_LENGTH[dlc] ?? data.length)
        : Math.min(dlc, 8);
    if (!remote && wanted < data.length) data = data.subarray(0, wanted);
    const bus = buses ? String(num(buses, i)) : fallbackBus;
    const frame: CanFrame = {
      t: time,
      bus,
      id,
      extended,
      dlc,
      data: remote ? new Uint8Array(0) : data,
      fd,
      brs: num(brs, i) === 1,
      esi: num(esi, i) === 1,
      error: false,
      remote,
      direction: dirs ? (num(dirs, i) === 1 ? 'tx' : 'rx') : undefined,
    };
    out.push(frame);
  }
}

function num(column: MdfColumn | undefined, i: number): number {
  if (!column) return Number.NaN;
  const value = column[i];
  return typeof value === 'number' ? value : Number.NaN;
}

const EMPTY = new Uint8Array(0);

function bytesAt(column: MdfColumn | undefined, i: number): Uint8Array {
  if (!column || column instanceof Float64Array) return EMPTY;
  const value = column[i];
  return value instanceof Uint8Array ? value : EMPTY;
}
