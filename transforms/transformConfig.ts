/**
 * The transform step's JSON config: one file with a section per stage. Every section is optional and
 * defaults as documented by its stage (docs/quality.md, transforms/sync/defaultMappings.ts,
 * transforms/weather/matchWeather.ts). Unknown keys and wrong types are errors naming the key path.
 *
 * ```json
 * { "sync": { "hz": 10, "signals": { … } }, "quality": { "gap": { "seconds": 2 } },
 *   "weather": { "radiusKm": 50, "maxOffsetMinutes": 60 }, "expectedSignals": ["speed", "lat"] }
 * ```
 */
import { UsageError } from '../core/errors.js';
import { parseQualityConfig } from './quality/qualityConfig.js';
import { parseSyncConfig } from './sync/signalMapping.js';
import type { TransformConfig } from './transformDrive.js';
import type { EnrichWeatherOptions } from './weather/matchWeather.js';

const SECTIONS = ['sync', 'quality', 'weather', 'expectedSignals'] as const;
const WEATHER_KEYS = ['radiusKm', 'maxOffsetMinutes', 'thresholds'] as const;
const THRESHOLD_KEYS = ['wiperOnFraction', 'wiperOffFraction', 'tempDiffC'] as const;

export function parseTransformConfig(json: unknown, uri: string): TransformConfig {
  const problems: string[] = [];
  const config: TransformConfig = {};
  if (!isObject(json)) throw new UsageError('transform config: expected a JSON object', { uri });
  for (const key of Object.keys(json)) {
    if (!(SECTIONS as readonly string[]).includes(key))
      problems.push(`${key}: unknown key (known: ${SECTIONS.join(', ')})`);
  }
  if (json.sync !== undefined) {
    const sync = section('sync', () => parseSyncConfig(json.sync, uri), problems);
    if (sync) config.sync = sync;
  }
  if (json.quality !== undefined) {
    const quality = section('quality', () => parseQualityConfig(json.quality, uri), problems);
    if (quality) config.quality = quality;
  }
  if (json.weather !== undefined) {
    const weather = readWeather(json.weather, problems);
    if (weather) config.weather = weather;
  }
  if (json.expectedSignals !== undefined) {
    const list = json.expectedSignals;
    if (!Array.isArray(list) || !list.every((s): s is string => typeof s === 'string')) {
      problems.push('expectedSignals: expected an array of signal names');
    } else config.expectedSignals = list;
  }
  if (problems.length > 0) {
    throw new UsageError(`invalid transform config: ${problems.join('; ')}`, { uri }, { cause: problems });
  }
  return config;
}

/**
 * Runs a section's own parser and keeps its problems beside the others, so that one error lists every
 * problem of the file. A parser that lists its problems as `path: message` in the error's `cause` gets
 * them prefixed with the section (`sync.hz: …`); otherwise its message is kept whole after the section.
 */
function section<T>(name: string, parse: () => T, problems: string[]): T | undefined {
  try {
    return parse();
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    const own: unknown = error.cause;
    if (Array.isArray(own) && own.length > 0 && own.every((p): p is string => typeof p === 'string')) {
      // '(config): …' is the section itself (the sync parser's name for its root).
      for (const p of own) problems.push(p.startsWith('(config)') ? name + p.slice(8) : `${name}.${p}`);
    } else problems.push(`${name}: ${error.detail}`);
    return undefined;
  }
}

function readWeather(value: unknown, problems: string[]): EnrichWeatherOptions | undefined {
  if (!isObject(value)) {
    problems.push('weather: expected an object');
    return undefined;
  }
  const out: EnrichWeatherOptions = {};
  for (const key of Object.keys(value)) {
    if (!(WEATHER_KEYS as readonly string[]).includes(key))
      problems.push(`weather.${key}: unknown key (known: ${WEATHER_KEYS.join(', ')})`);
  }
  const radius = positive(value.radiusKm, 'weather.radiusKm', problems);
  if (radius !== undefined) out.radiusKm = radius;
  const window = positive(value.maxOffsetMinutes, 'weather.maxOffsetMinutes', problems);
  if (window !== undefined) out.maxOffsetMinutes = window;
  if (value.thresholds !== undefined) {
    if (!isObject(value.thresholds)) problems.push('weather.thresholds: expected an object');
    else {
      const thresholds: NonNullable<EnrichWeatherOptions['thresholds']> = {};
      for (const key of Object.keys(value.thresholds)) {
        if (!(THRESHOLD_KEYS as readonly string[]).includes(key))
          problems.push(`weather.thresholds.${key}: unknown key (known: ${THRESHOLD_KEYS.join(', ')})`);
      }
      for (const key of THRESHOLD_KEYS) {
        const v = positive(value.thresholds[key], `weather.thresholds.${key}`, problems);
        if (v !== undefined) thresholds[key] = v;
      }
      out.thresholds = thresholds;
    }
  }
  return out;
}

function positive(value: unknown, path: string, problems: string[]): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    problems.push(`${path}: expected a number >= 0, got ${JSON.stringify(value)}`);
    return undefined;
  }
  return value;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
