/**
 * Test helper: timelines made from per-tick functions of time, for detectors the demo drive never
 * exercises (U-turns, reversing, stop-and-go, night, weather).
 */
import {
  textColumn,
  type NumericSignal,
  type TextSignal,
  type Timeline,
  type TimelineEnrichment,
} from '../../../transforms/timeline.js';

export const T0 = 1_718_000_000_000_000_000n;

export interface SyntheticSignals {
  numeric?: Partial<Record<NumericSignal, (seconds: number) => number>>;
  text?: Partial<Record<TextSignal, (seconds: number) => string | null>>;
  light?: (seconds: number) => string | null;
  weather_condition?: (seconds: number) => string | null;
  precipitation?: (seconds: number) => number;
  air_temp?: (seconds: number) => number;
}

export function syntheticTimeline(seconds: number, signals: SyntheticSignals, hz = 10): Timeline {
  const n = Math.round(seconds * hz);
  const at = (k: number): number => k / hz;
  const numeric: Timeline['numeric'] = {};
  for (const [name, f] of Object.entries(signals.numeric ?? {}))
    numeric[name as NumericSignal] = Float64Array.from({ length: n }, (_, k) => f(at(k)));
  const text: Timeline['text'] = {};
  for (const [name, f] of Object.entries(signals.text ?? {}))
    text[name as TextSignal] = textColumn(Array.from({ length: n }, (_, k) => f(at(k))));
  const enrichment: TimelineEnrichment = {};
  const { light, weather_condition, precipitation, air_temp } = signals;
  if (light) enrichment.light = textColumn(Array.from({ length: n }, (_, k) => light(at(k))));
  if (weather_condition)
    enrichment.weather_condition = textColumn(Array.from({ length: n }, (_, k) => weather_condition(at(k))));
  if (precipitation)
    enrichment.precipitation = Float64Array.from({ length: n }, (_, k) => precipitation(at(k)));
  if (air_temp) enrichment.air_temp = Float64Array.from({ length: n }, (_, k) => air_temp(at(k)));
  const period = BigInt(1e9 / hz);
  return {
    driveId: 'synthetic',
    vehicle: 'test',
    hz,
    t: BigInt64Array.from({ length: n }, (_, k) => T0 + BigInt(k) * period),
    numeric,
    text,
    enrichment,
  };
}

/** A yaw-rate pulse (sin² profile) from `start` lasting `duration` seconds that turns by `degrees`. */
export function yawPulse(start: number, duration: number, degrees: number): (s: number) => number {
  return (s) => {
    const x = (s - start) / duration;
    return x < 0 || x > 1 ? 0 : ((2 * degrees) / duration) * Math.sin(Math.PI * x) ** 2;
  };
}
