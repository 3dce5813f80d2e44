import { InternalError } from '../../core/errors.js';
import { LabelCodes, type TextColumn } from '../timeline.js';

/**
 * A growable buffer of samples (time, value, optional text) for collecting one source's rows while
 * scanning a table, without a JS object per row. Texts are kept as codes, from the first non-null one on.
 */
export class SampleBuffer {
  length = 0;
  private times = new BigInt64Array(256);
  private timeWords = new Int32Array(this.times.buffer);
  private values = new Float64Array(256);
  /** Per sample, the code of its text (-1 for null); made at the first text pushed. */
  private codes: Int32Array | undefined;
  private readonly labels = new LabelCodes();
  /** The last text coded and its code: a label repeats over many samples. */
  private lastText: string | null = null;
  private lastCode = -1;
  private taken = false;
  /** How far `hasValue` has looked, and whether it found a value. */
  private scanned = 0;
  private valued = false;

  push(t: bigint, value: number, text: string | null = null): void {
    if (this.taken) throw new InternalError('SampleBuffer: push after take');
    if (this.length === this.times.length) this.grow();
    this.times[this.length] = t;
    this.values[this.length] = value;
    this.pushText(text);
    this.length++;
  }

  /**
   * Pushes the time at `row` of an int64 column (`words`: its little-endian 32-bit halves) times `scale`
   * (at most 1000: micro- to nanoseconds), without a bigint per sample: the product is assembled from the
   * halves in exact double arithmetic (low half x scale < 2^42). Larger scales go through a bigint.
   */
  pushScaled(words: Int32Array, row: number, scale: number, value: number, text: string | null = null): void {
    if (scale > 1000) {
      const t = BigInt.asIntN(
        64,
        (BigInt(words[2 * row + 1] as number) << 32n) | BigInt((words[2 * row] as number) >>> 0),
      );
      this.push(t * BigInt(scale), value, text);
      return;
    }
    if (this.taken) throw new InternalError('SampleBuffer: push after take');
    if (this.length === this.times.length) this.grow();
    const low = ((words[2 * row] as number) >>> 0) * scale;
    const carry = Math.floor(low / 0x1_0000_0000);
    const i = this.length;
    this.timeWords[2 * i] = low - carry * 0x1_0000_0000;
    this.timeWords[2 * i + 1] = (words[2 * row + 1] as number) * scale + carry;
    this.values[i] = value;
    this.pushText(text);
    this.length++;
  }

  /** Codes the text of the sample at `length` (before it is counted). */
  private pushText(text: string | null): void {
    if (text === null) {
      if (this.codes) this.codes[this.length] = -1;
      return;
    }
    if (!this.codes) this.codes = new Int32Array(this.times.length).fill(-1, 0, this.length);
    if (text !== this.lastText) {
      this.lastText = text;
      this.lastCode = this.labels.code(text);
    }
    this.codes[this.length] = this.lastCode;
  }

  /** Count of samples whose value is not NaN. */
  countValues(): number {
    let n = 0;
    for (let i = 0; i < this.length; i++) if (!Number.isNaN(this.values[i])) n++;
    return n;
  }

  /** Whether some sample has a value (not NaN); looks only at what was pushed since the last call. */
  hasValue(): boolean {
    while (!this.valued && this.scanned < this.length)
      if (!Number.isNaN(this.values[this.scanned++])) this.valued = true;
    return this.valued;
  }

  /**
   * The samples, trimmed to length; `text` only if some sample had one. The first call hands over the
   * buffer's own arrays (views: no copy, and pages past the length were never touched); later calls copy,
   * so callers may change what they get.
   */
  take(): { t: BigInt64Array; v: Float64Array; text: TextColumn | undefined } {
    const copy = this.taken;
    this.taken = true;
    const codes = this.codes;
    return {
      t: copy ? this.times.slice(0, this.length) : this.times.subarray(0, this.length),
      v: copy ? this.values.slice(0, this.length) : this.values.subarray(0, this.length),
      text: codes
        ? {
            codes: copy ? codes.slice(0, this.length) : codes.subarray(0, this.length),
            names: this.labels.names.slice(),
          }
        : undefined,
    };
  }

  /**
   * Makes room for `capacity` samples in one step (a caller that can estimate its total saves the
   * doublings: each is fresh memory, ~15 µs per 4 KiB page on this host).
   */
  reserve(capacity: number): void {
    if (capacity > this.times.length) this.resize(capacity);
  }

  private grow(): void {
    this.resize(this.times.length * 2);
  }

  private resize(capacity: number): void {
    const times = new BigInt64Array(capacity);
    times.set(this.times);
    this.times = times;
    this.timeWords = new Int32Array(times.buffer);
    const values = new Float64Array(capacity);
    values.set(this.values);
    this.values = values;
    if (this.codes) {
      const codes = new Int32Array(capacity);
      codes.set(this.codes);
      this.codes = codes;
    }
  }
}
