/**
 * Writes a drive's timeline to the `timeseries` table. Re-running a drive replaces its parts.
 */
import { ColumnsEncoder } from '../../catalog/columnsEncoder.js';
import type { ObjectStore } from '../../catalog/objectStore.js';
import { PartitionedTableWriter } from '../../catalog/tableWriter.js';
import type { PartitionedTableWriterOptions, WrittenFile } from '../../catalog/tableWriter.js';
import type { Timeline } from '../timeline.js';
import { TIMESERIES, timelineToBatch } from './timeseriesTable.js';
import type { TimeseriesBatch } from './timeseriesTable.js';

/** Ticks converted and appended at a time. */
const SLICE_TICKS = 65_536;

/**
 * Ticks per `timeseries` part unless the caller sets `rowsPerFile`: 3.6 h at 10 Hz, 22 min at 100 Hz. A
 * part is encoded whole (column buffers, an IPC copy, the encoder's copy), so the writer's 1M-row default
 * took an hour at 100 Hz (360k ticks x 30 columns) to 605 MB peak RSS; parts of 131,072 ticks, 405 MB and
 * about 17% less CPU (measured with bench/transform.bench.ts).
 */
export const TIMESERIES_ROWS_PER_FILE = 131_072;

export type WriteTimelineOptions = Omit<
  PartitionedTableWriterOptions<TimeseriesBatch>,
  'store' | 'table' | 'vehicle' | 'driveId'
>;

/** Writes `timeline` as `timeseries` rows of its drive and vehicle; returns the part files written. */
export async function writeTimeline(
  store: ObjectStore,
  timeline: Timeline,
  options: WriteTimelineOptions = {},
): Promise<WrittenFile[]> {
  const writer = new PartitionedTableWriter({
    ...options,
    encoder: options.encoder ?? (await ColumnsEncoder.shared()),
    rowsPerFile: options.rowsPerFile ?? TIMESERIES_ROWS_PER_FILE,
    store,
    table: TIMESERIES,
    vehicle: timeline.vehicle,
    driveId: timeline.driveId,
  });
  try {
    // In slices: each slice's columns are views, and the writer's buffers fill part by part.
    for (let start = 0; start < timeline.t.length; start += SLICE_TICKS) {
      const end = Math.min(start + SLICE_TICKS, timeline.t.length);
      await writer.append(timelineToBatch(timeline, { start, end }));
    }
  } catch (error) {
    await writer.abort();
    throw error;
  }
  return writer.close();
}
