/**
 * Builds a drive's synchronized timeline from its recorded signals: one tick grid over the whole drive,
 * every signal resampled onto it by its policy.
 */
import { UsageError } from '../../core/errors.js';
import { int64Bounds } from '../../core/int64.js';
import { TEXT_SIGNALS } from '../timeline.js';
import type { CanonicalSignal, SignalSeries, TextColumn, TextSignal, Timeline } from '../timeline.js';
import { DEFAULT_POLICIES } from './defaultPolicies.js';
import { resampleNumeric, resampleText } from './resample.js';
import type { ResamplePolicy } from './resample.js';
import { DEFAULT_HZ, tickGrid, tickTimes } from './tickGrid.js';
import type { TickGrid } from './tickGrid.js';

export interface BuildTimelineOptions {
  driveId: string;
  /** The pseudonymised vehicle id. */
  vehicle: string;
  /** Ticks per second; 1e9 / hz must be whole nanoseconds. @default 10 */
  hz?: number;
  /** Per-signal policies, over `DEFAULT_POLICIES`. */
  policies?: Partial<Record<CanonicalSignal, ResamplePolicy>>;
  /** First and last time the grid covers, ns; @default the first and last sample over all series */
  start?: bigint;
  end?: bigint;
}

/**
 * Resamples `series` onto ticks from the drive's first to its last sample (whole ticks since the epoch).
 *
 * Several series may carry the same signal: the first is used, and each later one fills only the ticks
 * where those before it have no value (so a fallback source covers a primary one's drop-out). A signal
 * with no series is absent from the timeline, not all-NaN. Enrichment starts empty.
 */
export function buildTimeline(series: readonly SignalSeries[], options: BuildTimelineOptions): Timeline {
  const hz = options.hz ?? DEFAULT_HZ;
  const grid = gridFor(series, options, hz);
  const timeline: Timeline = {
    driveId: options.driveId,
    vehicle: options.vehicle,
    hz,
    t: tickTimes(grid),
    numeric: {},
    text: {},
    enrichment: {},
  };
  for (const one of series) {
    const policy = options.policies?.[one.signal] ?? DEFAULT_POLICIES[one.signal];
    if (isTextSignal(one.signal)) {
      if (!one.text)
        throw new UsageError(`series ${one.source} for text signal ${one.signal} has no text values`);
      const values = resampleText(one.t, one.text, grid, policy);
      timeline.text[one.signal] = fillText(timeline.text[one.signal], values);
    } else {
      const values = resampleNumeric(one.t, one.v, grid, policy);
      timeline.numeric[one.signal] = fillNumeric(timeline.numeric[one.signal], values);
    }
  }
  return timeline;
}

function gridFor(series: readonly SignalSeries[], options: BuildTimelineOptions, hz: number): TickGrid {
  let first: bigint | undefined;
  let last: bigint | undefined;
  for (const one of series) {
    if (one.t.length === 0) continue;
    const [min, max] = int64Bounds(one.t);
    if (first === undefined || min < first) first = min;
    if (last === undefined || max > last) last = max;
  }
  const start = options.start ?? first ?? 0n;
  const end = options.end ?? last ?? -1n;
  return tickGrid({ start, end, hz });
}

function isTextSignal(signal: CanonicalSignal): signal is TextSignal {
  return Object.hasOwn(TEXT_SIGNALS, signal);
}

function fillNumeric(into: Float64Array | undefined, values: Float64Array): Float64Array {
  if (!into) return values;
  for (let k = 0; k < into.length; k++) if (Number.isNaN(into[k])) into[k] = values[k] as number;
  return into;
}

/** Ticks without a label in `into` take the label of `values` (their names joined into one table). */
function fillText(into: TextColumn | undefined, values: TextColumn): TextColumn {
  if (!into) return values;
  const names = [...into.names];
  const recode = values.names.map((name) => {
    const found = names.indexOf(name);
    if (found >= 0) return found;
    names.push(name);
    return names.length - 1;
  });
  const codes = into.codes;
  for (let k = 0; k < codes.length; k++) {
    const code = values.codes[k] as number;
    if ((codes[k] as number) < 0 && code >= 0) codes[k] = recode[code] as number;
  }
  return { codes, names };
}
