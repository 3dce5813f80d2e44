import { DecodeError } from '../../core/errors.js';
import type { Conversion } from './compileConversion.js';
import { compileRawReader, type RawReader, textDecoder } from './compileRawReader.js';
import type { MdfChannel, MdfChannelGroup, MdfFile } from './model.js';
import type { RecordBatch, VlsdBatch } from './readRecords.js';
import { SignalData } from './SignalData.js';
import { warn } from './warn.js';

/** One value of a non-numeric column: text, a number from a text table, raw bytes, or null (invalid/no entry). */
export type MdfValue = string | number | null | Uint8Array;

/** Numeric channels become Float64Array (NaN = invalid); text, byte-array and text-table channels value arrays. */
export type MdfColumn = Float64Array | MdfValue[];

/** A decoded chunk of one channel group's records. */
export interface MdfGroupChunk {
  /** Master channel value (converted; seconds for a time master), NaN where the group has none. */
  t: Float64Array;
  columns: Map<string, MdfColumn>;
  rows: number;
}

/**
 * VLSD values of a VLSD channel group waiting for the record that references them, in stream order. Loggers
 * write each value before its record (CANedge), so lookups move forward: values skipped over are orphans and
 * are dropped, which keeps memory bounded by one chunk.
 */
class VlsdQueue {
  private offsets: number[] = [];
  private values: Uint8Array[] = [];
  private head = 0;

  add(offsets: readonly number[], values: readonly Uint8Array[]): void {
    if (this.head > 0 && this.head * 2 >= this.offsets.length) {
      this.offsets = this.offsets.slice(this.head);
      this.values = this.values.slice(this.head);
      this.head = 0;
    }
    for (let i = 0; i < offsets.length; i++) {
      this.offsets.push(offsets[i]!);
      this.values.push(values[i]!);
    }
  }

  take(offset: number): Uint8Array | undefined {
    const offsets = this.offsets;
    let head = this.head;
    while (head < offsets.length && offsets[head]! < offset) head++;
    if (head >= offsets.length || offsets[head] !== offset) {
      // Not (yet) here: a reference backwards or to a value never written. Keep the queue as it was.
      return undefined;
    }
    this.head = head + 1;
    return this.values[head];
  }
}

interface ColumnPlan {
  channel: MdfChannel;
  key: string;
  raw: RawReader | 'index';
  conversion: Conversion | undefined;
  /** For VLSD channels: where values live and how they decode. */
  vlsd?: { sd?: SignalData; group?: MdfChannelGroup; decode: (bytes: Uint8Array) => MdfValue };
  /** Byte position of the invalidation bit's byte inside the record, and the bit mask. */
  invalidByte: number;
  invalidMask: number;
  numeric: boolean;
}

/**
 * Decodes one channel group's packed records into columns (§6.16 channels, §6.17 conversions, §5.21.3
 * invalidation bits). Channels it cannot decode (unsupported data types, MLSD) are left out with a warning.
 */
export class GroupDecoder {
  readonly plans: ColumnPlan[] = [];
  private master: ColumnPlan | undefined;
  /** VLSD groups whose values this group's channels need, and values waiting for their referencing record. */
  readonly vlsdGroups = new Set<MdfChannelGroup>();
  private readonly pending = new Map<MdfChannelGroup, VlsdQueue>();

  private constructor(
    readonly file: MdfFile,
    readonly group: MdfChannelGroup,
  ) {}

  /** @param options.channels decode only these channels (the master is always decoded) @default all */
  static async create(
    file: MdfFile,
    group: MdfChannelGroup,
    options: { channels?: ReadonlySet<string> } = {},
  ): Promise<GroupDecoder> {
    const decoder = new GroupDecoder(file, group);
    const names = new Map<string, number>();
    for (const channel of group.channels) {
      if (options.channels && !channel.isMaster && !options.channels.has(channel.name)) continue;
      const plan = await decoder.plan(channel);
      if (!plan) continue;
      if (channel.isMaster && !decoder.master) {
        decoder.master = plan;
        continue;
      }
      const seen = names.get(channel.name) ?? 0;
      names.set(channel.name, seen + 1);
      if (seen > 0) plan.key = `${channel.name}[${seen}]`;
      decoder.plans.push(plan);
    }
    return decoder;
  }

  private async plan(channel: MdfChannel): Promise<ColumnPlan | undefined> {
    const { file, group } = this;
    const recordEnd = group.dataBytes;
    const base = {
      channel,
      key: channel.name,
      conversion: channel.conversion,
      invalidByte: channel.invalidationBit === undefined ? -1 : recordEnd + (channel.invalidationBit >> 3),
      invalidMask: channel.invalidationBit === undefined ? 0 : 1 << (channel.invalidationBit & 7),
    };
    if (channel.kind === 'virtual_master' || channel.kind === 'virtual_data') {
      // §6.16.1: the value is the record index (then converted).
      return { ...base, raw: 'index', numeric: channel.conversion?.kind !== 'toText' };
    }
    if (
      channel.kind !== 'fixed' &&
      channel.kind !== 'master' &&
      channel.kind !== 'sync' &&
      channel.kind !== 'vlsd'
    ) {
      warn(
        file,
        `mdf4: channel ${JSON.stringify(channel.name)} of kind ${channel.kind} is not read (block 0x${channel.offset.toString(16)})`,
      );
      return undefined;
    }
    if (channel.kind === 'vlsd' && channel.byteOffset + 8 > group.dataBytes) {
      warn(
        file,
        `mdf4: VLSD channel ${JSON.stringify(channel.name)} lies outside its record (block 0x${channel.offset.toString(16)}); left out`,
      );
      return undefined;
    }
    if (channel.kind === 'vlsd') {
      const offsetReader = compileRawReader(
        { ...channel, dataType: 'uint_le', bitOffset: 0, bitCount: 64 },
        file.uri,
      );
      const decode = valueDecoder(channel);
      if (channel.dataLink === 0) return undefined;
      const head = await file.source.read(channel.dataLink, 4);
      const id = String.fromCharCode(head[2] ?? 0, head[3] ?? 0);
      if (id === 'CG') {
        const target = file.groups.find(
          (g) => g.offset === channel.dataLink && g.dataGroup === group.dataGroup,
        );
        if (!target) {
          throw new DecodeError('mdf4: VLSD channel links a channel group outside its data group', {
            uri: file.uri,
            offset: channel.offset,
          });
        }
        this.vlsdGroups.add(target);
        this.pending.set(target, new VlsdQueue());
        return { ...base, raw: offsetReader, numeric: false, vlsd: { group: target, decode } };
      }
      const sd = await SignalData.open(file, channel.dataLink);
      return { ...base, raw: offsetReader, numeric: false, vlsd: { sd, decode } };
    }
    if (channel.bitCount === 0 && channel.dataType !== 'bytes') return undefined;
    if (channel.byteOffset + Math.ceil((channel.bitOffset + channel.bitCount) / 8) > group.dataBytes) {
      warn(
        file,
        `mdf4: channel ${JSON.stringify(channel.name)} lies outside its record (block 0x${channel.offset.toString(16)}); left out`,
      );
      return undefined;
    }
    let raw: RawReader;
    try {
      raw = compileRawReader(channel, file.uri);
    } catch (error) {
      if (!(error instanceof DecodeError)) throw error;
      warn(file, `${error.detail}; left out (block 0x${channel.offset.toString(16)})`);
      return undefined;
    }
    const numeric = raw.kind === 'number' && channel.conversion?.kind !== 'toText';
    return { ...base, raw, numeric };
  }

  /** Remembers VLSD values of this chunk for the records that reference them. */
  addVlsd(batch: VlsdBatch): void {
    this.pending.get(batch.group)?.add(batch.offsets, batch.values);
  }

  /** Decodes a batch of this group's records. */
  async decode(batch: RecordBatch): Promise<MdfGroupChunk> {
    const { bytes, count, recordLength, firstIndex } = batch;
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const t = new Float64Array(count);
    const master = this.master;
    if (master) this.fillNumeric(master, t, bytes, view, count, recordLength, firstIndex);
    else t.fill(Number.NaN);
    const columns = new Map<string, MdfColumn>();
    for (const plan of this.plans) {
      if (plan.numeric) {
        const column = new Float64Array(count);
        this.fillNumeric(plan, column, bytes, view, count, recordLength, firstIndex);
        columns.set(plan.key, column);
      } else {
        columns.set(plan.key, await this.fillValues(plan, bytes, view, count, recordLength, firstIndex));
      }
    }
    return { t, columns, rows: count };
  }

  private fillNumeric(
    plan: ColumnPlan,
    out: Float64Array,
    bytes: Uint8Array,
    view: DataView,
    count: number,
    stride: number,
    firstIndex: number,
  ): void {
    const { raw, conversion, invalidByte, invalidMask } = plan;
    const convert = conversion?.kind === 'numeric' ? conversion.apply : undefined;
    if (plan.channel.allInvalid) {
      out.fill(Number.NaN);
      return;
    }
    for (let i = 0, base = 0; i < count; i++, base += stride) {
      let value: number;
      if (raw === 'index') value = firstIndex + i;
      else if (raw.kind === 'number') value = raw.read(view, base);
      else value = Number.NaN;
      if (convert) value = convert(value);
      if (invalidMask !== 0 && (bytes[base + invalidByte]! & invalidMask) !== 0) value = Number.NaN;
      out[i] = value;
    }
  }

  private async fillValues(
    plan: ColumnPlan,
    bytes: Uint8Array,
    view: DataView,
    count: number,
    stride: number,
    firstIndex: number,
  ): Promise<MdfValue[]> {
    const { raw, conversion, invalidByte, invalidMask, vlsd } = plan;
    const out: MdfValue[] = [];
    const valid = (base: number): boolean =>
      invalidMask === 0 || (bytes[base + invalidByte]! & invalidMask) === 0;
    if (plan.channel.allInvalid) {
      for (let i = 0; i < count; i++) out.push(null);
      return out;
    }
    if (raw === 'index') {
      for (let i = 0, base = 0; i < count; i++, base += stride) {
        out.push(valid(base) ? applyConversion(conversion, firstIndex + i) : null);
      }
      return out;
    }
    if (vlsd && raw.kind === 'number') {
      // VLSD: the record holds the value's offset in the signal data (SD blocks or a VLSD channel group).
      const pending = vlsd.group ? this.pending.get(vlsd.group) : undefined;
      for (let i = 0, base = 0; i < count; i++, base += stride) {
        if (!valid(base)) {
          out.push(null);
          continue;
        }
        const offset = raw.read(view, base);
        const data = pending ? pending.take(offset) : await vlsd.sd?.value(offset);
        out.push(data === undefined ? null : applyConversion(conversion, vlsd.decode(data)));
      }
      return out;
    }
    for (let i = 0, base = 0; i < count; i++, base += stride) {
      if (!valid(base)) out.push(null);
      else if (raw.kind === 'number') out.push(applyConversion(conversion, raw.read(view, base)));
      else out.push(applyConversion(conversion, raw.read(bytes, base)));
    }
    return out;
  }
}

function applyConversion(conversion: Conversion | undefined, value: MdfValue): MdfValue {
  if (!conversion || value === null) return value;
  if (conversion.kind === 'fromText') return typeof value === 'string' ? conversion.apply(value) : value;
  return typeof value === 'number' ? conversion.apply(value) : value;
}

function valueDecoder(channel: MdfChannel): (bytes: Uint8Array) => MdfValue {
  switch (channel.dataType) {
    case 'string_latin1':
    case 'string_utf8':
    case 'string_utf16le':
    case 'string_utf16be':
      return textDecoder(channel.dataType);
    default:
      // A view into the record chunk, like fixed byte arrays from `compileRawReader`.
      return (bytes) => bytes;
  }
}
