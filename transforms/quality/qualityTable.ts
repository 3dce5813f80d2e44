/**
 * The `quality` table: one row per drive and recorded signal, plus `_gps` (the GNSS track) and `_drive`
 * (the verdict), with the measurements the gates judged and each row's status and reasons. All rows of a
 * drive are partitioned by the drive's start, like its `drives` row, so one drive's verdict is in one place.
 */
import { Bool, Field, Float64, Int32, Int64, List, Schema, Utf8 } from 'apache-arrow';
import type {
  BoolColumn,
  Float64Column,
  Int64Column,
  IntColumn,
  StringColumn,
  TimestampColumn,
  ValueColumn,
} from '../../catalog/columnBuffer.js';
import { column, driveId, name, PARTITION_KEYS, timestamp, type TableDef } from '../../catalog/tables.js';
import type { QualityResult } from './qualityGates.js';

/** Column shapes of the `quality` table; `drive_id` is filled in by the writer. */
export interface QualityBatch {
  start_time: TimestampColumn;
  signal: StringColumn;
  source: StringColumn;
  samples: Int64Column;
  rate_hz: Float64Column;
  nominal_hz: Float64Column;
  nominal_from: StringColumn;
  drift_pct: Float64Column;
  max_gap_s: Float64Column;
  gaps: IntColumn;
  duplicates: IntColumn;
  non_monotonic: IntColumn;
  /** Nanoseconds since the epoch; null where the row has no samples. */
  first_time: readonly (bigint | null)[];
  last_time: readonly (bigint | null)[];
  epoch_ok: BoolColumn;
  gps_low_quality_share: Float64Column;
  gps_hdop_max: Float64Column;
  gps_hdop_median: Float64Column;
  gps_high_hdop_share: Float64Column;
  gps_low_satellites_share: Float64Column;
  gps_jumps: IntColumn;
  gps_max_jump_mps: Float64Column;
  decode_frames: Int64Column;
  decode_errors: Int64Column;
  decode_error_rate: Float64Column;
  clock_offset_s: Float64Column;
  status: StringColumn;
  reasons: ValueColumn<readonly string[]>;
  messages: ValueColumn<readonly string[]>;
}

const nullable = { nullable: true } as const;
const strings = () => new List(new Field('item', new Utf8(), false));

export const QUALITY: TableDef<QualityBatch> = {
  name: 'quality',
  doc: 'Quality gates per drive and signal: rates, gaps, time order, epoch sanity, GNSS fix quality, decode errors; status and reasons.',
  schema: new Schema([
    column('start_time', timestamp(), 'Start of the drive (drives.start_time), UTC: partitions the rows.'),
    driveId(),
    column(
      'signal',
      name(),
      'Canonical signal, or _gps (the GNSS track) or _drive (the verdict of the drive).',
    ),
    column('source', name(), 'Where the samples came from (table:message.signal, gps...).', nullable),
    column('samples', new Int64(), 'Samples recorded (for _drive: of all signal series).'),
    column('rate_hz', new Float64(), 'Samples per second over the intervals that are not gaps.', {
      nullable: true,
      unit: 'Hz',
    }),
    column(
      'nominal_hz',
      new Float64(),
      'The rate judged against: expected (configured) or 1 / median interval.',
      {
        nullable: true,
        unit: 'Hz',
      },
    ),
    column('nominal_from', name(), "'expected' or 'median'.", nullable),
    column('drift_pct', new Float64(), '(rate_hz - nominal_hz) / nominal_hz; negative when slower.', {
      nullable: true,
      unit: '%',
    }),
    column('max_gap_s', new Float64(), 'Longest interval between consecutive samples.', {
      nullable: true,
      unit: 's',
    }),
    column('gaps', new Int32(), 'Intervals longer than the gap threshold.', nullable),
    column('duplicates', new Int32(), 'Samples whose time equals the previous one.', nullable),
    column('non_monotonic', new Int32(), 'Samples whose time is before the previous one.', nullable),
    column('first_time', timestamp(), 'Earliest sample time, UTC.', nullable),
    column('last_time', timestamp(), 'Latest sample time, UTC.', nullable),
    column(
      'epoch_ok',
      new Bool(),
      'Times fall between the plausible epoch and now (plus a margin).',
      nullable,
    ),
    column('gps_low_quality_share', new Float64(), 'Share of fixes below the minimum fix quality.', nullable),
    column('gps_hdop_max', new Float64(), 'Largest HDOP.', nullable),
    column('gps_hdop_median', new Float64(), 'Median HDOP.', nullable),
    column('gps_high_hdop_share', new Float64(), 'Share of fixes with HDOP above the limit.', nullable),
    column(
      'gps_low_satellites_share',
      new Float64(),
      'Share of fixes with fewer satellites than the minimum.',
      nullable,
    ),
    column(
      'gps_jumps',
      new Int32(),
      'Consecutive valid fixes further apart than a vehicle can travel.',
      nullable,
    ),
    column('gps_max_jump_mps', new Float64(), 'Implied speed of the largest jump.', {
      nullable: true,
      unit: 'm/s',
    }),
    column('decode_frames', new Int64(), 'CAN frames read plus unreadable log lines (_drive row).', nullable),
    column(
      'decode_errors',
      new Int64(),
      'Unreadable lines and frames shorter than their DBC message.',
      nullable,
    ),
    column('decode_error_rate', new Float64(), 'decode_errors / decode_frames.', nullable),
    column('clock_offset_s', new Float64(), 'GNSS clock minus logger clock, as time sync estimated it.', {
      nullable: true,
      unit: 's',
    }),
    column('status', name(), 'pass, warn or fail (for _drive: the drive).'),
    column('reasons', strings(), 'Machine-readable reason codes (gap:speed, gps_jump, epoch_1970...).'),
    column('messages', strings(), 'The reasons for people, in the same order.'),
  ]),
  partitionKeys: PARTITION_KEYS,
  timeColumn: 'start_time',
  encodings: {},
};

/** The rows of a judged drive as a `quality` batch. */
export function qualityToBatch(result: QualityResult): QualityBatch {
  const rows = result.rows;
  const big = (n: number | null): bigint | null => (n === null ? null : BigInt(n));
  return {
    start_time: rows.map(() => result.start),
    signal: rows.map((r) => r.signal),
    source: rows.map((r) => r.source),
    samples: rows.map((r) => BigInt(r.samples)),
    rate_hz: rows.map((r) => r.rate_hz),
    nominal_hz: rows.map((r) => r.nominal_hz),
    nominal_from: rows.map((r) => r.nominal_from),
    drift_pct: rows.map((r) => r.drift_pct),
    max_gap_s: rows.map((r) => r.max_gap_s),
    gaps: rows.map((r) => r.gaps),
    duplicates: rows.map((r) => r.duplicates),
    non_monotonic: rows.map((r) => r.non_monotonic),
    first_time: rows.map((r) => r.first_time),
    last_time: rows.map((r) => r.last_time),
    epoch_ok: rows.map((r) => r.epoch_ok),
    gps_low_quality_share: rows.map((r) => r.gps_low_quality_share),
    gps_hdop_max: rows.map((r) => r.gps_hdop_max),
    gps_hdop_median: rows.map((r) => r.gps_hdop_median),
    gps_high_hdop_share: rows.map((r) => r.gps_high_hdop_share),
    gps_low_satellites_share: rows.map((r) => r.gps_low_satellites_share),
    gps_jumps: rows.map((r) => r.gps_jumps),
    gps_max_jump_mps: rows.map((r) => r.gps_max_jump_mps),
    decode_frames: rows.map((r) => big(r.decode_frames)),
    decode_errors: rows.map((r) => big(r.decode_errors)),
    decode_error_rate: rows.map((r) => r.decode_error_rate),
    clock_offset_s: rows.map((r) => r.clock_offset_s),
    status: rows.map((r) => r.status),
    reasons: rows.map((r) => r.reasons.map((reason) => reason.code)),
    messages: rows.map((r) => r.reasons.map((reason) => reason.message)),
  };
}
