/**
 * Time sync for one drive: reads its recorded signals from the lake, puts the GPS clock on the log clock
 * when they disagree, and resamples everything onto one tick grid.
 */
import type { ObjectStore } from '../../catalog/objectStore.js';
import { isoString } from '../../core/time.js';
import type { CanonicalSignal, SignalSeries, TextColumn, Timeline } from '../timeline.js';
import { NUMERIC_SIGNAL_NAMES, TEXT_SIGNAL_NAMES } from '../timeline.js';
import { buildTimeline } from './buildTimeline.js';
import { estimateClockOffset, shiftTimes } from './clockOffset.js';
import type { ClockOffsetEstimate } from './clockOffset.js';
import { mappingsFor } from './defaultMappings.js';
import { readDriveSeries } from './readDriveSeries.js';
import type { SourceChoice } from './readDriveSeries.js';
import type { SyncConfig } from './signalMapping.js';
import { DEFAULT_HZ } from './tickGrid.js';

export interface SyncDriveOptions {
  driveId: string;
  /** The pseudonymised vehicle id. */
  vehicle: string;
  /** Mappings, policies, rate and clock-offset settings over the defaults (see `parseSyncConfig`). */
  config?: SyncConfig;
}

/** What sync did, for the run record and the quality step. */
export interface SyncReport {
  driveId: string;
  hz: number;
  ticks: number;
  /** First and last tick, ISO 8601; absent for a drive without samples. */
  start?: string;
  end?: string;
  sources: SourceChoice[];
  missing: CanonicalSignal[];
  clockOffset: ClockOffsetEstimate;
  /** Per signal in the timeline: the fraction of ticks with a value (0..1). */
  coverage: Partial<Record<CanonicalSignal, number>>;
}

export interface SyncResult {
  timeline: Timeline;
  /** The series the timeline was built from, GPS ones already on the log clock when the offset applied. */
  series: SignalSeries[];
  missing: CanonicalSignal[];
  clockOffset: ClockOffsetEstimate;
  report: SyncReport;
}

/** Reads one drive's sources from the lake and builds its timeline (nothing is written). */
export async function syncDrive(store: ObjectStore, options: SyncDriveOptions): Promise<SyncResult> {
  const { driveId, vehicle, config } = options;
  const drive = await readDriveSeries(store, { driveId, mappings: mappingsFor(config) });

  // The receiver's own speed, whichever source won `speed`: the vehicle's speed is the reference.
  const gpsSpeed = await readDriveSeries(store, {
    driveId,
    mappings: {
      speed: [
        { table: 'gps', column: 'speed' },
        { table: 'gps', column: 'speed_from_track' },
      ],
    },
  });
  const vehicleSpeed = drive.series.find((s) => s.signal === 'speed' && !isGpsSource(s));
  const receiverSpeed = gpsSpeed.series[0];
  const empty = { t: new BigInt64Array(0), v: new Float64Array(0) };
  const clockOffset = estimateClockOffset(vehicleSpeed ?? empty, receiverSpeed ?? empty, config?.clockOffset);
  const series = clockOffset.applied
    ? drive.series.map((s) => (isGpsSource(s) ? { ...s, t: shiftTimes(s.t, clockOffset.offsetS) } : s))
    : drive.series;

  const hz = config?.hz ?? DEFAULT_HZ;
  const timeline = buildTimeline(series, { driveId, vehicle, hz, policies: config?.policies ?? {} });
  const report: SyncReport = {
    driveId,
    hz,
    ticks: timeline.t.length,
    sources: drive.choices,
    missing: drive.missing,
    clockOffset,
    coverage: coverage(timeline),
  };
  const first = timeline.t[0];
  const last = timeline.t[timeline.t.length - 1];
  if (first !== undefined && last !== undefined) {
    report.start = isoString(first);
    report.end = isoString(last);
  }
  return { timeline, series, missing: drive.missing, clockOffset, report };
}

/** Series stamped by the GPS receiver's clock (the `gps` table). */
function isGpsSource(series: SignalSeries): boolean {
  return series.source.startsWith('gps:');
}

function coverage(timeline: Timeline): Partial<Record<CanonicalSignal, number>> {
  const ticks = timeline.t.length;
  const out: Partial<Record<CanonicalSignal, number>> = {};
  if (ticks === 0) return out;
  for (const signal of NUMERIC_SIGNAL_NAMES) {
    const values = timeline.numeric[signal];
    if (values) out[signal] = countNumbers(values) / ticks;
  }
  for (const signal of TEXT_SIGNAL_NAMES) {
    const values = timeline.text[signal];
    if (values) out[signal] = countTexts(values) / ticks;
  }
  return out;
}

// Each count is a function of its own: a loop compiled while it runs (on-stack replacement) then never
// runs on into the next loop without type feedback for it, which deoptimised it once per signal.

/** Values that are not NaN. Indexed: a typed array's iterator ran at ~35 ns per value here. */
function countNumbers(values: Float64Array): number {
  let n = 0;
  for (let i = 0; i < values.length; i++) if (!Number.isNaN(values[i])) n++;
  return n;
}

/** Ticks with a label. */
function countTexts(values: TextColumn): number {
  const codes = values.codes;
  let n = 0;
  for (let i = 0; i < codes.length; i++) if ((codes[i] as number) >= 0) n++;
  return n;
}
