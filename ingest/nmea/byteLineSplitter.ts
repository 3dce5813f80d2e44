const LF = 0x0a;
const CR = 0x0d;

/** Receives one line: `bytes[start, end)` without its terminator, and its 1-based line number. */
export type LineHandler = (bytes: Uint8Array, start: number, end: number, line: number) => void;

/**
 * Splits a byte stream into lines (LF, CRLF or lone CR) without decoding it, handing out index ranges into
 * the chunks so a multi-million-line log costs no string per line. (`core/lines.ts` decodes to strings,
 * which is simpler but several times slower for NMEA, where most of the work is per line.)
 *
 * Memory is bounded: a line that is still unfinished after `maxCarry` bytes (binary data without line
 * breaks) is handed out in pieces of at most that size, all with the same line number.
 */
export class ByteLineSplitter {
  private carry: Uint8Array | undefined;
  private pendingCR = false;
  private line = 1;

  /** @param maxCarry @default 65536 bytes */
  constructor(private readonly maxCarry = 1 << 16) {}

  push(chunk: Uint8Array, onLine: LineHandler): void {
    let pos = 0;
    if (this.pendingCR) {
      // A CRLF split across chunks: the LF belongs to the line already handed out.
      this.pendingCR = false;
      if (chunk[0] === LF) pos = 1;
    }
    if (this.carry !== undefined) {
      const brk = findBreak(chunk, pos);
      const piece = chunk.subarray(pos, brk < 0 ? chunk.length : brk);
      const joined = concat(this.carry, piece);
      if (brk < 0) {
        if (joined.length > this.maxCarry) {
          onLine(joined, 0, joined.length, this.line);
          this.carry = undefined;
        } else {
          this.carry = joined;
        }
        return;
      }
      this.carry = undefined;
      onLine(joined, 0, joined.length, this.line);
      pos = this.afterBreak(chunk, brk);
    }
    pos = this.scan(chunk, pos, onLine);
    // Copy: the stream may reuse the chunk's memory.
    if (pos < chunk.length) this.carry = chunk.slice(pos);
  }

  /**
   * The hot loop, kept apart from the once-per-chunk work above: V8 optimises it mid-loop, and code after
   * the loop with no type feedback yet would throw the optimised code away at the end of every chunk.
   */
  private scan(chunk: Uint8Array, from: number, onLine: LineHandler): number {
    let pos = from;
    for (;;) {
      const brk = findBreak(chunk, pos);
      if (brk < 0) return pos;
      onLine(chunk, pos, brk, this.line);
      pos = this.afterBreak(chunk, brk);
    }
  }

  /** Hands out the last line if the stream did not end with a line break. */
  end(onLine: LineHandler): void {
    if (this.carry !== undefined && this.carry.length > 0)
      onLine(this.carry, 0, this.carry.length, this.line);
    this.carry = undefined;
  }

  private afterBreak(chunk: Uint8Array, brk: number): number {
    this.line += 1;
    if (chunk[brk] !== CR) return brk + 1;
    if (brk + 1 >= chunk.length) {
      this.pendingCR = true;
      return brk + 1;
    }
    return chunk[brk + 1] === LF ? brk + 2 : brk + 1;
  }
}

/** Index of the next CR or LF at or after `from`, or -1. One pass, unlike two `indexOf` calls. */
function findBreak(bytes: Uint8Array, from: number): number {
  for (let i = from; i < bytes.length; i += 1) {
    const c = bytes[i] ?? 0;
    if (c <= CR && (c === LF || c === CR)) return i;
  }
  return -1;
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const joined = new Uint8Array(a.length + b.length);
  joined.set(a);
  joined.set(b, a.length);
  return joined;
}
