/**
 * The detection step for one drive: reads the drive's stored timeline, runs every scenario detector and
 * writes the `scenarios` rows. Re-running replaces the drive's scenarios (deterministic ids; the writer
 * removes the drive's old parts).
 */
import type { ObjectStore } from '../catalog/objectStore.js';
import { UsageError } from '../core/errors.js';
import { ColumnsEncoder } from '../catalog/columnsEncoder.js';
import { PartitionedTableWriter, type WrittenFile } from '../catalog/tableWriter.js';
import { readObjectTracks, type ObjectTopicReport } from './objects/readObjectTracks.js';
import { readTimeline } from './readTimeline.js';
import type { Scenario, ScenarioType } from './scenario.js';
import type { Timeline } from './timeline.js';
import { DETECTION_COLUMNS, detectScenarios, type SkippedDetector } from './scenarios/detectScenarios.js';
import { DEFAULT_DETECTOR_CONFIG, type DetectorConfig } from './scenarios/detectorConfig.js';
import type { ObjectTrack } from './scenarios/objectTrack.js';
import { SCENARIOS, scenariosToBatch } from './scenarios/scenariosTable.js';

export interface DetectDriveOptions {
  driveId: string;
  config?: DetectorConfig;
  /**
   * Object tracks from perception topics or labels. When undefined, the drive's perception topic tables
   * are read (see `readObjectTracks`); a drive without any skips the object detectors.
   */
  objects?: readonly ObjectTrack[];
  /**
   * The drive's timeline as the transform step stored it (`transformDriveWithTimeline`), to detect without
   * reading the `timeseries` rows back. @default read from the lake
   */
  timeline?: Timeline;
}

export interface DetectReport {
  driveId: string;
  vehicle: string;
  ticks: number;
  hz: number;
  scenarios: Scenario[];
  byType: Partial<Record<ScenarioType, number>>;
  skipped: SkippedDetector[];
  /** Where the object tracks came from: given by the caller, or read from the drive's perception topics. */
  objects: { tracks: number; from: 'options' | 'topics' | 'none'; topics: ObjectTopicReport[] };
  files: WrittenFile[];
}

export async function detectDrive(store: ObjectStore, options: DetectDriveOptions): Promise<DetectReport> {
  if (options.timeline && options.timeline.driveId !== options.driveId)
    throw new UsageError(
      `detect: the timeline given is drive ${options.timeline.driveId}'s, not ${options.driveId}'s`,
    );
  const timeline =
    options.timeline ?? (await readTimeline(store, options.driveId, { columns: DETECTION_COLUMNS }));
  let objects = options.objects;
  let objectsReport: DetectReport['objects'];
  if (objects !== undefined) {
    objectsReport = { tracks: objects.length, from: 'options', topics: [] };
  } else {
    const read = await readObjectTracks(store, { driveId: options.driveId });
    // A drive with a perception topic but no object in it has no object scenarios; one without any
    // perception topic cannot tell, so its object detectors stay skipped.
    if (read.topics.length > 0) objects = read.tracks;
    objectsReport = {
      tracks: read.tracks.length,
      from: read.topics.length > 0 ? 'topics' : 'none',
      topics: read.topics,
    };
  }
  const found = detectScenarios(timeline, options.config ?? DEFAULT_DETECTOR_CONFIG, objects);
  const writer = new PartitionedTableWriter({
    // adlake's own encoder takes `tags` (a list of strings) too: no parquet-wasm to load for this write.
    encoder: await ColumnsEncoder.shared(),
    store,
    table: SCENARIOS,
    vehicle: timeline.vehicle,
    driveId: timeline.driveId,
  });
  try {
    if (found.scenarios.length > 0) await writer.append(scenariosToBatch(found.scenarios));
  } catch (error) {
    await writer.abort();
    throw error;
  }
  const files = await writer.close();
  const byType: DetectReport['byType'] = {};
  for (const s of found.scenarios) byType[s.type] = (byType[s.type] ?? 0) + 1;
  return {
    driveId: timeline.driveId,
    vehicle: timeline.vehicle,
    ticks: timeline.t.length,
    hz: timeline.hz,
    scenarios: found.scenarios,
    byType,
    skipped: found.skipped,
    objects: objectsReport,
    files,
  };
}
