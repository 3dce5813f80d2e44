import { InternalError } from '../../core/errors.js';

/**
 * A growable buffer of samples (time, value, optional text) for collecting one source's rows while
 * scanning a table, without a JS object per row.
 */
export class SampleBuffer {
  length = 0;
  private times = new BigInt64Array(256);
  private timeWords = new Int32Array(this.times.buffer);
  private values = new Float64Array(256);
  private labels: (string | null)[] | undefined;
  private taken = false;
  /** How far `hasValue` has looked, and whether it found a value. */
  private scanned = 0;
  private valued = false;

  /** @param withText keep a text value per sample too (for label-valued signals). */
  constructor(withText = false) {
    if (withText) this.labels = [];
  }

  push(t: bigint, value: number, text: string | null = null): void {
    if (this.taken) throw new InternalError('SampleBuffer: push after take');
    if (this.length === this.times.length) this.grow();
    this.times[this.length] = t;
    this.values[this.length] = value;
    if (this.labels) this.labels.push(text);
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
    if (this.labels) this.labels.push(text);
    this.length++;
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
   * The samples, trimmed to length. The first call hands over the buffer's own arrays (views: no copy,
   * and pages past the length were never touched); later calls copy, so callers may change what they get.
   */
  take(): { t: BigInt64Array; v: Float64Array; text: (string | null)[] | undefined } {
    const copy = this.taken;
    this.taken = true;
    return {
      t: copy ? this.times.slice(0, this.length) : this.times.subarray(0, this.length),
      v: copy ? this.values.slice(0, this.length) : this.values.subarray(0, this.length),
      text: copy ? this.labels?.slice(0, this.length) : this.labels,
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
  }
}
