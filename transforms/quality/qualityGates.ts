/**
 * The quality gates: judge one drive's recorded signals, GNSS track and decode statistics against the
 * thresholds of a `QualityConfig`, giving the drive's status (pass / warn / fail), machine-readable reasons
 * with a human message each, and one row per signal for the `quality` table. Pure: O(n) per series.
 */
import { isoString } from '../../core/time.js';
import type { SignalSeries } from '../timeline.js';
import type { GateAction, QualityConfig } from './qualityConfig.js';
import { measureGps, type GpsStats, type GpsTrack } from './measureGps.js';
import { measureTiming, type Timing } from './measureTiming.js';

export type { GpsTrack } from './measureGps.js';

/** CAN decode statistics of the drive's ingest run. */
export interface DecodeStats {
  /** CAN frames read, plus log lines that could not be read as a frame. */
  frames: number;
  /** Frames a DBC defines (decoded into `can_signals`). */
  decoded: number;
  /** Frames that failed: unreadable lines and frames shorter than their DBC message. */
  errors: number;
  errorsByReason: Record<string, number>;
}

export interface QualityInput {
  driveId: string;
  /** The pseudonymised vehicle id (the `vehicle=` partition). */
  vehicle: string;
  /** The drive's start (`drives.start_time`): the quality rows' partition time. @default the earliest sample */
  start?: bigint;
  series: SignalSeries[];
  gps?: GpsTrack;
  decode?: DecodeStats;
  /** Canonical signals this drive must have, beside those the config names. */
  expectedSignals?: string[];
  /** GNSS clock minus logger clock as time sync estimated it (`ClockOffsetEstimate.offsetS`), seconds; NaN = none. */
  clockOffsetS?: number;
}

export type QualityStatus = 'pass' | 'warn' | 'fail';

export interface QualityReason {
  /** Machine-readable: `gap:speed`, `drift:speed`, `gps_jump`, `epoch_1970`, `missing:steering_angle`... */
  code: string;
  status: 'warn' | 'fail';
  /** For people: what, where and how much. */
  message: string;
}

/** One row of the `quality` table (column names as in the table). */
export interface QualityRow {
  /** Canonical signal, or `_drive` (the verdict) / `_gps` (the GNSS track). */
  signal: string;
  source: string | null;
  samples: number;
  rate_hz: number | null;
  nominal_hz: number | null;
  nominal_from: 'expected' | 'median' | null;
  drift_pct: number | null;
  max_gap_s: number | null;
  gaps: number | null;
  duplicates: number | null;
  non_monotonic: number | null;
  first_time: bigint | null;
  last_time: bigint | null;
  epoch_ok: boolean | null;
  gps_low_quality_share: number | null;
  gps_hdop_max: number | null;
  gps_hdop_median: number | null;
  gps_high_hdop_share: number | null;
  gps_low_satellites_share: number | null;
  gps_jumps: number | null;
  gps_max_jump_mps: number | null;
  decode_frames: number | null;
  decode_errors: number | null;
  decode_error_rate: number | null;
  clock_offset_s: number | null;
  status: QualityStatus;
  reasons: QualityReason[];
}

export interface QualityResult {
  driveId: string;
  vehicle: string;
  /** Partition time of the rows: the drive start, or the earliest sample. */
  start: bigint;
  status: QualityStatus;
  /** Every reason of the drive, one per code (the worst status and the first message of each). */
  reasons: QualityReason[];
  /** One row per series, then `_gps`, then one per missing expected signal, then `_drive`. */
  rows: QualityRow[];
}

export interface JudgeOptions {
  /** Clock for the "in the future" check, ms since the epoch. @default Date.now */
  now?: () => number;
}

/** Times before 1971 are a clock counting from zero: an RTC that was never set. */
const YEAR_1971_NS = BigInt(Date.UTC(1971, 0, 1)) * 1_000_000n;

/** Judges one drive. Pure apart from reading the clock (`options.now`). */
export function judgeDrive(
  input: QualityInput,
  config: QualityConfig,
  options: JudgeOptions = {},
): QualityResult {
  const now = (options.now ?? Date.now)();
  const epoch = {
    notBefore: BigInt(Date.parse(config.epoch.notBefore)) * 1_000_000n,
    notAfter: BigInt(Math.round(now + config.epoch.futureMarginS * 1000)) * 1_000_000n,
  };
  const scratch = { buffer: new Float64Array(0) };
  const timingOf = (t: BigInt64Array, signal: string, source: string): Timing =>
    measureTiming(t, {
      expectedHz: ownRate(config.expectedHz, source) ?? ownRate(config.expectedHz, signal),
      gapPeriods: config.gap.periods,
      gapSeconds: config.gap.seconds,
      scratch,
    });

  const rows: QualityRow[] = [];
  for (const series of input.series) {
    const timing = timingOf(series.t, series.signal, series.source);
    const row = emptyRow(series.signal, series.source);
    judgeTiming(row, timing, config, epoch);
    rows.push(row);
  }

  const gpsRow = emptyRow('_gps', 'gps');
  if (input.gps) {
    const timing = timingOf(input.gps.t, '_gps', 'gps');
    judgeTiming(gpsRow, timing, config, epoch);
    const stats = measureGps(input.gps, {
      minQuality: config.gpsFix.minQuality,
      maxHdop: config.gpsHdop.max,
      minSatellites: config.gpsSatellites.min,
      maxSpeedMps: config.gpsJump.maxSpeedMps,
      minJumpDistanceM: config.gpsJump.minDistanceM,
    });
    judgeGps(gpsRow, stats, config);
  }
  rows.push(gpsRow);

  const drive = emptyRow('_drive', null);
  const present = new Set(input.series.filter((s) => s.t.length > 0).map((s) => s.signal as string));
  if (input.gps && hasPosition(input.gps)) present.add('lat').add('lon');
  const expected = new Set([...config.missingSignal.signals, ...(input.expectedSignals ?? [])]);
  for (const signal of [...expected].sort()) {
    if (present.has(signal)) continue;
    const row = emptyRow(signal, null);
    breach(row, config.missingSignal.action, `missing:${signal}`, `expected signal ${signal} has no samples`);
    rows.push(row);
  }

  if (input.decode) judgeDecode(drive, input.decode, config);
  if (input.clockOffsetS !== undefined && Number.isFinite(input.clockOffsetS)) {
    drive.clock_offset_s = input.clockOffsetS;
    if (Math.abs(input.clockOffsetS) > config.clockOffset.maxSeconds) {
      breach(
        drive,
        config.clockOffset.action,
        'clock_offset',
        `GNSS time is ${input.clockOffsetS.toFixed(3)} s off the logger clock (limit ${config.clockOffset.maxSeconds} s)`,
      );
    }
  }

  let first: bigint | undefined;
  let last: bigint | undefined;
  for (const row of rows) {
    // The drive's samples are those of its signal series; GNSS fixes are counted in `_gps`.
    if (row.signal !== '_gps') drive.samples += row.samples;
    if (row.first_time !== null && (first === undefined || row.first_time < first)) first = row.first_time;
    if (row.last_time !== null && (last === undefined || row.last_time > last)) last = row.last_time;
  }
  drive.first_time = first ?? null;
  drive.last_time = last ?? null;
  const epochRows = rows.filter((r) => r.epoch_ok !== null);
  drive.epoch_ok = epochRows.length > 0 ? epochRows.every((r) => r.epoch_ok) : null;
  if (first === undefined)
    breach(drive, config.noData.action, 'no_data', 'the drive has no samples and no GNSS fixes');

  const reasons = mergeReasons([...rows.flatMap((r) => r.reasons), ...drive.reasons]);
  drive.reasons = reasons;
  drive.status = worst(reasons);
  rows.push(drive);
  return {
    driveId: input.driveId,
    vehicle: input.vehicle,
    start: input.start ?? first ?? 0n,
    status: drive.status,
    reasons,
    rows,
  };
}

/** The reason codes of a result, for `drives.quality_issues`. */
export function reasonCodes(result: QualityResult): string[] {
  return result.reasons.map((r) => r.code);
}

function judgeTiming(
  row: QualityRow,
  timing: Timing,
  config: QualityConfig,
  epoch: { notBefore: bigint; notAfter: bigint },
): void {
  row.samples = timing.samples;
  row.rate_hz = timing.rateHz ?? null;
  row.nominal_hz = timing.nominalHz ?? null;
  row.nominal_from = timing.nominalFrom ?? null;
  row.drift_pct = timing.driftPct ?? null;
  row.max_gap_s = timing.maxGapS ?? null;
  row.gaps = timing.gaps;
  row.duplicates = timing.duplicates;
  row.non_monotonic = timing.nonMonotonic;
  row.first_time = timing.first ?? null;
  row.last_time = timing.last ?? null;
  const what = `${row.signal} (${row.source ?? '?'})`;

  if (timing.gaps > 0 && timing.maxGapS !== undefined && timing.maxGapAt !== undefined) {
    breach(
      row,
      config.gap.action,
      `gap:${row.signal}`,
      `${what}: ${timing.gaps} gap(s) longer than ${fixed(timing.gapThresholdS, 3)} s, the longest ` +
        `${fixed(timing.maxGapS, 3)} s from ${isoString(timing.maxGapAt)}`,
    );
  }
  if (
    timing.driftPct !== undefined &&
    timing.samples >= config.drift.minSamples &&
    Math.abs(timing.driftPct) > config.drift.maxPct
  ) {
    const basis = timing.nominalFrom === 'expected' ? 'expected' : 'typical (median interval)';
    breach(
      row,
      config.drift.action,
      `drift:${row.signal}`,
      `${what}: ${fixed(timing.rateHz, 2)} Hz against ${fixed(timing.nominalHz, 2)} Hz ${basis} ` +
        `(${timing.driftPct > 0 ? '+' : ''}${fixed(timing.driftPct, 1)} %, limit ${config.drift.maxPct} %)`,
    );
  }
  if (timing.samples > 0 && timing.duplicates / timing.samples > config.duplicates.maxShare) {
    breach(
      row,
      config.duplicates.action,
      `duplicates:${row.signal}`,
      `${what}: ${timing.duplicates} sample(s) (${pct(timing.duplicates / timing.samples)}) repeat the ` +
        `previous time (limit ${pct(config.duplicates.maxShare)})`,
    );
  }
  if (timing.nonMonotonic > config.nonMonotonic.maxCount) {
    breach(
      row,
      config.nonMonotonic.action,
      `non_monotonic:${row.signal}`,
      `${what}: time steps back ${timing.nonMonotonic} time(s) (limit ${config.nonMonotonic.maxCount})`,
    );
  }
  if (timing.first !== undefined && timing.last !== undefined) {
    row.epoch_ok = true;
    if (timing.first < YEAR_1971_NS) {
      row.epoch_ok = false;
      breach(
        row,
        config.epoch.action,
        'epoch_1970',
        `${what} starts at ${isoString(timing.first)}: a clock counting from 1970, never set`,
      );
    } else if (timing.first < epoch.notBefore) {
      row.epoch_ok = false;
      breach(
        row,
        config.epoch.action,
        'epoch_early',
        `${what} starts at ${isoString(timing.first)}, before ${config.epoch.notBefore}`,
      );
    }
    if (timing.last > epoch.notAfter) {
      row.epoch_ok = false;
      breach(
        row,
        config.epoch.action,
        'epoch_future',
        `${what} ends at ${isoString(timing.last)}, more than ${config.epoch.futureMarginS} s in the future`,
      );
    }
  }
}

function judgeGps(row: QualityRow, stats: GpsStats, config: QualityConfig): void {
  row.gps_low_quality_share = stats.lowQualityShare ?? null;
  row.gps_hdop_max = stats.hdopMax ?? null;
  row.gps_hdop_median = stats.hdopMedian ?? null;
  row.gps_high_hdop_share = stats.highHdopShare ?? null;
  row.gps_low_satellites_share = stats.lowSatellitesShare ?? null;
  row.gps_jumps = stats.jumps;
  row.gps_max_jump_mps = stats.largestJump?.speedMps ?? null;
  if (stats.lowQualityShare !== undefined && stats.lowQualityShare > config.gpsFix.maxShare) {
    breach(
      row,
      config.gpsFix.action,
      'gps_fix',
      `gps: ${pct(stats.lowQualityShare)} of fixes below fix quality ${config.gpsFix.minQuality} ` +
        `(limit ${pct(config.gpsFix.maxShare)})`,
    );
  }
  if (stats.highHdopShare !== undefined && stats.highHdopShare > config.gpsHdop.maxShare) {
    breach(
      row,
      config.gpsHdop.action,
      'gps_hdop',
      `gps: ${pct(stats.highHdopShare)} of fixes with HDOP above ${config.gpsHdop.max} ` +
        `(median ${fixed(stats.hdopMedian, 1)}, max ${fixed(stats.hdopMax, 1)}; limit ${pct(config.gpsHdop.maxShare)})`,
    );
  }
  if (stats.lowSatellitesShare !== undefined && stats.lowSatellitesShare > config.gpsSatellites.maxShare) {
    breach(
      row,
      config.gpsSatellites.action,
      'gps_satellites',
      `gps: ${pct(stats.lowSatellitesShare)} of fixes with fewer than ${config.gpsSatellites.min} satellites ` +
        `(limit ${pct(config.gpsSatellites.maxShare)})`,
    );
  }
  if (stats.jumps > config.gpsJump.maxCount && stats.largestJump) {
    const jump = stats.largestJump;
    breach(
      row,
      config.gpsJump.action,
      'gps_jump',
      `gps: ${stats.jumps} position jump(s) faster than ${config.gpsJump.maxSpeedMps} m/s; the largest ` +
        `${fixed(jump.distanceM, 0)} m in ${fixed(jump.seconds, 3)} s (${fixed(jump.speedMps, 0)} m/s) ` +
        `from ${isoString(jump.at)}`,
    );
  }
}

function judgeDecode(row: QualityRow, decode: DecodeStats, config: QualityConfig): void {
  row.decode_frames = decode.frames;
  row.decode_errors = decode.errors;
  row.decode_error_rate = decode.frames > 0 ? decode.errors / decode.frames : null;
  if (row.decode_error_rate !== null && row.decode_error_rate > config.decodeErrors.maxRate) {
    const byReason = Object.entries(decode.errorsByReason)
      .filter(([, n]) => n > 0)
      .sort((a, b) => b[1] - a[1])
      .map(([reason, n]) => `${reason} ${n}`)
      .join(', ');
    breach(
      row,
      config.decodeErrors.action,
      'decode_errors',
      `CAN: ${decode.errors} of ${decode.frames} frames (${pct(row.decode_error_rate)}) failed to decode` +
        `${byReason ? ` (${byReason})` : ''}; limit ${pct(config.decodeErrors.maxRate)}`,
    );
  }
}

/** A configured rate; own keys only, so a source named like an Object method never reads one. */
function ownRate(rates: Record<string, number>, key: string): number | undefined {
  return Object.hasOwn(rates, key) ? rates[key] : undefined;
}

function hasPosition(gps: GpsTrack): boolean {
  for (let i = 0; i < gps.lat.length; i++) if (Number.isFinite(gps.lat[i])) return true;
  return false;
}

function breach(row: QualityRow, action: GateAction, code: string, message: string): void {
  if (action === 'off') return;
  row.reasons.push({ code, status: action, message });
  if (action === 'fail' || row.status === 'pass') row.status = action;
}

/** One reason per code: the worst status, the first message, and how many more there were. */
function mergeReasons(all: readonly QualityReason[]): QualityReason[] {
  const byCode = new Map<string, { reason: QualityReason; more: number }>();
  for (const reason of all) {
    const seen = byCode.get(reason.code);
    if (!seen) byCode.set(reason.code, { reason: { ...reason }, more: 0 });
    else {
      seen.more++;
      if (reason.status === 'fail') seen.reason.status = 'fail';
    }
  }
  return [...byCode.values()].map(({ reason, more }) =>
    more > 0 ? { ...reason, message: `${reason.message} (and ${more} more)` } : reason,
  );
}

function worst(reasons: readonly QualityReason[]): QualityStatus {
  if (reasons.some((r) => r.status === 'fail')) return 'fail';
  return reasons.length > 0 ? 'warn' : 'pass';
}

function emptyRow(signal: string, source: string | null): QualityRow {
  return {
    signal,
    source,
    samples: 0,
    rate_hz: null,
    nominal_hz: null,
    nominal_from: null,
    drift_pct: null,
    max_gap_s: null,
    gaps: null,
    duplicates: null,
    non_monotonic: null,
    first_time: null,
    last_time: null,
    epoch_ok: null,
    gps_low_quality_share: null,
    gps_hdop_max: null,
    gps_hdop_median: null,
    gps_high_hdop_share: null,
    gps_low_satellites_share: null,
    gps_jumps: null,
    gps_max_jump_mps: null,
    decode_frames: null,
    decode_errors: null,
    decode_error_rate: null,
    clock_offset_s: null,
    status: 'pass',
    reasons: [],
  };
}

function fixed(value: number | undefined, digits: number): string {
  return value === undefined ? '?' : value.toFixed(digits);
}

function pct(share: number): string {
  return `${(share * 100).toFixed(1)} %`;
}
