import type { PartitionedTableWriter } from '../../catalog/tableWriter.js';
import type { EgoMotionBatch, GpsBatch, ImuBatch } from '../../catalog/tables.js';
import type { CanTables } from '../canTables.js';
import type { CanFrame } from '../can/frame.js';
import { gpsColumns } from '../gpsColumns.js';
import type { GpsFix } from '../nmea/gpsFix.js';
import { RawMessage } from '../rosmsg/RawMessage.js';
import {
  canFrameRow,
  curatedTable,
  egoMotionRow,
  gpsRow,
  imuRow,
  type EgoMotionRow,
  type ImuRow,
  type TopicMessage,
} from './mapMessage.js';
import { Ros1CanFrameReader } from './ros1CanFrame.js';

export interface TopicCounts {
  /** Messages per topic, whatever table they went to. */
  messages: Record<string, number>;
  /** Rows per curated table filled from topics. */
  rows: { gps: number; imu: number; ego_motion: number; can_frames: number };
  /** Messages of topics with no curated table (they go to `topics_<name>` tables). */
  unmapped: Record<string, number>;
}

/**
 * Routes decoded bag/MCAP messages to the curated tables (as `mapMessage` says), in batches: GPS fixes to
 * `gps`, IMU samples to `imu`, twist/odometry to `ego_motion`, CAN frames through `CanTables` (so a DBC
 * decodes them like any CAN log). Call `flush()` after the last message.
 */
export class TopicTables {
  readonly counts: TopicCounts = {
    messages: {},
    rows: { gps: 0, imu: 0, ego_motion: 0, can_frames: 0 },
    unmapped: {},
  };
  private gps: GpsFix[] = [];
  private imu: ImuRow[] = [];
  private ego: EgoMotionRow[] = [];
  private can: CanFrame[] = [];
  private readonly canReader = new Ros1CanFrameReader();
  private cleanBus: string | undefined;

  /**
   * @param text applied to the strings the curated rows take from messages (frame ids, CAN bus names), e.g.
   * to replace VINs by pseudonyms. @default no change
   */
  constructor(
    private readonly writers: {
      gps: PartitionedTableWriter<GpsBatch>;
      imu: PartitionedTableWriter<ImuBatch>;
      egoMotion: PartitionedTableWriter<EgoMotionBatch>;
      can: Pick<CanTables, 'add'>;
    },
    private readonly batchRows = 8192,
    private readonly text: (text: string) => string = (text) => text,
  ) {}

  /**
   * Adds messages; `onTime` sees each record's time (for the drive's span). Returns the messages no curated
   * table takes, for the caller's `topics_<name>` tables.
   */
  async add<M extends TopicMessage>(
    messages: readonly M[],
    onTime: (t: bigint) => void = () => undefined,
  ): Promise<M[]> {
    const rest: M[] = [];
    const counts = this.counts.messages;
    // Messages come in runs of one topic and type: count a run at once, look a type up once per run.
    let runTopic: string | undefined;
    let run = 0;
    let lastSchema: string | undefined;
    let table: ReturnType<typeof curatedTable>;
    for (const m of messages) {
      if (m.topic !== runTopic) {
        if (runTopic !== undefined) counts[runTopic] = (counts[runTopic] ?? 0) + run;
        runTopic = m.topic;
        run = 0;
      }
      run++;
      if (m.schemaName !== lastSchema) {
        lastSchema = m.schemaName;
        table = curatedTable(lastSchema);
      }
      // Rows are built straight into their table's list: no `MappedMessage` wrapper per message.
      switch (table) {
        case 'gps': {
          const row = gpsRow(m);
          onTime(row.t);
          this.gps.push(row);
          break;
        }
        case 'imu': {
          const row = imuRow(m);
          if (row.frameId !== null) row.frameId = this.text(row.frameId);
          onTime(row.t);
          this.imu.push(row);
          break;
        }
        case 'ego_motion': {
          const row = egoMotionRow(m);
          if (row.frameId !== null) row.frameId = this.text(row.frameId);
          onTime(row.t);
          this.ego.push(row);
          break;
        }
        case 'can_frames': {
          const row =
            m instanceof RawMessage && this.canReader.accepts(m) ? this.canReader.read(m) : canFrameRow(m);
          // Buses are a handful of names: skip the scrub for the last one found clean (VINs are still
          // counted once per occurrence, as only a clean name is remembered).
          if (row.bus !== this.cleanBus) {
            const bus = this.text(row.bus);
            if (bus === row.bus) this.cleanBus = bus;
            row.bus = bus;
          }
          onTime(row.t);
          this.can.push(row);
          break;
        }
        case undefined:
          onTime(m.logTime);
          this.counts.unmapped[m.topic] = (this.counts.unmapped[m.topic] ?? 0) + 1;
          rest.push(m);
          break;
      }
    }
    if (runTopic !== undefined) counts[runTopic] = (counts[runTopic] ?? 0) + run;
    if (this.gps.length + this.imu.length + this.ego.length + this.can.length >= this.batchRows)
      await this.flush();
    return rest;
  }

  async flush(): Promise<void> {
    const rows = this.counts.rows;
    if (this.gps.length > 0) {
      rows.gps += this.gps.length;
      await this.writers.gps.append(gpsColumns(this.gps));
      this.gps = [];
    }
    if (this.imu.length > 0) {
      rows.imu += this.imu.length;
      await this.writers.imu.append(imuColumns(this.imu));
      this.imu = [];
    }
    if (this.ego.length > 0) {
      rows.ego_motion += this.ego.length;
      await this.writers.egoMotion.append(egoColumns(this.ego));
      this.ego = [];
    }
    if (this.can.length > 0) {
      rows.can_frames += this.can.length;
      await this.writers.can.add(this.can);
      this.can = [];
    }
  }
}

function axis<T>(
  rows: readonly T[],
  pick: (row: T) => readonly number[] | null,
  i: number,
): (number | null)[] {
  return rows.map((r) => pick(r)?.[i] ?? null);
}

function imuColumns(rows: readonly ImuRow[]): ImuBatch {
  return {
    t: rows.map((r) => r.t),
    source: rows.map((r) => r.source),
    frame_id: rows.map((r) => r.frameId),
    accel_x: axis(rows, (r) => r.accel, 0),
    accel_y: axis(rows, (r) => r.accel, 1),
    accel_z: axis(rows, (r) => r.accel, 2),
    gyro_x: axis(rows, (r) => r.gyro, 0),
    gyro_y: axis(rows, (r) => r.gyro, 1),
    gyro_z: axis(rows, (r) => r.gyro, 2),
    orientation_x: axis(rows, (r) => r.orientation, 0),
    orientation_y: axis(rows, (r) => r.orientation, 1),
    orientation_z: axis(rows, (r) => r.orientation, 2),
    orientation_w: axis(rows, (r) => r.orientation, 3),
  };
}

function egoColumns(rows: readonly EgoMotionRow[]): EgoMotionBatch {
  return {
    t: rows.map((r) => r.t),
    source: rows.map((r) => r.source),
    frame_id: rows.map((r) => r.frameId),
    linear_x: axis(rows, (r) => r.linear, 0),
    linear_y: axis(rows, (r) => r.linear, 1),
    linear_z: axis(rows, (r) => r.linear, 2),
    angular_x: axis(rows, (r) => r.angular, 0),
    angular_y: axis(rows, (r) => r.angular, 1),
    angular_z: axis(rows, (r) => r.angular, 2),
    position_x: axis(rows, (r) => r.position, 0),
    position_y: axis(rows, (r) => r.position, 1),
    position_z: axis(rows, (r) => r.position, 2),
  };
}
