/**
 * Reads the recorded signals of one drive from the lake, as the mapping names them, and picks for each
 * canonical signal the first candidate source the drive has.
 *
 * Tables are read part by part through the object store, decoding only the columns a mapping needs.
 * `can_signals` (one row per decoded signal value, the largest table) is scanned with its dictionary
 * codes: each batch's message and signal dictionaries are mapped once to the wanted names, then rows are
 * matched by integer lookups; only matching rows are copied, into typed arrays.
 */
import type { Data, RecordBatch, Vector } from 'apache-arrow';
import { DataType, TimeUnit, Type } from 'apache-arrow';
import type { ObjectStore } from '../../catalog/objectStore.js';
import { listTableParts, readDriveTable, scanPart } from '../../catalog/readTable.js';
import { CAN_SIGNALS } from '../../catalog/tables.js';
import { DecodeError, InternalError } from '../../core/errors.js';
import type { CanonicalSignal, SignalSeries, TextColumn } from '../timeline.js';
import { LabelCodes, NUMERIC_SIGNAL_NAMES, TEXT_SIGNAL_NAMES } from '../timeline.js';
import { DEFAULT_MAPPINGS } from './defaultMappings.js';
import { SampleBuffer } from './sampleBuffer.js';
import { describeSource, isTextSignal } from './signalMapping.js';
import type { CanSignalSource, SignalSource, TableColumnSource, TopicFieldSource } from './signalMapping.js';
import { trackDerivatives } from './trackDerivatives.js';

export type SignalMappings = Partial<Record<CanonicalSignal, readonly SignalSource[]>>;

export interface ReadDriveSeriesOptions {
  driveId: string;
  /** Candidate sources per canonical signal, first present wins. @default DEFAULT_MAPPINGS */
  mappings?: SignalMappings;
  /**
   * Stop keeping the `can_signals` rows of a candidate once an earlier candidate of its signal has values
   * (they are counted instead, for `alsoPresent`). @default true
   */
  skipLaterCandidates?: boolean;
}

/** What a drive gave for one canonical signal. */
export interface SourceChoice {
  signal: CanonicalSignal;
  /** The chosen source (`describeSource`), as in `SignalSeries.source`. */
  source: string;
  /** Samples with a value. */
  samples: number;
  /** Later candidates the drive also has (not used). */
  alsoPresent: string[];
}

export interface DriveSeries {
  /** One series per canonical signal found, from its first present source, in canonical order. */
  series: SignalSeries[];
  choices: SourceChoice[];
  /** Signals with at least one candidate source, none of which the drive has. */
  missing: CanonicalSignal[];
}

/** One entry of a signal's source list. */
interface Candidate<S extends SignalSource = SignalSource> {
  signal: CanonicalSignal;
  source: S;
}

/**
 * One candidate's samples once read (before the choice). A candidate whose rows were only counted (an
 * earlier candidate of its signal already had values, see `CanSignalScan`) has no `series`.
 */
interface Found {
  source: string;
  series?: SignalSeries;
  samples: number;
}

/** Reads the candidate sources of `options.mappings` for one drive and picks the first present per signal. */
export async function readDriveSeries(
  store: ObjectStore,
  options: ReadDriveSeriesOptions,
): Promise<DriveSeries> {
  const mappings = options.mappings ?? DEFAULT_MAPPINGS;
  const signals = [...NUMERIC_SIGNAL_NAMES, ...TEXT_SIGNAL_NAMES].filter(
    (signal) => (mappings[signal]?.length ?? 0) > 0,
  );
  const candidates: Candidate[] = signals.flatMap((signal) =>
    (mappings[signal] ?? []).map((source) => ({ signal, source })),
  );
  // Keyed by candidate: two entries that read alike (same column, other scale) stay apart.
  const found = new Map<Candidate, Found>();

  const can = candidates.filter((c): c is Candidate<CanSignalSource> => c.source.table === 'can_signals');
  if (can.length > 0) {
    const scan = new CanSignalScan(can, options.skipLaterCandidates ?? true);
    const uri = store.uriOf(CAN_SIGNALS.name);
    const parts = await listTableParts(store, CAN_SIGNALS.name, { driveId: options.driveId });
    const total = parts.reduce((sum, part) => sum + part.size, 0);
    let done = 0;
    let rowsSeen = 0;
    for (const part of parts) {
      await scanPart(store, part.key, scan.columns, (batch, _readRows, partRows) => {
        scan.add(batch, uri);
        // After the first batch, size every buffer for the whole drive (its rows estimated from this
        // part's rows and the drive's bytes, 10% over): one allocation instead of doublings, whose
        // copies and fresh pages were ~0.1 s of an hour at 100 Hz. Pages reserved and never written
        // cost nothing.
        if (rowsSeen === 0 && batch.numRows > 0 && part.size > 0)
          scan.reserve((1.1 * partRows * (total / part.size)) / batch.numRows);
        rowsSeen += batch.numRows;
      });
      // After the first part, correct the estimate by the bytes read so far (grows only if short).
      if (done === 0 && part.size < total) scan.reserve(total / part.size);
      done += part.size;
    }
    for (const candidate of can) {
      const result = scan.series(candidate.source, candidate.signal);
      if (result) found.set(candidate, result);
    }
  }

  for (const table of ['gps', 'imu', 'ego_motion'] as const) {
    const wanted = candidates.filter((c): c is Candidate<TableColumnSource> => c.source.table === table);
    if (wanted.length === 0) continue;
    const groups = await readMotionTable(
      store,
      table,
      options.driveId,
      wanted.map((c) => c.source),
    );
    for (const candidate of wanted) {
      const result = motionSeries(groups, candidate.source, candidate.signal);
      if (result) found.set(candidate, result);
    }
  }

  const topics = new Map<string, Candidate<TopicFieldSource>[]>();
  for (const c of candidates) {
    if (c.source.table.startsWith('topics_')) {
      const candidate = c as Candidate<TopicFieldSource>;
      topics.set(candidate.source.table, [...(topics.get(candidate.source.table) ?? []), candidate]);
    }
  }
  for (const [table, wanted] of topics) {
    const columns = await readTopicColumns(
      store,
      table,
      options.driveId,
      wanted.map((w) => w.source.field),
    );
    for (const candidate of wanted) {
      const result = topicSeries(columns, candidate.source, candidate.signal);
      if (result) found.set(candidate, result);
    }
  }

  const series: SignalSeries[] = [];
  const choices: SourceChoice[] = [];
  const missing: CanonicalSignal[] = [];
  for (const signal of signals) {
    const present = candidates
      .filter((c) => c.signal === signal)
      .map((c) => found.get(c))
      .filter((f) => f !== undefined);
    const [first, ...rest] = present;
    if (!first) {
      missing.push(signal);
      continue;
    }
    if (!first.series) {
      // The candidate that had values gave no series after all (its signals never in one frame on the
      // busiest bus): read again keeping every candidate's rows.
      if (options.skipLaterCandidates === false)
        throw new InternalError(`readDriveSeries: ${first.source} was counted, not kept`);
      return readDriveSeries(store, { ...options, skipLaterCandidates: false });
    }
    series.push(first.series);
    choices.push({
      signal,
      source: first.source,
      samples: first.samples,
      alsoPresent: rest.map((f) => f.source),
    });
  }
  return { series, choices, missing };
}

// ---------------------------------------------------------------------------------------------------------
// can_signals

/** Multiplier from a timestamp column's unit to nanoseconds. */
function nsPerUnit(unit: TimeUnit): bigint {
  switch (unit) {
    case TimeUnit.SECOND:
      return 1_000_000_000n;
    case TimeUnit.MILLISECOND:
      return 1_000_000n;
    case TimeUnit.MICROSECOND:
      return 1_000n;
    case TimeUnit.NANOSECOND:
      return 1n;
  }
}

/** The first chunk of a batch's column, or a DecodeError naming what is missing. */
function columnOf(batch: RecordBatch, name: string, uri: string): Data {
  const data = chunkOf(batch, name);
  if (!data) throw new DecodeError(`table part has no column ${name}`, { uri });
  return data;
}

/** The first (only) chunk of a batch's column, if the batch has the column. */
function chunkOf(batch: RecordBatch, name: string): Data | undefined {
  const vector = batch.getChild(name) as Vector<DataType> | null;
  return vector?.data[0];
}

/** Nanosecond times of a timestamp column chunk. */
function timesOf(data: Data, uri: string): { values: BigInt64Array; scale: bigint } {
  if (!DataType.isTimestamp(data.type) || !(data.values instanceof BigInt64Array))
    throw new DecodeError(`column t is ${Type[data.typeId]}, expected a timestamp`, { uri });
  return { values: data.values, scale: nsPerUnit(data.type.unit) };
}

/**
 * Maps the rows of a string column chunk to small integer codes (`lookup` names → code, else -1), as a
 * pair: row `r`'s code is `codes[indices[r]]`. A dictionary column is mapped per dictionary entry once
 * (cached per dictionary object) and its own indices are used: no pass over the rows. A plain string
 * column is looked up per row, into `indices` as code + 1 (`codes[0]` is -1).
 */
class StringCodes {
  private readonly cache = new WeakMap<object, Int32Array>();
  private scratch = new Int32Array(0);
  private readonly shifted: Int32Array;

  constructor(private readonly lookup: ReadonlyMap<string, number>) {
    this.shifted = Int32Array.from({ length: lookup.size + 1 }, (_, i) => i - 1);
  }

  coded(data: Data): { indices: Int32Array; codes: Int32Array } {
    const dictionary = data.dictionary;
    if (dictionary && data.values instanceof Int32Array) {
      let codes = this.cache.get(dictionary);
      if (!codes) {
        codes = new Int32Array(dictionary.length);
        for (let i = 0; i < codes.length; i++) codes[i] = this.lookup.get(String(dictionary.get(i))) ?? -1;
        this.cache.set(dictionary, codes);
      }
      return { indices: data.values, codes };
    }
    if (this.scratch.length < data.length) this.scratch = new Int32Array(data.length);
    const indices = this.scratch;
    for (let r = 0; r < data.length; r++) {
      const text = stringAt(data, r);
      indices[r] = (text === null ? -1 : (this.lookup.get(text) ?? -1)) + 1;
    }
    return { indices, codes: this.shifted };
  }
}

/** A string cell of a Utf8 or dictionary column chunk, or null. */
function stringAt(data: Data, row: number): string | null {
  if (!data.getValid(row)) return null;
  if (data.dictionary) {
    const index = (data.values as Int32Array)[row] as number;
    const text: unknown = data.dictionary.get(index);
    return typeof text === 'string' ? text : null;
  }
  if (DataType.isUtf8(data.type) && data.valueOffsets instanceof Int32Array) {
    const start = data.valueOffsets[row] as number;
    const end = data.valueOffsets[row + 1] as number;
    return textDecoder.decode((data.values as Uint8Array).subarray(start, end));
  }
  return null;
}

const textDecoder = new TextDecoder();

/**
 * Collects the rows of the wanted (message, signal) pairs from `can_signals` batches, per bus.
 *
 * Only the first present candidate of a signal is used, so once an earlier candidate has values (all its
 * signals on one bus), the rows of the later ones are counted instead of kept: a demo drive's four wheel
 * speeds at 100 Hz, the fallback for `speed`, were 39% of the rows kept. A pair another signal still
 * needs is kept.
 */
class CanSignalScan {
  readonly columns: string[];
  private readonly messages = new Map<string, number>();
  private readonly signals = new Map<string, number>();
  /** `pairs[m * signalCount + s]`: the wanted pair's index, or -1. */
  private pairs = new Int32Array(0);
  private readonly pairNames: { message: string; signal: string }[] = [];
  private readonly withText: boolean[] = [];
  /** Per pair, per bus name. */
  private readonly buffers: Map<string, SampleBuffer>[] = [];
  private readonly dictionaryStrings = new WeakMap<object, (string | null)[]>();
  private readonly messageCodes: StringCodes;
  private readonly signalCodes: StringCodes;
  /** Per canonical signal, its candidates in mapping order with their pairs. */
  private readonly bySignal: { source: CanSignalSource; pairs: number[] }[][] = [];
  /** Per pair: 1 while its rows are kept, 0 once they are only counted. */
  private keep = new Uint8Array(0);
  /** Per pair: values counted while not kept, plus those its buffers held when it stopped being kept. */
  private counted = new Float64Array(0);
  /** Whether some signal has no candidate with values yet (so later candidates may still be dropped). */
  private undecided: boolean;

  constructor(candidates: readonly Candidate<CanSignalSource>[], skipLaterCandidates: boolean) {
    const wanted: { message: string; signal: string; text: boolean }[] = [];
    for (const { signal: canonical, source } of candidates) {
      const names = Array.isArray(source.signal) ? source.signal : [source.signal];
      const text = isTextSignal(canonical);
      for (const signal of names) wanted.push({ message: source.message, signal, text });
    }
    for (const { message, signal } of wanted) {
      if (!this.messages.has(message)) this.messages.set(message, this.messages.size);
      if (!this.signals.has(signal)) this.signals.set(signal, this.signals.size);
    }
    this.pairs = new Int32Array(this.messages.size * this.signals.size).fill(-1);
    for (const { message, signal, text } of wanted) {
      const slot =
        (this.messages.get(message) as number) * this.signals.size + (this.signals.get(signal) as number);
      let pair = this.pairs[slot] as number;
      if (pair < 0) {
        pair = this.pairNames.length;
        this.pairs[slot] = pair;
        this.pairNames.push({ message, signal });
        this.withText.push(false);
        this.buffers.push(new Map());
      }
      // Labels are kept only for pairs a text signal uses.
      if (text) this.withText[pair] = true;
    }
    this.messageCodes = new StringCodes(this.messages);
    this.signalCodes = new StringCodes(this.signals);
    this.columns = ['t', 'bus', 'message', 'signal', 'value', 'label'];
    this.keep = new Uint8Array(this.pairNames.length).fill(1);
    this.counted = new Float64Array(this.pairNames.length);
    const groups = new Map<CanonicalSignal, { source: CanSignalSource; pairs: number[] }[]>();
    for (const { signal, source } of candidates) {
      const group = groups.get(signal) ?? [];
      groups.set(signal, group);
      group.push({ source, pairs: this.pairsOf(source) });
    }
    this.bySignal = [...groups.values()];
    this.undecided = skipLaterCandidates;
  }

  /** The pair indices of a source's signals, in its order. */
  private pairsOf(source: CanSignalSource): number[] {
    const names = Array.isArray(source.signal) ? source.signal : [source.signal];
    return names.map(
      (name) =>
        this.pairs[
          (this.messages.get(source.message) as number) * this.signals.size +
            (this.signals.get(name) as number)
        ] as number,
    );
  }

  /** Copies the wanted rows of a batch (views into WebAssembly memory: nothing of it is kept). */
  add(batch: RecordBatch, uri: string): void {
    const rows = batch.numRows;
    if (rows === 0) return;
    const time = timesOf(columnOf(batch, 't', uri), uri);
    const bus = columnOf(batch, 'bus', uri);
    const busNames = this.busNames(bus);
    const busIndices = bus.values as Int32Array;
    const value = columnOf(batch, 'value', uri);
    const values = value.values as Float64Array;
    const valueNulls = value.nullCount > 0;
    const label = chunkOf(batch, 'label');
    // Labels are few strings (value tables): looked up by dictionary index, not decoded per row.
    const labelNames = label ? this.dictionaryNames(label) : undefined;
    const labelIndices = label?.values as Int32Array | undefined;
    const labelAt = (r: number): string | null =>
      !label || !label.getValid(r)
        ? null
        : labelNames && labelIndices
          ? (labelNames[labelIndices[r] as number] ?? null)
          : stringAt(label, r);
    const timeWords = new Int32Array(time.values.buffer, time.values.byteOffset, rows * 2);
    const scale = Number(time.scale);
    const message = this.messageCodes.coded(columnOf(batch, 'message', uri));
    const signal = this.signalCodes.coded(columnOf(batch, 'signal', uri));
    const messageIndices = message.indices;
    const messageCodes = message.codes;
    const signalIndices = signal.indices;
    const signalCodes = signal.codes;
    const signalCount = this.signals.size;
    // Per batch, the buffer of each (pair, bus) met, by the bus column's dictionary index: no string
    // compare per row. A plain bus column (no dictionary) is looked up by name per row.
    const busCount = busNames ? busNames.length : 0;
    const resolved = new Array<SampleBuffer | undefined>(this.pairNames.length * busCount);
    for (let r = 0; r < rows; r++) {
      const m = messageCodes[messageIndices[r] as number] as number;
      if (m < 0) continue;
      const s = signalCodes[signalIndices[r] as number] as number;
      if (s < 0) continue;
      const pair = this.pairs[m * signalCount + s] as number;
      if (pair < 0) continue;
      if (this.keep[pair] === 0) {
        if (!(valueNulls && !value.getValid(r)) && values[r] === values[r])
          this.counted[pair] = (this.counted[pair] as number) + 1;
        continue;
      }
      let buffer: SampleBuffer | undefined;
      if (busNames) {
        const slot = pair * busCount + (busIndices[r] as number);
        buffer = resolved[slot];
        if (!buffer) {
          buffer = this.bufferOf(pair, busNames[busIndices[r] as number] ?? '');
          resolved[slot] = buffer;
        }
      } else {
        buffer = this.bufferOf(pair, stringAt(bus, r) ?? '');
      }
      const v = valueNulls && !value.getValid(r) ? NaN : (values[r] as number);
      const text = this.withText[pair] && label ? labelAt(r) : null;
      buffer.pushScaled(timeWords, r, scale, v, text);
    }
    if (this.undecided) this.decide();
  }

  /** The buffer of a pair's rows on one bus, made on first use. */
  private bufferOf(pair: number, busName: string): SampleBuffer {
    const perBus = this.buffers[pair] as Map<string, SampleBuffer>;
    let buffer = perBus.get(busName);
    if (!buffer) {
      buffer = new SampleBuffer();
      perBus.set(busName, buffer);
    }
    return buffer;
  }

  /**
   * Stops keeping the pairs that only candidates after one with values use. Confirmed candidates stay
   * confirmed (kept values are never dropped), so a pair, once dropped, is never needed again.
   */
  private decide(): void {
    const needed = new Uint8Array(this.keep.length);
    let open = false;
    for (const group of this.bySignal) {
      let confirmed = false;
      for (const candidate of group) {
        if (confirmed) break;
        for (const pair of candidate.pairs) needed[pair] = 1;
        confirmed = this.hasValues(candidate);
      }
      if (!confirmed) open = true;
    }
    for (let pair = 0; pair < needed.length; pair++) {
      if (this.keep[pair] === 0 || needed[pair] === 1) continue;
      this.keep[pair] = 0;
      for (const buffer of (this.buffers[pair] as Map<string, SampleBuffer>).values())
        this.counted[pair] = (this.counted[pair] as number) + buffer.countValues();
      this.buffers[pair] = new Map();
    }
    this.undecided = open;
  }

  /** Whether every signal of a candidate has a value on one bus (its own bus if it names one). */
  private hasValues(candidate: { source: CanSignalSource; pairs: number[] }): boolean {
    const [first, ...others] = candidate.pairs.map((pair) => this.buffers[pair] as Map<string, SampleBuffer>);
    for (const [bus, buffer] of first ?? []) {
      if (candidate.source.bus !== undefined && bus !== candidate.source.bus) continue;
      if (buffer.hasValue() && others.every((perBus) => perBus.get(bus)?.hasValue() ?? false)) return true;
    }
    return false;
  }

  /**
   * The names of a dictionary-coded bus column's rows by dictionary index, decoded once per dictionary;
   * undefined for a plain string column or one with nulls (read row by row then).
   */
  private busNames(data: Data): (string | null)[] | undefined {
    return data.nullCount > 0 ? undefined : this.dictionaryNames(data);
  }

  /** A dictionary-coded column's strings by dictionary index, decoded once per dictionary; else undefined. */
  private dictionaryNames(data: Data): (string | null)[] | undefined {
    const dictionary = data.dictionary;
    if (!dictionary || !(data.values instanceof Int32Array)) return undefined;
    let names = this.dictionaryStrings.get(dictionary);
    if (!names) {
      names = Array.from({ length: dictionary.length }, (_, i) => {
        const text: unknown = dictionary.get(i);
        return typeof text === 'string' ? text : null;
      });
      this.dictionaryStrings.set(dictionary, names);
    }
    return names;
  }

  /** Grows every buffer to `factor` times its samples (plus 5%): the expected total of the drive. */
  reserve(factor: number): void {
    for (const perBus of this.buffers)
      for (const buffer of perBus.values()) buffer.reserve(Math.ceil(buffer.length * factor * 1.05));
  }

  /** Values (not NaN) of a pair: counted, or in its buffers. */
  private valuesOf(pair: number): number {
    let n = this.counted[pair] as number;
    for (const buffer of (this.buffers[pair] as Map<string, SampleBuffer>).values())
      n += buffer.countValues();
    return n;
  }

  /** The samples of one source, converted, or undefined when the drive has none. */
  series(source: CanSignalSource, signal: CanonicalSignal): Found | undefined {
    const pairs = this.pairsOf(source);
    if (pairs.some((pair) => this.keep[pair] === 0)) {
      // Counted, not kept: present when each of its signals had values.
      const counts = pairs.map((pair) => this.valuesOf(pair));
      const samples = Math.min(...counts);
      return samples > 0 ? { source: describeSource(source), samples } : undefined;
    }
    const perSignal = pairs.map((pair) => this.buffers[pair] ?? new Map<string, SampleBuffer>());
    const first = perSignal[0];
    if (!first) return undefined;
    const bus = source.bus ?? busiest(first);
    if (bus === undefined) return undefined;
    const buffers = perSignal.map((perBus) => perBus.get(bus));
    if (buffers.some((b) => b === undefined || b.length === 0)) return undefined;
    const taken = (buffers as SampleBuffer[]).map((b) => b.take());
    const { t, v, text } =
      taken.length === 1 ? (taken[0] as (typeof taken)[number]) : combine(taken, source.combine ?? 'sum');
    return convert({ signal, source: describeSource(source) }, t, v, text, source);
  }
}

/** The key of the buffer with the most samples. */
function busiest(perBus: ReadonlyMap<string, SampleBuffer>): string | undefined {
  let best: string | undefined;
  let most = 0;
  for (const [bus, buffer] of perBus) {
    if (buffer.length > most) {
      most = buffer.length;
      best = bus;
    }
  }
  return best;
}

/**
 * Combines signals of one message sample by sample: samples with the same timestamp (the same frame) are
 * summed or averaged; a timestamp some signal lacks is dropped. Inputs are sorted by time first if needed.
 */
function combine(
  parts: { t: BigInt64Array; v: Float64Array; text: TextColumn | undefined }[],
  how: 'mean' | 'sum',
): { t: BigInt64Array; v: Float64Array; text: TextColumn | undefined } {
  const sorted = parts.map(sortedByTime);
  const base = sorted[0] as (typeof sorted)[number];
  const t = new BigInt64Array(base.t.length);
  const v = new Float64Array(base.t.length);
  const cursors = new Int32Array(sorted.length);
  let n = 0;
  for (let i = 0; i < base.t.length; i++) {
    const time = base.t[i] as bigint;
    let sum = base.v[i] as number;
    let all = true;
    for (let p = 1; p < sorted.length; p++) {
      const part = sorted[p] as (typeof sorted)[number];
      let c = cursors[p] as number;
      while (c < part.t.length && (part.t[c] as bigint) < time) c++;
      cursors[p] = c;
      if (c < part.t.length && part.t[c] === time) sum += part.v[c] as number;
      else all = false;
    }
    if (!all) continue;
    t[n] = time;
    v[n] = how === 'mean' ? sum / sorted.length : sum;
    n++;
  }
  return { t: t.slice(0, n), v: v.slice(0, n), text: undefined };
}

function sortedByTime(part: { t: BigInt64Array; v: Float64Array }): { t: BigInt64Array; v: Float64Array } {
  let sorted = true;
  for (let i = 1; i < part.t.length && sorted; i++)
    sorted = (part.t[i - 1] as bigint) <= (part.t[i] as bigint);
  if (sorted) return part;
  const order = Array.from({ length: part.t.length }, (_, i) => i);
  order.sort((a, b) => {
    const d = (part.t[a] as bigint) - (part.t[b] as bigint);
    return d < 0n ? -1 : d > 0n ? 1 : a - b;
  });
  return {
    t: BigInt64Array.from(order, (i) => part.t[i] as bigint),
    v: Float64Array.from(order, (i) => part.v[i] as number),
  };
}

/**
 * Applies a source's conversion: numbers `v * scale + offset`; for text signals the label (or the raw
 * value as text) through `values`. Returns undefined when no sample has a value.
 */
function convert(
  head: { signal: CanonicalSignal; source: string },
  t: BigInt64Array,
  v: Float64Array,
  text: TextColumn | undefined,
  source: { scale?: number; offset?: number; values?: Record<string, string> },
): Found | undefined {
  if (isTextSignal(head.signal)) {
    const coded = mapLabels(v, text, source.values ?? {});
    if (!coded) return undefined;
    return {
      source: head.source,
      series: { ...head, t, v: new Float64Array(t.length).fill(NaN), text: coded.column },
      samples: coded.samples,
    };
  }
  const scale = source.scale ?? 1;
  const offset = source.offset ?? 0;
  let samples = 0;
  if (scale === 1 && offset === 0) {
    for (let i = 0; i < v.length; i++) if (!Number.isNaN(v[i])) samples++;
  } else {
    for (let i = 0; i < v.length; i++) {
      const x = (v[i] as number) * scale + offset;
      v[i] = x;
      if (!Number.isNaN(x)) samples++;
    }
  }
  if (samples === 0) return undefined;
  return { source: head.source, series: { ...head, t, v }, samples };
}

/**
 * A text signal's samples as canonical labels: each sample's label (or its raw value as text) through
 * `values`, as codes. A gear or turn signal takes a few values over many samples: a label is mapped when
 * it changes, and no string is made per sample. Undefined when no sample has a label.
 */
function mapLabels(
  v: Float64Array,
  text: TextColumn | undefined,
  values: Record<string, string>,
): { column: TextColumn; samples: number } | undefined {
  const labels = new LabelCodes();
  const codes = new Int32Array(v.length);
  let samples = 0;
  let lastValue = NaN;
  let lastGiven = -2;
  let lastCode = -1;
  for (let i = 0; i < v.length; i++) {
    const value = v[i] as number;
    const given = text ? (text.codes[i] as number) : -1;
    if (!(value === lastValue || (value !== value && lastValue !== lastValue)) || given !== lastGiven) {
      const raw = Number.isNaN(value) ? null : String(value);
      const label = given >= 0 ? (text?.names[given] ?? null) : raw;
      const mapped =
        label === null ? null : (values[label] ?? (raw !== null ? values[raw] : undefined) ?? label);
      lastCode = mapped === null ? -1 : labels.code(mapped);
      lastValue = value;
      lastGiven = given;
    }
    codes[i] = lastCode;
    if (lastCode >= 0) samples++;
  }
  return samples === 0 ? undefined : { column: { codes, names: labels.names }, samples };
}

// ---------------------------------------------------------------------------------------------------------
// gps, imu, ego_motion

/** One `source` group of a motion table: times and the columns read. */
interface MotionGroup {
  t: BigInt64Array;
  columns: Map<string, Float64Array>;
}

async function readMotionTable(
  store: ObjectStore,
  table: 'gps' | 'imu' | 'ego_motion',
  driveId: string,
  sources: readonly TableColumnSource[],
): Promise<Map<string, MotionGroup>> {
  const needed = new Set<string>();
  let track = false;
  for (const source of sources) {
    if (source.column === 'speed_from_track' || source.column === 'course_from_track') {
      track = true;
      needed.add('lat');
      needed.add('lon');
    } else {
      needed.add(source.column);
    }
    if (source.minSpeed !== undefined) needed.add('speed');
  }
  const columns = [...needed];
  const grouped = table !== 'gps';
  const buffers: { t: SampleBuffer; columns: SampleBuffer[] }[] = [];
  const groupIndex = new Map<string, number>();
  const groupNames: string[] = [];
  const uri = store.uriOf(table);
  for await (const { rows } of readDriveTable(store, table, driveId, [
    't',
    ...(grouped ? ['source'] : []),
    ...columns,
  ])) {
    for (const batch of rows.batches) {
      const n = batch.numRows;
      const time = timesOf(columnOf(batch, 't', uri), uri);
      const timeWords = new Int32Array(time.values.buffer, time.values.byteOffset, n * 2);
      const scale = Number(time.scale);
      // Per row, its group's index (by source name), then each column as doubles: column by column,
      // not a closure per cell.
      const source = grouped ? chunkOf(batch, 'source') : undefined;
      const groupOf = new Int32Array(n);
      for (let r = 0; r < n; r++) {
        const name = source ? (stringAt(source, r) ?? '') : '';
        let g = groupIndex.get(name);
        if (g === undefined) {
          g = groupNames.length;
          groupIndex.set(name, g);
          groupNames.push(name);
          buffers.push({ t: new SampleBuffer(), columns: columns.map(() => new SampleBuffer()) });
        }
        groupOf[r] = g;
      }
      for (let r = 0; r < n; r++)
        (buffers[groupOf[r] as number] as (typeof buffers)[number]).t.pushScaled(timeWords, r, scale, 0);
      columns.forEach((name, c) => {
        const values = numbersOf(chunkOf(batch, name), n);
        for (let r = 0; r < n; r++) {
          const buffer = (buffers[groupOf[r] as number] as (typeof buffers)[number]).columns[
            c
          ] as SampleBuffer;
          buffer.pushScaled(timeWords, r, scale, values[r] as number);
        }
      });
    }
  }
  const groups = new Map<string, MotionGroup>();
  for (const [g, buffer] of buffers.entries()) {
    const name = groupNames[g] as string;
    const group: MotionGroup = { t: buffer.t.take().t, columns: new Map() };
    columns.forEach((column, c) => group.columns.set(column, (buffer.columns[c] as SampleBuffer).take().v));
    groups.set(name, group);
    if (track) {
      // Derived from pairs of fixes, so on their own (midpoint) times: a group of its own.
      const track = trackDerivatives(
        group.t,
        group.columns.get('lat') as Float64Array,
        group.columns.get('lon') as Float64Array,
      );
      groups.set(`${name}${TRACK}`, {
        t: track.t,
        columns: new Map([
          ['speed_from_track', track.speed],
          ['course_from_track', track.course],
        ]),
      });
    }
  }
  return groups;
}

/** Suffix of the group key of track-derived gps columns. */
const TRACK = '\u0000track';

/** A numeric column chunk (float, int, bool) as doubles, NaN for a null; all NaN for a missing column. */
function numbersOf(data: Data | undefined, rows: number): Float64Array {
  const out = new Float64Array(rows);
  if (!data) return out.fill(NaN);
  const values = data.values as ArrayLike<number | bigint>;
  if (DataType.isBool(data.type)) {
    const bits = values as Uint8Array;
    for (let r = 0; r < rows; r++)
      out[r] = ((bits[(r + data.offset) >> 3] as number) >> ((r + data.offset) & 7)) & 1;
  } else if (values instanceof BigInt64Array || values instanceof BigUint64Array) {
    for (let r = 0; r < rows; r++) out[r] = Number(values[r]);
  } else {
    for (let r = 0; r < rows; r++) out[r] = values[r] as number;
  }
  if (data.nullCount > 0) for (let r = 0; r < rows; r++) if (!data.getValid(r)) out[r] = NaN;
  return out;
}

function motionSeries(
  groups: ReadonlyMap<string, MotionGroup>,
  source: TableColumnSource,
  signal: CanonicalSignal,
): Found | undefined {
  const derived = source.column === 'speed_from_track' || source.column === 'course_from_track';
  let chosen: MotionGroup | undefined;
  let most = 0;
  for (const [name, group] of groups) {
    const isTrack = name.endsWith(TRACK);
    if (isTrack !== derived) continue;
    if (source.source !== undefined && name !== source.source) continue;
    const column = group.columns.get(source.column);
    if (!column) continue;
    let n = 0;
    for (let i = 0; i < column.length; i++) if (!Number.isNaN(column[i])) n++;
    if (n > most) {
      most = n;
      chosen = group;
    }
  }
  if (!chosen) return undefined;
  const v = (chosen.columns.get(source.column) as Float64Array).slice();
  if (source.minSpeed !== undefined) {
    const speed = chosen.columns.get('speed');
    if (speed) for (let i = 0; i < v.length; i++) if ((speed[i] as number) < source.minSpeed) v[i] = NaN;
  }
  return convert({ signal, source: describeSource(source) }, chosen.t, v, undefined, source);
}

// ---------------------------------------------------------------------------------------------------------
// topics_<name>

interface TopicColumns {
  t: BigInt64Array;
  numbers: Map<string, Float64Array>;
  texts: Map<string, TextColumn | undefined>;
}

async function readTopicColumns(
  store: ObjectStore,
  table: string,
  driveId: string,
  fields: readonly string[],
): Promise<TopicColumns> {
  const names = [...new Set(fields)];
  const time = new SampleBuffer();
  const numbers = names.map(() => new SampleBuffer());
  const uri = store.uriOf(table);
  for await (const { rows } of readDriveTable(store, table, driveId, ['t', ...names])) {
    for (const batch of rows.batches) {
      const n = batch.numRows;
      const t = timesOf(columnOf(batch, 't', uri), uri);
      const timeWords = new Int32Array(t.values.buffer, t.values.byteOffset, n * 2);
      const scale = Number(t.scale);
      for (let r = 0; r < n; r++) time.pushScaled(timeWords, r, scale, 0);
      names.forEach((name, c) => {
        const chunk = chunkOf(batch, name);
        const buffer = numbers[c] as SampleBuffer;
        if (chunk && (chunk.dictionary !== undefined || DataType.isUtf8(chunk.type))) {
          for (let r = 0; r < n; r++) buffer.pushScaled(timeWords, r, scale, NaN, stringAt(chunk, r));
        } else {
          const values = numbersOf(chunk, n);
          for (let r = 0; r < n; r++) buffer.pushScaled(timeWords, r, scale, values[r] as number, null);
        }
      });
    }
  }
  const out: TopicColumns = { t: time.take().t, numbers: new Map(), texts: new Map() };
  names.forEach((name, c) => {
    const taken = (numbers[c] as SampleBuffer).take();
    out.numbers.set(name, taken.v);
    out.texts.set(name, taken.text);
  });
  return out;
}

function topicSeries(
  columns: TopicColumns,
  source: TopicFieldSource,
  signal: CanonicalSignal,
): Found | undefined {
  const v = columns.numbers.get(source.field);
  if (!v || columns.t.length === 0) return undefined;
  return convert(
    { signal, source: describeSource(source) },
    columns.t,
    v.slice(),
    columns.texts.get(source.field),
    source,
  );
}
