/**
 * Thresholds of the quality gates, as configuration. Every default has its reason beside it (and in
 * `docs/quality.md`); a JSON file overrides any subset. Each gate has an `action`: what a breach makes the
 * drive (`warn` or `fail`), or `off` to skip the gate.
 */
import { UsageError } from '../../core/errors.js';

export type GateAction = 'warn' | 'fail' | 'off';

export interface QualityConfig {
  /**
   * An interval between consecutive samples is a gap when it is longer than both `periods` nominal periods
   * and `seconds`. The gate trips on the first gap.
   */
  gap: { periods: number; seconds: number; action: GateAction };
  /**
   * The signal's rate (samples per second over its intervals that are not gaps) differs from its nominal
   * rate by more than `maxPct` percent. Judged only with at least `minSamples` samples.
   */
  drift: { maxPct: number; minSamples: number; action: GateAction };
  /**
   * Nominal rates in Hz by signal name (`speed`) or by source (`can_signals:VEHICLE_SPEED.VEHICLE_SPEED`,
   * `gps`); a source entry wins over a signal entry. Without one, the nominal rate is 1 / median interval.
   */
  expectedHz: Record<string, number>;
  /** Samples whose time equals the previous sample's, as a share of the samples. */
  duplicates: { maxShare: number; action: GateAction };
  /** Steps back in time between consecutive samples, as a count. */
  nonMonotonic: { maxCount: number; action: GateAction };
  /**
   * Times must fall in [`notBefore`, now + `futureMarginS`]. A time in 1970 (an unset clock counting from 0)
   * has its own reason, `epoch_1970`; other early times are `epoch_early`, late ones `epoch_future`.
   */
  epoch: { notBefore: string; futureMarginS: number; action: GateAction };
  /** GNSS fixes with a fix quality below `minQuality`, as a share of the fixes that report one. */
  gpsFix: { minQuality: number; maxShare: number; action: GateAction };
  /** GNSS fixes with an HDOP above `max`, as a share of the fixes that report one. */
  gpsHdop: { max: number; maxShare: number; action: GateAction };
  /** GNSS fixes with fewer than `min` satellites, as a share of the fixes that report a count. */
  gpsSatellites: { min: number; maxShare: number; action: GateAction };
  /**
   * Position jumps: consecutive valid fixes whose implied speed is above `maxSpeedMps` and whose distance is
   * above `minDistanceM`. The gate trips when there are more than `maxCount`.
   */
  gpsJump: { maxSpeedMps: number; minDistanceM: number; maxCount: number; action: GateAction };
  /** CAN frames that failed to decode (unreadable log lines, frames shorter than their DBC message), as a share. */
  decodeErrors: { maxRate: number; action: GateAction };
  /** Canonical signals the drive must have (the input may name more); one missing trips the gate. */
  missingSignal: { signals: string[]; action: GateAction };
  /** |GNSS clock - logger clock|, as time sync estimated it (`transforms/sync/clockOffset.ts`), in seconds. */
  clockOffset: { maxSeconds: number; action: GateAction };
  /** The drive has no samples at all (no series, no GNSS fixes). */
  noData: { action: GateAction };
}

/** The defaults; `docs/quality.md` lists them with the same reasons. */
export const DEFAULT_QUALITY_CONFIG: QualityConfig = {
  // 5 periods: receivers of cyclic CAN messages commonly time out after a few missed cycles; 1 s: a shorter
  // hole is below what the 10 Hz timeline and the scenario detectors (maneuvers of seconds) notice.
  gap: { periods: 5, seconds: 1, action: 'warn' },
  // Cyclic ECUs and GNSS receivers run on crystal clocks (ppm); 10 % is far above logger jitter and still
  // catches a wrong rate (a 50 Hz message logged at 40 Hz is -20 %). 20 samples make the median meaningful.
  drift: { maxPct: 10, minSamples: 20, action: 'warn' },
  expectedHz: {},
  // One frame logged twice now and then is harmless; more than 0.1 % points at a duplicated log or bus.
  duplicates: { maxShare: 0.001, action: 'warn' },
  // Time sync and every join on time assume a clock that never runs backwards within one source.
  nonMonotonic: { maxCount: 0, action: 'fail' },
  // Before 2000 is a clock that was never set (RTC reset, GPS week rollover); ingest uses the same bound.
  // A day of slack for loggers whose clock runs ahead. Wrong UTC breaks weather, sun and partitioning.
  epoch: { notBefore: '2000-01-01T00:00:00Z', futureMarginS: 86_400, action: 'fail' },
  // NMEA 0183 GGA fix quality 0 is "fix not available"; receivers report it while acquiring, so up to
  // 10 % of a drive (the first minutes of a short one) is tolerated.
  gpsFix: { minQuality: 1, maxShare: 0.1, action: 'warn' },
  // HDOP above 10 rates "fair" or worse in the usual DOP scale (1 ideal, 2-5 good, 5-10 moderate, 10-20 fair).
  gpsHdop: { max: 10, maxShare: 0.1, action: 'warn' },
  // Four satellites are the minimum for a 3D fix (three coordinates and the receiver clock bias).
  gpsSatellites: { min: 4, maxShare: 0.1, action: 'warn' },
  // 100 m/s (360 km/h) is beyond any road vehicle; 20 m is above the position noise of a consumer receiver
  // (HDOP 2 x ~5 m UERE), so noise between 10 Hz fixes is not read as a jump.
  gpsJump: { maxSpeedMps: 100, minDistanceM: 20, maxCount: 0, action: 'warn' },
  // With the right DBC every frame it defines decodes; 1 % errors means a wrong DBC version or a damaged log.
  decodeErrors: { maxRate: 0.01, action: 'warn' },
  // Signals named as required are what the drive is for: without one it cannot serve.
  missingSignal: { signals: [], action: 'fail' },
  // A logger synced by NTP or GNSS is within milliseconds; over a second it was not synced, and queries on
  // the raw tables are off by that much.
  clockOffset: { maxSeconds: 1, action: 'warn' },
  // Nothing to judge or use.
  noData: { action: 'fail' },
};

type FieldKind = 'number' | 'nonNegative' | 'positive' | 'share' | 'action' | 'iso' | 'strings';

/** The type of every leaf, for validation; `expectedHz` is a map checked on its own. */
const SHAPE: { [G in keyof QualityConfig]: Record<string, FieldKind> | 'rates' } = {
  gap: { periods: 'positive', seconds: 'nonNegative', action: 'action' },
  drift: { maxPct: 'nonNegative', minSamples: 'nonNegative', action: 'action' },
  expectedHz: 'rates',
  duplicates: { maxShare: 'share', action: 'action' },
  nonMonotonic: { maxCount: 'nonNegative', action: 'action' },
  epoch: { notBefore: 'iso', futureMarginS: 'nonNegative', action: 'action' },
  gpsFix: { minQuality: 'number', maxShare: 'share', action: 'action' },
  gpsHdop: { max: 'positive', maxShare: 'share', action: 'action' },
  gpsSatellites: { min: 'nonNegative', maxShare: 'share', action: 'action' },
  gpsJump: {
    maxSpeedMps: 'positive',
    minDistanceM: 'nonNegative',
    maxCount: 'nonNegative',
    action: 'action',
  },
  decodeErrors: { maxRate: 'share', action: 'action' },
  missingSignal: { signals: 'strings', action: 'action' },
  clockOffset: { maxSeconds: 'nonNegative', action: 'action' },
  noData: { action: 'action' },
};

/**
 * Reads a quality configuration (JSON text or an already parsed value) over the defaults: any subset of
 * gates and fields may be given. Every problem (unknown key, wrong type, out of range) is collected and
 * thrown as one UsageError naming each key path, e.g. `gap.period: unknown key (known: periods, seconds, action)`.
 */
export function parseQualityConfig(json: unknown, uri: string): QualityConfig {
  let value = json;
  if (typeof json === 'string') {
    try {
      value = JSON.parse(json);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      throw new UsageError(`quality config is not valid JSON: ${message}`, { uri }, { cause: error });
    }
  }
  const problems: string[] = [];
  const config = structuredClone(DEFAULT_QUALITY_CONFIG);
  if (!isPlainObject(value)) {
    throw new UsageError(`quality config must be a JSON object, got ${describe(value)}`, { uri });
  }
  for (const [gate, given] of Object.entries(value)) {
    if (!Object.hasOwn(SHAPE, gate)) {
      problems.push(`${gate}: unknown key (known: ${Object.keys(SHAPE).join(', ')})`);
      continue;
    }
    const key = gate as keyof QualityConfig;
    const shape = SHAPE[key];
    if (!isPlainObject(given)) {
      problems.push(`${gate}: must be an object, got ${describe(given)}`);
      continue;
    }
    if (shape === 'rates') {
      const rates: Record<string, number> = {};
      for (const [name, hz] of Object.entries(given)) {
        if (typeof hz !== 'number' || !Number.isFinite(hz) || hz <= 0)
          problems.push(`${gate}.${name}: must be a rate in Hz > 0, got ${describe(hz)}`);
        else rates[name] = hz;
      }
      config.expectedHz = rates;
      continue;
    }
    const target = config[key] as unknown as Record<string, unknown>;
    for (const [field, fieldValue] of Object.entries(given)) {
      const kind = Object.hasOwn(shape, field) ? shape[field] : undefined;
      if (kind === undefined) {
        problems.push(`${gate}.${field}: unknown key (known: ${Object.keys(shape).join(', ')})`);
        continue;
      }
      const problem = checkField(kind, fieldValue);
      if (problem) problems.push(`${gate}.${field}: ${problem}, got ${describe(fieldValue)}`);
      else target[field] = Array.isArray(fieldValue) ? [...(fieldValue as string[])] : fieldValue;
    }
  }
  if (problems.length > 0) {
    throw new UsageError(
      `quality config has ${problems.length} problem(s): ${problems.join('; ')}`,
      { uri },
      { cause: problems },
    );
  }
  return config;
}

function checkField(kind: FieldKind, value: unknown): string | undefined {
  switch (kind) {
    case 'action':
      return value === 'warn' || value === 'fail' || value === 'off'
        ? undefined
        : 'must be "warn", "fail" or "off"';
    case 'iso':
      return typeof value === 'string' && Number.isFinite(Date.parse(value))
        ? undefined
        : 'must be an ISO 8601 date-time (2000-01-01T00:00:00Z)';
    case 'strings':
      return Array.isArray(value) && value.every((v) => typeof v === 'string')
        ? undefined
        : 'must be an array of strings';
    case 'number':
      return isNumber(value) ? undefined : 'must be a number';
    case 'nonNegative':
      return isNumber(value) && value >= 0 ? undefined : 'must be a number >= 0';
    case 'positive':
      return isNumber(value) && value > 0 ? undefined : 'must be a number > 0';
    case 'share':
      return isNumber(value) && value >= 0 && value <= 1 ? undefined : 'must be a share in [0, 1]';
  }
}

function isNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  const text = JSON.stringify(value);
  return text.length > 40 ? `${text.slice(0, 40)}...` : text;
}
