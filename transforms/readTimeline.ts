/**
 * Reads a drive's `timeseries` rows back into a Timeline, so detection (a separate step) starts from what
 * the transform step stored. A column that is NULL on every tick was absent from the timeline that was
 * written, and is absent again here.
 */
import { DataType, TimeUnit, Type, makeVector } from 'apache-arrow';
import type { Data, RecordBatch, Vector } from 'apache-arrow';
import type { ObjectStore } from '../catalog/objectStore.js';
import { FlatPartUnsupported, listTableParts, openFlatPart, scanPart } from '../catalog/readTable.js';
import type { FlatPart } from '../catalog/readTable.js';
import { DecodeError, NotFoundError } from '../core/errors.js';
import { LITTLE_ENDIAN } from '../core/int64.js';
import { TIMESERIES } from './sync/timeseriesTable.js';
import {
  hasText,
  LabelCodes,
  NUMERIC_ENRICHMENT_NAMES,
  NUMERIC_SIGNAL_NAMES,
  TEXT_ENRICHMENT_NAMES,
  TEXT_SIGNAL_NAMES,
  type NumericSignal,
  type TextColumn,
  type TextSignal,
  type Timeline,
  type TimelineColumn,
  type TimelineEnrichment,
} from './timeline.js';

export interface ReadTimelineOptions {
  /**
   * Only these columns: the others are absent from the timeline, as if never stored, and never decoded.
   * @default every column
   */
  columns?: readonly TimelineColumn[];
}

/** The drive's timeline as stored. Throws NotFoundError when the drive has no `timeseries` rows. */
export async function readTimeline(
  store: ObjectStore,
  driveId: string,
  options: ReadTimelineOptions = {},
): Promise<Timeline & { hz: number }> {
  const parts = await listTableParts(store, TIMESERIES.name, { driveId });
  const wanted = options.columns && new Set<string>(options.columns);
  const pick = (names: readonly string[]) => (wanted ? names.filter((name) => wanted.has(name)) : names);
  const collected = new TimelineColumns(
    store.uriOf(TIMESERIES.name),
    pick([...NUMERIC_SIGNAL_NAMES, ...NUMERIC_ENRICHMENT_NAMES]),
    pick([...TEXT_SIGNAL_NAMES, ...TEXT_ENRICHMENT_NAMES]),
  );
  // Each part's bytes are fetched while the part before is decoded.
  const fetch = (index: number): Promise<Uint8Array> | undefined => {
    const part = parts[index];
    const bytes = part && store.get(part.key);
    // Awaited when its turn comes; a failure before then is not an unhandled rejection.
    bytes?.catch(() => undefined);
    return bytes;
  };
  let next = fetch(0);
  for (const [index, part] of parts.entries()) {
    // Room for the drive at the first part (its parts hold the same rows but the last): no doublings.
    const room = (partRows: number): void => {
      if (index === 0) collected.reserve(partRows * parts.length);
    };
    const bytes = next;
    next = fetch(index + 1);
    // adlake's own reader decodes each column straight into the timeline's arrays; a part it cannot read
    // goes through parquet-wasm (whole, as views into WebAssembly memory, copied once).
    const flat = await openFlatPart(store, part.key, bytes);
    if (flat) {
      const mark = collected.mark();
      try {
        room(flat.rows);
        collected.addFlat(flat);
        continue;
      } catch (error) {
        if (!(error instanceof FlatPartUnsupported)) throw error;
        collected.rollback(mark);
      }
    }
    await scanPart(store, part.key, undefined, (batch, readRows) => {
      room(readRows);
      collected.add(batch);
    });
  }
  const vehicle = parts[0]?.vehicle;
  if (vehicle === undefined || collected.rows === 0) {
    throw new NotFoundError(
      `drive ${driveId} has no timeseries in ${store.uri}: run \`adlake transform ${driveId}\` first`,
    );
  }
  const t = collected.times();
  const numeric: Partial<Record<NumericSignal, Float64Array>> = {};
  for (const signal of NUMERIC_SIGNAL_NAMES) {
    const values = collected.numbers(signal);
    if (values) numeric[signal] = values;
  }
  const text: Partial<Record<TextSignal, TextColumn>> = {};
  for (const signal of TEXT_SIGNAL_NAMES) {
    const values = collected.labels(signal);
    if (values) text[signal] = values;
  }
  const enrichment: TimelineEnrichment = {};
  for (const key of NUMERIC_ENRICHMENT_NAMES) {
    const values = collected.numbers(key);
    if (values) enrichment[key] = values;
  }
  for (const key of TEXT_ENRICHMENT_NAMES) {
    const values = collected.labels(key);
    if (values) enrichment[key] = values;
  }
  return { driveId, vehicle, hz: tickRate(t), t, numeric, text, enrichment };
}

/** A text column being read: codes per row (-1 for NULL) into its labels. */
class LabelColumn extends LabelCodes {
  constructor(public codes: Int32Array) {
    super();
  }
}

/**
 * The timeline's columns, appended batch by batch: tick times in ns, numbers with NaN for NULL, text as
 * codes. A column without any value (absent from the files, or NULL on every tick) is not returned.
 */
class TimelineColumns {
  rows = 0;
  private capacity = 0;
  private t = new BigInt64Array(0);
  private readonly number = new Map<string, Float64Array>();
  private readonly text = new Map<string, LabelColumn>();
  private readonly valued = new Set<string>();

  constructor(
    private readonly uri: string,
    /** The numeric and the text columns to read. */
    private readonly numberColumns: readonly string[],
    private readonly stringColumns: readonly string[],
  ) {}

  /** What `rollback` returns to: the rows so far and the columns seen with a value. */
  mark(): { rows: number; valued: Set<string> } {
    return { rows: this.rows, valued: new Set(this.valued) };
  }

  /** Forgets the rows added since `mark` (a part read again another way). */
  rollback(mark: { rows: number; valued: Set<string> }): void {
    this.rows = mark.rows;
    this.valued.clear();
    for (const name of mark.valued) this.valued.add(name);
  }

  /** Adds a part read by adlake's own reader, column by column into the timeline's arrays. */
  addFlat(part: FlatPart): void {
    const n = part.rows;
    if (n === 0) return;
    if (this.rows + n > this.capacity) this.reserve(Math.max(this.rows + n, this.capacity * 2));
    const at = this.rows;
    if (!part.has('t')) throw new DecodeError('timeseries part has no timestamp column t', { uri: part.uri });
    part.read((reader) => reader.timesInto('t', this.t, at));
    // A column the part's statistics show NULL throughout is as good as absent: nothing to allocate or decode.
    const stored = (name: string) => part.has(name) && !part.allNull(name);
    for (const name of this.numberColumns) {
      if (stored(name)) {
        if (part.read((reader) => reader.doublesInto(name, this.numbersOf(name), at))) this.valued.add(name);
      } else {
        this.number.get(name)?.fill(Number.NaN, at, at + n);
      }
    }
    for (const name of this.stringColumns) {
      if (stored(name)) {
        const column = this.labelsOf(name);
        if (part.read((reader) => reader.labelsInto(name, column.codes, at, column.code)))
          this.valued.add(name);
      }
    }
    this.rows += n;
  }

  add(batch: RecordBatch): void {
    const n = batch.numRows;
    if (n === 0) return;
    if (this.rows + n > this.capacity) this.reserve(Math.max(this.rows + n, this.capacity * 2));
    const at = this.rows;
    const time = batch.getChild('t')?.data[0];
    if (!time || !(time.values instanceof BigInt64Array) || !DataType.isTimestamp(time.type))
      throw new DecodeError('timeseries part has no timestamp column t', { uri: this.uri });
    toNanos(time.values, time.type.unit, this.t, at, n);
    for (const name of this.numberColumns) {
      const data = columnData(batch, name);
      if (data) {
        if (this.copyNumbers(name, data, this.numbersOf(name), at)) this.valued.add(name);
      } else {
        // A part without the column: NULL there (an array is made only for a column some part has).
        this.number.get(name)?.fill(Number.NaN, at, at + n);
      }
    }
    for (const name of this.stringColumns) {
      const data = columnData(batch, name);
      if (data && this.copyLabels(data, this.labelsOf(name), at)) this.valued.add(name);
    }
    this.rows += n;
  }

  /** Grows every column to `capacity` rows (pages past what is written are never touched). */
  reserve(capacity: number): void {
    if (capacity <= this.capacity) return;
    const t = new BigInt64Array(capacity);
    t.set(this.t.subarray(0, this.rows));
    this.t = t;
    for (const [name, values] of this.number) {
      const grown = new Float64Array(capacity);
      grown.set(values.subarray(0, this.rows));
      this.number.set(name, grown);
    }
    for (const column of this.text.values()) {
      const grown = new Int32Array(capacity).fill(-1, this.rows);
      grown.set(column.codes.subarray(0, this.rows));
      column.codes = grown;
    }
    this.capacity = capacity;
  }

  times(): BigInt64Array {
    return this.t.subarray(0, this.rows);
  }

  numbers(name: string): Float64Array | undefined {
    return this.valued.has(name) ? this.number.get(name)?.subarray(0, this.rows) : undefined;
  }

  labels(name: string): TextColumn | undefined {
    const column = this.valued.has(name) ? this.text.get(name) : undefined;
    return column && { codes: column.codes.subarray(0, this.rows), names: column.names };
  }

  private numbersOf(name: string): Float64Array {
    let values = this.number.get(name);
    if (!values) {
      // Every row is written by `add` from here on; a column first met in a later part is NULL before.
      values = new Float64Array(this.capacity);
      values.fill(Number.NaN, 0, this.rows);
      this.number.set(name, values);
    }
    return values;
  }

  private labelsOf(name: string): LabelColumn {
    let column = this.text.get(name);
    if (!column) {
      // NULL up to capacity: rows of parts without the column stay NULL.
      column = new LabelColumn(new Int32Array(this.capacity).fill(-1));
      this.text.set(name, column);
    }
    return column;
  }

  /** Copies a numeric column chunk to `out` from `at`, NaN for NULL; whether any row had a value. */
  private copyNumbers(name: string, data: Data, out: Float64Array, at: number): boolean {
    const n = data.length;
    if (data.nullCount === n) {
      out.fill(Number.NaN, at, at + n);
      return false;
    }
    if (!(data.values instanceof Float64Array))
      throw new DecodeError(`timeseries column ${name} is ${Type[data.typeId]}, not a double`, {
        uri: this.uri,
      });
    out.set(data.values.subarray(0, n), at);
    const bitmap = data.nullBitmap;
    if (data.nullCount > 0 && bitmap) {
      // The values in one copy, then NaN where the validity bitmap has a 0: byte by byte, so runs of
      // valid rows (0xff) cost one test per eight rows.
      const offset = data.offset;
      for (let i = 0; i < n;) {
        const bit = offset + i;
        if ((bit & 7) === 0 && i + 8 <= n && bitmap[bit >> 3] === 0xff) {
          i += 8;
          continue;
        }
        if (((bitmap[bit >> 3] as number) & (1 << (bit & 7))) === 0) out[at + i] = Number.NaN;
        i++;
      }
    }
    return true;
  }

  /** Codes a string column chunk into `out` from `at` (dictionary entries coded once); whether any had a value. */
  private copyLabels(data: Data, out: LabelColumn, at: number): boolean {
    const n = data.length;
    let any = false;
    const dictionary = data.dictionary;
    const nulls = data.nullCount > 0;
    const codes = out.codes;
    if (dictionary && data.values instanceof Int32Array) {
      const entries = Array.from({ length: dictionary.length }, (_, i) => {
        const text: unknown = dictionary.get(i);
        return typeof text === 'string' ? out.code(text) : -1;
      });
      const indices = data.values;
      for (let i = 0; i < n; i++) {
        const code = nulls && !data.getValid(i) ? -1 : (entries[indices[i] as number] ?? -1);
        codes[at + i] = code;
        if (code >= 0) any = true;
      }
      return any;
    }
    const vector = makeVector(data);
    for (let i = 0; i < n; i++) {
      const value: unknown = nulls && !data.getValid(i) ? null : vector.get(i);
      const code = typeof value === 'string' ? out.code(value) : -1;
      codes[at + i] = code;
      if (code >= 0) any = true;
    }
    return any;
  }
}

/** The first (only) chunk of a batch's column, if the batch has the column. */
function columnData(batch: RecordBatch, name: string): Data | undefined {
  const vector = batch.getChild(name) as Vector<DataType> | null;
  return vector?.data[0];
}

/** Timestamps in `unit` to ns into `out` from `at`: microseconds (the lake's) through their 32-bit words. */
function toNanos(values: BigInt64Array, unit: TimeUnit, out: BigInt64Array, at: number, n: number): void {
  if (unit !== TimeUnit.MICROSECOND || !LITTLE_ENDIAN) {
    const factor =
      unit === TimeUnit.SECOND
        ? 1_000_000_000n
        : unit === TimeUnit.MILLISECOND
          ? 1_000_000n
          : unit === TimeUnit.MICROSECOND
            ? 1000n
            : 1n;
    for (let i = 0; i < n; i++) out[at + i] = (values[i] as bigint) * factor;
    return;
  }
  const from = new Int32Array(values.buffer, values.byteOffset, n * 2);
  const to = new Int32Array(out.buffer, out.byteOffset + at * 8, n * 2);
  for (let i = 0; i < n; i++) {
    // low * 1000 < 2^42 is exact; its carry joins the high word (int32 for any time int64 ns can hold).
    const low = ((from[2 * i] as number) >>> 0) * 1000;
    const carry = Math.floor(low / 4294967296);
    to[2 * i] = low - carry * 4294967296;
    to[2 * i + 1] = (from[2 * i + 1] as number) * 1000 + carry;
  }
}

/**
 * The timeline as `readTimeline` reads it back once written: tick times at the file's microsecond
 * precision, and no signal or enrichment column that has no value on any tick. Detection in the process
 * that wrote the timeline starts from this, so it finds what a separate `adlake detect` would.
 */
export function storedTimeline(timeline: Timeline): Timeline {
  const hasValue = (values: Float64Array) => values.some((x) => !Number.isNaN(x));
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
