/**
 * The curated tables: their Arrow schemas (what the Parquet files hold), partitioning and encodings, and
 * the column shapes a writer accepts for each.
 *
 * Types are chosen for Athena as much as for DuckDB: signed integers only (Athena has no unsigned types),
 * `TIMESTAMP(MICROS, isAdjustedToUTC=true)` for time (Arrow `Timestamp(MICROSECOND, 'UTC')`), strings as
 * Arrow dictionaries where values repeat (they are plain Parquet strings either way). The partition
 * columns `vehicle` and `date` are not in the files: Hive-style paths carry them (see `layout.ts`).
 */
import {
  Binary,
  Bool,
  Dictionary,
  Field,
  Float64,
  Int16,
  Int32,
  Int64,
  Int8,
  List,
  Schema,
  Struct,
  TimestampMicrosecond,
  Utf8,
} from 'apache-arrow';
import type { DataType } from 'apache-arrow';
import type {
  BinaryColumn,
  BoolColumn,
  Float64Column,
  IntColumn,
  StringColumn,
  TimestampColumn,
  ValueColumn,
} from './columnBuffer.js';
import type { ColumnEncoding, ColumnStatistics } from './parquetWriter.js';

export const PARTITION_KEYS = ['vehicle', 'date'] as const;

/** @typeParam TBatch what `PartitionedTableWriter.append` takes for this table (columns by name). */
export interface TableDef<TBatch = Record<string, unknown>> {
  readonly name: string;
  readonly doc: string;
  /** The columns stored in each file, in order. Each field's metadata has `doc` and, for quantities, `unit`. */
  readonly schema: Schema;
  /** Hive partition columns, outermost first; their values are in the key, not in the file. */
  readonly partitionKeys: typeof PARTITION_KEYS;
  /** The timestamp column whose UTC date chooses a row's `date` partition. */
  readonly timeColumn: string;
  /**
   * What a partition key holds in this table, when it is not the lake's usual meaning (label tables keep
   * the labeling job in `vehicle`); the catalog's partition key comments use it.
   * @default the vehicle id and the UTC date of `timeColumn`
   */
  readonly partitionDocs?: Readonly<Partial<Record<(typeof PARTITION_KEYS)[number], string>>>;
  /** Parquet encodings that pay for this table's columns (measured, see `parquetWriter.ts`). */
  readonly encodings: Readonly<Record<string, ColumnEncoding>>;
  /** Columns whose min/max statistics are not written (others get page and chunk statistics). */
  readonly statistics?: Readonly<Record<string, ColumnStatistics>>;
  /** zstd level of this table's parts (see `ParquetOptions.zstdLevel`). */
  readonly zstdLevel?: number;
  /** Type-level only: the batch shape. Never set. */
  readonly batch?: TBatch;
}

/** Column shapes of one `drives` row per drive. `drive_id` is filled in by the writer. */
export interface DrivesBatch {
  start_time: TimestampColumn;
  end_time: TimestampColumn;
  duration_s: Float64Column;
  distance_m?: Float64Column;
  source_files: ValueColumn<readonly SourceFile[]>;
  formats: ValueColumn<readonly string[]>;
  quality_status?: StringColumn;
  quality_issues: ValueColumn<readonly string[]>;
  weather_summary?: StringColumn;
  vehicle_key_id?: StringColumn;
}

export interface SourceFile {
  uri: string;
  sha256: string;
  format: string;
  bytes: number | bigint;
}

export interface CanFramesBatch {
  t: TimestampColumn;
  bus: StringColumn;
  id: IntColumn;
  extended: BoolColumn;
  dlc: IntColumn;
  data: BinaryColumn;
  fd: BoolColumn;
  brs: BoolColumn;
  esi: BoolColumn;
  error: BoolColumn;
  remote: BoolColumn;
  direction?: StringColumn;
}

export interface CanSignalsBatch {
  t: TimestampColumn;
  bus: StringColumn;
  message: StringColumn;
  signal: StringColumn;
  value: Float64Column;
  label?: StringColumn;
}

export interface GpsBatch {
  t: TimestampColumn;
  lat?: Float64Column;
  lon?: Float64Column;
  alt?: Float64Column;
  alt_hae?: Float64Column;
  speed?: Float64Column;
  course?: Float64Column;
  fix_quality?: IntColumn;
  satellites?: IntColumn;
  hdop?: Float64Column;
  pdop?: Float64Column;
  vdop?: Float64Column;
}

export const timestamp = () => new TimestampMicrosecond('UTC');
/** Strings that repeat: names, ids, statuses. */
export const name = () => new Dictionary(new Utf8(), new Int32());

export interface ColumnOptions {
  nullable?: boolean;
  unit?: string;
}

/** A field with its `doc` (and `unit`) metadata, not null unless `nullable`. */
export function column(columnName: string, type: DataType, doc: string, options: ColumnOptions = {}): Field {
  const metadata = new Map([['doc', doc]]);
  if (options.unit !== undefined) metadata.set('unit', options.unit);
  return new Field(columnName, type, options.nullable ?? false, metadata);
}

export const t = () => column('t', timestamp(), 'Time of the record, UTC, microsecond precision.');
export const driveId = () =>
  column('drive_id', name(), 'The drive the row belongs to (see the drives table).');
// Timestamps grow by small steps: delta encoding makes them ~1 byte per row instead of 8 (measured).
export const timeSeriesEncodings = { t: 'delta_binary_packed' } as const;

export const DRIVES: TableDef<DrivesBatch> = {
  name: 'drives',
  doc: 'One row per drive: when, how long, from which source files, and its quality verdict.',
  schema: new Schema([
    column('drive_id', new Utf8(), 'Drive id, unique within the lake.'),
    column('start_time', timestamp(), 'First timestamp of the drive, UTC.'),
    column('end_time', timestamp(), 'Last timestamp of the drive, UTC.'),
    column('duration_s', new Float64(), 'end_time - start_time.', { unit: 's' }),
    column('distance_m', new Float64(), 'Distance driven (from GPS); null without GPS.', {
      nullable: true,
      unit: 'm',
    }),
    column(
      'source_files',
      new List(
        new Field(
          'item',
          new Struct([
            new Field('uri', new Utf8(), false),
            new Field('sha256', new Utf8(), false),
            new Field('format', new Utf8(), false),
            new Field('bytes', new Int64(), false),
          ]),
          false,
        ),
      ),
      'The raw files the drive was ingested from: URI, content hash, detected format, size in bytes.',
    ),
    column(
      'formats',
      new List(new Field('item', new Utf8(), false)),
      'Distinct formats among the source files.',
    ),
    column('quality_status', name(), 'pass, warn or fail; null until the quality step has run.', {
      nullable: true,
    }),
    column(
      'quality_issues',
      new List(new Field('item', new Utf8(), false)),
      'Machine-readable reasons for warn/fail.',
    ),
    column('weather_summary', new Utf8(), 'Short weather description for the drive, when known.', {
      nullable: true,
    }),
    column(
      'vehicle_key_id',
      new Utf8(),
      'Id of the key the vehicle partition value is a pseudonym under (HMAC-SHA256, see transforms/pseudonym); null when the vehicle id was kept as given.',
      { nullable: true },
    ),
  ]),
  partitionKeys: PARTITION_KEYS,
  timeColumn: 'start_time',
  encodings: {},
};

export const CAN_FRAMES: TableDef<CanFramesBatch> = {
  name: 'can_frames',
  doc: 'Raw CAN and CAN FD frames as logged.',
  schema: new Schema([
    t(),
    driveId(),
    column('bus', name(), 'Bus/channel as the log names it (can0, 1, ...).'),
    // 29-bit identifiers fit int32; Athena has no unsigned types.
    column('id', new Int32(), 'Arbitration id (11 or 29 bit); 0 for error frames.'),
    column('extended', new Bool(), 'True for a 29-bit identifier.'),
    column('dlc', new Int8(), 'Data length code as on the wire (0..15 for CAN FD).'),
    column('data', new Binary(), 'Payload bytes.'),
    column('fd', new Bool(), 'CAN FD frame.'),
    column('brs', new Bool(), 'CAN FD bit-rate switch.'),
    column('esi', new Bool(), 'CAN FD error state indicator.'),
    column('error', new Bool(), 'Error frame.'),
    column('remote', new Bool(), 'Remote transmission request.'),
    column('direction', name(), 'rx or tx where the log says so.', { nullable: true }),
  ]),
  partitionKeys: PARTITION_KEYS,
  timeColumn: 't',
  // id, dlc and data stay dictionary-encoded: a vehicle bus has a few hundred ids and many payloads repeat
  // (measured on the comma2k19 RAV4 log: dictionary 0.75 B/row for id vs 1.14 plain, 3.5 vs 4.7 for data).
  encodings: timeSeriesEncodings,
  // Payload bounds never prune a row group (every chunk spans 00.. to FF..) and comparing them per row was
  // ~10% of the encoding time of can_frames (measured).
  statistics: { data: 'none' },
};

export const CAN_SIGNALS: TableDef<CanSignalsBatch> = {
  name: 'can_signals',
  doc: 'CAN signals decoded with a DBC, long form: one row per signal value.',
  schema: new Schema([
    t(),
    driveId(),
    column('bus', name(), 'Bus/channel the frame came from.'),
    column('message', name(), 'DBC message name.'),
    column('signal', name(), 'DBC signal name.'),
    column('value', new Float64(), 'Physical value (raw * factor + offset), in the DBC unit.'),
    column('label', name(), 'Value-table label for the raw value, when the DBC has one.', { nullable: true }),
  ]),
  partitionKeys: PARTITION_KEYS,
  timeColumn: 't',
  // value keeps dictionary encoding: DBC values are quantised (raw * factor) and repeat; dictionary wrote
  // 0.59 B/row against 0.98 for byte-stream-split and 1.31 plain (measured).
  encodings: timeSeriesEncodings,
  // A row group holds a time window of every signal, so min/max of names and values span everything and
  // never prune; skipping them saves 14% of the encoding time (measured). t, drive_id and bus keep theirs.
  statistics: { message: 'none', signal: 'none', value: 'none', label: 'none' },
};

export const GPS: TableDef<GpsBatch> = {
  name: 'gps',
  doc: 'GNSS fixes (NMEA and other sources).',
  schema: new Schema([
    t(),
    driveId(),
    // Nullable: a receiver reports time and status before it has a position (NMEA fix quality 0).
    column('lat', new Float64(), 'Latitude, WGS84; null without a position.', {
      nullable: true,
      unit: 'deg',
    }),
    column('lon', new Float64(), 'Longitude, WGS84; null without a position.', {
      nullable: true,
      unit: 'deg',
    }),
    column('alt', new Float64(), 'Altitude above mean sea level.', { nullable: true, unit: 'm' }),
    column(
      'alt_hae',
      new Float64(),
      'Height above the WGS84 ellipsoid (NavSatFix altitude; NMEA MSL + geoid separation).',
      {
        nullable: true,
        unit: 'm',
      },
    ),
    column('speed', new Float64(), 'Speed over ground.', { nullable: true, unit: 'm/s' }),
    column('course', new Float64(), 'Course over ground, true north.', { nullable: true, unit: 'deg' }),
    column(
      'fix_quality',
      new Int8(),
      'GGA fix quality (0 invalid, 1 GPS, 2 DGPS, 4 RTK fixed, 5 RTK float, ...).',
      {
        nullable: true,
      },
    ),
    column('satellites', new Int16(), 'Satellites used in the fix.', { nullable: true }),
    column('hdop', new Float64(), 'Horizontal dilution of precision.', { nullable: true }),
    column('pdop', new Float64(), 'Position dilution of precision.', { nullable: true }),
    column('vdop', new Float64(), 'Vertical dilution of precision.', { nullable: true }),
  ]),
  partitionKeys: PARTITION_KEYS,
  timeColumn: 't',
  // Coordinates are noisy doubles: byte-stream-split wrote 4.1 B/row against 4.9 with dictionary/plain and
  // encoded 4x faster (measured on a random walk at 1e-8 deg resolution).
  encodings: {
    ...timeSeriesEncodings,
    lat: 'byte_stream_split',
    lon: 'byte_stream_split',
    alt: 'byte_stream_split',
  },
};

export interface ImuBatch {
  t: TimestampColumn;
  source: StringColumn;
  frame_id?: StringColumn;
  accel_x?: Float64Column;
  accel_y?: Float64Column;
  accel_z?: Float64Column;
  gyro_x?: Float64Column;
  gyro_y?: Float64Column;
  gyro_z?: Float64Column;
  orientation_x?: Float64Column;
  orientation_y?: Float64Column;
  orientation_z?: Float64Column;
  orientation_w?: Float64Column;
}

export const IMU: TableDef<ImuBatch> = {
  name: 'imu',
  doc: 'Inertial measurements (sensor_msgs/Imu and similar): linear acceleration, angular velocity, orientation.',
  schema: new Schema([
    t(),
    driveId(),
    column('source', name(), 'Where the samples came from: a topic, an MDF channel group, a CAN message.'),
    column('frame_id', name(), 'Coordinate frame of the sensor, when given.', { nullable: true }),
    ...['x', 'y', 'z'].map((a) =>
      column(`accel_${a}`, new Float64(), `Linear acceleration, ${a} axis.`, {
        nullable: true,
        unit: 'm/s^2',
      }),
    ),
    ...['x', 'y', 'z'].map((a) =>
      column(`gyro_${a}`, new Float64(), `Angular velocity about the ${a} axis.`, {
        nullable: true,
        unit: 'rad/s',
      }),
    ),
    ...['x', 'y', 'z', 'w'].map((a) =>
      column(`orientation_${a}`, new Float64(), `Orientation quaternion, ${a}; null when unknown.`, {
        nullable: true,
      }),
    ),
  ]),
  partitionKeys: PARTITION_KEYS,
  timeColumn: 't',
  encodings: timeSeriesEncodings,
};

export interface EgoMotionBatch {
  t: TimestampColumn;
  source: StringColumn;
  frame_id?: StringColumn;
  linear_x?: Float64Column;
  linear_y?: Float64Column;
  linear_z?: Float64Column;
  angular_x?: Float64Column;
  angular_y?: Float64Column;
  angular_z?: Float64Column;
  position_x?: Float64Column;
  position_y?: Float64Column;
  position_z?: Float64Column;
}

export const EGO_MOTION: TableDef<EgoMotionBatch> = {
  name: 'ego_motion',
  doc: 'Vehicle motion from twist and odometry messages: linear and angular velocity, and position when given.',
  schema: new Schema([
    t(),
    driveId(),
    column('source', name(), 'Where the samples came from (topic).'),
    column('frame_id', name(), 'Coordinate frame (child frame for odometry twist), when given.', {
      nullable: true,
    }),
    ...['x', 'y', 'z'].map((a) =>
      column(`linear_${a}`, new Float64(), `Linear velocity, ${a} axis.`, { nullable: true, unit: 'm/s' }),
    ),
    ...['x', 'y', 'z'].map((a) =>
      column(`angular_${a}`, new Float64(), `Angular velocity about the ${a} axis.`, {
        nullable: true,
        unit: 'rad/s',
      }),
    ),
    ...['x', 'y', 'z'].map((a) =>
      column(`position_${a}`, new Float64(), `Odometry position, ${a}, in the odometry frame.`, {
        nullable: true,
        unit: 'm',
      }),
    ),
  ]),
  partitionKeys: PARTITION_KEYS,
  timeColumn: 't',
  encodings: timeSeriesEncodings,
};

/** Every curated table this module defines, by name. */
export const TABLES = {
  drives: DRIVES,
  can_frames: CAN_FRAMES,
  can_signals: CAN_SIGNALS,
  gps: GPS,
  imu: IMU,
  ego_motion: EGO_MOTION,
} as const;
