import type { ByteStream } from '../../core/source.js';

/**
 * Pulls exact byte counts from a `ByteStream` of arbitrary chunk sizes, for binary formats read front to
 * back (BLF). Memory is bounded by the largest single read plus one chunk.
 */
export class StreamReader {
  private readonly iterator: AsyncIterator<Uint8Array>;
  private chunk: Uint8Array = new Uint8Array(0);
  private at = 0;
  private done = false;
  /** Bytes consumed so far: the stream offset of the next byte `read` returns. */
  offset = 0;

  constructor(stream: ByteStream) {
    this.iterator = stream[Symbol.asyncIterator]();
  }

  /**
   * The next `length` bytes, or fewer at the end of the stream. The result may be a view of the current
   * chunk: use it before the next call, or copy it.
   */
  async read(length: number): Promise<Uint8Array> {
    if (this.chunk.length - this.at >= length) {
      const view = this.chunk.subarray(this.at, this.at + length);
      this.at += length;
      this.offset += length;
      return view;
    }
    const out = new Uint8Array(length);
    let filled = 0;
    while (filled < length) {
      if (this.at >= this.chunk.length && !(await this.pull())) break;
      const n = Math.min(length - filled, this.chunk.length - this.at);
      out.set(this.chunk.subarray(this.at, this.at + n), filled);
      this.at += n;
      filled += n;
    }
    this.offset += filled;
    return filled === length ? out : out.subarray(0, filled);
  }

  /** Skips up to `length` bytes; returns how many were skipped. */
  async skip(length: number): Promise<number> {
    let skipped = 0;
    while (skipped < length) {
      if (this.at >= this.chunk.length && !(await this.pull())) break;
      const n = Math.min(length - skipped, this.chunk.length - this.at);
      this.at += n;
      skipped += n;
    }
    this.offset += skipped;
    return skipped;
  }

  /** Looks at the next `length` bytes without consuming them (fewer at the end). */
  async peek(length: number): Promise<Uint8Array> {
    while (this.chunk.length - this.at < length && !this.done) {
      const rest = this.chunk.subarray(this.at);
      if (!(await this.pull())) break;
      const merged = new Uint8Array(rest.length + this.chunk.length);
      merged.set(rest, 0);
      merged.set(this.chunk, rest.length);
      this.chunk = merged;
      this.at = 0;
    }
    return this.chunk.subarray(this.at, Math.min(this.chunk.length, this.at + length));
  }

  /**
   * Advances to the next occurrence of `pattern` (not consuming it), for resynchronising after corrupt
   * bytes. Returns false, with everything consumed, when the stream ends first.
   */
  async skipTo(pattern: Uint8Array): Promise<boolean> {
    for (;;) {
      const found = indexOf(this.chunk, pattern, this.at);
      if (found >= 0) {
        this.offset += found - this.at;
        this.at = found;
        return true;
      }
      // Keep the last bytes: the pattern may straddle two chunks.
      const keep = Math.min(pattern.length - 1, this.chunk.length - this.at);
      this.offset += this.chunk.length - this.at - keep;
      const rest = this.chunk.slice(this.chunk.length - keep);
      if (!(await this.pull())) {
        this.offset += keep;
        this.at = this.chunk.length;
        return false;
      }
      const merged = new Uint8Array(rest.length + this.chunk.length);
      merged.set(rest, 0);
      merged.set(this.chunk, rest.length);
      this.chunk = merged;
      this.at = 0;
    }
  }

  /** Ends the underlying stream early (closes a file handle held by the producer). */
  async close(): Promise<void> {
    if (!this.done) await this.iterator.return?.();
    this.done = true;
  }

  private async pull(): Promise<boolean> {
    if (this.done) return false;
    for (;;) {
      const next = await this.iterator.next();
      if (next.done === true) {
        // Keep the current chunk: `peek` may still hold unread bytes in it.
        this.done = true;
        return false;
      }
      if (next.value.length === 0) continue;
      this.chunk = next.value;
      this.at = 0;
      return true;
    }
  }
}

/** First index of `pattern` in `bytes` at or after `from`; -1 if absent. */
export function indexOf(bytes: Uint8Array, pattern: Uint8Array, from = 0): number {
  const first = pattern[0];
  const last = bytes.length - pattern.length;
  outer: for (
    let i = bytes.indexOf(first ?? 0, from);
    i >= 0 && i <= last;
    i = bytes.indexOf(first ?? 0, i + 1)
  ) {
    for (let k = 1; k < pattern.length; k++) if (bytes[i + k] !== pattern[k]) continue outer;
    return i;
  }
  return -1;
}

/**
 * Reads at least `length` bytes from the front of a stream (fewer if it is shorter) and returns them
 * with a stream that replays them followed by the rest: sniffing a format without consuming input.
 */
export async function peekStream(
  stream: ByteStream,
  length: number,
): Promise<{ head: Uint8Array; stream: ByteStream }> {
  const iterator = stream[Symbol.asyncIterator]();
  const buffered: Uint8Array[] = [];
  let size = 0;
  let ended = false;
  while (size < length) {
    const next = await iterator.next();
    if (next.done === true) {
      ended = true;
      break;
    }
    buffered.push(next.value);
    size += next.value.length;
  }
  const head = new Uint8Array(Math.min(size, length));
  let filled = 0;
  for (const chunk of buffered) {
    if (filled >= head.length) break;
    const n = Math.min(chunk.length, head.length - filled);
    head.set(chunk.subarray(0, n), filled);
    filled += n;
  }
  async function* replay(): ByteStream {
    try {
      yield* buffered;
      if (ended) return;
      for (;;) {
        const next = await iterator.next();
        if (next.done === true) return;
        yield next.value;
      }
    } finally {
      if (!ended) await iterator.return?.();
    }
  }
  return { head, stream: replay() };
}
