import { DecodeError } from '../../core/errors.js';
import type { RandomAccessSource } from '../../core/source.js';
import { parseFormula } from './parseFormula.js';
import { readBlock, readText } from './readBlock.js';

/** A conversion's output value: physical number, text, or null where the table has no entry. */
export type PhysicalValue = number | string | null;

/**
 * A compiled CC block (MDF4 §6.17). `numeric` conversions map numbers to numbers (Float64 columns);
 * `toText` may give text (value→text tables whose entries are TX blocks); `fromText` maps strings.
 */
export type Conversion =
  | { kind: 'numeric'; ccType: number; name: string; offset: number; apply: (x: number) => number }
  | { kind: 'toText'; ccType: number; name: string; offset: number; apply: (x: number) => PhysicalValue }
  | { kind: 'fromText'; ccType: number; name: string; offset: number; apply: (s: string) => PhysicalValue };

/** §6.17.1 `cc_type` names, for messages. */
const CC_TYPE_NAMES = [
  'identity',
  'linear',
  'rational',
  'algebraic',
  'value-to-value with interpolation',
  'value-to-value without interpolation',
  'value-range-to-value',
  'value-to-text',
  'value-range-to-text',
  'text-to-value',
  'text-to-text',
  'bitfield-text',
];

/** Nested conversions (value-to-text entries that are CC blocks) deeper than this are refused (loops). */
const MAX_DEPTH = 4;

/**
 * Reads and compiles the CC block at `link`; `undefined` for a nil link or an identity conversion.
 * Throws `DecodeError` naming the CC type and block offset for unsupported types.
 */
export async function compileConversion(
  source: RandomAccessSource,
  link: number,
  options: { floatInput?: boolean } = {},
  depth = 0,
): Promise<Conversion | undefined> {
  const inRange = options.floatInput ? inHalfOpenRange : inClosedRange;
  if (link === 0) return undefined;
  const where = { uri: source.uri, offset: link };
  if (depth > MAX_DEPTH) throw new DecodeError('mdf4: CC blocks nest too deeply', where);
  const block = await readBlock(source, link, ['CC']);
  const d = block.view;
  if (d.byteLength < 24) throw new DecodeError('mdf4: ##CC block too short', where);
  const type = d.getUint8(0);
  const refCount = d.getUint16(4, true);
  const valCount = d.getUint16(6, true);
  if (d.byteLength < 24 + 8 * valCount)
    throw new DecodeError('mdf4: ##CC block shorter than cc_val_count', where);
  const vals: number[] = [];
  for (let i = 0; i < valCount; i++) vals.push(d.getFloat64(24 + 8 * i, true));
  // Links: tx_name, md_unit, md_comment, cc_inverse, then cc_ref[refCount] (§6.17.1).
  const refs = block.links.slice(4, 4 + refCount);
  const name = CC_TYPE_NAMES[type] ?? `type ${type}`;
  const base = { ccType: type, name, offset: link };
  const v = (i: number): number => vals[i] ?? Number.NaN;

  switch (type) {
    case 0:
      return undefined;
    case 1: {
      // §6.17.3: phys = P2 * int + P1, cc_val = [P1, P2].
      const [p1, p2] = [v(0), v(1)];
      if (p1 === 0 && p2 === 1) return undefined;
      return { ...base, kind: 'numeric', apply: (x) => p2 * x + p1 };
    }
    case 2: {
      // §6.17.4: phys = (P1 x² + P2 x + P3) / (P4 x² + P5 x + P6).
      const [p1, p2, p3, p4, p5, p6] = [v(0), v(1), v(2), v(3), v(4), v(5)];
      return {
        ...base,
        kind: 'numeric',
        apply: (x) => (p1 * x * x + p2 * x + p3) / (p4 * x * x + p5 * x + p6),
      };
    }
    case 3: {
      const text = await readText(source, refs[0] ?? 0);
      if (text === undefined) throw new DecodeError('mdf4: algebraic CC without formula', where);
      try {
        return { ...base, kind: 'numeric', apply: parseFormula(text) };
      } catch (cause) {
        throw new DecodeError(
          `mdf4: unsupported CC type 3 (algebraic): ${cause instanceof Error ? cause.message : String(cause)}`,
          where,
          { cause },
        );
      }
    }
    case 4:
    case 5: {
      const n = Math.floor(valCount / 2);
      const keys = Float64Array.from({ length: n }, (_, i) => v(2 * i));
      const values = Float64Array.from({ length: n }, (_, i) => v(2 * i + 1));
      if (n === 0) throw new DecodeError(`mdf4: CC type ${type} (${name}) with an empty table`, where);
      return {
        ...base,
        kind: 'numeric',
        apply: type === 4 ? interpolate(keys, values) : nearest(keys, values),
      };
    }
    case 6: {
      // §6.17.8: triples [min, max, value], then the default value.
      const n = Math.floor(valCount / 3);
      const fallback = v(3 * n);
      return {
        ...base,
        kind: 'numeric',
        apply: (x) => {
          for (let i = 0; i < n; i++) if (inRange(x, v(3 * i), v(3 * i + 1))) return v(3 * i + 2);
          return fallback;
        },
      };
    }
    case 7: {
      // §6.17.9: keys cc_val[n], texts (TX) or scale conversions (CC) cc_ref[n], default cc_ref[n].
      const entries = await Promise.all(refs.map((ref) => refEntry(source, ref, options, depth)));
      const n = Math.min(valCount, refs.length - 1);
      const table = new Map<number, Entry>();
      for (let i = n - 1; i >= 0; i--) table.set(v(i), entries[i] ?? null);
      const fallback = entries[n] ?? null;
      return { ...base, kind: 'toText', apply: (x) => applyEntry(table.get(x) ?? fallback, x) };
    }
    case 8: {
      // §6.17.10: ranges [min, max] in cc_val, entries cc_ref[n] and the default cc_ref[n].
      const entries = await Promise.all(refs.map((ref) => refEntry(source, ref, options, depth)));
      const n = Math.min(Math.floor(valCount / 2), refs.length - 1);
      const fallback = entries[n] ?? null;
      return {
        ...base,
        kind: 'toText',
        apply: (x) => {
          for (let i = 0; i < n; i++)
            if (inRange(x, v(2 * i), v(2 * i + 1))) return applyEntry(entries[i] ?? null, x);
          return applyEntry(fallback, x);
        },
      };
    }
    case 9: {
      // §6.17.11: texts cc_ref[n], values cc_val[n], default cc_val[n].
      const texts = await Promise.all(refs.map((ref) => readText(source, ref)));
      const table = new Map<string, number>();
      for (let i = texts.length - 1; i >= 0; i--) {
        const text = texts[i];
        if (text !== undefined) table.set(text, v(i));
      }
      const fallback = v(refs.length);
      return { ...base, kind: 'fromText', apply: (s) => table.get(s) ?? fallback };
    }
    case 10: {
      // §6.17.12: pairs (input TX, output TX) in cc_ref, then the default output (nil = keep input).
      const texts = await Promise.all(refs.map((ref) => readText(source, ref)));
      const pairs = Math.floor(refs.length / 2);
      const table = new Map<string, string | null>();
      for (let i = pairs - 1; i >= 0; i--) {
        const key = texts[2 * i];
        if (key !== undefined) table.set(key, texts[2 * i + 1] ?? null);
      }
      const fallback = texts[2 * pairs];
      return {
        ...base,
        kind: 'fromText',
        apply: (s) => (table.has(s) ? (table.get(s) ?? null) : (fallback ?? s)),
      };
    }
    default:
      throw new DecodeError(`mdf4: unsupported CC type ${type} (${name})`, where);
  }
}

type Entry = string | Conversion | null;

async function refEntry(
  source: RandomAccessSource,
  ref: number,
  options: { floatInput?: boolean },
  depth: number,
): Promise<Entry> {
  if (ref === 0) return null;
  const header = await source.read(ref, 4);
  if (header[2] === 0x43 && header[3] === 0x43) {
    // 'CC': a scale conversion applied to the raw value (§6.17.9).
    return (await compileConversion(source, ref, options, depth + 1)) ?? IDENTITY;
  }
  return (await readText(source, ref)) ?? null;
}

const IDENTITY: Conversion = { kind: 'numeric', ccType: 0, name: 'identity', offset: 0, apply: (x) => x };

function applyEntry(entry: Entry, x: number): PhysicalValue {
  if (entry === null || typeof entry === 'string') return entry;
  return entry.kind === 'fromText' ? null : entry.apply(x);
}

/** §6.17.8/§6.17.10: an integer raw value matches min <= x <= max, a floating-point one min <= x < max. */
function inClosedRange(x: number, min: number, max: number): boolean {
  return x >= min && x <= max;
}

function inHalfOpenRange(x: number, min: number, max: number): boolean {
  return x >= min && x < max;
}

/** §6.17.6: linear interpolation between keys; clamped to the first/last value outside the table. */
function interpolate(keys: Float64Array, values: Float64Array): (x: number) => number {
  const n = keys.length;
  return (x) => {
    if (x <= keys[0]!) return values[0]!;
    if (x >= keys[n - 1]!) return values[n - 1]!;
    const i = upperBound(keys, x);
    const k0 = keys[i - 1]!;
    const k1 = keys[i]!;
    const v0 = values[i - 1]!;
    const v1 = values[i]!;
    return k1 === k0 ? v0 : v0 + ((x - k0) * (v1 - v0)) / (k1 - k0);
  };
}

/** §6.17.7: the value of the nearest key (the lower one on a tie); clamped outside the table. */
function nearest(keys: Float64Array, values: Float64Array): (x: number) => number {
  const n = keys.length;
  return (x) => {
    if (x <= keys[0]!) return values[0]!;
    if (x >= keys[n - 1]!) return values[n - 1]!;
    const i = upperBound(keys, x);
    return x - keys[i - 1]! <= keys[i]! - x ? values[i - 1]! : values[i]!;
  };
}

/** First index whose key is > x (keys ascending). */
function upperBound(keys: Float64Array, x: number): number {
  let lo = 0;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (keys[mid]! <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
