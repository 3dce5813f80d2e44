/**
 * Writes a drive's timeline to the `timeseries` table. Re-running a drive replaces its parts.
 */
import type { ObjectStore } from '../../catalog/objectStore.js';
import { PartitionedTableWriter } from '../../catalog/tableWriter.js';
import type { PartitionedTableWriterOptions, WrittenFile } from '../../catalog/tableWriter.js';
import type { Timeline } from '../timeline.js';
import { TIMESERIES, timelineToBatch } from './timeseriesTable.js';
import type { TimeseriesBatch } from './timeseriesTable.js';

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
    store,
    table: TIMESERIES,
    vehicle: timeline.vehicle,
    driveId: timeline.driveId,
  });
  try {
    await writer.append(timelineToBatch(timeline));
  } catch (error) {
    await writer.abort();
    throw error;
  }
  return writer.close();
}
