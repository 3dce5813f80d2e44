/**
 * The transform step for one drive: time sync → sun → weather → quality gates, then writes `timeseries`,
 * `weather` and `quality` and amends the drive's row (verdict, issues, weather summary). Every table is
 * written per drive through `PartitionedTableWriter`, so running the step again replaces the drive's rows.
 */
import { readDriveRecord, updateDriveRecord } from '../catalog/driveRecord.js';
import type { ObjectStore } from '../catalog/objectStore.js';
import { settleAll } from '../core/settleAll.js';
import { ColumnsEncoder } from '../catalog/columnsEncoder.js';
import { PartitionedTableWriter, type WrittenFile } from '../catalog/tableWriter.js';
import { judgeDrive, reasonCodes, type QualityReason, type QualityStatus } from './quality/qualityGates.js';
import { DEFAULT_QUALITY_CONFIG, type QualityConfig } from './quality/qualityConfig.js';
import { QUALITY, qualityToBatch } from './quality/qualityTable.js';
import { readQualityInputs } from './quality/readQualityInputs.js';
import { storedTimeline } from './readTimeline.js';
import { enrichSun } from './sun.js';
import type { SyncConfig } from './sync/signalMapping.js';
import { syncDrive, type SyncReport } from './sync/syncDrive.js';
import { codeCounts, type TextColumn, type Timeline } from './timeline.js';
import { writeTimeline } from './sync/writeTimeline.js';
import { enrichWeather, type EnrichWeatherOptions, type WeatherReport } from './weather/matchWeather.js';
import type { WeatherProvider } from './weather/weatherProvider.js';
import { WEATHER, weatherToBatch } from './weather/weatherTable.js';

export interface TransformConfig {
  sync?: SyncConfig;
  quality?: QualityConfig;
  weather?: EnrichWeatherOptions;
  /** Canonical signals every drive must have (quality gate `missing:<signal>`). */
  expectedSignals?: string[];
}

export interface TransformDriveOptions {
  driveId: string;
  config?: TransformConfig;
  /** Where weather comes from; without one the drive gets sun and quality but no weather. */
  weather?: WeatherProvider;
  rowsPerFile?: number;
}

export interface TransformReport {
  driveId: string;
  vehicle: string;
  sync: SyncReport;
  quality: { status: QualityStatus; reasons: QualityReason[] };
  weather: WeatherReport | { status: 'none'; reason: 'no_provider' };
  weatherSummary?: string;
  /** Vehicle-perceived weather against the observation, one sentence per disagreement. */
  weatherDisagreement: string[];
  /** Share of ticks in daylight, twilight and at night (ticks with a position only). */
  light: { day: number; twilight: number; night: number };
  files: WrittenFile[];
}

/** Runs the transform step for one drive of the lake. */
export async function transformDrive(
  store: ObjectStore,
  options: TransformDriveOptions,
): Promise<TransformReport> {
  return (await transformDriveWithTimeline(store, options)).report;
}

/**
 * `transformDrive`, also returning the timeline as it was stored (as `readTimeline` would read it back), so
 * detection in the same process can start from it instead of reading the `timeseries` rows again.
 */
export async function transformDriveWithTimeline(
  store: ObjectStore,
  options: TransformDriveOptions,
): Promise<{ report: TransformReport; timeline: Timeline }> {
  const { driveId, config = {} } = options;
  const record = await readDriveRecord(store, driveId);
  const sync = await syncDrive(store, {
    driveId,
    vehicle: record.vehicle,
    ...(config.sync ? { config: config.sync } : {}),
  });
  const timeline = sync.timeline;

  const sun = enrichSun(timeline);
  timeline.enrichment.sun_elevation = sun.sun_elevation;
  timeline.enrichment.light = sun.light;

  let weather: TransformReport['weather'] = { status: 'none', reason: 'no_provider' };
  let weatherSummary: string | undefined;
  let disagreement: string[] = [];
  let weatherRows: ReturnType<typeof weatherToBatch> | undefined;
  if (options.weather) {
    const result = await enrichWeather(timeline, options.weather, config.weather);
    Object.assign(timeline.enrichment, result.enrichment);
    weather = result.report;
    weatherSummary = result.summary;
    disagreement = result.disagreement ?? [];
    weatherRows = weatherToBatch(result.rows);
  }

  const inputs = await readQualityInputs({
    store,
    driveId,
    series: sync.series,
    ...(config.expectedSignals ? { expectedSignals: config.expectedSignals } : {}),
    clockOffsetS: sync.clockOffset.offsetS,
  });
  const quality = judgeDrive(inputs, config.quality ?? DEFAULT_QUALITY_CONFIG);

  // The three tables at once: while one part is being put, the next is encoded. A provider-less re-run
  // writes no weather rows, and so removes an earlier run's.
  const files = (
    await settleAll([
      writeRows(store, WEATHER, record, weatherRows, options),
      writeRows(store, QUALITY, record, qualityToBatch(quality), options),
      writeTimeline(store, timeline, options.rowsPerFile ? { rowsPerFile: options.rowsPerFile } : {}),
    ])
  ).flat();

  // Ingest flagged what it saw (e.g. implausible_clock, missing_topic:<t>); keep those beside the gates'.
  const ingestIssues = (Array.isArray(record.row.quality_issues) ? record.row.quality_issues : []).filter(
    (issue): issue is string => typeof issue === 'string' && INGEST_ISSUE.test(issue),
  );
  const issues = [...new Set([...ingestIssues, ...reasonCodes(quality), ...disagreementCodes(disagreement)])];
  const status: QualityStatus =
    quality.status === 'pass' && (ingestIssues.length > 0 || disagreement.length > 0)
      ? 'warn'
      : quality.status;
  files.push(
    ...(await updateDriveRecord(store, record, {
      quality_status: status,
      quality_issues: issues,
      weather_summary: weatherSummary ?? null,
    })),
  );

  const report: TransformReport = {
    driveId,
    vehicle: record.vehicle,
    sync: sync.report,
    quality: { status, reasons: quality.reasons },
    weather,
    ...(weatherSummary ? { weatherSummary } : {}),
    weatherDisagreement: disagreement,
    light: lightShares(sun.light),
    files,
  };
  return { report, timeline: storedTimeline(timeline) };
}

/** Issue codes that ingest writes into `drives.quality_issues` (see ingest/ingestDrive.ts). */
const INGEST_ISSUE = /^(implausible_clock|missing_topic)(:|$)/;

function disagreementCodes(disagreement: readonly string[]): string[] {
  return disagreement.length > 0 ? ['weather_disagreement'] : [];
}

async function writeRows<TBatch>(
  store: ObjectStore,
  table: ConstructorParameters<typeof PartitionedTableWriter<TBatch>>[0]['table'],
  record: { vehicle: string; driveId: string },
  batch: TBatch | undefined,
  options: { rowsPerFile?: number },
): Promise<WrittenFile[]> {
  const writer = new PartitionedTableWriter<TBatch>({
    // adlake's own encoder (lists of strings included); parquet-wasm for what it does not take.
    encoder: await ColumnsEncoder.shared(),
    store,
    table,
    vehicle: record.vehicle,
    driveId: record.driveId,
    ...(options.rowsPerFile ? { rowsPerFile: options.rowsPerFile } : {}),
  });
  try {
    if (batch) await writer.append(batch);
  } catch (error) {
    await writer.abort();
    throw error;
  }
  return writer.close();
}

function lightShares(light: TextColumn): TransformReport['light'] {
  const counts = { day: 0, twilight: 0, night: 0 };
  const perCode = codeCounts(light);
  let known = 0;
  light.names.forEach((value, code) => {
    if (value === 'day' || value === 'twilight' || value === 'night') {
      counts[value] += perCode[code] as number;
      known += perCode[code] as number;
    }
  });
  if (known === 0) return counts;
  return { day: counts.day / known, twilight: counts.twilight / known, night: counts.night / known };
}
