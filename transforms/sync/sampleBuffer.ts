/**
 * A growable buffer of samples (time, value, optional text) for collecting one source's rows while
 * scanning a table, without a JS object per row.
 */
export class SampleBuffer {
  length = 0;
  private times = new BigInt64Array(256);
  private values = new Float64Array(256);
  private labels: (string | null)[] | undefined;

  /** @param withText keep a text value per sample too (for label-valued signals). */
  constructor(withText = false) {
    if (withText) this.labels = [];
  }

  push(t: bigint, value: number, text: string | null = null): void {
    if (this.length === this.times.length) this.grow();
    this.times[this.length] = t;
    this.values[this.length] = value;
    if (this.labels) this.labels.push(text);
    this.length++;
  }

  /** Count of samples whose value is not NaN. */
  countValues(): number {
    let n = 0;
    for (let i = 0; i < this.length; i++) if (!Number.isNaN(this.values[i])) n++;
    return n;
  }

  /** The samples, trimmed to length (copies, so the buffer may be dropped). */
  take(): { t: BigInt64Array; v: Float64Array; text: (string | null)[] | undefined } {
    return {
      t: this.times.slice(0, this.length),
      v: this.values.slice(0, this.length),
      text: this.labels?.slice(0, this.length),
    };
  }

  private grow(): void {
    const times = new BigInt64Array(this.times.length * 2);
    times.set(this.times);
    this.times = times;
    const values = new Float64Array(this.values.length * 2);
    values.set(this.values);
    this.values = values;
  }
}
