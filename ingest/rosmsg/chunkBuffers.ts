/**
 * Buffers for chunk reads that are used again once every message read from them has been handed over and
 * passed. Touching fresh memory is slow on the virtual machines adlake runs on (~15 us per 4 KiB page, and
 * a freed large buffer goes back to the OS): a 315 MB bag of 1 MB images read into new buffers spent more
 * time in page faults and garbage collection than in everything else (bench/bagIngest.bench.ts: 2.2 s
 * against 1.3 s with reused buffers).
 *
 * The reader counts the messages it makes from a buffer (`retain`); the consumer side reports each one it
 * is done with (`done`, called by the reader when the consumer asks for the next batch). A buffer whose
 * messages are not all reported (one dropped as undecodable) is simply never reused.
 */
export class ChunkBuffers {
  private readonly free: ArrayBuffer[] = [];
  private readonly owed = new Map<ArrayBuffer, number>();
  /** Buffers handed out by `take`: only those are ever reused (never a caller's or a source's bytes). */
  private readonly ours = new WeakSet<ArrayBuffer>();

  /** @param keep free buffers kept for reuse (more are dropped), bounding the memory held. */
  constructor(private readonly keep = 4) {}

  /** A buffer of `length` bytes: a free one that is large enough, or a new one. */
  take(length: number): Uint8Array {
    const i = this.free.findIndex((buffer) => buffer.byteLength >= length);
    const buffer = i >= 0 ? (this.free.splice(i, 1)[0] as ArrayBuffer) : new ArrayBuffer(length);
    this.ours.add(buffer);
    return new Uint8Array(buffer, 0, length);
  }

  /**
   * `messages` messages were made from `bytes`; with none it is free again at once. Bytes that are not
   * from `take` are left alone.
   */
  retain(bytes: Uint8Array, messages: number): void {
    const buffer = bytes.buffer as ArrayBuffer;
    if (!this.ours.has(buffer)) return;
    if (messages === 0) this.release(buffer);
    else this.owed.set(buffer, messages);
  }

  /** One message made from `bytes` is no longer used; the last one frees the buffer. */
  done(bytes: Uint8Array): void {
    const buffer = bytes.buffer as ArrayBuffer;
    const owed = this.owed.get(buffer);
    if (owed === undefined) return;
    if (owed > 1) this.owed.set(buffer, owed - 1);
    else {
      this.owed.delete(buffer);
      this.release(buffer);
    }
  }

  private release(buffer: ArrayBuffer): void {
    if (this.free.length < this.keep) this.free.push(buffer);
  }
}
