/**
 * adlake's own Parquet encoder for flat parts (`columnsPart.ts`): column buffers straight to a Parquet
 * file, without Arrow IPC, WebAssembly tables or a database in between.
 *
 * The ingest tables are flat: names as dictionary indices the decoder already assigned, timestamps,
 * numbers, flags and payloads. Encoding them is mostly copying bytes and bit-packing indices; the one
 * expensive step is zstd, which runs in WebAssembly (`zstdCompressor.ts`). Measured against parquet-wasm
 * and DuckDB in bench/README.md (session 5).
 *
 * What is written (Parquet `format/README.md`, `Encodings.md`, `LogicalTypes.md`):
 * - one row group per `rowGroupRows` rows; data pages v1 of up to 256 Ki rows (or ~8 MiB of byte
 *   arrays), each compressed on its own (large pages let zstd find repetition across the chunk);
 * - dictionary string columns: the dictionary page holds the writer's dictionary as it is (members
 *   unused in a row group included), data pages RLE_DICTIONARY;
 * - fixed-width columns: the plan's DELTA_BINARY_PACKED / BYTE_STREAM_SPLIT / PLAIN, otherwise a
 *   dictionary of the chunk's values, PLAIN once it would pass 1 MiB;
 * - booleans and byte arrays PLAIN;
 * - REQUIRED or OPTIONAL as the Arrow field is nullable; min/max (PLAIN-encoded, NaN ignored) and null
 *   count per column chunk with the type-defined column order; no page index;
 * - the Arrow schema under `ARROW:schema`, so Arrow readers get dictionary columns and field metadata.
 */
import { VERSION } from '../cli/version.js';
import { InternalError } from '../core/errors.js';
import { int64MinMaxAt } from '../core/int64.js';
import { ByteBuilder } from './byteBuilder.js';
import type { ColumnView } from './columnBuffer.js';
import type { ColumnPlan, ColumnsPart, PhysicalType } from './columnsPart.js';
import {
  bitWidth,
  countOnes,
  MAX_DELTA_RANGE,
  writeByteStreamSplit,
  writeDeltaBinaryPacked,
  writeHybrid,
  writePlainBooleans,
  writeRle,
} from './parquetEncodings.js';
import { CompactWriter } from './thriftCompact.js';
import { WordDictionary } from './wordDictionary.js';
import type { ZstdCompressor } from './zstdCompressor.js';

const MAGIC = new TextEncoder().encode('PAR1');
const PAGE_ROWS = 262_144;
const PAGE_BYTES = 8 << 20;
/** Dictionary pages up to this size, as arrow-rs's default `dictionary_page_size_limit`. */
const DICTIONARY_BYTES = 1 << 20;
/**
 * `<application> version <version>`: the form parquet-mr parses; a `created_by` it cannot parse makes it
 * ignore BYTE_ARRAY statistics (PARQUET-251).
 */
const CREATED_BY = `adlake version ${VERSION}`;

/** parquet.thrift enums. */
const TYPE: Record<PhysicalType, number> = { BOOLEAN: 0, INT32: 1, INT64: 2, DOUBLE: 5, BYTE_ARRAY: 6 };
const ENCODING = { plain: 0, rle: 3, delta_binary_packed: 5, rle_dictionary: 8, byte_stream_split: 9 };
const CODEC = { none: 0, zstd: 6 };
const PAGE = { data: 0, dictionary: 2 };
const REPETITION = { required: 0, optional: 1, repeated: 2 };
const CONVERTED = { utf8: 0, list: 3, timestamp_micros: 10, int_8: 15, int_16: 16 };

/** One column chunk as the footer describes it. */
interface ChunkMeta {
  plan: ColumnPlan;
  encodings: number[];
  values: number;
  offset: number;
  dictionaryOffset: number | undefined;
  dataOffset: number;
  compressed: number;
  uncompressed: number;
  nulls: number;
  min: Uint8Array | undefined;
  max: Uint8Array | undefined;
}

/** A column chunk's non-null values, gathered when the chunk has nulls (views otherwise). */
type Values =
  | { kind: 'int32'; values: Int32Array }
  | { kind: 'int64'; values: BigInt64Array }
  | { kind: 'double'; values: Float64Array }
  | { kind: 'bool'; values: Uint8Array }
  | { kind: 'index'; values: Int32Array; strings: readonly string[] }
  | { kind: 'bytes'; offsets: Int32Array; data: Uint8Array; valid: Uint8Array | undefined; from: number };

/**
 * Encodes parts into Parquet files. Keeps its scratch buffers between parts: use one per thread.
 */
export class ColumnsParquetEncoder {
  private readonly file = new ByteBuilder(1 << 20);
  private readonly page = new ByteBuilder(1 << 20);
  private readonly header = new ByteBuilder(256);
  private readonly dictionary = new WordDictionary();
  private scratch = new Float64Array(0);
  private readonly gathered = new GatherScratch();
  /** The zstd level of the part being encoded. */
  private level: number | undefined;

  constructor(private readonly zstd: ZstdCompressor | undefined) {}

  /** The part as one Parquet file (bytes of its own). */
  encode(part: ColumnsPart): Uint8Array {
    if (part.codec === 'zstd' && !this.zstd) throw new InternalError('zstd parts need a ZstdCompressor');
    if (!Number.isInteger(part.rowGroupRows) || part.rowGroupRows < 1) {
      throw new InternalError(`the row group size must be a positive integer, got ${part.rowGroupRows}`);
    }
    this.level = part.zstdLevel;
    const file = this.file;
    file.reset();
    // Room for the part uncompressed up front: growing by doublings copied the file so far each time
    // (the memory past what is written is never touched).
    file.reserve(rawBytes(part));
    file.append(MAGIC);
    const groups: { rows: number; offset: number; chunks: ChunkMeta[] }[] = [];
    // An empty part still gets one (empty) row group, so every column has a chunk.
    const groupCount = Math.max(1, Math.ceil(part.rows / part.rowGroupRows));
    for (let g = 0; g < groupCount; g++) {
      const start = g * part.rowGroupRows;
      const rows = Math.min(part.rowGroupRows, part.rows - start);
      const offset = file.length;
      const chunks = part.columns.map((plan, i) => {
        const view = part.views[i] as ColumnView;
        return view.kind === 'list'
          ? this.listChunk(plan, view, start, rows, part.codec)
          : this.chunk(plan, view, start, rows, part.codec);
      });
      groups.push({ rows, offset, chunks });
    }
    const footerAt = file.length;
    writeFooter(new CompactWriter(file), part, groups);
    file.int32(file.length - footerAt);
    file.append(MAGIC);
    return file.view().slice();
  }

  /** Writes one column chunk (rows `[start, start + rows)`) and describes it. */
  private chunk(
    plan: ColumnPlan,
    view: ColumnView,
    start: number,
    rows: number,
    codec: ColumnsPart['codec'],
  ): ChunkMeta {
    const valid = view.valid?.subarray(start, start + rows);
    const nulls = valid ? rows - countOnes(valid, 0, rows) : 0;
    if (nulls > 0 && !plan.optional) {
      throw new InternalError(`column ${plan.name} is not nullable but has ${nulls} nulls`);
    }
    const levels = plan.optional && nulls > 0 ? valid : undefined;
    const values = gather(view, start, rows, levels, nulls, this.gathered);
    const meta: ChunkMeta = {
      plan,
      encodings: [],
      values: rows,
      offset: this.file.length,
      dictionaryOffset: undefined,
      dataOffset: 0,
      compressed: 0,
      uncompressed: 0,
      nulls,
      min: undefined,
      max: undefined,
    };
    // Delta-encoded integers are converted to numbers first; their bounds come with them.
    const delta = plan.encoding === 'delta_binary_packed' ? this.deltaNumbers(values) : undefined;
    if (plan.statistics) [meta.min, meta.max] = delta ? delta.bounds : minMax(values);
    const encodings = new Set<number>();
    if (plan.optional) encodings.add(ENCODING.rle);

    // The value encoder of this chunk: writes non-null values [from, to) (rows [fromRow, toRow)) into
    // the page sink.
    let writeValues: (from: number, to: number, fromRow: number, toRow: number) => void;
    let encoding: number;
    const dictionary =
      plan.encoding === 'dictionary' || values.kind === 'index' ? this.dictionaryOf(values) : undefined;
    if (dictionary) {
      meta.dictionaryOffset = this.file.length;
      this.page.reset();
      dictionary.writePage(this.page);
      this.writePage(meta, codec, PAGE.dictionary, dictionary.entries, ENCODING.plain);
      encodings.add(ENCODING.plain);
      encoding = ENCODING.rle_dictionary;
      const width = Math.max(1, bitWidth(Math.max(0, dictionary.entries - 1)));
      if (width > 24)
        throw new InternalError(`column ${plan.name}: ${dictionary.entries} dictionary entries`);
      const indices = dictionary.indices;
      writeValues = (from, to) => {
        this.page.byte(width);
        writeHybrid(this.page, indices, from, to, width);
      };
    } else if (delta) {
      encoding = ENCODING.delta_binary_packed;
      const all = delta.numbers;
      writeValues = (from, to) => writeDeltaBinaryPacked(this.page, all.subarray(from, to), to - from);
    } else if (plan.encoding === 'byte_stream_split' && values.kind === 'double') {
      encoding = ENCODING.byte_stream_split;
      writeValues = (from, to) =>
        writeByteStreamSplit(this.page, bytesOf(values.values.subarray(from, to)), to - from, 8);
    } else {
      encoding = ENCODING.plain;
      writeValues = (from, to, fromRow, toRow) => writePlain(this.page, values, from, to, fromRow, toRow);
    }
    encodings.add(encoding);
    meta.encodings = [...encodings].sort((a, b) => a - b);

    meta.dataOffset = this.file.length;
    let value = 0;
    for (const [from, to] of pageRanges(values, rows)) {
      const page = this.page;
      page.reset();
      let count = to - from;
      if (plan.optional) {
        // Definition levels with their 4-byte length (data page v1); 1 = a value, 0 = null.
        const lengthAt = page.length;
        page.int32(0);
        if (levels) {
          writeHybrid(page, levels, from, to, 1);
          count = countOnes(levels, from, to);
        } else {
          writeRle(page, 1, to - from, 1);
        }
        const length = page.length - lengthAt - 4;
        page.bytes.set(
          [length & 0xff, (length >>> 8) & 0xff, (length >>> 16) & 0xff, length >>> 24],
          lengthAt,
        );
      }
      // Even with no value (a page of nulls): readers expect the dictionary bit width or the delta header.
      writeValues(value, value + count, from, to);
      value += count;
      this.writePage(meta, codec, PAGE.data, to - from, encoding);
    }
    return meta;
  }

  /** The chunk's dictionary: the view's strings, or the distinct fixed-width values if few enough. */
  private dictionaryOf(values: Values): ChunkDictionary | undefined {
    if (values.kind === 'index') {
      if (values.strings.length === 0) return undefined;
      return stringDictionary(values.values, values.strings);
    }
    if (values.kind !== 'int32' && values.kind !== 'int64' && values.kind !== 'double') return undefined;
    const size = values.kind === 'int32' ? 4 : 8;
    const array = values.values;
    const words = new Int32Array(array.buffer, array.byteOffset, (array.length * size) / 4);
    const built = this.dictionary.build(words, size === 4 ? 1 : 2, array.length, DICTIONARY_BYTES / size);
    if (!built || built.entries === 0) return undefined;
    const bytes = new Uint8Array(array.buffer, array.byteOffset, array.length * size);
    return {
      entries: built.entries,
      indices: built.indices,
      writePage: (sink) => {
        sink.reserve(built.entries * size);
        for (let e = 0; e < built.entries; e++) {
          const at = (built.first[e] as number) * size;
          sink.bytes.set(bytes.subarray(at, at + size), sink.length);
          sink.length += size;
        }
      },
    };
  }

  /**
   * Integer values as numbers for delta encoding (int64 through their 32-bit halves), or undefined when
   * their range is `MAX_DELTA_RANGE` or more (or int64 values pass 2^53): those are written PLAIN.
   */
  private deltaNumbers(
    values: Values,
  ): { numbers: Float64Array; bounds: [Uint8Array | undefined, Uint8Array | undefined] } | undefined {
    if (values.kind !== 'int32' && values.kind !== 'int64') return undefined;
    const count = values.values.length;
    if (this.scratch.length < count) this.scratch = new Float64Array(Math.max(count, PAGE_ROWS));
    const out = this.scratch;
    let min = Infinity;
    let max = -Infinity;
    if (values.kind === 'int32') {
      const array = values.values;
      for (let i = 0; i < count; i++) {
        const v = array[i] as number;
        out[i] = v;
        if (v < min) min = v;
        if (v > max) max = v;
      }
    } else {
      const array = values.values;
      const words = new Int32Array(array.buffer, array.byteOffset, count * 2);
      for (let i = 0; i < count; i++) {
        const hi = words[2 * i + 1] as number;
        // Beyond 2^53 the halves do not make an exact number.
        if (hi >= 0x20_0000 || hi < -0x20_0000) return undefined;
        const v = hi * 0x1_0000_0000 + ((words[2 * i] as number) >>> 0);
        out[i] = v;
        if (v < min) min = v;
        if (v > max) max = v;
      }
    }
    if (count > 0 && max - min >= MAX_DELTA_RANGE) return undefined;
    const bound = (v: number): Uint8Array =>
      bytesOf(values.kind === 'int32' ? Int32Array.of(v) : BigInt64Array.of(BigInt(v)));
    return {
      numbers: out.subarray(0, count),
      bounds: count === 0 ? [undefined, undefined] : [bound(min), bound(max)],
    };
  }

  /** Compresses the page sink's bytes and appends header and page to the file. */
  /**
   * One chunk of a list-of-strings column (rows `[start, start + rows)`) as one data page: repetition
   * levels (0 starts a row, 1 continues its list), definition levels (an element, an empty list, or, in a
   * nullable column, a null list), then the elements PLAIN. The chunk's value count is its level count.
   */
  private listChunk(
    plan: ColumnPlan,
    view: Extract<ColumnView, { kind: 'list' }>,
    start: number,
    rows: number,
    codec: ColumnsPart['codec'],
  ): ChunkMeta {
    const { offsets, itemOffsets, items, valid } = view;
    const maxDefinition = plan.optional ? 2 : 1;
    let entries = 0;
    for (let r = start; r < start + rows; r++)
      entries += valid?.[r] === 0 ? 1 : Math.max(1, (offsets[r + 1] as number) - (offsets[r] as number));
    const repetition = new Uint8Array(entries);
    const definition = new Uint8Array(entries);
    let at = 0;
    let nulls = 0;
    for (let r = start; r < start + rows; r++) {
      const length = (offsets[r + 1] as number) - (offsets[r] as number);
      if (valid?.[r] === 0 || length === 0) {
        // A null list (0) or an empty one (one below an element).
        definition[at++] = valid?.[r] === 0 ? 0 : maxDefinition - 1;
        nulls++;
        continue;
      }
      for (let k = 0; k < length; k++) {
        repetition[at] = k === 0 ? 0 : 1;
        definition[at++] = maxDefinition;
      }
    }
    const meta: ChunkMeta = {
      plan,
      encodings: [ENCODING.plain, ENCODING.rle].sort((a, b) => a - b),
      values: entries,
      offset: this.file.length,
      dictionaryOffset: undefined,
      dataOffset: this.file.length,
      compressed: 0,
      uncompressed: 0,
      nulls,
      min: undefined,
      max: undefined,
    };
    const page = this.page;
    page.reset();
    for (const [levels, width] of [
      [repetition, 1],
      [definition, bitWidth(maxDefinition)],
    ] as const) {
      // Each level run with its 4-byte length (data page v1).
      const lengthAt = page.length;
      page.int32(0);
      writeHybrid(page, levels, 0, entries, width);
      const length = page.length - lengthAt - 4;
      page.bytes.set([length & 0xff, (length >>> 8) & 0xff, (length >>> 16) & 0xff, length >>> 24], lengthAt);
    }
    const first = offsets[start] as number;
    const last = offsets[start + rows] as number;
    for (let k = first; k < last; k++) {
      const from = itemOffsets[k] as number;
      const to = itemOffsets[k + 1] as number;
      page.int32(to - from);
      page.append(items.subarray(from, to));
    }
    this.writePage(meta, codec, PAGE.data, entries, ENCODING.plain);
    return meta;
  }

  private writePage(
    meta: ChunkMeta,
    codec: ColumnsPart['codec'],
    type: number,
    values: number,
    encoding: number,
  ): void {
    const raw = this.page.view();
    const body = codec === 'zstd' ? (this.zstd as ZstdCompressor).compress(raw, this.level) : raw;
    const header = this.header;
    header.reset();
    const w = new CompactWriter(header);
    w.i32(1, type);
    w.i32(2, raw.length);
    w.i32(3, body.length);
    if (type === PAGE.data) {
      w.struct(5);
      w.i32(1, values);
      w.i32(2, encoding);
      w.i32(3, ENCODING.rle);
      w.i32(4, ENCODING.rle);
      w.end();
    } else {
      w.struct(7);
      w.i32(1, values);
      w.i32(2, encoding);
      w.end();
    }
    w.end();
    this.file.append(header.view());
    this.file.append(body);
    meta.compressed += header.length + body.length;
    meta.uncompressed += header.length + raw.length;
  }
}

interface ChunkDictionary {
  entries: number;
  indices: Int32Array;
  writePage(sink: ByteBuilder): void;
}

const utf8 = new TextEncoder();

function stringDictionary(indices: Int32Array, strings: readonly string[]): ChunkDictionary {
  return {
    entries: strings.length,
    indices,
    writePage: (sink) => {
      for (const text of strings) {
        const bytes = utf8.encode(text);
        sink.int32(bytes.length);
        sink.append(bytes);
      }
    },
  };
}

/**
 * One buffer for the gathered non-null values of a chunk (one chunk's at a time), grown and reused: a
 * `timeseries` part has some thirty nullable columns, and a new array per column was fresh memory.
 */
class GatherScratch {
  private buffer = new ArrayBuffer(0);

  floats(n: number): Float64Array {
    return new Float64Array(this.room(n * 8), 0, n);
  }

  words(n: number): Int32Array {
    return new Int32Array(this.room(n * 4), 0, n);
  }

  bytes(n: number): Uint8Array {
    return new Uint8Array(this.room(n), 0, n);
  }

  private room(bytes: number): ArrayBuffer {
    if (this.buffer.byteLength < bytes)
      this.buffer = new ArrayBuffer(Math.max(bytes, this.buffer.byteLength * 2));
    return this.buffer;
  }
}

/**
 * The non-null values of rows `[start, start + rows)`: views of the column when there are no nulls, else
 * gathered into `scratch` (valid until the next chunk).
 */
function gather(
  view: ColumnView,
  start: number,
  rows: number,
  levels: Uint8Array | undefined,
  nulls: number,
  scratch: GatherScratch,
): Values {
  const end = start + rows;
  const count = rows - nulls;
  switch (view.kind) {
    case 'fixed': {
      const values = view.values;
      if (values instanceof BigInt64Array) {
        if (!levels) return { kind: 'int64', values: values.subarray(start, end) };
        // Through the 32-bit halves: no bigint per value.
        const words = new Int32Array(values.buffer, values.byteOffset, values.length * 2);
        const out = gatherPairs(words, start, rows, levels, scratch.words(count * 2));
        return { kind: 'int64', values: new BigInt64Array(out.buffer, 0, count) };
      }
      if (values instanceof Float64Array) {
        if (!levels) return { kind: 'double', values: values.subarray(start, end) };
        return { kind: 'double', values: gatherFloats(values, start, levels, scratch.floats(count)) };
      }
      if (values instanceof Int32Array && !levels)
        return { kind: 'int32', values: values.subarray(start, end) };
      // int8 and int16 are INT32 in Parquet: widened here.
      return { kind: 'int32', values: gatherInts(values, start, rows, levels, scratch.words(count)) };
    }
    case 'bool': {
      if (!levels) return { kind: 'bool', values: view.bytes.subarray(start, end) };
      return { kind: 'bool', values: gatherBytes(view.bytes, start, levels, scratch.bytes(count)) };
    }
    case 'dictionary': {
      if (!levels) return { kind: 'index', values: view.indices.subarray(start, end), strings: view.strings };
      const out = gatherInts(view.indices, start, rows, levels, scratch.words(count));
      return { kind: 'index', values: out, strings: view.strings };
    }
    case 'bytes':
      return { kind: 'bytes', offsets: view.offsets, data: view.data, valid: levels, from: start };
    case 'list':
      throw new InternalError('list columns are written by listChunk');
    case 'values':
      throw new InternalError('nested columns do not reach the columns encoder');
  }
}

// The gathering loops, one per array type and each a function of its own (also `minMax`'s): a loop
// compiled while it runs (on-stack replacement) otherwise ran on into the next case without type feedback
// and was deoptimised, column after column.

/** The int64s (as word pairs) of the rows whose level is 1, into `out`. */
function gatherPairs(
  words: Int32Array,
  start: number,
  rows: number,
  levels: Uint8Array,
  out: Int32Array,
): Int32Array {
  for (let i = 0, at = 0; i < rows; i++) {
    if (levels[i] === 0) continue;
    out[at++] = words[2 * (start + i)] as number;
    out[at++] = words[2 * (start + i) + 1] as number;
  }
  return out;
}

/** The doubles of the rows whose level is 1, into `out` (as many as it holds). */
function gatherFloats(
  values: Float64Array,
  start: number,
  levels: Uint8Array,
  out: Float64Array,
): Float64Array {
  for (let i = 0, at = 0; at < out.length; i++) if (levels[i] !== 0) out[at++] = values[start + i] as number;
  return out;
}

/** The integers of the rows whose level is 1 (every row without levels), into `out`. */
function gatherInts(
  values: Int8Array | Int16Array | Int32Array,
  start: number,
  rows: number,
  levels: Uint8Array | undefined,
  out: Int32Array,
): Int32Array {
  for (let i = 0, at = 0; i < rows && at < out.length; i++)
    if (!levels || levels[i] !== 0) out[at++] = values[start + i] as number;
  return out;
}

/** The bytes of the rows whose level is 1, into `out` (as many as it holds). */
function gatherBytes(bytes: Uint8Array, start: number, levels: Uint8Array, out: Uint8Array): Uint8Array {
  for (let i = 0, at = 0; at < out.length; i++) if (levels[i] !== 0) out[at++] = bytes[start + i] as number;
  return out;
}

/** Page boundaries in rows of the chunk: 256 Ki rows, or fewer when byte arrays pass ~8 MiB. */
function pageRanges(values: Values, rows: number): [number, number][] {
  // An empty chunk still gets one (empty) page.
  if (rows === 0) return [[0, 0]];
  const ranges: [number, number][] = [];
  if (values.kind !== 'bytes') {
    for (let from = 0; from < rows; from += PAGE_ROWS) ranges.push([from, Math.min(rows, from + PAGE_ROWS)]);
    return ranges;
  }
  const { offsets, from: start } = values;
  for (let from = 0; from < rows;) {
    const base = offsets[start + from] as number;
    // At least one value per page, however long.
    let to = from + 1;
    while (to < rows && to - from < PAGE_ROWS && (offsets[start + to] as number) - base < PAGE_BYTES) to++;
    ranges.push([from, to]);
    from = to;
  }
  return ranges;
}

/** PLAIN values `[from, to)` of the non-null values, which are rows `[fromRow, toRow)` of the chunk. */
function writePlain(
  sink: ByteBuilder,
  values: Values,
  from: number,
  to: number,
  fromRow: number,
  toRow: number,
): void {
  switch (values.kind) {
    case 'int32':
    case 'int64':
    case 'double':
    case 'index':
      // Little-endian host: PLAIN is the array's own bytes.
      sink.append(bytesOf(values.values.subarray(from, to)));
      return;
    case 'bool':
      writePlainBooleans(sink, values.values.subarray(from, to), to - from);
      return;
    case 'bytes': {
      const { offsets, data, valid, from: start } = values;
      const a0 = offsets[start + fromRow] as number;
      sink.reserve(4 * (toRow - fromRow) + (offsets[start + toRow] as number) - a0);
      const out = sink.bytes;
      let at = sink.length;
      for (let r = fromRow; r < toRow; r++) {
        if (valid && valid[r] === 0) continue;
        const a = offsets[start + r] as number;
        const b = offsets[start + r + 1] as number;
        const length = b - a;
        out[at] = length & 0xff;
        out[at + 1] = (length >>> 8) & 0xff;
        out[at + 2] = (length >>> 16) & 0xff;
        out[at + 3] = length >>> 24;
        at += 4;
        // Payloads are short (CAN: at most 64 bytes): a loop beats a subarray object per value.
        if (length <= 64) for (let k = a; k < b; k++) out[at++] = data[k] as number;
        else {
          out.set(data.subarray(a, b), at);
          at += length;
        }
      }
      sink.length = at;
      return;
    }
  }
}

/** The part's values as the views hold them, bytes: what its file takes uncompressed, about. */
function rawBytes(part: ColumnsPart): number {
  let bytes = 4096;
  for (const view of part.views) {
    switch (view.kind) {
      case 'fixed':
        bytes += view.values.byteLength;
        break;
      case 'bool':
        bytes += view.bytes.byteLength;
        break;
      case 'dictionary':
        bytes += view.indices.byteLength;
        break;
      case 'bytes':
        bytes += view.data.byteLength + view.offsets.byteLength;
        break;
      case 'list':
        bytes += view.items.byteLength + view.itemOffsets.byteLength + 2 * view.offsets.byteLength;
        break;
      case 'values':
        break;
    }
  }
  return bytes;
}

function bytesOf(array: ArrayBufferView): Uint8Array {
  return new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
}

/** Min and max of the non-null values, PLAIN-encoded (byte arrays without their length). */
function minMax(values: Values): [Uint8Array | undefined, Uint8Array | undefined] {
  switch (values.kind) {
    case 'int32': {
      const a = values.values;
      if (a.length === 0) return [undefined, undefined];
      return [bytesOf(Int32Array.of(int32Min(a))), bytesOf(Int32Array.of(int32Max(a)))];
    }
    case 'int64': {
      const a = values.values;
      if (a.length === 0) return [undefined, undefined];
      const [minAt, maxAt] = int64MinMaxAt(a);
      return [bytesOf(a.slice(minAt, minAt + 1)), bytesOf(a.slice(maxAt, maxAt + 1))];
    }
    case 'double': {
      const bounds = doubleBounds(values.values);
      if (!bounds) return [undefined, undefined];
      return [bytesOf(Float64Array.of(bounds[0])), bytesOf(Float64Array.of(bounds[1]))];
    }
    case 'bool': {
      const a = values.values;
      if (a.length === 0) return [undefined, undefined];
      return [Uint8Array.of(allOnes(a)), Uint8Array.of(anyOne(a))];
    }
    case 'index': {
      const { values: indices, strings } = values;
      if (indices.length === 0 || strings.length === 0) return [undefined, undefined];
      const used = markUsed(indices, new Uint8Array(strings.length));
      let min: Uint8Array | undefined;
      let max: Uint8Array | undefined;
      for (let s = 0; s < strings.length; s++) {
        if (used[s] === 0) continue;
        const bytes = utf8.encode(strings[s]);
        if (!min || Buffer.compare(bytes, min) < 0) min = bytes;
        if (!max || Buffer.compare(bytes, max) > 0) max = bytes;
      }
      return [min, max];
    }
    case 'bytes': {
      const minAt = bytesBoundAt(values, -1);
      if (minAt < 0) return [undefined, undefined];
      const maxAt = bytesBoundAt(values, 1);
      const { offsets, data } = values;
      const slice = (row: number) => data.slice(offsets[row], offsets[row + 1]);
      return [slice(minAt), slice(maxAt)];
    }
  }
}

function int32Min(a: Int32Array): number {
  let min = a[0] as number;
  for (let i = 1; i < a.length; i++) if ((a[i] as number) < min) min = a[i] as number;
  return min;
}

function int32Max(a: Int32Array): number {
  let max = a[0] as number;
  for (let i = 1; i < a.length; i++) if ((a[i] as number) > max) max = a[i] as number;
  return max;
}

/** 1 when every flag is 1. */
function allOnes(a: Uint8Array): number {
  let all = 1;
  for (let i = 0; i < a.length; i++) all &= a[i] as number;
  return all;
}

/** 1 when some flag is 1. */
function anyOne(a: Uint8Array): number {
  let any = 0;
  for (let i = 0; i < a.length; i++) any |= a[i] as number;
  return any;
}

/** Sets `used[i]` to 1 for every index in `indices`. */
function markUsed(indices: Int32Array, used: Uint8Array): Uint8Array {
  for (let i = 0; i < indices.length; i++) used[indices[i] as number] = 1;
  return used;
}

/** The row of the smallest (`sign` -1) or largest (1) valid byte-array value, or -1 when none is valid. */
function bytesBoundAt(values: Extract<Values, { kind: 'bytes' }>, sign: number): number {
  const { offsets, data, valid, from } = values;
  let at = -1;
  const rows = valid ? valid.length : offsets.length - 1 - from;
  for (let r = 0; r < rows; r++) {
    if (valid && valid[r] === 0) continue;
    const row = from + r;
    if (at < 0 || compareValues(offsets, data, row, at) * sign > 0) at = row;
  }
  return at;
}

/**
 * Min and max of doubles as Parquet statistics take them: NaN ignored (undefined when every value is
 * NaN), a zero minimum as -0 and a zero maximum as +0 so that either zero is inside the bounds.
 */
export function doubleBounds(a: Float64Array): [number, number] | undefined {
  let min = Infinity;
  let max = -Infinity;
  // A NaN compares false both ways, so it never becomes a bound.
  for (let i = 0; i < a.length; i++) {
    const v = a[i] as number;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  // Still crossed: every value was NaN (or there was none).
  if (min > max) return undefined;
  return [min === 0 ? -0 : min, max === 0 ? 0 : max];
}

/** Unsigned byte-wise comparison of two byte-array values (Parquet's order for BYTE_ARRAY). */
function compareValues(offsets: Int32Array, data: Uint8Array, a: number, b: number): number {
  let i = offsets[a] as number;
  const aEnd = offsets[a + 1] as number;
  let j = offsets[b] as number;
  const bEnd = offsets[b + 1] as number;
  for (; i < aEnd && j < bEnd; i++, j++) {
    const d = (data[i] as number) - (data[j] as number);
    if (d !== 0) return d;
  }
  return aEnd - i - (bEnd - j);
}

/** FileMetaData (parquet.thrift): schema, row groups, `ARROW:schema`, type-defined column orders. */
function writeFooter(
  w: CompactWriter,
  part: ColumnsPart,
  groups: { rows: number; offset: number; chunks: ChunkMeta[] }[],
): void {
  w.i32(1, 2);
  const lists = part.columns.filter((column) => column.list).length;
  w.structList(2, part.columns.length + 1 + 2 * lists);
  w.element();
  w.string(4, 'schema');
  w.i32(5, part.columns.length);
  w.end();
  for (const column of part.columns) {
    if (column.list) {
      // <optional|required> group <name> (LIST) { repeated group list { required binary element; } }
      w.element();
      w.i32(3, column.optional ? REPETITION.optional : REPETITION.required);
      w.string(4, column.name);
      w.i32(5, 1);
      w.i32(6, CONVERTED.list);
      w.struct(10);
      w.struct(3);
      w.end();
      w.end();
      w.end();
      w.element();
      w.i32(3, REPETITION.repeated);
      w.string(4, 'list');
      w.i32(5, 1);
      w.end();
    }
    w.element();
    w.i32(1, TYPE[column.physical]);
    w.i32(3, column.list ? REPETITION.required : column.optional ? REPETITION.optional : REPETITION.required);
    w.string(4, column.list ? 'element' : column.name);
    const logical = column.logical;
    if (logical?.kind === 'string') {
      w.i32(6, CONVERTED.utf8);
      w.struct(10);
      w.struct(1);
      w.end();
      w.end();
    } else if (logical?.kind === 'timestamp') {
      if (logical.utc) w.i32(6, CONVERTED.timestamp_micros);
      w.struct(10);
      w.struct(8);
      w.bool(1, logical.utc);
      w.struct(2);
      w.struct(2);
      w.end();
      w.end();
      w.end();
      w.end();
    } else if (logical?.kind === 'int') {
      w.i32(6, logical.bits === 8 ? CONVERTED.int_8 : CONVERTED.int_16);
      w.struct(10);
      w.struct(10);
      w.i8(1, logical.bits);
      w.bool(2, true);
      w.end();
      w.end();
    }
    w.end();
  }
  w.i64(3, part.rows);
  w.structList(4, groups.length);
  groups.forEach((group, ordinal) => {
    w.element();
    w.structList(1, group.chunks.length);
    let uncompressed = 0;
    let compressed = 0;
    for (const chunk of group.chunks) {
      uncompressed += chunk.uncompressed;
      compressed += chunk.compressed;
      w.element();
      w.i64(2, chunk.offset);
      w.struct(3);
      w.i32(1, TYPE[chunk.plan.physical]);
      w.i32List(2, chunk.encodings);
      w.stringList(3, chunk.plan.list ? [chunk.plan.name, 'list', 'element'] : [chunk.plan.name]);
      w.i32(4, CODEC[part.codec]);
      w.i64(5, chunk.values);
      w.i64(6, chunk.uncompressed);
      w.i64(7, chunk.compressed);
      w.i64(9, chunk.dataOffset);
      if (chunk.dictionaryOffset !== undefined) w.i64(11, chunk.dictionaryOffset);
      if (chunk.plan.statistics) {
        w.struct(12);
        w.i64(3, chunk.nulls);
        if (chunk.max) w.binary(5, chunk.max);
        if (chunk.min) w.binary(6, chunk.min);
        w.end();
      }
      w.end();
      w.end();
    }
    w.i64(2, uncompressed);
    w.i64(3, group.rows);
    w.i64(5, group.offset);
    w.i64(6, compressed);
    w.i16(7, ordinal);
    w.end();
  });
  w.structList(5, 1);
  w.element();
  w.string(1, 'ARROW:schema');
  w.string(2, part.arrowSchema);
  w.end();
  w.string(6, CREATED_BY);
  w.structList(7, part.columns.length);
  for (let i = 0; i < part.columns.length; i++) {
    w.element();
    w.struct(1);
    w.end();
    w.end();
  }
  w.end();
}
