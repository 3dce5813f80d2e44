import type { DbcDatabase, DbcMessage, DbcMuxRange, DbcSignal } from './model.js';
import { signalBits, signalEndByte } from './signalBits.js';

/** Receives decoded signals. Called once per signal present in a frame, in DBC order (multiplexers first). */
export interface DecodedSignalSink {
  push(message: DbcMessage, signal: DbcSignal, value: number, label: string | undefined): void;
}

export interface CanDecoder {
  /** Finds the message for an id; undefined when the DBC does not define it. Extended and standard ids are distinct. */
  lookup(id: number, extended: boolean): CompiledMessage | undefined;
  /** Every compiled message, in DBC order. */
  readonly messages: readonly CompiledMessage[];
}

export interface CompiledMessage {
  readonly message: DbcMessage;
  /**
   * Decodes the frame payload; returns the number of signals pushed, or -1 if the payload is shorter than a
   * signal needs (DLC shorter than the message) and no signal could be decoded at all.
   *
   * A payload that is too short for only some signals is decoded partially: every signal of the active
   * multiplexer branch that fits entirely is pushed, the others are skipped, the count of pushed signals is
   * returned and `lastTruncated` is set. A payload longer than the message is fine (CAN FD padding).
   */
  decode(data: Uint8Array, sink: DecodedSignalSink): number;
  /** Whether the last `decode` call skipped signals because the payload was too short for them. */
  readonly lastTruncated: boolean;
  /** Payload bytes needed to decode every signal of every branch (may differ from `message.length`). */
  readonly minLength: number;
}

export interface CompileDecoderOptions {
  /**
   * Look up `VAL_` value descriptions; when false every label is undefined (a little faster).
   * @default true
   */
  labels?: boolean;
}

/** Reads a signal's raw value (signed/unsigned integer, or the IEEE value for float signals) from a payload. */
type RawReader = (d: Uint8Array) => number;

interface Step {
  readonly signal: DbcSignal;
  /** Bytes the payload needs for this signal. */
  readonly need: number;
  readonly read: RawReader;
  readonly scale: number;
  readonly offset: number;
  readonly choices: ReadonlyMap<number, string> | undefined;
  /** Set when this signal is a multiplexer that selects other signals. */
  readonly mux: MuxSwitch | undefined;
}

/** Branch cache bound: a multiplexer has at most 2^length values, but a log must not grow memory forever. */
const MAX_CACHED_BRANCHES = 4096;
const NO_STEPS: readonly Step[] = [];

/** The signals a multiplexer selects, per raw value (computed once per value seen, then cached). */
class MuxSwitch {
  private readonly cache = new Map<number, readonly Step[]>();

  constructor(private readonly children: readonly { step: Step; ranges: readonly DbcMuxRange[] }[]) {}

  branch(value: number): readonly Step[] {
    const cached = this.cache.get(value);
    if (cached !== undefined) return cached;
    const steps = this.children
      .filter((c) => c.ranges.some(([low, high]) => value >= low && value <= high))
      .map((c) => c.step);
    const branch = steps.length === 0 ? NO_STEPS : steps;
    if (this.cache.size < MAX_CACHED_BRANCHES) this.cache.set(value, branch);
    return branch;
  }
}

class MessageDecoder implements CompiledMessage {
  lastTruncated = false;

  constructor(
    readonly message: DbcMessage,
    private readonly root: readonly Step[],
    readonly minLength: number,
  ) {}

  decode(data: Uint8Array, sink: DecodedSignalSink): number {
    this.lastTruncated = false;
    const pushed = this.run(this.root, data, sink);
    return pushed === 0 && this.lastTruncated ? -1 : pushed;
  }

  private run(steps: readonly Step[], data: Uint8Array, sink: DecodedSignalSink): number {
    const length = data.length;
    const message = this.message;
    let pushed = 0;
    for (let i = 0; i < steps.length; i++) {
      const step = steps[i]!;
      if (step.need > length) {
        this.lastTruncated = true;
        continue;
      }
      const raw = step.read(data);
      const choices = step.choices;
      sink.push(
        message,
        step.signal,
        raw * step.scale + step.offset,
        choices === undefined ? undefined : choices.get(raw),
      );
      pushed++;
      if (step.mux !== undefined) {
        const branch = step.mux.branch(raw);
        if (branch.length > 0) pushed += this.run(branch, data, sink);
      }
    }
    return pushed;
  }
}

/**
 * Compiles a DBC into a frame decoder. Each signal gets a reader specialised once for its byte order, bit
 * offset, byte count and signedness (closures over constants, so decoding does no per-signal interpretation
 * of the layout); multiplexed messages decode only the branch their multiplexer values select (cascading for
 * extended multiplexing).
 *
 * Values are raw * scale + offset. Integers up to 52 bits are read as exact Numbers; longer ones (up to 64
 * bits) through BigInt, then rounded once to a Number. Float signals (SIG_VALTYPE_) are IEEE float32/float64.
 */
export function compileDecoder(db: DbcDatabase, options: CompileDecoderOptions = {}): CanDecoder {
  const labels = options.labels ?? true;
  const standard = new Array<MessageDecoder | undefined>(0x800).fill(undefined);
  const extended = new Map<number, MessageDecoder>();
  const messages: MessageDecoder[] = [];
  for (const message of db.messages) {
    const compiled = compileMessage(message, labels);
    messages.push(compiled);
    if (message.extended) extended.set(message.id, compiled);
    else standard[message.id] = compiled;
  }
  return {
    messages,
    lookup: (id, isExtended) => (isExtended ? extended.get(id) : id < 0x800 ? standard[id] : undefined),
  };
}

function compileMessage(message: DbcMessage, labels: boolean): MessageDecoder {
  const byName = new Map(message.signals.map((s) => [s.name, s]));
  const children = new Map<DbcSignal, DbcSignal[]>();
  const roots: DbcSignal[] = [];
  for (const signal of message.signals) {
    const selector =
      signal.multiplexerSignal === undefined ? undefined : byName.get(signal.multiplexerSignal);
    if (selector === undefined) roots.push(signal);
    else {
      const list = children.get(selector);
      if (list === undefined) children.set(selector, [signal]);
      else list.push(signal);
    }
  }
  let minLength = 0;
  const compile = (signal: DbcSignal): Step => {
    const need = signalEndByte(signal.startBit, signal.length, signal.byteOrder);
    minLength = Math.max(minLength, need);
    const selected = children.get(signal);
    return {
      signal,
      need,
      read: rawReader(signal),
      scale: signal.scale,
      offset: signal.offset,
      choices: labels && signal.valueType === 'integer' ? signal.choices : undefined,
      mux:
        selected === undefined
          ? undefined
          : new MuxSwitch(selected.map((s) => ({ step: compile(s), ranges: s.multiplexerRanges ?? [] }))),
    };
  };
  const root = roots.map(compile);
  return new MessageDecoder(message, root, minLength);
}

/** Scratch space to reinterpret integer bits as IEEE floats. */
const scratch = new DataView(new ArrayBuffer(8));

function rawReader(signal: DbcSignal): RawReader {
  const bits = signalBits(signal.startBit, signal.length, signal.byteOrder);
  if (signal.valueType === 'float32') {
    const read = integerReader(bits, false);
    return (d) => {
      scratch.setUint32(0, read(d));
      return scratch.getFloat32(0);
    };
  }
  if (signal.valueType === 'float64') {
    const low = integerReader(bits.slice(0, 32), false);
    const high = integerReader(bits.slice(32), false);
    return (d) => {
      scratch.setUint32(0, high(d));
      scratch.setUint32(4, low(d));
      return scratch.getFloat64(0);
    };
  }
  return integerReader(bits, signal.isSigned);
}

/**
 * A reader for the integer whose bits are at `bits` (payload positions `8 * byte + bit`, least significant
 * first, as `signalBits` lists them).
 */
function integerReader(bits: readonly number[], signed: boolean): RawReader {
  const length = bits.length;
  if (length > 52) return bigIntReader(bits, signed);
  return contiguousReader(bits, signed) ?? chunkReader(bits, signed);
}

/**
 * Fast paths: the signal lies in at most 4 consecutive bytes, so one 32-bit word holds it. Intel words are
 * little-endian (first byte lowest), Motorola words big-endian (first byte highest); either way the signal
 * is `length` bits at `shift` from the word's bottom.
 */
function contiguousReader(bits: readonly number[], signed: boolean): RawReader | undefined {
  const length = bits.length;
  const lsb = bits[0]!;
  const msb = bits[length - 1]!;
  const first = Math.min(lsb, msb) >> 3;
  const last = Math.max(lsb, msb) >> 3;
  const count = last - first + 1;
  if (count > 4) return undefined;
  let intel: boolean;
  if (length === 1 || first === last) intel = true;
  else intel = msb >> 3 > lsb >> 3; // Intel goes up to higher bytes; Motorola's MSB is in the first byte.
  // The bits must be exactly the contiguous run the word extraction takes.
  const shift = intel ? lsb - first * 8 : (lsb & 7) + (last - (lsb >> 3)) * 8;
  for (let i = 0; i < length; i++) {
    const position = bits[i]!;
    const byte = position >> 3;
    const inWord = intel ? position - first * 8 : (position & 7) + (last - byte) * 8;
    if (inWord !== shift + i) return undefined;
  }
  const b = first;
  const mask = length === 32 ? 0 : 2 ** length - 1;
  const k = 32 - length; // sign extension: shift the sign bit to bit 31 and back
  const s = shift;
  if (signed) {
    if (intel) {
      switch (count) {
        case 1:
          return (d) => ((d[b]! >>> s) << k) >> k;
        case 2:
          return (d) => (((d[b]! | (d[b + 1]! << 8)) >>> s) << k) >> k;
        case 3:
          return (d) => (((d[b]! | (d[b + 1]! << 8) | (d[b + 2]! << 16)) >>> s) << k) >> k;
        default:
          return (d) =>
            (((d[b]! | (d[b + 1]! << 8) | (d[b + 2]! << 16) | (d[b + 3]! << 24)) >>> s) << k) >> k;
      }
    }
    switch (count) {
      case 2:
        return (d) => ((((d[b]! << 8) | d[b + 1]!) >>> s) << k) >> k;
      case 3:
        return (d) => ((((d[b]! << 16) | (d[b + 1]! << 8) | d[b + 2]!) >>> s) << k) >> k;
      default:
        return (d) => ((((d[b]! << 24) | (d[b + 1]! << 16) | (d[b + 2]! << 8) | d[b + 3]!) >>> s) << k) >> k;
    }
  }
  if (length === 32) {
    // Only a byte-aligned 4-byte word holds 32 bits: no shift, no mask; `>>> 0` makes it unsigned.
    return intel
      ? (d) => (d[b]! | (d[b + 1]! << 8) | (d[b + 2]! << 16) | (d[b + 3]! << 24)) >>> 0
      : (d) => ((d[b]! << 24) | (d[b + 1]! << 16) | (d[b + 2]! << 8) | d[b + 3]!) >>> 0;
  }
  if (intel) {
    switch (count) {
      case 1:
        return (d) => (d[b]! >>> s) & mask;
      case 2:
        return (d) => ((d[b]! | (d[b + 1]! << 8)) >>> s) & mask;
      case 3:
        return (d) => ((d[b]! | (d[b + 1]! << 8) | (d[b + 2]! << 16)) >>> s) & mask;
      default:
        return (d) => ((d[b]! | (d[b + 1]! << 8) | (d[b + 2]! << 16) | (d[b + 3]! << 24)) >>> s) & mask;
    }
  }
  switch (count) {
    case 2:
      return (d) => (((d[b]! << 8) | d[b + 1]!) >>> s) & mask;
    case 3:
      return (d) => (((d[b]! << 16) | (d[b + 1]! << 8) | d[b + 2]!) >>> s) & mask;
    default:
      return (d) => (((d[b]! << 24) | (d[b + 1]! << 16) | (d[b + 2]! << 8) | d[b + 3]!) >>> s) & mask;
  }
}

interface Chunk {
  byte: number;
  /** Lowest bit in the byte. */
  shift: number;
  mask: number;
  /** Significance of the chunk's lowest bit in the signal. */
  weight: number;
  bitOffset: number;
}

/** Splits a signal into per-byte runs of bits. */
function chunks(bits: readonly number[]): Chunk[] {
  const result: Chunk[] = [];
  for (let i = 0; i < bits.length;) {
    const byte = bits[i]! >> 3;
    let j = i + 1;
    while (j < bits.length && bits[j]! >> 3 === byte && bits[j]! === bits[j - 1]! + 1) j++;
    result.push({ byte, shift: bits[i]! & 7, mask: (1 << (j - i)) - 1, weight: 2 ** i, bitOffset: i });
    i = j;
  }
  return result;
}

/** Any layout up to 52 bits: sums per-byte parts times their powers of two (exact below 2^53). */
function chunkReader(bits: readonly number[], signed: boolean): RawReader {
  const parts = chunks(bits);
  const n = parts.length;
  const byte = parts.map((c) => c.byte);
  const shift = parts.map((c) => c.shift);
  const mask = parts.map((c) => c.mask);
  const weight = parts.map((c) => c.weight);
  const half = 2 ** (bits.length - 1);
  const full = 2 ** bits.length;
  return (d) => {
    let value = 0;
    for (let i = 0; i < n; i++) value += ((d[byte[i]!]! >>> shift[i]!) & mask[i]!) * weight[i]!;
    return signed && value >= half ? value - full : value;
  };
}

/** 53 to 64 bits: exact in BigInt, then rounded once to the nearest Number. */
function bigIntReader(bits: readonly number[], signed: boolean): RawReader {
  const parts = chunks(bits);
  const length = bits.length;
  return (d) => {
    let value = 0n;
    for (const c of parts) value |= BigInt((d[c.byte]! >>> c.shift) & c.mask) << BigInt(c.bitOffset);
    return Number(signed ? BigInt.asIntN(length, value) : value);
  };
}
