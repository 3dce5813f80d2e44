import { DecodeError } from '../../core/errors.js';
import type { RandomAccessSource } from '../../core/source.js';
import { compileConversion } from './compileConversion.js';
import type {
  Inflate,
  MdfChannel,
  MdfChannelGroup,
  MdfChannelKind,
  MdfDataGroup,
  MdfDataType,
  MdfFile,
} from './model.js';
import { plainComment, readBlock, readText } from './readBlock.js';
import { sniffMdf } from './sniffMdf.js';
import { warn } from './warn.js';

export interface OpenMdfOptions {
  /** zlib inflate for DZ blocks; `nodeInflate` in Node. */
  inflate: Inflate;
}

const DATA_TYPES: readonly MdfDataType[] = [
  'uint_le',
  'uint_be',
  'int_le',
  'int_be',
  'float_le',
  'float_be',
  'string_latin1',
  'string_utf8',
  'string_utf16le',
  'string_utf16be',
  'bytes',
  'mime_sample',
  'mime_stream',
  'canopen_date',
  'canopen_time',
  'complex_le',
  'complex_be',
];
const CHANNEL_KINDS: readonly MdfChannelKind[] = [
  'fixed',
  'vlsd',
  'master',
  'virtual_master',
  'sync',
  'mlsd',
  'virtual_data',
  'vlsc',
];

/** Link chains longer than this are refused: a corrupt `next` link must not loop forever. */
const MAX_CHAIN = 1_000_000;

/**
 * Opens an MDF 4.x file: reads the ID and HD blocks and every DG/CG/CN/CC/TX/SI block (metadata only; sample
 * data is streamed later by `readGroup`/`readCanFrames`). Unfinalised files (`UnFinMF `, e.g. CANedge
 * loggers) open with a warning.
 * @throws DecodeError naming the block offset for bad magic, truncated or malformed blocks, unsupported conversions.
 */
export async function openMdf(source: RandomAccessSource, options: OpenMdfOptions): Promise<MdfFile> {
  const uri = source.uri;
  const size = await source.size();
  const id = await source.read(0, 64);
  if (id.length < 64 || !sniffMdf(id))
    throw new DecodeError('mdf4: not an MDF file (no MDF/UnFinMF id block)', { uri, offset: 0 });
  const idView = new DataView(id.buffer, id.byteOffset, id.byteLength);
  const versionText = String.fromCharCode(...id.subarray(8, 16)).trim();
  // id_ver (u16, e.g. 410); some writers leave it 0, so fall back to the id_vers text ("4.10").
  const versionNumber = idView.getUint16(28, true) || Math.round(Number.parseFloat(versionText) * 100) || 0;
  if (versionNumber < 400 || versionNumber >= 500) {
    throw new DecodeError(`mdf4: unsupported MDF version ${versionText} (only 4.x is read)`, {
      uri,
      offset: 8,
    });
  }
  const finalized = id[0] === 0x4d; // "MDF     " vs "UnFinMF "
  const unfinalizedFlags = idView.getUint16(60, true) | (idView.getUint16(62, true) << 16);
  const warnings: string[] = [];
  if (!finalized) {
    warnings.push(
      `mdf4: unfinalised file (id_unfin_flags 0x${unfinalizedFlags.toString(16)}): record counts and the last data ` +
        'block length may be missing; data is read as far as it is valid',
    );
  }

  // §6.3 HD: 6 links, then start time (u64 ns), tz and dst offsets (i16 min), time flags.
  const hd = await readBlock(source, 64, ['HD']);
  if (hd.view.byteLength < 14) throw new DecodeError('mdf4: ##HD block too short', { uri, offset: 64 });
  const startRaw = hd.view.getBigUint64(0, true);
  const tzMinutes = hd.view.getInt16(8, true);
  const dstMinutes = hd.view.getInt16(10, true);
  const timeFlags = hd.view.getUint8(12);
  let startTimeNs = startRaw;
  if (timeFlags & 1) {
    // "Local time" flag: the stamp is local wall-clock time of an unknown zone. Offsets, if valid, say which.
    if (timeFlags & 2) startTimeNs -= BigInt(tzMinutes + dstMinutes) * 60_000_000_000n;
    else warnings.push('mdf4: HD start time is local time with no time zone; read as if it were UTC');
  }
  // Otherwise hd_start_time_ns is UTC already; tz/dst offsets (when bit 1 is set) only say the local zone.

  const file: MdfFile = {
    uri,
    source,
    inflate: options.inflate,
    size,
    version: versionText,
    finalized,
    unfinalizedFlags,
    startTimeNs,
    groups: [],
    dataGroups: [],
    warnings,
  };

  const seen = new Set<number>();
  for (let dgLink = hd.links[0] ?? 0; dgLink !== 0;) {
    guardLoop(seen, dgLink, uri);
    const dg = await readBlock(source, dgLink, ['DG']);
    const dataGroup: MdfDataGroup = {
      offset: dgLink,
      recordIdSize: dg.view.byteLength > 0 ? dg.view.getUint8(0) : 0,
      dataLink: dg.links[2] ?? 0,
      groups: [],
    };
    if (![0, 1, 2, 4, 8].includes(dataGroup.recordIdSize)) {
      throw new DecodeError(`mdf4: dg_rec_id_size ${dataGroup.recordIdSize} is not 0, 1, 2, 4 or 8`, {
        uri,
        offset: dgLink,
      });
    }
    for (let cgLink = dg.links[1] ?? 0; cgLink !== 0;) {
      guardLoop(seen, cgLink, uri);
      const { group, next } = await readChannelGroup(file, cgLink, file.dataGroups.length, seen);
      group.index = file.groups.length;
      dataGroup.groups.push(group);
      file.groups.push(group);
      cgLink = next;
    }
    file.dataGroups.push(dataGroup);
    dgLink = dg.links[0] ?? 0;
  }
  return file;
}

function guardLoop(seen: Set<number>, link: number, uri: string): void {
  if (seen.has(link) || seen.size > MAX_CHAIN)
    throw new DecodeError('mdf4: block links form a loop', { uri, offset: link });
  seen.add(link);
}

async function readChannelGroup(
  file: MdfFile,
  offset: number,
  dataGroup: number,
  seen: Set<number>,
): Promise<{ group: MdfChannelGroup; next: number }> {
  const { source, uri } = file;
  // §6.14 CG: links next, cn_first, tx_acq_name, si_acq_source, sr_first, md_comment (+ cg_master in 4.2).
  const cg = await readBlock(source, offset, ['CG']);
  const d = cg.view;
  if (d.byteLength < 32) throw new DecodeError('mdf4: ##CG block too short', { uri, offset });
  const flags = d.getUint16(16, true);
  const group: MdfChannelGroup = {
    index: 0,
    cycles: Number(d.getBigUint64(8, true)),
    channels: [],
    isBusEvent: (flags & 0b110) !== 0,
    isVlsd: (flags & 1) !== 0,
    recordId: d.getBigUint64(0, true),
    dataBytes: d.getUint32(24, true),
    invalidationBytes: d.getUint32(28, true),
    offset,
    dataGroup,
  };
  const acquisitionName = await readText(source, cg.links[2] ?? 0);
  if (acquisitionName !== undefined) group.acquisitionName = acquisitionName;
  const sourceLink = cg.links[3] ?? 0;
  if (sourceLink !== 0) {
    const si = await readBlock(source, sourceLink, ['SI']);
    const sourceName = await readText(source, si.links[0] ?? 0);
    if (sourceName !== undefined) group.sourceName = sourceName;
    if (si.view.byteLength >= 2) group.busType = si.view.getUint8(1);
  }
  const comment = await readText(source, cg.links[5] ?? 0);
  if (!group.isVlsd) {
    await readChannels(file, cg.links[1] ?? 0, group, seen, '');
    const master = group.channels.find((c) => c.isMaster);
    // A group's name: its acquisition name, else the first non-master channel's name (what tools list).
    group.name =
      acquisitionName ?? group.channels.find((c) => c !== master)?.name ?? (comment && plainComment(comment));
  }
  return { group, next: cg.links[0] ?? 0 };
}

async function readChannels(
  file: MdfFile,
  first: number,
  group: MdfChannelGroup,
  seen: Set<number>,
  prefix: string,
): Promise<void> {
  const { source, uri } = file;
  for (let cnLink = first; cnLink !== 0;) {
    guardLoop(seen, cnLink, uri);
    // §6.16 CN: links next, composition, tx_name, si_source, cc_conversion, data, md_unit, md_comment, ...
    const cn = await readBlock(source, cnLink, ['CN']);
    const d = cn.view;
    if (d.byteLength < 24) throw new DecodeError('mdf4: ##CN block too short', { uri, offset: cnLink });
    const kindCode = d.getUint8(0);
    const typeCode = d.getUint8(2);
    const flags = d.getUint32(12, true);
    const name = (await readText(source, cn.links[2] ?? 0)) ?? '';
    const unitText = await readText(source, cn.links[6] ?? 0);
    const channel: MdfChannel = {
      name: prefix && !name.startsWith(prefix) ? `${prefix}.${name}` : name,
      kind: CHANNEL_KINDS[kindCode] ?? 'unknown',
      dataType: DATA_TYPES[typeCode] ?? 'unknown',
      byteOffset: d.getUint32(4, true),
      bitOffset: d.getUint8(3),
      bitCount: d.getUint32(8, true),
      isMaster: kindCode === 2 || kindCode === 3,
      syncType: d.getUint8(1),
      allInvalid: (flags & 1) !== 0,
      offset: cnLink,
      dataLink: cn.links[5] ?? 0,
    };
    if (flags & 2) channel.invalidationBit = d.getUint32(16, true);
    if (unitText !== undefined) channel.unit = plainComment(unitText);
    if (channel.unit === undefined) {
      // Without cn_md_unit, the conversion's unit applies (§6.16: cn_md_unit overrides cc_md_unit).
      const cc = cn.links[4] ?? 0;
      if (cc !== 0) {
        const ccBlock = await readBlock(source, cc, ['CC']);
        const ccUnit = await readText(source, ccBlock.links[1] ?? 0);
        if (ccUnit) channel.unit = plainComment(ccUnit);
      }
    }
    if (channel.unit === '') delete channel.unit;
    const conversion = await compileConversion(source, cn.links[4] ?? 0, {
      floatInput: channel.dataType === 'float_le' || channel.dataType === 'float_be',
    });
    if (conversion) channel.conversion = conversion;
    const composition = cn.links[1] ?? 0;
    const compositionId = composition === 0 ? '' : await blockId(file, composition);
    if (compositionId === 'CA') {
      group.channels.push(...(await expandArray(file, channel, composition)));
    } else {
      group.channels.push(channel);
    }
    if (compositionId === 'CN') {
      // §6.16.3 structure: children address bytes of the same record; CANedge's CAN_DataFrame.* live here.
      await readChannels(file, composition, group, seen, channel.name);
    } else if (compositionId !== '' && compositionId !== 'CA') {
      warn(
        file,
        `mdf4: unexpected ##${compositionId} composition of ${JSON.stringify(channel.name)} at block 0x${composition.toString(16)}`,
      );
    }
    cnLink = cn.links[0] ?? 0;
  }
}

async function blockId(file: MdfFile, offset: number): Promise<string> {
  const header = await file.source.read(offset, 4);
  return String.fromCharCode(header[2] ?? 0, header[3] ?? 0);
}

/** Arrays with more elements than this stay one channel (their first element), with a warning. */
const MAX_ARRAY_ELEMENTS = 65_536;

/**
 * §6.18 CA block with "CN template" storage: the channel is an array whose element k (row-major index
 * `[i][j]...`) sits at `cn_byte_offset + k * ca_byte_offset_base`, invalidation bit `+ k * ca_inval_bit_pos_base`.
 * Each element becomes a channel named `name[i][j]`. Other storage types are left as the first element.
 */
async function expandArray(file: MdfFile, channel: MdfChannel, offset: number): Promise<MdfChannel[]> {
  const ca = await readBlock(file.source, offset, ['CA']);
  const d = ca.view;
  const where = `at block 0x${offset.toString(16)}`;
  if (d.byteLength < 16) throw new DecodeError('mdf4: ##CA block too short', { uri: file.uri, offset });
  const storage = d.getUint8(1);
  const ndim = d.getUint16(2, true);
  const flags = d.getUint32(4, true);
  const byteBase = d.getInt32(8, true);
  const invalidBase = d.getUint32(12, true);
  if (d.byteLength < 16 + 8 * ndim)
    throw new DecodeError('mdf4: ##CA block shorter than its dimensions', { uri: file.uri, offset });
  const dims: number[] = [];
  for (let i = 0; i < ndim; i++) dims.push(Number(d.getBigUint64(16 + 8 * i, true)));
  const total = dims.reduce((a, b) => a * b, 1);
  if (storage !== 0 || (flags & 1) !== 0 || total > MAX_ARRAY_ELEMENTS || total < 1) {
    warn(
      file,
      `mdf4: array channel ${JSON.stringify(channel.name)} (storage ${storage}, flags 0x${flags.toString(16)}, ${total} elements) is read as its first element ${where}`,
    );
    return [channel];
  }
  // Bit 6 "inverse layout": elements are stored column-major.
  const columnMajor = (flags & 0x40) !== 0;
  const elements: MdfChannel[] = [];
  for (let k = 0; k < total; k++) {
    const index: number[] = new Array<number>(ndim).fill(0);
    let rest = k;
    if (columnMajor) {
      for (let i = 0; i < ndim; i++) {
        index[i] = rest % dims[i]!;
        rest = Math.floor(rest / dims[i]!);
      }
    } else {
      for (let i = ndim - 1; i >= 0; i--) {
        index[i] = rest % dims[i]!;
        rest = Math.floor(rest / dims[i]!);
      }
    }
    const element: MdfChannel = {
      ...channel,
      name: `${channel.name}${index.map((i) => `[${i}]`).join('')}`,
      byteOffset: channel.byteOffset + k * byteBase,
    };
    if (channel.invalidationBit !== undefined)
      element.invalidationBit = channel.invalidationBit + k * invalidBase;
    elements.push(element);
  }
  return elements;
}
