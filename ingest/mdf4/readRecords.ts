import type { MdfChannelGroup, MdfDataGroup, MdfFile } from './model.js';
import { dataChunks, listDataPieces } from './dataBlocks.js';
import { warn } from './warn.js';

/** Fixed-length records of one channel group, packed without their record ids (stride `recordLength`). */
export interface RecordBatch {
  group: MdfChannelGroup;
  bytes: Uint8Array;
  count: number;
  /** `cg_data_bytes + cg_inval_bytes`. */
  recordLength: number;
  /** Index of the first record of this batch within its group. */
  firstIndex: number;
}

/**
 * Values of a VLSD channel group (§6.14.3), each with its offset in the group's value stream. Values are
 * views into the chunk (no copy per value); the chunk is never written to after it is yielded.
 */
export interface VlsdBatch {
  group: MdfChannelGroup;
  offsets: number[];
  values: Uint8Array[];
}

export interface RecordChunk {
  fixed: RecordBatch[];
  vlsd: VlsdBatch[];
}

export interface ReadRecordsOptions {
  /** Only these groups' records are collected (others are skipped). @default every group */
  groups?: ReadonlySet<MdfChannelGroup>;
}

/**
 * Streams a data group's records in chunks (§5.21 sorted and unsorted data groups). Sorted groups
 * (`dg_rec_id_size` 0) hold one CG's records back to back; unsorted ones prefix each record with a 1/2/4/8-byte
 * record id, and VLSD groups' records are a u32 length and that many bytes. Reading stops with a warning at
 * an unknown record id or a partial record (unfinalised or truncated files); for finalised files a group's
 * records beyond `cg_cycle_count` are ignored.
 */
export async function* readRecords(
  file: MdfFile,
  dataGroup: MdfDataGroup,
  options: ReadRecordsOptions = {},
): AsyncGenerator<RecordChunk> {
  const wanted = options.groups;
  const pieces = await listDataPieces(file, dataGroup.dataLink);
  const idSize = dataGroup.recordIdSize;
  const byId = new Map<number, MdfChannelGroup>();
  for (const group of dataGroup.groups) byId.set(idSize === 0 ? 0 : Number(group.recordId), group);
  const counts = new Map<MdfChannelGroup, number>();
  const vlsdPositions = new Map<MdfChannelGroup, number>();
  const limitCycles = file.finalized || (file.unfinalizedFlags & 1) === 0;
  const sortedGroup = idSize === 0 ? dataGroup.groups.find((g) => !g.isVlsd) : undefined;

  let carry: Uint8Array | undefined;
  let carryOffset = 0;
  let stopped = false;
  for await (const chunk of dataChunks(file, pieces)) {
    let bytes = chunk.bytes;
    let baseOffset = chunk.offset;
    if (carry && carry.length > 0) {
      const joined = new Uint8Array(carry.length + bytes.length);
      joined.set(carry);
      joined.set(bytes, carry.length);
      bytes = joined;
      baseOffset = carryOffset;
    }
    carry = undefined;
    const out: RecordChunk = { fixed: [], vlsd: [] };

    if (sortedGroup) {
      const group = sortedGroup;
      const recordLength = group.dataBytes + group.invalidationBytes;
      if (recordLength === 0) break;
      const done = counts.get(group) ?? 0;
      let count = Math.floor(bytes.length / recordLength);
      if (limitCycles) count = Math.min(count, Math.max(0, group.cycles - done));
      if (count > 0 && (!wanted || wanted.has(group))) {
        out.fixed.push({
          group,
          bytes: bytes.subarray(0, count * recordLength),
          count,
          recordLength,
          firstIndex: done,
        });
      }
      counts.set(group, done + count);
      carry = bytes.subarray(count * recordLength);
      carryOffset = baseOffset + count * recordLength;
      if (limitCycles && done + count >= group.cycles) carry = undefined;
    } else {
      const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      const fixed = new Map<MdfChannelGroup, { parts: number[]; total: number; firstIndex: number }>();
      const vlsd = new Map<MdfChannelGroup, VlsdBatch>();
      let pos = 0;
      while (pos + idSize <= bytes.length) {
        const id = readId(view, pos, idSize);
        const group = byId.get(id);
        if (!group) {
          warn(
            file,
            `mdf4: unknown record id ${id} at 0x${(baseOffset + pos).toString(16)} in data group 0x${dataGroup.offset.toString(16)}; the rest of its data is ignored`,
          );
          stopped = true;
          break;
        }
        if (group.isVlsd) {
          if (pos + idSize + 4 > bytes.length) break;
          const length = view.getUint32(pos + idSize, true);
          const end = pos + idSize + 4 + length;
          if (end > bytes.length) break;
          if (!wanted || wanted.has(group)) {
            let batch = vlsd.get(group);
            if (!batch) vlsd.set(group, (batch = { group, offsets: [], values: [] }));
            batch.offsets.push(vlsdPositions.get(group) ?? 0);
            batch.values.push(bytes.subarray(pos + idSize + 4, end));
          }
          vlsdPositions.set(group, (vlsdPositions.get(group) ?? 0) + 4 + length);
          pos = end;
          continue;
        }
        const recordLength = group.dataBytes + group.invalidationBytes;
        const end = pos + idSize + recordLength;
        if (end > bytes.length) break;
        const done = counts.get(group) ?? 0;
        if ((!limitCycles || done < group.cycles) && (!wanted || wanted.has(group))) {
          let entry = fixed.get(group);
          if (!entry) fixed.set(group, (entry = { parts: [], total: 0, firstIndex: done }));
          entry.parts.push(pos + idSize);
          entry.total += 1;
        }
        counts.set(group, done + 1);
        pos = end;
      }
      for (const [group, entry] of fixed) {
        const recordLength = group.dataBytes + group.invalidationBytes;
        const packed = new Uint8Array(entry.total * recordLength);
        // A byte loop, not set(subarray()): records are short and a view per record costs more than the copy.
        for (let i = 0, to = 0; i < entry.parts.length; i++) {
          const start = entry.parts[i]!;
          for (let k = 0; k < recordLength; k++) packed[to++] = bytes[start + k]!;
        }
        out.fixed.push({
          group,
          bytes: packed,
          count: entry.total,
          recordLength,
          firstIndex: entry.firstIndex,
        });
      }
      out.vlsd.push(...vlsd.values());
      if (!stopped) {
        carry = bytes.slice(pos);
        carryOffset = baseOffset + pos;
      }
    }
    if (out.fixed.length > 0 || out.vlsd.length > 0) yield out;
    if (stopped) break;
  }
  if (carry && carry.length > 0) {
    warn(
      file,
      `mdf4: ${carry.length} bytes of a partial record at 0x${carryOffset.toString(16)} at the end of data group 0x${dataGroup.offset.toString(16)} are ignored`,
    );
  }
  for (const group of dataGroup.groups) {
    const read = counts.get(group) ?? 0;
    if (!group.isVlsd && file.finalized && read < group.cycles && (!wanted || wanted.has(group))) {
      warn(
        file,
        `mdf4: channel group 0x${group.offset.toString(16)} declares ${group.cycles} records but only ${read} could be read`,
      );
    }
  }
}

/** Record ids as numbers (no BigInt per record); ids above 2^53 do not occur in practice. */
function readId(view: DataView, pos: number, size: number): number {
  switch (size) {
    case 1:
      return view.getUint8(pos);
    case 2:
      return view.getUint16(pos, true);
    case 4:
      return view.getUint32(pos, true);
    default:
      return view.getUint32(pos, true) + view.getUint32(pos + 4, true) * 2 ** 32;
  }
}
