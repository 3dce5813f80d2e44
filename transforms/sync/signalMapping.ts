/**
 * Which recorded signal becomes which canonical signal: for each canonical signal an ordered list of
 * candidate sources; the first source the drive has wins. Values are converted to canonical units with
 * `value * scale + offset`, so one line states a source's unit and sign (km/h → m/s is `scale: 1/3.6`,
 * a clockwise-positive yaw rate is `scale: -1`).
 *
 * `parseSyncConfig` validates a user's JSON config: every problem names its key path and all are reported
 * in one error.
 */
import { UsageError } from '../../core/errors.js';
import { CAN_SIGNALS, EGO_MOTION, GPS, IMU } from '../../catalog/tables.js';
import { NUMERIC_SIGNALS, TEXT_SIGNALS } from '../timeline.js';
import type { CanonicalSignal, TextSignal } from '../timeline.js';
import type { ResampleKind, ResamplePolicy } from './resample.js';

interface Conversion {
  /** Multiplies the recorded value. @default 1 */
  scale?: number;
  /** Added after scaling. @default 0 */
  offset?: number;
}

/** A DBC-decoded signal from the `can_signals` table. */
export interface CanSignalSource extends Conversion {
  table: 'can_signals';
  message: string;
  /**
   * The DBC signal, or several signals of the same message combined per frame with `combine` (the four
   * wheel speeds averaged; a coarse angle plus its fine fraction summed).
   */
  signal: string | string[];
  combine?: 'mean' | 'sum';
  /** Only this bus. @default the bus that carries the most samples of the signal */
  bus?: string;
  /**
   * For text signals: value-table label (or raw value as text) → canonical text, e.g. `{ "S": "D" }`.
   * A label not listed is taken as is.
   */
  values?: Record<string, string>;
}

/** A column of a curated motion table. */
export interface TableColumnSource extends Conversion {
  table: 'gps' | 'imu' | 'ego_motion';
  /** A numeric column, or for `gps` a derived one: `speed_from_track`, `course_from_track`. */
  column: string;
  /** Only rows of this `source` (topic, channel group) in `imu`/`ego_motion`. @default the busiest source */
  source?: string;
  /** `gps` only: rows whose speed over ground is below this (m/s) give no value (course is noise there). */
  minSpeed?: number;
}

/** A flattened field of a generic bag/MCAP topic table `topics_<name>`. */
export interface TopicFieldSource extends Conversion {
  table: `topics_${string}`;
  /** Column name in the topic table (`twist_linear_x`). */
  field: string;
  /** For text signals, as for CAN signals. */
  values?: Record<string, string>;
}

export type SignalSource = CanSignalSource | TableColumnSource | TopicFieldSource;

export interface ClockOffsetOptions {
  /** Estimate the GPS clock's offset against the log clock. @default true */
  enabled?: boolean;
  /** Largest offset searched, seconds. @default 5 */
  maxLagS?: number;
  /** Least peak correlation for the estimate to be applied. @default 0.9 */
  minCorrelation?: number;
  /** Offsets smaller than this are reported but not applied, seconds. @default 0.05 */
  minOffsetS?: number;
}

export interface SyncConfig {
  /** Ticks per second. @default 10 */
  hz?: number;
  /** Sources per canonical signal; a signal listed here replaces the default list, `[]` turns it off. */
  signals?: Partial<Record<CanonicalSignal, SignalSource[]>>;
  /** Resampling per signal, over the defaults. */
  policies?: Partial<Record<CanonicalSignal, ResamplePolicy>>;
  clockOffset?: ClockOffsetOptions;
  /** Use only the signals listed here, none of the defaults. @default false */
  replaceDefaults?: boolean;
}

/** Derived `gps` columns computed from consecutive fixes. */
export const GPS_DERIVED_COLUMNS = ['speed_from_track', 'course_from_track'] as const;

export const MOTION_TABLES = { gps: GPS, imu: IMU, ego_motion: EGO_MOTION } as const;

/** `'can_signals:VEHICLE_SPEED.VEHICLE_SPEED'`, `'imu:gyro_z'`: how reports and `SignalSeries.source` name a source. */
export function describeSource(source: SignalSource): string {
  switch (source.table) {
    case 'can_signals': {
      const signal = Array.isArray(source.signal)
        ? `${source.combine ?? 'sum'}(${source.signal.join(',')})`
        : source.signal;
      return `${CAN_SIGNALS.name}:${source.message}.${signal}${source.bus !== undefined ? `@${source.bus}` : ''}`;
    }
    case 'gps':
    case 'imu':
    case 'ego_motion':
      return `${source.table}:${source.source !== undefined ? `${source.source}:` : ''}${source.column}`;
    default:
      return `${source.table}:${source.field}`;
  }
}

export function isTextSignal(signal: CanonicalSignal): signal is TextSignal {
  return Object.hasOwn(TEXT_SIGNALS, signal);
}

function isCanonical(name: string): name is CanonicalSignal {
  return Object.hasOwn(NUMERIC_SIGNALS, name) || Object.hasOwn(TEXT_SIGNALS, name);
}

const KINDS: readonly ResampleKind[] = ['previous', 'nearest', 'linear'];
const TOPIC_TABLE = /^topics_[a-z0-9_]+$/;

/**
 * Validates a sync config read from JSON. Unknown keys and wrong types are errors naming the key path
 * (`signals.speed[0].scale: expected a number`); all problems are collected into one UsageError.
 * @param uri where the JSON came from, for the error's provenance.
 */
export function parseSyncConfig(json: unknown, uri?: string): SyncConfig {
  const problems: string[] = [];
  const config = new ConfigReader(problems).config(json);
  if (problems.length > 0) {
    throw new UsageError(`invalid sync config: ${problems.join('; ')}`, uri !== undefined ? { uri } : {}, {
      cause: problems,
    });
  }
  return config;
}

/** Collects problems while reading; every method returns a value (maybe partial) so reading goes on. */
class ConfigReader {
  constructor(private readonly problems: string[]) {}

  config(json: unknown): SyncConfig {
    const signals: NonNullable<SyncConfig['signals']> = {};
    const policies: NonNullable<SyncConfig['policies']> = {};
    const config: SyncConfig = { signals, policies };
    const object = this.object(json, '(config)');
    if (!object) return config;
    this.keys(object, '', ['hz', 'signals', 'policies', 'clockOffset', 'replaceDefaults']);
    if (object.hz !== undefined) {
      const hz = this.number(object.hz, 'hz');
      if (hz !== undefined) {
        if (hz > 0 && Number.isInteger(1e9 / hz)) config.hz = hz;
        else this.problem('hz', 'expected a rate that divides 1e9 ns evenly (10, 50, 100 ...)');
      }
    }
    if (object.replaceDefaults !== undefined) {
      const replace = this.boolean(object.replaceDefaults, 'replaceDefaults');
      if (replace !== undefined) config.replaceDefaults = replace;
    }
    if (object.signals !== undefined) {
      const signalsJson = this.object(object.signals, 'signals');
      for (const [name, value] of Object.entries(signalsJson ?? {})) {
        const path = `signals.${name}`;
        if (!isCanonical(name)) {
          this.problem(
            path,
            `unknown signal (expected one of ${[...Object.keys(NUMERIC_SIGNALS), ...Object.keys(TEXT_SIGNALS)].join(', ')})`,
          );
          continue;
        }
        if (!Array.isArray(value)) {
          this.problem(path, 'expected an array of sources');
          continue;
        }
        const sources: SignalSource[] = [];
        (value as unknown[]).forEach((item, i) => {
          const source = this.source(item, `${path}[${i}]`, name);
          if (source) sources.push(source);
        });
        signals[name] = sources;
      }
    }
    if (object.policies !== undefined) {
      const policiesJson = this.object(object.policies, 'policies');
      for (const [name, value] of Object.entries(policiesJson ?? {})) {
        const path = `policies.${name}`;
        if (!isCanonical(name)) {
          this.problem(path, 'unknown signal');
          continue;
        }
        const policy = this.policy(value, path, name);
        if (policy) policies[name] = policy;
      }
    }
    if (object.clockOffset !== undefined) config.clockOffset = this.clockOffset(object.clockOffset);
    return config;
  }

  private source(json: unknown, path: string, signal: CanonicalSignal): SignalSource | undefined {
    const object = this.object(json, path);
    if (!object) return undefined;
    const table = object.table;
    const text = isTextSignal(signal);
    if (table === 'can_signals') {
      this.keys(object, path, ['table', 'message', 'signal', 'combine', 'bus', 'scale', 'offset', 'values']);
      const message = this.string(object.message, `${path}.message`, true);
      const signalNames = this.signalNames(object.signal, `${path}.signal`);
      const source: CanSignalSource = { table, message: message ?? '', signal: signalNames ?? '' };
      if (object.combine !== undefined) {
        if (object.combine === 'mean' || object.combine === 'sum') source.combine = object.combine;
        else this.problem(`${path}.combine`, "expected 'mean' or 'sum'");
      }
      if (Array.isArray(signalNames) && source.combine === undefined && object.combine === undefined)
        this.problem(`${path}.combine`, "required with several signals: 'mean' or 'sum'");
      if (!Array.isArray(signalNames) && object.combine !== undefined)
        this.problem(`${path}.combine`, 'only applies to a list of signals');
      const bus = this.string(object.bus, `${path}.bus`);
      if (bus !== undefined) source.bus = bus;
      this.conversion(object, path, source);
      this.values(object, path, text, source);
      return source;
    }
    if (table === 'gps' || table === 'imu' || table === 'ego_motion') {
      this.keys(object, path, [
        'table',
        'column',
        'source',
        'scale',
        'offset',
        ...(table === 'gps' ? ['minSpeed'] : []),
      ]);
      if (text) this.problem(`${path}.table`, `${table} has no text columns for ${signal}`);
      const column = this.string(object.column, `${path}.column`, true);
      if (column !== undefined && !motionColumns(table).includes(column))
        this.problem(
          `${path}.column`,
          `${table} has no numeric column ${column} (expected one of ${motionColumns(table).join(', ')})`,
        );
      const source: TableColumnSource = { table, column: column ?? '' };
      if (table !== 'gps') {
        const filter = this.string(object.source, `${path}.source`);
        if (filter !== undefined) source.source = filter;
      } else if (object.source !== undefined) {
        this.problem(`${path}.source`, 'gps has no source column to filter on');
      }
      if (object.minSpeed !== undefined) {
        const minSpeed = this.number(object.minSpeed, `${path}.minSpeed`);
        if (minSpeed !== undefined) source.minSpeed = minSpeed;
      }
      this.conversion(object, path, source);
      return source;
    }
    if (typeof table === 'string' && TOPIC_TABLE.test(table)) {
      this.keys(object, path, ['table', 'field', 'scale', 'offset', 'values']);
      const field = this.string(object.field, `${path}.field`, true);
      const source: TopicFieldSource = { table: table as `topics_${string}`, field: field ?? '' };
      this.conversion(object, path, source);
      this.values(object, path, text, source);
      return source;
    }
    this.problem(`${path}.table`, "expected 'can_signals', 'gps', 'imu', 'ego_motion' or 'topics_<name>'");
    return undefined;
  }

  private signalNames(json: unknown, path: string): string | string[] | undefined {
    if (Array.isArray(json)) {
      const names = (json as unknown[]).map((item, i) => this.string(item, `${path}[${i}]`, true) ?? '');
      if (names.length === 0) this.problem(path, 'expected at least one signal');
      return names;
    }
    return this.string(json, path, true);
  }

  private conversion(object: Record<string, unknown>, path: string, into: Conversion): void {
    const scale = this.number(object.scale, `${path}.scale`);
    if (scale !== undefined) into.scale = scale;
    const offset = this.number(object.offset, `${path}.offset`);
    if (offset !== undefined) into.offset = offset;
  }

  private values(
    object: Record<string, unknown>,
    path: string,
    text: boolean,
    into: { values?: Record<string, string> },
  ): void {
    if (object.values === undefined) return;
    if (!text) {
      this.problem(`${path}.values`, 'only applies to text signals (gear, turn_signal)');
      return;
    }
    const values = this.object(object.values, `${path}.values`);
    if (!values) return;
    const out: Record<string, string> = {};
    for (const [key, value] of Object.entries(values)) {
      const mapped = this.string(value, `${path}.values.${key}`);
      if (mapped !== undefined) out[key] = mapped;
    }
    into.values = out;
  }

  private policy(json: unknown, path: string, signal: CanonicalSignal): ResamplePolicy | undefined {
    const object = this.object(json, path);
    if (!object) return undefined;
    this.keys(object, path, ['kind', 'maxStalenessS', 'period']);
    const kind = object.kind;
    if (!KINDS.includes(kind as ResampleKind)) {
      this.problem(`${path}.kind`, "expected 'previous', 'nearest' or 'linear'");
      return undefined;
    }
    if (kind === 'linear' && isTextSignal(signal))
      this.problem(`${path}.kind`, 'text signals cannot be interpolated');
    const maxStalenessS = this.number(object.maxStalenessS, `${path}.maxStalenessS`, true);
    if (maxStalenessS !== undefined && maxStalenessS < 0)
      this.problem(`${path}.maxStalenessS`, 'expected a number >= 0');
    const policy: ResamplePolicy = { kind: kind as ResampleKind, maxStalenessS: maxStalenessS ?? 0 };
    const period = this.number(object.period, `${path}.period`);
    if (period !== undefined) {
      if (period > 0) policy.period = period;
      else this.problem(`${path}.period`, 'expected a number > 0');
    }
    return policy;
  }

  private clockOffset(json: unknown): ClockOffsetOptions {
    const out: ClockOffsetOptions = {};
    const object = this.object(json, 'clockOffset');
    if (!object) return out;
    this.keys(object, 'clockOffset', ['enabled', 'maxLagS', 'minCorrelation', 'minOffsetS']);
    const enabled = this.boolean(object.enabled, 'clockOffset.enabled');
    if (enabled !== undefined) out.enabled = enabled;
    for (const key of ['maxLagS', 'minCorrelation', 'minOffsetS'] as const) {
      const value = this.number(object[key], `clockOffset.${key}`);
      if (value === undefined) continue;
      if (value < 0) this.problem(`clockOffset.${key}`, 'expected a number >= 0');
      else out[key] = value;
    }
    return out;
  }

  private keys(object: Record<string, unknown>, path: string, allowed: readonly string[]): void {
    for (const key of Object.keys(object)) {
      if (!allowed.includes(key))
        this.problem(path ? `${path}.${key}` : key, `unknown key (expected one of ${allowed.join(', ')})`);
    }
  }

  private object(json: unknown, path: string): Record<string, unknown> | undefined {
    if (typeof json === 'object' && json !== null && !Array.isArray(json))
      return json as Record<string, unknown>;
    this.problem(path, 'expected an object');
    return undefined;
  }

  private number(json: unknown, path: string, required = false): number | undefined {
    if (json === undefined && !required) return undefined;
    if (typeof json === 'number' && Number.isFinite(json)) return json;
    this.problem(path, 'expected a number');
    return undefined;
  }

  private string(json: unknown, path: string, required = false): string | undefined {
    if (json === undefined && !required) return undefined;
    if (typeof json === 'string' && json.length > 0) return json;
    this.problem(path, 'expected a non-empty string');
    return undefined;
  }

  private boolean(json: unknown, path: string): boolean | undefined {
    if (json === undefined) return undefined;
    if (typeof json === 'boolean') return json;
    this.problem(path, 'expected true or false');
    return undefined;
  }

  private problem(path: string, message: string): void {
    this.problems.push(`${path}: ${message}`);
  }
}

/** Numeric columns of a motion table a source may name (plus the derived gps ones). */
export function motionColumns(table: 'gps' | 'imu' | 'ego_motion'): string[] {
  const numeric = MOTION_TABLES[table].schema.fields
    .filter((field) => field.name !== 't' && /^(Float|Int)/.test(String(field.type)))
    .map((field) => field.name);
  return table === 'gps' ? [...numeric, ...GPS_DERIVED_COLUMNS] : numeric;
}
