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

/** Ticks per second from the median spacing (ticks are even; a day boundary splits parts, not spacing). */
function tickRate(t: BigInt64Array): number {
  if (t.length < 2) return 10;
  const steps: number[] = [];
  for (let i = 1; i < Math.min(t.length, 1001); i++) steps.push(Number((t[i] ?? 0n) - (t[i - 1] ?? 0n)));
  steps.sort((a, b) => a - b);
  const median = steps[steps.length >> 1] ?? 1e8;
  return median > 0 ? Math.round((1e9 / median) * 1000) / 1000 : 10;
}

function numbers(parts: readonly ArrowTable[], name: string, n: number): Float64Array | undefined {
  const out = new Float64Array(n).fill(Number.NaN);
  let at = 0;
  let any = false;
  for (const part of parts) {
    const column: Vector | null = part.getChild(name);
    if (column && DataType.isFloat(column.type)) {
      for (let i = 0; i < column.length; i++) {
        if (!column.isValid(i)) continue;
        out[at + i] = column.get(i) as number;
        any = true;
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
      for (let i = 0; i < column.length; i++) {
        const value = column.get(i) as unknown;
        if (typeof value !== 'string') continue;
        out[at + i] = value;
        any = true;
      }
    }
    at += part.numRows;
  }
  return any ? out : undefined;
}
