/**
 * A reader for flat Parquet files (every column a top-level leaf, no lists or structs), as the lake's
 * tables are: row group by row group into Arrow record batches whose arrays are reused from one row group
 * to the next, so a scan of a large table touches the same memory again instead of fresh pages (the cost
 * that dominated reading `can_signals` through parquet-wasm: bench/README.md, session 5).
 *
 * Reads what the lake's writers produce (adlake's `columnsParquet.ts`, parquet-wasm, DuckDB): data pages
 * v1 and v2, PLAIN, PLAIN_DICTIONARY / RLE_DICTIONARY, DELTA_BINARY_PACKED (up to 2^53),
 * BYTE_STREAM_SPLIT, RLE definition levels; zstd or no compression. Anything else throws
 * `UnsupportedParquet` and the caller reads the file another way; malformed bytes throw a RangeError
 * naming the offset.
 */
import {
  Binary,
  Bool,
  Dictionary,
  Field,
  Float64,
  Int32,
  Int64,
  RecordBatch,
  Schema,
  Struct,
  Timestamp,
  TimeUnit,
  Utf8,
  makeData,
  vectorFromArray,
} from 'apache-arrow';
import type { Data, DataType } from 'apache-arrow';
import { CompactReader } from './thriftCompact.js';
import type { ThriftStruct, ThriftValue } from './thriftCompact.js';
import type { ZstdCompressor } from './zstdCompressor.js';

export class UnsupportedParquet extends Error {}

const TYPE = { BOOLEAN: 0, INT32: 1, INT64: 2, DOUBLE: 5, BYTE_ARRAY: 6 } as const;
const ENCODING = {
  PLAIN: 0,
  PLAIN_DICTIONARY: 2,
  RLE: 3,
  DELTA_BINARY_PACKED: 5,
  RLE_DICTIONARY: 8,
  BYTE_STREAM_SPLIT: 9,
};
const CODEC = { UNCOMPRESSED: 0, ZSTD: 6 };
const SUPPORTED_ENCODINGS = new Set(Object.values(ENCODING));
const PAGE = { DATA: 0, DICTIONARY: 2, DATA_V2: 3 };

interface LeafColumn {
  name: string;
  physical: number;
  optional: boolean;
  type: DataType;
}

interface Chunk {
  column: LeafColumn;
  codec: number;
  start: number;
  end: number;
  values: number;
}

const get = (s: ThriftStruct, id: number): ThriftValue | undefined => s.get(id);
const num = (s: ThriftStruct, id: number): number | undefined => {
  const v = s.get(id);
  return typeof v === 'number' ? v : undefined;
};
const struct = (s: ThriftStruct, id: number): ThriftStruct | undefined => {
  const v = s.get(id);
  return v instanceof Map ? v : undefined;
};
const text = new TextDecoder();

/** Per column: its arrays for the current row group, grown but not shrunk, reused between row groups. */
export interface Scratch {
  words?: Int32Array;
  indices?: Int32Array;
  raw?: Int32Array;
  delta?: Int32Array;
  floats?: Float64Array;
  valid?: Uint8Array;
  bitmap?: Uint8Array;
  offsets?: Int32Array;
  bytes?: Uint8Array;
}

/**
 * Reads one file. `scan(columns, visit)` hands each row group to `visit` as a record batch whose arrays
 * are reused by the next row group: copy what you keep.
 */
export class FlatParquetReader {
  private readonly leaves: LeafColumn[];
  private readonly groups: ThriftStruct[];
  constructor(
    private readonly bytes: Uint8Array,
    private readonly zstd: ZstdCompressor,
    /** Arrays per column position, reused between row groups and between files read one at a time. */
    private readonly scratch: Scratch[] = [],
  ) {
    const n = bytes.length;
    if (n < 12 || !isMagic(bytes, 0) || !isMagic(bytes, n - 4))
      throw new RangeError('not a Parquet file (no PAR1 magic)');
    const footerLength = bytes[n - 8]! | (bytes[n - 7]! << 8) | (bytes[n - 6]! << 16) | (bytes[n - 5]! << 24);
    if (footerLength <= 0 || footerLength > n - 12)
      throw new RangeError(`footer length ${footerLength} is out of range`);
    const footer = new CompactReader(bytes, n - 8 - footerLength).struct();
    const schema = (get(footer, 2) ?? []) as ThriftStruct[];
    const [root, ...elements] = schema;
    if (!root || num(root, 5) !== elements.length) throw new UnsupportedParquet('nested schema');
    this.leaves = elements.map(leaf);
    this.groups = (get(footer, 4) ?? []) as ThriftStruct[];
    // Everything that could make a scan give up is checked here, before any row is handed out.
    for (const group of this.groups) {
      for (const chunk of (get(group, 1) ?? []) as ThriftStruct[]) {
        const meta = struct(chunk, 3);
        if (!meta) throw new UnsupportedParquet('column chunk without metadata');
        const codec = num(meta, 4);
        if (codec !== CODEC.UNCOMPRESSED && codec !== CODEC.ZSTD)
          throw new UnsupportedParquet(`codec ${codec}`);
        for (const encoding of (get(meta, 2) ?? []) as number[])
          if (!SUPPORTED_ENCODINGS.has(encoding)) throw new UnsupportedParquet(`encoding ${encoding}`);
      }
    }
  }

  get rowGroups(): number {
    return this.groups.length;
  }

  /** Rows in the file (all row groups). */
  get rows(): number {
    let rows = 0;
    for (const group of this.groups) rows += num(group, 3) ?? 0;
    return rows;
  }

  /** The file's column of that name, and its position; undefined when it has none. */
  column(name: string): { column: LeafColumn; index: number } | undefined {
    const index = this.leaves.findIndex((column) => column.name === name);
    return index < 0 ? undefined : { column: this.leaves[index] as LeafColumn, index };
  }

  /**
   * Whether the file's statistics say the column is NULL on every row: true only when every row group's
   * chunk has a null count equal to its rows (a chunk without statistics could hold values).
   */
  allNull(name: string): boolean {
    const found = this.column(name);
    if (!found) return false;
    for (const group of this.groups) {
      const chunks = (get(group, 1) ?? []) as ThriftStruct[];
      const meta = struct(chunks[found.index] ?? new Map<number, ThriftValue>(), 3);
      const statistics = meta && struct(meta, 12);
      const nulls = statistics && num(statistics, 3);
      if (nulls === undefined || nulls !== (num(group, 3) ?? 0)) return false;
    }
    return true;
  }

  /**
   * Decodes a DOUBLE column of every row group straight into `out` from index `at` (`rows` values), NaN
   * for nulls: no Arrow data in between. Returns whether some row had a value.
   */
  doublesInto(name: string, out: Float64Array, at: number): boolean {
    const found = this.column(name);
    if (found?.column.physical !== TYPE.DOUBLE)
      throw new UnsupportedParquet(`column ${name} is not a double`);
    let valued = false;
    this.eachChunk(found, at, (chunk, rows, offset, scratch) => {
      const target = out.subarray(offset, offset + rows);
      // The sink decodes into the caller's rows: `target` is exactly as long as the row group.
      const own = scratch.floats;
      scratch.floats = target;
      try {
        const decoded = this.decodeChunk(chunk, rows, scratch);
        // Null rows hold whatever was there: NaN them (a chunk without nulls, the usual case, is done).
        if (decoded.nulls > 0) nullsToNaN(target, decoded.valid, rows);
        if (decoded.nulls < rows) valued = true;
      } finally {
        scratch.floats = own;
      }
    });
    return valued;
  }

  /**
   * Decodes an INT64 timestamp column of every row group into `out` from `at` as nanoseconds (nulls
   * become 0).
   */
  timesInto(name: string, out: BigInt64Array, at: number): void {
    const found = this.column(name);
    const type = found?.column.type;
    if (!found || !(type instanceof Timestamp))
      throw new UnsupportedParquet(`column ${name} is not a timestamp`);
    const scale =
      type.unit === TimeUnit.MICROSECOND ? 1000 : type.unit === TimeUnit.MILLISECOND ? 1_000_000 : 1;
    this.eachChunk(found, at, (chunk, rows, offset, scratch) => {
      const words = this.decodeChunk(chunk, rows, scratch).sink.wordsView();
      scaleWords(words, rows, scale, new Int32Array(out.buffer, out.byteOffset + offset * 8, rows * 2));
    });
  }

  /**
   * Decodes a string (BYTE_ARRAY) column of every row group into `out` from `at` as codes: `code(text)`
   * gives a label's code (called once per dictionary entry of a dictionary-coded chunk, per row otherwise),
   * -1 for nulls. Returns whether some row had a value.
   */
  labelsInto(name: string, out: Int32Array, at: number, code: (text: string) => number): boolean {
    const found = this.column(name);
    if (found?.column.physical !== TYPE.BYTE_ARRAY)
      throw new UnsupportedParquet(`column ${name} is not a string`);
    let valued = false;
    this.eachChunk(found, at, (chunk, rows, offset, scratch) => {
      const decoded = this.decodeChunk(chunk, rows, scratch);
      if (decoded.strings && 'strings' in decoded.strings) {
        // Dictionary-coded (a few labels over many rows): each row takes its entry's code.
        const codes = Int32Array.from(decoded.strings.strings, code);
        const indices = decoded.sink.indicesView(rows);
        valued = pickCodes(codes, indices, decoded.valid, rows, out, offset) || valued;
        return;
      }
      const data = decoded.sink.finish(found.column, decoded.valid, decoded.strings);
      for (let r = 0; r < rows; r++) {
        const value = data.getValid(r) ? stringAt(data, r) : undefined;
        out[offset + r] = value === undefined ? -1 : code(value);
        if (value !== undefined) valued = true;
      }
    });
    return valued;
  }

  /**
   * Calls `use` with the column's chunk of each row group in turn, its rows, the caller's index of its
   * first row (`at` on) and the column's scratch.
   */
  private eachChunk(
    found: { column: LeafColumn; index: number },
    at: number,
    use: (chunk: Chunk, rows: number, offset: number, scratch: Scratch) => void,
  ): void {
    let offset = at;
    for (const group of this.groups) {
      const rows = num(group, 3) ?? 0;
      use(this.chunkOf(group, found), rows, offset, (this.scratch[found.index] ??= {}));
      offset += rows;
    }
  }

  private chunkOf(group: ThriftStruct, found: { column: LeafColumn; index: number }): Chunk {
    const chunks = (get(group, 1) ?? []) as ThriftStruct[];
    const meta = struct(chunks[found.index] ?? new Map<number, ThriftValue>(), 3);
    if (!meta) throw new UnsupportedParquet('column chunk without metadata');
    const data = num(meta, 9) ?? 0;
    const dictionary = num(meta, 11);
    const start = dictionary !== undefined && dictionary > 0 && dictionary < data ? dictionary : data;
    return {
      column: found.column,
      codec: num(meta, 4) ?? 0,
      start,
      end: start + (num(meta, 7) ?? 0),
      values: num(meta, 5) ?? 0,
    };
  }

  /** Decodes the named columns (those the file has, in file order) row group by row group. */
  scan(columns: readonly string[], visit: (batch: RecordBatch) => void): void {
    const wanted = new Set(columns);
    const picked = this.leaves
      .map((column, i) => ({ column, i }))
      .filter(({ column }) => wanted.has(column.name));
    const schema = new Schema(
      picked.map(({ column }) => new Field(column.name, column.type, column.optional)),
    );
    for (const group of this.groups) {
      const rows = num(group, 3) ?? 0;
      const children = picked.map(({ column, i }) => {
        const chunk = this.chunkOf(group, { column, index: i });
        return this.readChunk(chunk, rows, (this.scratch[i] ??= {}));
      });
      const data = makeData({ type: new Struct(schema.fields), length: rows, nullCount: 0, children });
      visit(new RecordBatch(schema, data));
    }
  }

  /** One column chunk as Arrow data of `rows` rows. */
  private readChunk(chunk: Chunk, rows: number, scratch: Scratch): Data {
    const { sink, valid, strings } = this.decodeChunk(chunk, rows, scratch);
    return sink.finish(chunk.column, valid, strings);
  }

  /**
   * Decodes one column chunk into the sink's arrays (`scratch`'s, which may be the caller's own): the
   * values, the validity flags of an optional column, and the dictionary when the strings are its indices.
   */
  private decodeChunk(
    chunk: Chunk,
    rows: number,
    scratch: Scratch,
  ): {
    sink: ValueSink;
    valid: Uint8Array | undefined;
    strings: Dictionary_ | undefined;
    /** Rows without a value. */
    nulls: number;
  } {
    const { column } = chunk;
    if (chunk.values !== rows)
      throw new UnsupportedParquet('column chunk value count differs from its row count');
    if (chunk.codec !== CODEC.UNCOMPRESSED && chunk.codec !== CODEC.ZSTD)
      throw new UnsupportedParquet(`codec ${chunk.codec}`);
    const valid = column.optional ? (scratch.valid = grown(scratch.valid, rows, Uint8Array)) : undefined;
    const out = new ValueSink(column.physical, rows, scratch);
    let dictionary: Dictionary_ | undefined;
    let usedDictionary = false;
    let usedPlain = false;
    let nulls = 0;
    let row = 0;
    let at = chunk.start;
    while (row < rows) {
      if (at >= chunk.end)
        throw new RangeError(`column ${column.name}: pages end at byte ${at} after ${row} of ${rows} values`);
      const reader = new CompactReader(this.bytes, at);
      const header = reader.struct();
      const type = num(header, 1);
      const raw = num(header, 2) ?? 0;
      const size = num(header, 3) ?? 0;
      const body = this.bytes.subarray(reader.offset, reader.offset + size);
      if (body.length !== size)
        throw new RangeError(`column ${column.name}: page at byte ${at} runs past the end`);
      at = reader.offset + size;
      if (type === PAGE.DICTIONARY) {
        const page = this.page(chunk.codec, body, raw);
        const count = num(struct(header, 7) ?? new Map<number, ThriftValue>(), 1) ?? 0;
        dictionary = readDictionary(column, page, count);
        continue;
      }
      let count: number;
      let encoding: number;
      let levels: Uint8Array | undefined;
      let values: Uint8Array;
      if (type === PAGE.DATA) {
        const h = struct(header, 5) ?? new Map<number, ThriftValue>();
        count = num(h, 1) ?? 0;
        encoding = num(h, 2) ?? 0;
        const page = this.page(chunk.codec, body, raw);
        let p = 0;
        if (column.optional) {
          const length = page[0]! | (page[1]! << 8) | (page[2]! << 16) | (page[3]! << 24);
          levels = page.subarray(4, 4 + length);
          p = 4 + length;
        }
        values = page.subarray(p);
      } else if (type === PAGE.DATA_V2) {
        const h = struct(header, 8) ?? new Map<number, ThriftValue>();
        count = num(h, 1) ?? 0;
        encoding = num(h, 4) ?? 0;
        const defLength = num(h, 5) ?? 0;
        if ((num(h, 6) ?? 0) !== 0) throw new UnsupportedParquet('repetition levels');
        levels = column.optional ? body.subarray(0, defLength) : undefined;
        const compressed = get(h, 7) !== false;
        const rest = body.subarray(defLength);
        values = compressed ? this.page(chunk.codec, rest, raw - defLength) : rest;
      } else {
        continue; // index pages: skip
      }
      if (row + count > rows)
        throw new RangeError(`column ${column.name}: pages hold more than ${rows} values`);
      let present = count;
      if (valid) {
        if (levels) readHybrid(levels, 0, levels.length, 1, valid, row, count);
        else valid.fill(1, row, row + count);
        present = 0;
        for (let i = row; i < row + count; i++) present += valid[i]!;
        nulls += count - present;
      }
      if (encoding === ENCODING.RLE_DICTIONARY || encoding === ENCODING.PLAIN_DICTIONARY) {
        if (!dictionary)
          throw new RangeError(`column ${column.name}: dictionary-encoded page without a dictionary`);
        usedDictionary = true;
        out.dictionaryIndices(values, present, dictionary, valid, row, count);
        // After a plain page (a writer's dictionary fallback) strings are kept as bytes.
        if (usedPlain && column.physical === TYPE.BYTE_ARRAY)
          out.materialize(dictionary, valid, row, row + count);
      } else {
        if (usedDictionary && !usedPlain && column.physical === TYPE.BYTE_ARRAY && dictionary) {
          out.materialize(dictionary, valid, 0, row);
        }
        usedPlain = true;
        out.decode(encoding, values, present, valid, row, count);
      }
      row += count;
    }
    const strings = usedDictionary && !usedPlain && column.physical === TYPE.BYTE_ARRAY;
    return { sink: out, valid, strings: strings ? dictionary : undefined, nulls };
  }

  private page(codec: number, body: Uint8Array, size: number): Uint8Array {
    return codec === CODEC.ZSTD ? this.zstd.decompress(body, size) : body;
  }
}

function isMagic(bytes: Uint8Array, at: number): boolean {
  return bytes[at] === 0x50 && bytes[at + 1] === 0x41 && bytes[at + 2] === 0x52 && bytes[at + 3] === 0x31;
}

/** A schema element as a leaf column with its Arrow type. */
function leaf(element: ThriftStruct): LeafColumn {
  if (num(element, 5) !== undefined) throw new UnsupportedParquet('nested column');
  const repetition = num(element, 3) ?? 0;
  if (repetition === 2) throw new UnsupportedParquet('repeated column');
  const name = text.decode(get(element, 4) as Uint8Array);
  const physical = num(element, 1) ?? -1;
  const converted = num(element, 6);
  const logical = struct(element, 10);
  const stamp = logical ? struct(logical, 8) : undefined;
  let type: DataType;
  switch (physical) {
    case TYPE.BOOLEAN:
      type = new Bool();
      break;
    case TYPE.INT32:
      if (converted !== undefined || logical) throw new UnsupportedParquet('annotated INT32');
      type = new Int32();
      break;
    case TYPE.INT64: {
      const unitStruct = stamp ? struct(stamp, 2) : undefined;
      const unit =
        unitStruct?.has(2) || converted === 10
          ? TimeUnit.MICROSECOND
          : unitStruct?.has(1) || converted === 9
            ? TimeUnit.MILLISECOND
            : unitStruct?.has(3)
              ? TimeUnit.NANOSECOND
              : undefined;
      if (unit !== undefined) {
        const utc = stamp ? get(stamp, 1) === true : true;
        type = new Timestamp(unit, utc ? 'UTC' : null);
      } else if (converted !== undefined || logical) {
        throw new UnsupportedParquet('annotated INT64');
      } else type = new Int64();
      break;
    }
    case TYPE.DOUBLE:
      type = new Float64();
      break;
    case TYPE.BYTE_ARRAY:
      type = converted === 0 || logical?.has(1) ? new Utf8() : new Binary();
      break;
    default:
      throw new UnsupportedParquet(`physical type ${physical}`);
  }
  return { name, physical, optional: repetition === 1, type };
}

/** A dictionary page: strings for byte arrays, else the fixed-width values as 32-bit words. */
type Dictionary_ = { strings: string[] } | { words: Int32Array; width: 1 | 2 };

function readDictionary(column: LeafColumn, page: Uint8Array, count: number): Dictionary_ {
  if (column.physical === TYPE.BYTE_ARRAY) {
    const strings: string[] = [];
    let p = 0;
    for (let i = 0; i < count; i++) {
      const length = page[p]! | (page[p + 1]! << 8) | (page[p + 2]! << 16) | (page[p + 3]! << 24);
      if (p + 4 + length > page.length)
        throw new RangeError(`column ${column.name}: dictionary entry ${i} runs past its page`);
      strings.push(text.decode(page.subarray(p + 4, p + 4 + length)));
      p += 4 + length;
    }
    return { strings };
  }
  if (column.physical === TYPE.BOOLEAN) throw new UnsupportedParquet('dictionary of booleans');
  const width = column.physical === TYPE.INT32 ? 1 : 2;
  if (page.length < count * width * 4)
    throw new RangeError(`column ${column.name}: dictionary page is short`);
  // Copied: the page views memory the next decompression reuses.
  const words = new Int32Array(count * width);
  new Uint8Array(words.buffer).set(page.subarray(0, count * width * 4));
  return { words, width };
}

/** Grows a reused array to at least `n` elements. */
function grown<T extends Int32Array | Float64Array | Uint8Array>(
  array: T | undefined,
  n: number,
  Type: new (n: number) => T,
): T {
  return array && array.length >= n ? array : new Type(Math.max(n, 1024));
}

/**
 * Decodes the RLE / bit-packing hybrid into `out[at..at + count)`; returns the position after it. Bit
 * widths up to 24.
 */
export function readHybrid(
  bytes: Uint8Array,
  p: number,
  end: number,
  width: number,
  out: Uint8Array | Int32Array,
  at: number,
  count: number,
): number {
  if (width > 24) throw new UnsupportedParquet(`bit width ${width}`);
  const stop = at + count;
  const mask = (1 << width) - 1;
  while (at < stop) {
    if (p >= end) throw new RangeError(`RLE data ends at byte ${p} with ${stop - at} values to go`);
    let header = 0;
    let shift = 0;
    for (;;) {
      const b = bytes[p++]!;
      header |= (b & 0x7f) << shift;
      if ((b & 0x80) === 0) break;
      shift += 7;
    }
    if ((header & 1) === 0) {
      const run = header >>> 1;
      let value = 0;
      for (let k = 0; k < width; k += 8) value |= bytes[p++]! << k;
      const n = Math.min(run, stop - at);
      out.fill(value, at, at + n);
      at += n;
    } else {
      const values = (header >>> 1) * 8;
      const n = Math.min(values, stop - at);
      let acc = 0;
      let bits = 0;
      let q = p;
      for (let i = 0; i < n; i++) {
        while (bits < width) {
          acc |= (bytes[q++] ?? 0) << bits;
          bits += 8;
        }
        out[at++] = acc & mask;
        acc >>>= width;
        bits -= width;
      }
      p += (values * width) >> 3;
    }
  }
  return p;
}

/** Collects one column chunk's values into the column's reused arrays. */
class ValueSink {
  private readonly words: Int32Array | undefined;
  private readonly floats: Float64Array | undefined;
  private bytesLength = 0;
  private indices: Int32Array | undefined;

  constructor(
    private readonly physical: number,
    private readonly rows: number,
    private readonly scratch: Scratch,
  ) {
    if (physical === TYPE.INT32 || physical === TYPE.BOOLEAN)
      this.words = scratch.words = grown(scratch.words, rows, Int32Array);
    else if (physical === TYPE.INT64) this.words = scratch.words = grown(scratch.words, rows * 2, Int32Array);
    else if (physical === TYPE.DOUBLE)
      this.floats = scratch.floats = grown(scratch.floats, rows, Float64Array);
    else if (physical === TYPE.BYTE_ARRAY) scratch.offsets = grown(scratch.offsets, rows + 1, Int32Array);
  }

  /** The dictionary indices of a dictionary-coded string chunk's rows (0 for nulls). */
  indicesView(rows: number): Int32Array {
    return (this.indices ?? new Int32Array(rows)).subarray(0, rows);
  }

  /** The decoded values of an INT32/INT64/BOOLEAN chunk as 32-bit words. */
  wordsView(): Int32Array {
    return this.words as Int32Array;
  }

  /** Dictionary indices of the page's `present` values, spread over rows `[row, row + count)`. */
  dictionaryIndices(
    page: Uint8Array,
    present: number,
    dictionary: Dictionary_,
    valid: Uint8Array | undefined,
    row: number,
    count: number,
  ): void {
    const width = page[0] ?? 0;
    // The page's indices, one per value (not per row), in reused scratch.
    const raw = (this.scratch.raw = grown(this.scratch.raw, present, Int32Array));
    if (present > 0) readHybrid(page, 1, page.length, width, raw, 0, present);
    if ('words' in dictionary) {
      // Fixed-width values: looked up word by word into the column.
      const dict = dictionary.words;
      const entries = dict.length / dictionary.width;
      const out = this.floats
        ? new Int32Array(this.floats.buffer, this.floats.byteOffset, this.rows * 2)
        : this.words!;
      for (let k = 0; k < present; k++)
        if (raw[k]! >= entries) throw new RangeError(`dictionary index ${raw[k]} of ${entries}`);
      if (dictionary.width === 1) {
        if (!valid) for (let k = 0; k < count; k++) out[row + k] = dict[raw[k]!]!;
        else for (let r = row, k = 0; r < row + count; r++) if (valid[r] !== 0) out[r] = dict[raw[k++]!]!;
      } else if (!valid) {
        for (let k = 0; k < count; k++) {
          const e = 2 * raw[k]!;
          out[2 * (row + k)] = dict[e]!;
          out[2 * (row + k) + 1] = dict[e + 1]!;
        }
      } else {
        for (let r = row, k = 0; r < row + count; r++) {
          if (valid[r] === 0) continue;
          const e = 2 * raw[k++]!;
          out[2 * r] = dict[e]!;
          out[2 * r + 1] = dict[e + 1]!;
        }
      }
      return;
    }
    const indices =
      (this.indices ??=
      this.scratch.indices =
        grown(this.scratch.indices, this.rows, Int32Array));
    const entries = dictionary.strings.length;
    for (let k = 0; k < present; k++)
      if (raw[k]! >= entries) throw new RangeError(`dictionary index ${raw[k]} of ${entries}`);
    if (!valid) indices.set(raw.subarray(0, present), row);
    else for (let r = row, k = 0; r < row + count; r++) indices[r] = valid[r] !== 0 ? raw[k++]! : 0;
  }

  /** Writes rows `[from, to)`, decoded as dictionary indices, as byte-array values. */
  materialize(dictionary: Dictionary_, valid: Uint8Array | undefined, from: number, to: number): void {
    const encoder = new TextEncoder();
    const encoded = (dictionary as { strings: string[] }).strings.map((s) => encoder.encode(s));
    const offsets = this.scratch.offsets!;
    const indices = this.indices!;
    if (from === 0) offsets[0] = 0;
    for (let r = from; r < to; r++) {
      if (!valid || valid[r] !== 0) {
        const bytes = encoded[indices[r]!]!;
        this.scratch.bytes = growBytes(this.scratch.bytes, this.bytesLength, bytes.length);
        this.scratch.bytes.set(bytes, this.bytesLength);
        this.bytesLength += bytes.length;
      }
      offsets[r + 1] = this.bytesLength;
    }
  }

  /** Values of a non-dictionary page. */
  decode(
    encoding: number,
    page: Uint8Array,
    present: number,
    valid: Uint8Array | undefined,
    row: number,
    count: number,
  ): void {
    const physical = this.physical;
    if (physical === TYPE.BYTE_ARRAY) {
      if (encoding !== ENCODING.PLAIN) throw new UnsupportedParquet(`byte array encoding ${encoding}`);
      const offsets = this.scratch.offsets!;
      if (row === 0) offsets[0] = 0;
      let p = 0;
      this.spread(
        valid,
        row,
        count,
        (_k, r, isValue) => {
          if (!isValue) {
            offsets[r + 1] = this.bytesLength;
            return;
          }
          const length = page[p]! | (page[p + 1]! << 8) | (page[p + 2]! << 16) | (page[p + 3]! << 24);
          if (p + 4 + length > page.length)
            throw new RangeError(`byte array value runs past its page at byte ${p}`);
          this.scratch.bytes = growBytes(this.scratch.bytes, this.bytesLength, length);
          this.scratch.bytes.set(page.subarray(p + 4, p + 4 + length), this.bytesLength);
          this.bytesLength += length;
          offsets[r + 1] = this.bytesLength;
          p += 4 + length;
        },
        true,
      );
      return;
    }
    if (physical === TYPE.BOOLEAN) {
      if (encoding !== ENCODING.PLAIN) throw new UnsupportedParquet(`boolean encoding ${encoding}`);
      const words = this.words!;
      this.spread(valid, row, count, (k, r) => (words[r] = (page[k >> 3]! >> (k & 7)) & 1));
      return;
    }
    const width = physical === TYPE.INT32 ? 4 : 8;
    if (encoding === ENCODING.BYTE_STREAM_SPLIT) {
      if (page.length < present * width) throw new RangeError('BYTE_STREAM_SPLIT page is short');
      const target = this.floats ?? this.words!;
      const out = new Int32Array(target.buffer, target.byteOffset, target.byteLength >> 2);
      if (width === 8) unsplit8(page, present, valid, row, count, out);
      else unsplit4(page, present, valid, row, count, out);
      return;
    }
    let source: Uint8Array;
    if (encoding === ENCODING.PLAIN) {
      if (page.length < present * width) throw new RangeError('PLAIN page is short');
      source = page;
    } else if (encoding === ENCODING.DELTA_BINARY_PACKED && physical !== TYPE.DOUBLE) {
      const words = (this.scratch.delta = grown(this.scratch.delta, (present * width) / 4, Int32Array));
      deltaDecode(page, present, width, words);
      source = new Uint8Array(words.buffer, 0, present * width);
    } else {
      throw new UnsupportedParquet(`encoding ${encoding} for physical type ${physical}`);
    }
    if (!valid) {
      this.copyFixed(source, row, present);
      return;
    }
    const target = this.floats ?? this.words!;
    const out = new Int32Array(target.buffer, target.byteOffset, target.byteLength >> 2);
    const length = (present * width) >> 2;
    let words: Int32Array;
    if (source.byteOffset % 4 === 0) words = new Int32Array(source.buffer, source.byteOffset, length);
    else {
      // A PLAIN page's values start after its levels, at any byte: copied to an aligned scratch first.
      words = this.scratch.delta = grown(this.scratch.delta, length, Int32Array);
      new Uint8Array(words.buffer, words.byteOffset, length * 4).set(source.subarray(0, length * 4));
    }
    spreadWords(words, width >> 2, valid, row, count, out);
  }

  /** Arrow data for the chunk. */
  finish(column: LeafColumn, valid: Uint8Array | undefined, dictionary: Dictionary_ | undefined): Data {
    const rows = this.rows;
    let nullCount = 0;
    let nullBitmap: Uint8Array | undefined;
    if (valid) {
      for (let r = 0; r < rows; r++) nullCount += valid[r] === 0 ? 1 : 0;
      if (nullCount > 0) {
        const bitmap = (this.scratch.bitmap = grown(this.scratch.bitmap, (rows + 7) >> 3, Uint8Array));
        bitmap.fill(0, 0, (rows + 7) >> 3);
        for (let r = 0; r < rows; r++) if (valid[r] !== 0) bitmap[r >> 3]! |= 1 << (r & 7);
        nullBitmap = bitmap.subarray(0, (rows + 7) >> 3);
      }
    }
    const common = { length: rows, nullCount, ...(nullBitmap ? { nullBitmap } : {}) };
    const type = column.type;
    if (dictionary && 'strings' in dictionary) {
      const indices = (this.indices ?? new Int32Array(rows)).subarray(0, rows);
      return makeData({
        type: new Dictionary(new Utf8(), new Int32()),
        ...common,
        data: indices,
        dictionary: vectorFromArray(dictionary.strings, new Utf8()),
      });
    }
    if (column.physical === TYPE.BYTE_ARRAY) {
      const offsets = this.scratch.offsets!.subarray(0, rows + 1);
      if (rows === 0) offsets[0] = 0;
      const data = (this.scratch.bytes ?? new Uint8Array(0)).subarray(0, this.bytesLength);
      return type instanceof Utf8
        ? makeData({ type, ...common, valueOffsets: offsets, data })
        : makeData({ type: type as Binary, ...common, valueOffsets: offsets, data });
    }
    if (column.physical === TYPE.BOOLEAN) {
      const words = this.words!;
      const bits = new Uint8Array((rows + 7) >> 3);
      for (let r = 0; r < rows; r++) if (words[r] !== 0) bits[r >> 3]! |= 1 << (r & 7);
      return makeData({ type: type as Bool, ...common, data: bits });
    }
    if (column.physical === TYPE.DOUBLE)
      return makeData({ type: type as Float64, ...common, data: this.floats!.subarray(0, rows) });
    if (column.physical === TYPE.INT32)
      return makeData({ type: type as Int32, ...common, data: this.words!.subarray(0, rows) });
    const longs = new BigInt64Array(this.words!.buffer, this.words!.byteOffset, rows);
    return type instanceof Timestamp
      ? makeData({ type, ...common, data: longs })
      : makeData({ type: type as Int64, ...common, data: longs });
  }

  /** Calls `put(k, row, isValue)` for rows `[row, row + count)`, k counting the values; nulls only with `withNulls`. */
  private spread(
    valid: Uint8Array | undefined,
    row: number,
    count: number,
    put: (k: number, r: number, isValue: boolean) => void,
    withNulls = false,
  ): void {
    let k = 0;
    for (let r = row; r < row + count; r++) {
      if (valid && valid[r] === 0) {
        if (withNulls) put(k, r, false);
        continue;
      }
      put(k++, r, true);
    }
  }

  private copyFixed(source: Uint8Array, row: number, n: number): void {
    if (this.floats) {
      new Uint8Array(this.floats.buffer, this.floats.byteOffset + row * 8, n * 8).set(
        source.subarray(0, n * 8),
      );
    } else {
      const width = this.physical === TYPE.INT32 ? 4 : 8;
      const words = this.words!;
      new Uint8Array(words.buffer, words.byteOffset + row * width, n * width).set(
        source.subarray(0, n * width),
      );
    }
  }
}

/**
 * BYTE_STREAM_SPLIT of 8-byte values back to two little-endian 32-bit words each, into the rows of
 * `[row, row + count)` whose flag in `valid` is set (every row without `valid`).
 */
function unsplit8(
  page: Uint8Array,
  present: number,
  valid: Uint8Array | undefined,
  row: number,
  count: number,
  out: Int32Array,
): void {
  const s1 = present;
  const s2 = 2 * present;
  const s3 = 3 * present;
  const s4 = 4 * present;
  const s5 = 5 * present;
  const s6 = 6 * present;
  const s7 = 7 * present;
  for (let r = row, k = 0; r < row + count; r++) {
    if (valid && valid[r] === 0) continue;
    out[2 * r] =
      (page[k] as number) |
      ((page[s1 + k] as number) << 8) |
      ((page[s2 + k] as number) << 16) |
      ((page[s3 + k] as number) << 24);
    out[2 * r + 1] =
      (page[s4 + k] as number) |
      ((page[s5 + k] as number) << 8) |
      ((page[s6 + k] as number) << 16) |
      ((page[s7 + k] as number) << 24);
    k++;
  }
}

/** `unsplit8` for 4-byte values. */
function unsplit4(
  page: Uint8Array,
  present: number,
  valid: Uint8Array | undefined,
  row: number,
  count: number,
  out: Int32Array,
): void {
  for (let r = row, k = 0; r < row + count; r++) {
    if (valid && valid[r] === 0) continue;
    out[r] =
      (page[k] as number) |
      ((page[present + k] as number) << 8) |
      ((page[2 * present + k] as number) << 16) |
      ((page[3 * present + k] as number) << 24);
    k++;
  }
}

/** Values of `size` 32-bit words each, one after the other in `words`, into the rows whose flag is set. */
function spreadWords(
  words: Int32Array,
  size: number,
  valid: Uint8Array,
  row: number,
  count: number,
  out: Int32Array,
): void {
  for (let r = row, k = 0; r < row + count; r++) {
    if (valid[r] === 0) continue;
    for (let w = 0; w < size; w++) out[size * r + w] = words[size * k + w] as number;
    k++;
  }
}

/** `out[at + r]`: the code of row r's dictionary entry, -1 for a null; whether some row has one. */
function pickCodes(
  codes: Int32Array,
  indices: Int32Array,
  valid: Uint8Array | undefined,
  rows: number,
  out: Int32Array,
  at: number,
): boolean {
  let valued = false;
  for (let r = 0; r < rows; r++) {
    if (valid && valid[r] === 0) out[at + r] = -1;
    else {
      out[at + r] = codes[indices[r] as number] ?? -1;
      valued = true;
    }
  }
  return valued;
}

/** Writes NaN where `valid` flags a null. */
function nullsToNaN(values: Float64Array, valid: Uint8Array | undefined, rows: number): void {
  if (!valid) return;
  for (let r = 0; r < rows; r++) if (valid[r] === 0) values[r] = Number.NaN;
}

/** int64s (little-endian word pairs) times `scale` (1, 1000 or 10^6), exactly while the product fits. */
function scaleWords(words: Int32Array, rows: number, scale: number, out: Int32Array): void {
  for (let r = 0; r < rows; r++) {
    const low = ((words[2 * r] as number) >>> 0) * scale;
    const carry = Math.floor(low / 0x1_0000_0000);
    out[2 * r] = low - carry * 0x1_0000_0000;
    out[2 * r + 1] = (words[2 * r + 1] as number) * scale + carry;
  }
}

/** Row `r` of a Utf8 or dictionary-of-Utf8 column. */
function stringAt(data: Data, r: number): string | undefined {
  if (data.dictionary) {
    const value: unknown = data.dictionary.get((data.values as Int32Array)[r] as number);
    return typeof value === 'string' ? value : undefined;
  }
  const offsets = data.valueOffsets as Int32Array;
  return text.decode((data.values as Uint8Array).subarray(offsets[r], offsets[r + 1]));
}

function growBytes(bytes: Uint8Array | undefined, used: number, more: number): Uint8Array {
  if (bytes && used + more <= bytes.length) return bytes;
  const next = new Uint8Array(Math.max(1 << 16, (used + more) * 2));
  if (bytes) next.set(bytes.subarray(0, used));
  return next;
}

/**
 * DELTA_BINARY_PACKED into little-endian values of `width` bytes (4 or 8), in doubles (exact below 2^53),
 * or in bigints when a value passes that (int64 nanosecond timestamps).
 */
function deltaDecode(page: Uint8Array, present: number, width: number, words: Int32Array): void {
  if (!deltaPass(page, present, width, false, words)) deltaPass(page, present, width, true, words);
}

/** One decoding pass into `words`; false when `big` is false and a value passes 2^53. */
function deltaPass(
  page: Uint8Array,
  present: number,
  width: number,
  big: boolean,
  words: Int32Array,
): boolean {
  let p = 0;
  const varint = (): bigint | number => {
    let result = 0;
    let scale = 1;
    let exact = 0n;
    let shift = 0n;
    for (;;) {
      if (p >= page.length) throw new RangeError(`delta data runs past its page at byte ${p}`);
      const b = page[p++]!;
      if (big) exact |= BigInt(b & 0x7f) << shift;
      else result += (b & 0x7f) * scale;
      if ((b & 0x80) === 0) return big ? exact : result;
      scale *= 128;
      shift += 7n;
    }
  };
  const count = (): number => Number(varint());
  const zigzag = (): number | bigint => {
    const n = varint();
    if (typeof n === 'bigint') return (n >> 1n) ^ -(n & 1n);
    return n % 2 === 0 ? n / 2 : -(n + 1) / 2;
  };
  const block = count();
  const miniblocks = count();
  const total = count();
  if (miniblocks === 0 || block % miniblocks !== 0 || total > present)
    throw new RangeError('delta header is malformed');
  const per = block / miniblocks;
  const longs = width === 8 && big ? new BigInt64Array(words.buffer, words.byteOffset, present) : undefined;
  let value = zigzag();
  let n = 0;
  const put = (): boolean => {
    if (typeof value === 'bigint') {
      if (longs) longs[n] = BigInt.asIntN(64, value);
      else words[n] = Number(BigInt.asIntN(32, value));
    } else {
      if (!Number.isSafeInteger(value)) return false;
      if (width === 4) words[n] = value;
      else {
        const hi = Math.floor(value / 0x1_0000_0000);
        words[2 * n] = value - hi * 0x1_0000_0000;
        words[2 * n + 1] = hi;
      }
    }
    n++;
    return true;
  };
  if (total > 0 && !put()) return false;
  const widths = new Uint8Array(miniblocks);
  while (n < total) {
    const min = zigzag();
    for (let m = 0; m < miniblocks; m++) widths[m] = page[p++] ?? 0;
    for (let m = 0; m < miniblocks && n < total; m++) {
      const w = widths[m]!;
      if (w > 53 && !big) return false;
      const values = Math.min(per, total - n);
      let q = p;
      let acc = 0;
      let bits = 0;
      for (let i = 0; i < values; i++) {
        let delta: number | bigint;
        if (w <= 24 && !big) {
          while (bits < w) {
            acc |= (page[q++] ?? 0) << bits;
            bits += 8;
          }
          delta = acc & ((1 << w) - 1);
          acc >>>= w;
          bits -= w;
        } else {
          // Wide deltas (or bigint mode): bit by bit in exact arithmetic.
          let d = 0n;
          for (let b = 0; b < w; b++) {
            const bit = i * w + b;
            if (((page[p + (bit >> 3)] ?? 0) >> (bit & 7)) & 1) d |= 1n << BigInt(b);
          }
          delta = big ? d : Number(d);
        }
        if (typeof value === 'bigint') value = BigInt.asIntN(64, value + BigInt(min) + BigInt(delta));
        else value = value + (min as number) + (delta as number);
        if (!put()) return false;
      }
      p += (per * w) >> 3;
    }
  }
  return true;
}
