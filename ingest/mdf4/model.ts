/**
 * The public shape of an opened ASAM MDF 4.x file (ASAM MCD-2 MC MDF 4.1/4.2). Only metadata: sample data is
 * streamed by `readGroup` / `readCanFrames` through the file's `RandomAccessSource`.
 */
import type { RandomAccessSource } from '../../core/source.js';
import type { Conversion } from './compileConversion.js';

/** MDF4 §6.21.2 `cn_data_type`. */
export type MdfDataType =
  | 'uint_le'
  | 'uint_be'
  | 'int_le'
  | 'int_be'
  | 'float_le'
  | 'float_be'
  | 'string_latin1'
  | 'string_utf8'
  | 'string_utf16le'
  | 'string_utf16be'
  | 'bytes'
  | 'mime_sample'
  | 'mime_stream'
  | 'canopen_date'
  | 'canopen_time'
  | 'complex_le'
  | 'complex_be'
  | 'unknown';

/** MDF4 §6.21 `cn_type`. */
export type MdfChannelKind =
  'fixed' | 'vlsd' | 'master' | 'virtual_master' | 'sync' | 'mlsd' | 'virtual_data' | 'vlsc' | 'unknown';

export interface MdfChannel {
  /** Name from `cn_tx_name`; children of a composition keep their own full names (`CAN_DataFrame.ID`). */
  name: string;
  unit?: string;
  kind: MdfChannelKind;
  dataType: MdfDataType;
  /** Byte offset of the value inside the record, after the record id. */
  byteOffset: number;
  bitOffset: number;
  bitCount: number;
  isMaster: boolean;
  /** `cn_sync_type`: 0 none, 1 time, 2 angle, 3 distance, 4 index. */
  syncType: number;
  /** Bit position of the invalidation bit in the invalidation bytes, when `cn_flags` bit 1 says it is used. */
  invalidationBit?: number;
  /** `cn_flags` bit 0: every value of this channel is invalid. */
  allInvalid: boolean;
  conversion?: Conversion;
  /** File offset of the CN block, for messages. */
  offset: number;
  /** For VLSD channels: link to the SD/DL/DZ block or to the VLSD channel group holding the values (0 = none). */
  dataLink: number;
}

export interface MdfChannelGroup {
  /** Position in the file: data groups in order, then channel groups in order. */
  index: number;
  name?: string;
  acquisitionName?: string;
  /** Source (SI) name and bus type (§6.18 `si_bus_type`: 2 = CAN), when the CG has one. */
  sourceName?: string;
  busType?: number;
  /** `cg_cycle_count`; for unfinalised files the value as written (often 0), see `MdfFile.warnings`. */
  cycles: number;
  channels: MdfChannel[];
  /** `cg_flags` bit 1 (bus event) or bit 2 (plain bus event). */
  isBusEvent: boolean;
  /** `cg_flags` bit 0: this group holds only variable-length signal data for another group's channel. */
  isVlsd: boolean;
  recordId: bigint;
  dataBytes: number;
  invalidationBytes: number;
  /** File offset of the CG block. */
  offset: number;
  /** Index into the file's data groups. */
  dataGroup: number;
}

export interface MdfDataGroup {
  /** File offset of the DG block. */
  offset: number;
  /** `dg_rec_id_size`: 0 (sorted, one CG), 1, 2, 4 or 8 bytes. */
  recordIdSize: number;
  /** Link to the DT/DZ/DL/HL block holding the records, 0 when there is no data. */
  dataLink: number;
  groups: MdfChannelGroup[];
}

export interface MdfFile {
  uri: string;
  source: RandomAccessSource;
  inflate: Inflate;
  /** Size of the source in bytes when opened. */
  size: number;
  /** `id_vers`, e.g. `4.11`. */
  version: string;
  /** False for `UnFinMF ` files (loggers that never wrote back counts and lengths). */
  finalized: boolean;
  /** `id_unfin_flags` | `id_custom_unfin_flags` << 16 (§6.2). */
  unfinalizedFlags: number;
  /** Measurement start, UTC, ns since the epoch (§6.3 `hd_start_time_ns`). */
  startTimeNs: bigint;
  groups: MdfChannelGroup[];
  dataGroups: MdfDataGroup[];
  /** Problems that did not stop reading (unfinalised file, skipped features). */
  warnings: string[];
}

/** Inflates zlib data (DZ blocks, §6.26); `expectedSize` is `dz_org_data_length`. */
export type Inflate = (bytes: Uint8Array, expectedSize?: number) => Uint8Array;
