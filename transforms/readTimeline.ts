/**
 * Reads a drive's `timeseries` rows back into a Timeline, so detection (a separate step) starts from what
 * the transform step stored. A column that is NULL on every tick was absent from the timeline that was
 * written, and is absent again here.
 */
import { DataType } from 'apache-arrow';
import type { Table as ArrowTable, Vector } from 'apache-arrow';
import type { ObjectStore } from '../catalog/objectStore.js';
import { readDriveTable } from '../catalog/readTable.js';
import { NotFoundError } from '../core/errors.js';
import { TIMESERIES } from './sync/timeseriesTable.js';
import {
  NUMERIC_SIGNAL_NAMES,
  TEXT_SIGNAL_NAMES,
  type NumericSignal,
  type TextSignal,
  type Timeline,
  type TimelineEnrichment,
} from './timeline.js';

const NUMERIC_ENRICHMENT = [
  'sun_elevation',
  'air_temp',
  'precipitation',
  'visibility',
  'wind_speed',
] as const;
const TEXT_ENRICHMENT = ['light', 'weather_condition'] as const;

/** The drive's timeline as stored. Throws NotFoundError when the drive has no `timeseries` rows. */
export async function readTimeline(store: ObjectStore, driveId: string): Promise<Timeline & { hz: number }> {
  const parts: ArrowTable[] = [];
  let vehicle: string | undefined;
  for await (const { part, rows } of readDriveTable(store, TIMESERIES.name, driveId)) {
    vehicle ??= part.vehicle;
    if (rows.numRows > 0) parts.push(rows);
  }
  if (vehicle === undefined || parts.length === 0) {
    throw new NotFoundError(
      `drive ${driveId} has no timeseries in ${store.uri}: run \`adlake transform ${driveId}\` first`,
    );
  }
  const n = parts.reduce((sum, p) => sum + p.numRows, 0);
  const t = new BigInt64Array(n);
  let at = 0;
  for (const part of parts) {
    const column = part.getChild('t');
    if (!column) continue;
    for (const data of column.data) {
      const micros = data.values as BigInt64Array;
      for (let i = 0; i < data.length; i++) t[at + i] = (micros[i] ?? 0n) * 1000n;
      at += data.length;
    }
  }
  const numeric: Partial<Record<NumericSignal, Float64Array>> = {};
  for (const signal of NUMERIC_SIGNAL_NAMES) {
    const values = numbers(parts, signal, n);
    if (values) numeric[signal] = values;
  }
  const text: Partial<Record<TextSignal, (string | null)[]>> = {};
  for (const signal of TEXT_SIGNAL_NAMES) {
    const values = strings(parts, signal, n);
    if (values) text[signal] = values;
  }
  const enrichment: TimelineEnrichment = {};
  for (const key of NUMERIC_ENRICHMENT) {
    const values = numbers(parts, key, n);
    if (values) enrichment[key] = values;
  }
  for (const key of TEXT_ENRICHMENT) {
    const values = strings(parts, key, n);
    if (values) enrichment[key] = values;
  }
  return { driveId, vehicle, hz: tickRate(t), t, numeric, text, enrichment };
}

/**
 * The timeline as `readTimeline` reads it back once written: tick times at the file's microsecond
 * precision, and no signal or enrichment column that has no value on any tick. Detection in the process
 * that wrote the timeline starts from this, so it finds what a separate `adlake detect` would.
 */
export function storedTimeline(timeline: Timeline): Timeline {
  const hasValue = (values: Float64Array) => values.some((x) => !Number.isNaN(x));
  const hasText = (values: readonly (string | null)[]) => values.some((x) => x !== null);
  const keep = <K extends string, V>(record: Partial<Record<K, V>>, test: (v: V) => boolean) =>
    Object.fromEntries(Object.entries(record).filter(([, v]) => v !== undefined && test(v as V))) as Partial<
      Record<K, V>
    >;
  const { enrichment } = timeline;
  const numericEnrichment = keep(
    {
      sun_elevation: enrichment.sun_elevation,
      air_temp: enrichment.air_temp,
      precipitation: enrichment.precipitation,
      visibility: enrichment.visibility,
      wind_speed: enrichment.wind_speed,
    },
    hasValue,
  );
  const textEnrichment = keep(
    { light: enrichment.light, weather_condition: enrichment.weather_condition },
    hasText,
  );
  const t = wholeMicros(timeline.t) ? timeline.t : timeline.t.map((x) => (x / 1000n) * 1000n);
  return {
    ...timeline,
    t,
    numeric: keep(timeline.numeric, hasValue),
    text: keep(timeline.text, hasText),
    enrichment: { ...numericEnrichment, ...textEnrichment },
  };
}

const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/**
 * Whether every time is a whole number of microseconds, checked on its 32-bit words: an int64 is
 * hi * 2^32 + lo, and 2^32 = 296 (mod 1000). No BigInt per tick.
 */
function wholeMicros(t: BigInt64Array): boolean {
  if (!LITTLE_ENDIAN) return t.every((x) => x % 1000n === 0n);
  const words = new Int32Array(t.buffer, t.byteOffset, t.length * 2);
  for (let i = 0; i < t.length; i++) {
    const high = (words[2 * i + 1] as number) % 1000;
    const low = ((words[2 * i] as number) >>> 0) % 1000;
    if ((high * 296 + low) % 1000 !== 0) return false;
  }
  return true;
}

/**
 * Ticks per second from the span of the ticks (they are evenly spaced; a day boundary splits parts, not the
 * grid). The span, not one step: steps are truncated to the file's microseconds, so at 512 Hz (1,953,125 ns)
 * one step reads 1,953,125 or 1,953,124 µs·1000 while the span is right to a microsecond.
 */
function tickRate(t: BigInt64Array): number {
  if (t.length < 2) return 10;
  const span = Number((t[t.length - 1] ?? 0n) - (t[0] ?? 0n));
  return span > 0 ? Math.round(((t.length - 1) * 1e9 * 1000) / span) / 1000 : 10;
}

function numbers(parts: readonly ArrowTable[], name: string, n: number): Float64Array | undefined {
  const out = new Float64Array(n).fill(Number.NaN);
  let at = 0;
  let any = false;
  for (const part of parts) {
    const column: Vector | null = part.getChild(name);
    if (column && DataType.isFloat(column.type)) {
      // Chunk by chunk from the Arrow buffers: `column.get(i)` per cell took a second an hour at 100 Hz.
      let offset = at;
      for (const data of column.data) {
        if (data.values instanceof Float64Array) {
          const values = data.values.subarray(data.offset, data.offset + data.length);
          if (data.nullCount === 0) {
            out.set(values, offset);
            any ||= data.length > 0;
          } else if (data.nullCount < data.length) {
            const bitmap = data.nullBitmap;
            for (let i = 0; i < data.length; i++) {
              const bit = data.offset + i;
              if (bitmap && ((bitmap[bit >> 3] as number) & (1 << (bit & 7))) === 0) continue;
              out[offset + i] = values[i] as number;
              any = true;
            }
          }
        } else {
          for (let i = 0; i < data.length; i++) {
            const value: unknown = data.getValid(i) ? (column.get(offset - at + i) as unknown) : null;
            if (typeof value !== 'number') continue;
            out[offset + i] = value;
            any = true;
          }
        }
        offset += data.length;
      }
    }
    at += part.numRows;
  }
  return any ? out : undefined;
}

function strings(parts: readonly ArrowTable[], name: string, n: number): (string | null)[] | undefined {
  const out: (string | null)[] = new Array<string | null>(n).fill(null);
  let at = 0;
  let any = false;
  for (const part of parts) {
    const column: Vector | null = part.getChild(name);
    if (column) {
      let offset = at;
      for (const data of column.data) {
        const dictionary = data.dictionary;
        if (dictionary && data.values instanceof Int32Array) {
          // Dictionary-coded (as the writer stores names): decode each entry once, then index per row.
          const entries = Array.from({ length: dictionary.length }, (_, i) => {
            const text: unknown = dictionary.get(i);
            return typeof text === 'string' ? text : null;
          });
          for (let i = 0; i < data.length; i++) {
            if (!data.getValid(i)) continue;
            const text = entries[data.values[data.offset + i] as number] ?? null;
            if (text === null) continue;
            out[offset + i] = text;
            any = true;
          }
        } else {
          for (let i = 0; i < data.length; i++) {
            const value = column.get(offset - at + i) as unknown;
            if (typeof value !== 'string') continue;
            out[offset + i] = value;
            any = true;
          }
        }
        offset += data.length;
      }
    }
    at += part.numRows;
  }
  return any ? out : undefined;
}
