/**
 * What the report shows, read through the SQL engine port from the views of `queries/analytics`,
 * `queries/quality` and `queries/labels` (and the tables they read). Engine-neutral: the same queries run on
 * the embedded DuckDB and on Athena. Every query orders its rows completely, so the same lake gives the
 * same report.
 */
import { InternalError } from '../core/errors.js';
import type { QueryResult, SqlEngine } from '../sql/sqlEngine.js';

export interface ReportSummary {
  drives: number;
  vehicles: number;
  distanceM: number;
  durationS: number;
  scenarios: number;
  firstDate: string | null;
  lastDate: string | null;
}

export interface TypeCount {
  type: string;
  scenarios: number;
  durationS: number;
  drives: number;
}

export interface WeekTypeCount {
  week: string;
  type: string;
  scenarios: number;
}

export interface CoverageCell {
  speedBand: string;
  speedBandOrder: number;
  weather: string;
  light: string;
  ticks: number;
  timeS: number;
  timeShare: number;
  scenarios: number;
}

export interface DriveKpi {
  driveId: string;
  vehicle: string;
  date: string;
  startTime: string;
  durationS: number;
  distanceM: number | null;
  meanSpeedKmh: number | null;
  qualityStatus: string | null;
  qualityIssues: string[];
  scenarios: number;
  scenariosPer100km: number | null;
  /** By scenario type, the types found only. */
  scenarioCounts: Record<string, number>;
  scenarioTimeShare: Record<string, number>;
}

export interface QualityWeek {
  week: string;
  status: string;
  drives: number;
}

export interface SignalQualityRow {
  signal: string;
  drives: number;
  samples: number;
  meanRateHz: number | null;
  meanNominalHz: number | null;
  maxAbsDriftPct: number | null;
  gaps: number;
  maxGapS: number | null;
  duplicates: number;
  nonMonotonic: number;
  drivesPass: number;
  drivesWarn: number;
  drivesFail: number;
  reasons: string[];
}

/** A drive's track: runs of [lat, lon] positions; a new run starts after a gap in the positions. */
export interface Track {
  driveId: string;
  vehicle: string;
  runs: [number, number][][];
}

export interface ScenarioMarker {
  scenarioId: string;
  driveId: string;
  type: string;
  startTime: string;
  lat: number;
  lon: number;
  description: string;
}

export interface LabelData {
  jobs: string[];
  answers: number;
  workers: number;
  /** The workers with the most answers (at most `TOP_WORKERS`), most first. */
  topWorkers: { workerId: string; annotations: number }[];
  perLabel: { job: string; label: string; annotations: number }[];
  perDay: { day: string; annotations: number }[];
  /** users_per_bucket_annotations summed over jobs. */
  histogram: { bucket: number; range: string; users: number }[];
}

export interface ReportData {
  summary: ReportSummary;
  perType: TypeCount[];
  perWeek: WeekTypeCount[];
  coverage: CoverageCell[];
  driveKpis: DriveKpi[];
  qualityWeeks: QualityWeek[];
  signalQuality: SignalQualityRow[];
  tracks: Track[];
  markers: ScenarioMarker[];
  /** Seconds of drive time one track point stands for (tracks are averaged per slot of this length). */
  trackSlotS: number;
  /** Undefined when the lake has no Ground Truth worker answers. */
  labels: LabelData | undefined;
}

export const TOP_WORKERS = 30;
/** At most about this many track points over the whole lake: the map's slot length is chosen to fit. */
const MAX_TRACK_POINTS = 20_000;
/** A track is broken where consecutive points are more than this many slots apart (a GPS outage). */
const TRACK_BREAK_SLOTS = 10;

/** Runs the report's queries. Throws what the engine throws (a missing view is a `NotFoundError`). */
export async function readReportData(engine: SqlEngine): Promise<ReportData> {
  const rows = async (sql: string): Promise<Row[]> => rowsOf(await engine.query(sql), sql);
  const [summaryRow] = await rows(`
    SELECT
      count(*) AS drives,
      count(DISTINCT vehicle) AS vehicles,
      coalesce(sum(distance_m), 0) AS distance_m,
      coalesce(sum(duration_s), 0) AS duration_s,
      min(date) AS first_date,
      max(date) AS last_date,
      (SELECT count(*) FROM scenarios) AS scenarios
    FROM drives`);
  if (!summaryRow) throw new InternalError('report: the drives summary returned no row');
  const summary: ReportSummary = {
    drives: num(summaryRow.drives),
    vehicles: num(summaryRow.vehicles),
    distanceM: num(summaryRow.distance_m),
    durationS: num(summaryRow.duration_s),
    scenarios: num(summaryRow.scenarios),
    firstDate: optStr(summaryRow.first_date),
    lastDate: optStr(summaryRow.last_date),
  };

  const perType = (
    await rows(`
      SELECT type, sum(scenarios) AS scenarios, sum(total_duration_s) AS duration_s, sum(drives) AS drives
      FROM scenarios_per_type_week
      GROUP BY type
      ORDER BY scenarios DESC, type`)
  ).map((r) => ({
    type: str(r.type),
    scenarios: num(r.scenarios),
    durationS: num(r.duration_s),
    drives: num(r.drives),
  }));

  const perWeek = (
    await rows(`
      SELECT week, type, sum(scenarios) AS scenarios
      FROM scenarios_per_type_week
      GROUP BY week, type
      ORDER BY week, type`)
  ).map((r) => ({ week: str(r.week), type: str(r.type), scenarios: num(r.scenarios) }));

  const coverage = (
    await rows(`
      SELECT speed_band, speed_band_order, weather, light, ticks, time_s, time_share, scenarios
      FROM scenario_coverage
      ORDER BY speed_band_order, weather, light`)
  ).map((r) => ({
    speedBand: str(r.speed_band),
    speedBandOrder: num(r.speed_band_order),
    weather: str(r.weather),
    light: str(r.light),
    ticks: num(r.ticks),
    timeS: num(r.time_s),
    timeShare: optNum(r.time_share) ?? 0,
    scenarios: num(r.scenarios),
  }));

  const driveKpis = (
    await rows(`
      SELECT drive_id, vehicle, date, start_time, duration_s, distance_m,
        mean_speed_kmh, quality_status, quality_issues, scenarios, scenarios_per_100km, scenario_counts,
        scenario_time_share
      FROM drive_kpis
      ORDER BY start_time, drive_id`)
  ).map((r) => ({
    driveId: str(r.drive_id),
    vehicle: str(r.vehicle),
    date: str(r.date),
    startTime: str(r.start_time),
    durationS: num(r.duration_s),
    distanceM: optNum(r.distance_m),
    meanSpeedKmh: optNum(r.mean_speed_kmh),
    qualityStatus: optStr(r.quality_status),
    qualityIssues: strings(r.quality_issues),
    scenarios: num(r.scenarios),
    scenariosPer100km: optNum(r.scenarios_per_100km),
    scenarioCounts: numberMap(r.scenario_counts),
    scenarioTimeShare: numberMap(r.scenario_time_share),
  }));

  // status_drives repeats on each reason row of a (week, vehicle, status): take it once, then add vehicles.
  const qualityWeeks = (
    await rows(`
      SELECT week, status, sum(status_drives) AS drives
      FROM (SELECT DISTINCT week, vehicle, status, status_drives FROM quality_summary) AS per_vehicle
      GROUP BY week, status
      ORDER BY week, status`)
  ).map((r) => ({ week: str(r.week), status: str(r.status), drives: num(r.drives) }));

  const signalQuality = (
    await rows(`
      SELECT signal, drives, samples, mean_rate_hz, mean_nominal_hz, max_abs_drift_pct, gaps, max_gap_s,
        duplicates, non_monotonic, drives_pass, drives_warn, drives_fail, reasons
      FROM signal_quality
      ORDER BY signal`)
  ).map((r) => ({
    signal: str(r.signal),
    drives: num(r.drives),
    samples: num(r.samples),
    meanRateHz: optNum(r.mean_rate_hz),
    meanNominalHz: optNum(r.mean_nominal_hz),
    maxAbsDriftPct: optNum(r.max_abs_drift_pct),
    gaps: optNum(r.gaps) ?? 0,
    maxGapS: optNum(r.max_gap_s),
    duplicates: optNum(r.duplicates) ?? 0,
    nonMonotonic: optNum(r.non_monotonic) ?? 0,
    drivesPass: num(r.drives_pass),
    drivesWarn: num(r.drives_warn),
    drivesFail: num(r.drives_fail),
    reasons: strings(r.reasons),
  }));

  const trackSlotS = Math.max(1, Math.ceil(summary.durationS / MAX_TRACK_POINTS));
  const tracks = toTracks(
    await rows(`
      SELECT drive_id, vehicle, floor(to_unixtime(t) / ${trackSlotS}) AS slot, avg(lat) AS lat, avg(lon) AS lon
      FROM timeseries
      WHERE lat IS NOT NULL AND lon IS NOT NULL
      GROUP BY drive_id, vehicle, floor(to_unixtime(t) / ${trackSlotS})
      ORDER BY drive_id, slot`),
  );

  const markers = (
    await rows(`
      SELECT scenario_id, drive_id, type, start_time, start_lat, start_lon,
        description
      FROM scenarios
      WHERE start_lat IS NOT NULL AND start_lon IS NOT NULL
      ORDER BY start_time, drive_id, type, scenario_id`)
  ).map((r) => ({
    scenarioId: str(r.scenario_id),
    driveId: str(r.drive_id),
    type: str(r.type),
    startTime: str(r.start_time),
    lat: num(r.start_lat),
    lon: num(r.start_lon),
    description: str(r.description),
  }));

  return {
    summary,
    perType,
    perWeek,
    coverage,
    driveKpis,
    qualityWeeks,
    signalQuality,
    tracks,
    markers,
    trackSlotS,
    labels: await readLabelData(rows),
  };
}

async function readLabelData(rows: (sql: string) => Promise<Row[]>): Promise<LabelData | undefined> {
  const [totals] = await rows(`
    SELECT count(*) AS answers, count(DISTINCT worker_id) AS workers FROM annotations_view`);
  if (!totals || num(totals.answers) === 0) return undefined;
  const jobs = (await rows('SELECT DISTINCT job FROM annotations_view ORDER BY job')).map((r) => str(r.job));
  const topWorkers = (
    await rows(`
      SELECT worker_id, sum(annotations) AS annotations
      FROM annotations_per_user
      GROUP BY worker_id
      ORDER BY annotations DESC, worker_id
      LIMIT ${TOP_WORKERS}`)
  ).map((r) => ({ workerId: str(r.worker_id), annotations: num(r.annotations) }));
  const perLabel = (
    await rows(`
      SELECT job, coalesce(label, '(none)') AS label, annotations
      FROM annotations_per_label
      ORDER BY job, annotations DESC, label`)
  ).map((r) => ({ job: str(r.job), label: str(r.label), annotations: num(r.annotations) }));
  const perDay = (
    await rows(`
      SELECT day, sum(annotations) AS annotations
      FROM annotations_per_day
      GROUP BY day
      ORDER BY day`)
  ).map((r) => ({ day: str(r.day), annotations: num(r.annotations) }));
  const histogram = (
    await rows(`
      SELECT bucket, annotations_range, sum(users) AS users
      FROM users_per_bucket_annotations
      GROUP BY bucket, annotations_range
      ORDER BY bucket`)
  ).map((r) => ({ bucket: num(r.bucket), range: str(r.annotations_range), users: num(r.users) }));
  return {
    jobs,
    answers: num(totals.answers),
    workers: num(totals.workers),
    topWorkers,
    perLabel,
    perDay,
    histogram,
  };
}

function toTracks(rows: readonly Row[]): Track[] {
  const tracks: Track[] = [];
  let current: Track | undefined;
  let lastSlot = 0;
  for (const r of rows) {
    const driveId = str(r.drive_id);
    const slot = num(r.slot);
    const point: [number, number] = [num(r.lat), num(r.lon)];
    if (current?.driveId !== driveId) {
      current = { driveId, vehicle: str(r.vehicle), runs: [[point]] };
      tracks.push(current);
    } else if (slot - lastSlot > TRACK_BREAK_SLOTS) {
      current.runs.push([point]);
    } else {
      current.runs.at(-1)?.push(point);
    }
    lastSlot = slot;
  }
  return tracks;
}

type Row = Record<string, unknown>;

function rowsOf(result: QueryResult, sql: string): Row[] {
  return result.rows.map((row) => {
    if (row.length !== result.columns.length) {
      throw new InternalError(`report: a row of ${row.length} values for ${result.columns.length} columns`, {
        uri: sql.trim().split('\n')[0] ?? '',
      });
    }
    return Object.fromEntries(result.columns.map((c, i) => [c.name, row[i]]));
  });
}

function num(value: unknown): number {
  const n = optNum(value);
  if (n === null) throw new InternalError('report: expected a number, got null');
  return n;
}

function optNum(value: unknown): number | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  throw new InternalError(`report: expected a number, got ${describe(value)}`);
}

function str(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  throw new InternalError(`report: expected text, got ${describe(value)}`);
}

function optStr(value: unknown): string | null {
  return value === null || value === undefined ? null : str(value);
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.map(str) : [];
}

function numberMap(value: unknown): Record<string, number> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return {};
  const out: Record<string, number> = {};
  for (const key of Object.keys(value).sort()) {
    const n = optNum((value as Record<string, unknown>)[key]);
    if (n !== null) out[key] = n;
  }
  return out;
}

function describe(value: unknown): string {
  if (typeof value === 'object' && value !== null) return Array.isArray(value) ? 'an array' : 'an object';
  return `${typeof value} ${String(value)}`;
}
