import { latin1 } from '../../core/latin1.js';
import type { Batch } from '../../core/reject.js';
import { RejectTally } from '../../core/rejectTally.js';
import type { RejectLimits } from '../../core/rejectTally.js';
import { daysFromCivil, isStorableNs, TIME_OUT_OF_RANGE } from '../../core/time.js';
import type { CanFrame } from './frame.js';
import { lengthToDlc } from './frame.js';
import { HEX_VALUE } from './hexValue.js';
import { nsFromParts } from './nsFromParts.js';

/** Options of `readCandump` / `CandumpParser`. */
export interface CandumpOptions extends RejectLimits {
  /** Names the input in rejects. */
  uri: string;
  /** Frames per yielded batch (small batches die young: less GC work than large ones). @default 2048 */
  batchSize?: number;
  /**
   * How console timestamps that are not epoch seconds are read. candump `-t z` prints seconds since the
   * first frame and `-t d` the delta to the previous frame, in the same `(000.000123)` form, so the text
   * cannot tell them apart. 'zero' takes the value as is (seconds after 1970-01-01, shift it later);
   * 'delta' accumulates. Epoch-looking values (10+ integer digits, `-t a`) are always absolute.
   * @default 'zero'
   */
  shortTimestamps?: 'zero' | 'delta';
  /**
   * Minutes east of UTC of the clock that wrote `-t A` timestamps (`(2015-07-10 08:17:33.650713)`, local
   * time of the capturing machine). @default 0
   */
  utcOffsetMinutes?: number;
  /** A line longer than this is rejected unread (binary input has few newlines). @default 4096 */
  maxLineBytes?: number;
}

// Character codes used by the scanner.
const TAB = 9;
const LF = 10;
const CR = 13;
const SPACE = 32;
const HASH = 35; // '#'
const QUOTE = 39; // "'"
const LPAREN = 40;
const RPAREN = 41;
const DASH = 45;
const DOT = 46;
const COLON = 58;
const LBRACKET = 91;
const RBRACKET = 93;
const UNDERSCORE = 95;
const ZERO = 48;

/** linux/can.h: error frame flag in can_id, and the masks candump applies before printing. */
const CAN_ERR_FLAG = 0x20000000;
const CAN_SFF_MASK = 0x7ff;

const POW10 = [1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9];
const VALID_FD_LENGTH = new Uint8Array(65);
for (const n of [0, 1, 2, 3, 4, 5, 6, 7, 8, 12, 16, 20, 24, 32, 48, 64]) VALID_FD_LENGTH[n] = 1;

const EMPTY = new Uint8Array(0);

/** Why a line was rejected; `message` reads as a sentence. */
class LineError {
  constructor(
    readonly reason: string,
    readonly message: string,
  ) {}
}

const truncated = new LineError('truncated', 'line ends before the frame is complete');
const timeOutOfRange = new LineError('time_out_of_range', TIME_OUT_OF_RANGE);

/**
 * Synchronous candump text parser, the hot path of CAN ingest. Reads bytes, not strings: lines are found
 * with `indexOf(LF)` and fields are scanned by character code, with no regex and no substring per line.
 *
 * Formats (can-utils `candump`, lib.c `sprint_canframe` / `sprint_long_canframe`):
 * - log (`-l`, `-L`): `(1533226488.230547) can0 260#08FFFB0000001884 [T|R]`; `123##<flags><data>` CAN FD,
 *   `123#R[dlc]` remote, `123#<8 bytes>_<dlc>` classic with DLC 9..15, 8 hex digits for extended ids,
 *   CAN_ERR_FLAG (0x20000000) in the id for error frames;
 * - console: `[(<time>)]  can0  [RX|TX <B|-> <E|->]  123   [8]  11 22 ..` with `[NN]` for CAN FD,
 *   `remote request`, an ASCII column (`-a`) and `ERRORFRAME` text (`-e`, continuation lines start with a tab).
 *
 * Frames' `data` are views into data slabs owned by the batch they arrive in (`ArrayBuffer`s of
 * 8 bytes × batch size, shared by the frames of that batch only; one per-frame view is cheaper than one
 * per-frame array). The parser never writes to a byte it has handed out, but a consumer that keeps one
 * frame keeps its slab alive: copy `data` if you hold a few frames for long.
 * Error frames get id 0 (the `CanFrame` contract); the error class bits are dropped, the data is kept.
 */
export class CandumpParser {
  private readonly tally: RejectTally;
  private readonly batchSize: number;
  private readonly maxLineBytes: number;
  private readonly delta: boolean;
  private readonly utcOffsetNs: bigint;
  /** Data slab size: room for a batch of classic frames; CAN FD payloads spill into further slabs. */
  private readonly slabBytes: number;

  private records: CanFrame[] = [];
  private readonly ready: Batch<CanFrame>[] = [];
  private slab: ArrayBuffer;
  private slabUsed = 0;

  /** Bytes of an unfinished line from the previous chunk. */
  private carry: Uint8Array = EMPTY;
  /** Inside a line longer than `maxLineBytes`: drop bytes until its end. */
  private skippingLong = false;
  /** 1-based number of the line being read, and the byte offset where it starts. */
  private lineNo = 1;
  private lineOffset = 0;
  /** Offset in the stream of the current chunk's first byte. */
  private chunkOffset = 0;
  private afterErrorFrame = false;
  private lastShortNs = 0n;

  /** Bus names seen: reusing the same string keeps per-frame work to a byte compare. */
  private readonly busBytes: Uint8Array[] = [];
  private readonly busNames: string[] = [];

  // Per-line scratch, written by the field scanners.
  private pos = 0;
  private t = 0n;
  /** The frame being parsed has a time int64 nanoseconds cannot hold (it becomes a reject if it parses). */
  private timeOutOfRange = false;

  constructor(options: CandumpOptions) {
    this.tally = new RejectTally(options.uri, options);
    this.batchSize = options.batchSize ?? 2048;
    this.slabBytes = Math.max(1024, this.batchSize * 8);
    this.slab = new ArrayBuffer(this.slabBytes);
    this.maxLineBytes = options.maxLineBytes ?? 4096;
    this.delta = options.shortTimestamps === 'delta';
    this.utcOffsetNs = BigInt(options.utcOffsetMinutes ?? 0) * 60_000_000_000n;
  }

  /** Parses a chunk; returns the batches that became full (often none). */
  push(chunk: Uint8Array): Batch<CanFrame>[] {
    let start = 0;
    if (this.carry.length > 0 || this.skippingLong) {
      const nl = chunk.indexOf(LF);
      if (nl < 0) {
        this.extendCarry(chunk, 0, chunk.length);
        this.chunkOffset += chunk.length;
        return this.drain();
      }
      if (this.skippingLong) {
        this.skippingLong = false;
        this.endLine(nl + 1);
      } else {
        const line = concat(this.carry, chunk, nl);
        this.carry = EMPTY;
        this.parseLine(line, 0, line.length);
        this.endLine(nl + 1);
      }
      start = nl + 1;
    }
    for (;;) {
      const nl = chunk.indexOf(LF, start);
      if (nl < 0) break;
      this.parseLine(chunk, start, nl);
      this.endLine(nl + 1);
      start = nl + 1;
    }
    this.extendCarry(chunk, start, chunk.length);
    this.chunkOffset += chunk.length;
    // Hand over rejects promptly even when no frame arrives (a binary file fed as candump).
    if (this.records.length === 0 && this.tally.hasPending) this.cutBatch();
    return this.drain();
  }

  /** Ends the input: parses a last line without newline; returns the remaining batches. */
  flush(): Batch<CanFrame>[] {
    if (this.carry.length > 0) {
      const line = this.carry;
      this.carry = EMPTY;
      this.parseLine(line, 0, line.length);
    }
    this.tally.finish();
    this.cutBatch();
    return this.drain();
  }

  private endLine(nextStartInChunk: number): void {
    this.lineNo += 1;
    this.lineOffset = this.chunkOffset + nextStartInChunk;
  }

  private extendCarry(chunk: Uint8Array, start: number, end: number): void {
    if (start >= end || this.skippingLong) return;
    if (this.carry.length + (end - start) > this.maxLineBytes) {
      const head = this.carry.length > 0 ? this.carry : chunk.subarray(start, end);
      this.reject(
        new LineError('line_too_long', `line longer than ${this.maxLineBytes} bytes`),
        head,
        0,
        head.length,
      );
      this.carry = EMPTY;
      this.skippingLong = true;
      return;
    }
    const next = new Uint8Array(this.carry.length + (end - start));
    next.set(this.carry, 0);
    next.set(chunk.subarray(start, end), this.carry.length);
    this.carry = next;
  }

  private drain(): Batch<CanFrame>[] {
    if (this.ready.length === 0) return [];
    return this.ready.splice(0, this.ready.length);
  }

  private cutBatch(): void {
    if (this.records.length === 0 && !this.tally.hasPending) return;
    this.ready.push({ records: this.records, rejects: this.tally.take() });
    this.records = [];
    // A new slab per batch, so a batch never shares data memory with the next one.
    if (this.slabUsed > 0) {
      this.slab = new ArrayBuffer(this.slabBytes);
      this.slabUsed = 0;
    }
  }

  private reject(error: LineError, buf: Uint8Array, start: number, end: number): void {
    // A little more than `printable` keeps: enough to mark the cut, without copying a 4 KiB line.
    this.tally.add(
      error.reason,
      `candump line ${this.lineNo}: ${error.message}`,
      { line: this.lineNo, offset: this.lineOffset },
      latin1(buf, start, Math.min(end, start + 256)),
    );
  }

  /** Parses one line without its LF; pushes a frame or a reject. */
  private parseLine(buf: Uint8Array, start: number, end: number): void {
    if (end - start > this.maxLineBytes) {
      this.reject(
        new LineError('line_too_long', `line longer than ${this.maxLineBytes} bytes`),
        buf,
        start,
        end,
      );
      return;
    }
    // Trim CR (CRLF files) and trailing blanks; candump's console form ends lines with a space.
    let e = end;
    while (e > start && (buf[e - 1] === CR || buf[e - 1] === SPACE || buf[e - 1] === TAB)) e--;
    if (e === start) return;
    if (buf[start] === TAB && this.afterErrorFrame) return; // `candump -e` error description lines
    let s = start;
    if (this.lineNo === 1 && buf[s] === 0xef && buf[s + 1] === 0xbb && buf[s + 2] === 0xbf) s += 3; // UTF-8 BOM
    while (s < e && (buf[s] === SPACE || buf[s] === TAB)) s++;
    if (s === e || buf[s] === HASH) return; // blank after the BOM, or a comment

    this.timeOutOfRange = false;
    let error = this.parseFrame(buf, s, e);
    if (error === undefined && this.timeOutOfRange) {
      // A well-formed frame whose time the lake cannot store: a reject, not a record.
      this.records.pop();
      error = timeOutOfRange;
    }
    if (error !== undefined) {
      this.afterErrorFrame = false;
      this.reject(error, buf, start, e);
    }
    if (this.records.length >= this.batchSize) this.cutBatch();
  }

  private parseFrame(buf: Uint8Array, s: number, e: number): LineError | undefined {
    let hasTime = false;
    this.pos = s;
    if (buf[s] === LPAREN) {
      const error = this.parseTimestamp(buf, e);
      if (error !== undefined) return error;
      hasTime = true;
      if (this.pos >= e) return truncated;
      if (buf[this.pos] !== SPACE && buf[this.pos] !== TAB) {
        return new LineError('bad_timestamp', 'timestamp is not followed by a space');
      }
      this.pos = skipBlanks(buf, this.pos, e);
    } else {
      this.t = 0n;
    }

    // Interface name.
    const busStart = this.pos;
    let p = busStart;
    while (p < e && buf[p] !== SPACE && buf[p] !== TAB) p++;
    const busEnd = p;
    if (p >= e) return hasTime ? truncated : unknownLine();
    p = skipBlanks(buf, p, e);

    // Next token: a log frame `id#data` or, on the console, the id or the `-x` RX/TX column.
    const tokenStart = p;
    let hashAt = -1;
    while (p < e && buf[p] !== SPACE && buf[p] !== TAB) {
      if (buf[p] === HASH && hashAt < 0) hashAt = p;
      p++;
    }
    const tokenEnd = p;
    if (hashAt >= 0) {
      if (!hasTime) return new LineError('unknown_line', 'log frame without a (timestamp)');
      const bus = this.busName(buf, busStart, busEnd);
      return this.parseLogFrame(buf, tokenStart, hashAt, tokenEnd, e, bus);
    }
    const bus = this.busName(buf, busStart, busEnd);
    return this.parseConsoleFrame(buf, tokenStart, tokenEnd, e, bus, hasTime);
  }

  /**
   * `(seconds.fraction)` at `this.pos`, into `this.t`, exactly: whole seconds and nanoseconds are read as
   * doubles (exact below 2^53) and joined by `nsFromParts` with one bigint allocation.
   */
  private parseTimestamp(buf: Uint8Array, e: number): LineError | undefined {
    let p = this.pos + 1;
    const intStart = p;
    let whole = 0;
    for (let d = 0; p < e && (d = (buf[p] ?? 0) - ZERO) >= 0 && d <= 9; p++) whole = whole * 10 + d;
    const intDigits = p - intStart;
    if (p < e && buf[p] === DASH && intDigits === 4) return this.parseDateTimestamp(buf, intStart, e);
    if (intDigits === 0) {
      return p >= e ? truncated : new LineError('bad_timestamp', 'timestamp has no digits');
    }
    let frac = 0;
    let fracDigits = 0;
    if (p < e && buf[p] === DOT) {
      p++;
      const fracStart = p;
      for (let d = 0; p < e && (d = (buf[p] ?? 0) - ZERO) >= 0 && d <= 9; p++) {
        // Digits past nanoseconds are dropped (truncation, like core/time parseDecimalSecondsNs).
        if (p - fracStart < 9) frac = frac * 10 + d;
      }
      fracDigits = Math.min(p - fracStart, 9);
    }
    if (p >= e) return truncated;
    if (buf[p] !== RPAREN) return new LineError('bad_timestamp', 'timestamp is not `(seconds.fraction)`');
    let t: bigint;
    if (intDigits <= 15) {
      t = nsFromParts(whole, frac * (POW10[9 - fracDigits] ?? 1));
    } else if (intDigits <= 20) {
      t =
        BigInt(latin1(buf, intStart, intStart + intDigits)) * 1_000_000_000n +
        BigInt(frac * (POW10[9 - fracDigits] ?? 1));
    } else {
      return new LineError('bad_timestamp', 'timestamp has too many digits');
    }
    // `-t z` / `-t d` print 3-digit seconds; `-t a` and the log format print 10 (epoch seconds).
    if (intDigits < 10 && this.delta) {
      this.lastShortNs += t;
      t = this.lastShortNs;
    }
    if (!isStorableNs(t)) this.timeOutOfRange = true;
    this.t = t;
    this.pos = p + 1;
    return undefined;
  }

  /** `-t A`: `(YYYY-MM-DD HH:MM:SS.ffffff)`, local time of the capturing machine. */
  private parseDateTimestamp(buf: Uint8Array, p: number, e: number): LineError | undefined {
    // Fixed layout; read fields by position.
    const close = buf.indexOf(RPAREN, p);
    if (close < 0 || close > e) return truncated;
    const text = latin1(buf, p, close);
    const fields = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?$/.exec(text);
    if (!fields) return new LineError('bad_timestamp', 'timestamp is not `(YYYY-MM-DD HH:MM:SS.ffffff)`');
    const [, y, mo, d, h, mi, sec, fraction = ''] = fields;
    const days = daysFromCivil(Number(y), Number(mo), Number(d));
    const seconds = days * 86400 + Number(h) * 3600 + Number(mi) * 60 + Number(sec);
    const t = BigInt(seconds) * 1_000_000_000n + BigInt(fraction.padEnd(9, '0')) - this.utcOffsetNs;
    if (!isStorableNs(t)) this.timeOutOfRange = true;
    this.t = t;
    this.pos = close + 1;
    return undefined;
  }

  /** `id#data`, `id##<flags>data`, `id#R[dlc]`, `id#<8 bytes>_<dlc>`; then an optional ` T` / ` R`. */
  private parseLogFrame(
    buf: Uint8Array,
    idStart: number,
    hashAt: number,
    tokenEnd: number,
    e: number,
    bus: string,
  ): LineError | undefined {
    const idDigits = hashAt - idStart;
    if (idDigits !== 3 && idDigits !== 8) {
      return new LineError('bad_id', `CAN id must have 3 or 8 hex digits, not ${idDigits}`);
    }
    let rawId = 0;
    for (let i = idStart; i < hashAt; i++) {
      const v = HEX_VALUE[buf[i] ?? 0] ?? -1;
      if (v < 0) return new LineError('non_hex', 'CAN id is not hexadecimal');
      rawId = rawId * 16 + v;
    }
    const extended = idDigits === 8;
    const error = extended && (rawId & CAN_ERR_FLAG) !== 0;
    if (extended ? rawId > 0x3fffffff : rawId > CAN_SFF_MASK) {
      return new LineError('bad_id', `CAN id 0x${rawId.toString(16)} is out of range`);
    }

    let p = hashAt + 1;
    let fd = false;
    let brs = false;
    let esi = false;
    if (p < tokenEnd && buf[p] === HASH) {
      // CAN FD: `##` then one hex digit of flags (CANFD_BRS 0x01, CANFD_ESI 0x02).
      fd = true;
      p++;
      if (p >= tokenEnd) return truncated;
      const flags = HEX_VALUE[buf[p] ?? 0] ?? -1;
      if (flags < 0) return new LineError('non_hex', 'CAN FD flags digit is not hexadecimal');
      brs = (flags & 1) !== 0;
      esi = (flags & 2) !== 0;
      p++;
    } else if (p < tokenEnd && ((buf[p] ?? 0) | 0x20) === 0x72) {
      // Remote request `R` with an optional DLC digit (can-utils ≥ 2020 prints `R<dlc>` when dlc > 0).
      p++;
      let dlc = 0;
      if (p < tokenEnd) {
        dlc = HEX_VALUE[buf[p] ?? 0] ?? -1;
        if (dlc < 0 || dlc > 15 || p + 1 !== tokenEnd) {
          return new LineError('bad_dlc', 'remote frame DLC is not one hex digit');
        }
      }
      const direction = trailingDirection(buf, tokenEnd, e);
      if (direction === null) return new LineError('trailing_text', 'unexpected text after the frame');
      this.emit(bus, rawId, extended, dlc, EMPTY, false, false, false, error, true, direction);
      return undefined;
    }

    // Payload; a classic frame may end in `_<dlc>` (len8_dlc: DLC 9..15 with 8 data bytes).
    let dataEnd = tokenEnd;
    let dlcOverride = -1;
    if (!fd && tokenEnd - p === 18 && buf[tokenEnd - 2] === UNDERSCORE) {
      dlcOverride = HEX_VALUE[buf[tokenEnd - 1] ?? 0] ?? -1;
      if (dlcOverride < 9) return new LineError('bad_dlc', 'len8_dlc suffix must be 9..F');
      dataEnd = tokenEnd - 2;
    }
    const nibbles = dataEnd - p;
    if ((nibbles & 1) !== 0) {
      return payloadError(
        buf,
        hashAt,
        tokenEnd,
        new LineError('odd_nibbles', `payload has an odd number (${nibbles}) of hex digits`),
      );
    }
    const length = nibbles >> 1;
    if (length > (fd ? 64 : 8)) {
      return new LineError('too_long', `${length} data bytes in a ${fd ? 'CAN FD' : 'classic CAN'} frame`);
    }
    if (fd && VALID_FD_LENGTH[length] !== 1) {
      return new LineError('bad_length', `${length} is not a CAN FD payload length`);
    }
    const data = this.alloc(length);
    for (let i = 0; i < length; i++) {
      const hi = HEX_VALUE[buf[p] ?? 0] ?? -1;
      const lo = HEX_VALUE[buf[p + 1] ?? 0] ?? -1;
      if ((hi | lo) < 0) {
        return payloadError(buf, hashAt, tokenEnd, new LineError('non_hex', 'payload is not hexadecimal'));
      }
      data[i] = (hi << 4) | lo;
      p += 2;
    }
    const direction = trailingDirection(buf, tokenEnd, e);
    if (direction === null) return new LineError('trailing_text', 'unexpected text after the frame');
    const dlc = dlcOverride >= 0 ? dlcOverride : fd ? lengthToDlc(length) : length;
    this.emit(bus, rawId, extended, dlc, data, fd, brs, esi, error, false, direction);
    return undefined;
  }

  /** ` [RX|TX B|- E|-]  123   [8]  11 22 33` or `[08]` (CAN FD) or `[3]  remote request`. */
  private parseConsoleFrame(
    buf: Uint8Array,
    tokenStart: number,
    tokenEnd: number,
    e: number,
    bus: string,
    hasTime: boolean,
  ): LineError | undefined {
    let direction: 'rx' | 'tx' | undefined;
    let brs = false;
    let esi = false;
    let idStart = tokenStart;
    let idEnd = tokenEnd;
    if (tokenEnd - tokenStart === 2 && (isWord(buf, tokenStart, 'RX') || isWord(buf, tokenStart, 'TX'))) {
      // `candump -x`: direction, then the CAN FD BRS and ESI columns (`B`/`-`, `E`/`-`).
      direction = buf[tokenStart] === 0x52 ? 'rx' : 'tx';
      let p = skipBlanks(buf, tokenEnd, e);
      if (p + 3 > e) return truncated;
      brs = buf[p] === 0x42;
      esi = buf[p + 2] === 0x45;
      p = skipBlanks(buf, p + 3, e);
      idStart = p;
      while (p < e && buf[p] !== SPACE && buf[p] !== TAB) p++;
      idEnd = p;
    }
    let p = skipBlanks(buf, idEnd, e);
    if (p >= e || buf[p] !== LBRACKET) {
      // Not `id [len]`: a stray line, or a log line cut before its frame.
      return hasTime && p >= e && idEnd === e ? truncated : unknownLine();
    }
    const idDigits = idEnd - idStart;
    if (idDigits !== 3 && idDigits !== 8) {
      return new LineError('bad_id', `CAN id must have 3 or 8 hex digits, not ${idDigits}`);
    }
    let rawId = 0;
    for (let i = idStart; i < idEnd; i++) {
      const v = HEX_VALUE[buf[i] ?? 0] ?? -1;
      if (v < 0) return new LineError('non_hex', 'CAN id is not hexadecimal');
      rawId = rawId * 16 + v;
    }
    const extended = idDigits === 8;
    const error = extended && (rawId & CAN_ERR_FLAG) !== 0;
    if (extended ? rawId > 0x3fffffff : rawId > CAN_SFF_MASK) {
      return new LineError('bad_id', `CAN id 0x${rawId.toString(16)} is out of range`);
    }

    // `[8]` classic, `[08]` / `[64]` CAN FD (two digits, sprint_long_canframe).
    p++;
    const lenStart = p;
    let length = 0;
    for (let d = 0; p < e && (d = (buf[p] ?? 0) - ZERO) >= 0 && d <= 9; p++) length = length * 10 + d;
    if (p >= e) return truncated;
    if (buf[p] !== RBRACKET || p === lenStart || p - lenStart > 2) {
      return new LineError('bad_length', 'length is not `[n]` or `[nn]`');
    }
    const fd = p - lenStart === 2;
    if (length > (fd ? 64 : 8)) {
      return new LineError(
        'too_long',
        `[${length}] is too long for a ${fd ? 'CAN FD' : 'classic CAN'} frame`,
      );
    }
    if (fd && VALID_FD_LENGTH[length] !== 1) {
      return new LineError('bad_length', `${length} is not a CAN FD payload length`);
    }
    p = skipBlanks(buf, p + 1, e);

    if (!fd && p < e && isWord(buf, p, 'remote request')) {
      this.emit(bus, rawId, extended, length, EMPTY, false, false, false, error, true, direction);
      return undefined;
    }
    const data = this.alloc(length);
    for (let i = 0; i < length; i++) {
      if (p >= e) return truncated;
      const hi = HEX_VALUE[buf[p] ?? 0] ?? -1;
      const lo = p + 1 < e ? (HEX_VALUE[buf[p + 1] ?? 0] ?? -1) : -1;
      if ((hi | lo) < 0 || (p + 2 < e && buf[p + 2] !== SPACE && buf[p + 2] !== TAB)) {
        return new LineError('non_hex', `data byte ${i + 1} is not two hex digits`);
      }
      data[i] = (hi << 4) | lo;
      p = skipBlanks(buf, p + 2, e);
    }
    // What may follow: the `-a` ASCII column `'..'` or `-e` `ERRORFRAME` text.
    if (p < e && buf[p] !== QUOTE && !(error && isWord(buf, p, 'ERRORFRAME'))) {
      return HEX_VALUE[buf[p] ?? 0] !== -1
        ? new LineError('dlc_mismatch', `more data bytes than [${length}]`)
        : new LineError('trailing_text', 'unexpected text after the frame');
    }
    const dlc = fd ? lengthToDlc(length) : length;
    this.emit(bus, rawId, extended, dlc, data, fd, brs, esi, error, false, direction);
    return undefined;
  }

  private emit(
    bus: string,
    rawId: number,
    extended: boolean,
    dlc: number,
    data: Uint8Array,
    fd: boolean,
    brs: boolean,
    esi: boolean,
    error: boolean,
    remote: boolean,
    direction: 'rx' | 'tx' | undefined,
  ): void {
    this.afterErrorFrame = error;
    // Same property order for every frame: one hidden class, monomorphic consumers.
    this.records.push({
      t: this.t,
      bus,
      id: error ? 0 : rawId & 0x1fffffff,
      extended: error ? false : extended,
      dlc,
      data,
      fd,
      brs,
      esi,
      error,
      remote,
      direction,
    });
  }

  private alloc(length: number): Uint8Array {
    if (length === 0) return EMPTY;
    if (this.slabUsed + length > this.slabBytes) {
      this.slab = new ArrayBuffer(this.slabBytes);
      this.slabUsed = 0;
    }
    const view = new Uint8Array(this.slab, this.slabUsed, length);
    this.slabUsed += length;
    return view;
  }

  private busName(buf: Uint8Array, start: number, end: number): string {
    const length = end - start;
    const known = this.busBytes;
    search: for (let k = 0; k < known.length; k++) {
      const name = known[k];
      if (name === undefined || name.length !== length) continue;
      for (let i = 0; i < length; i++) if (name[i] !== buf[start + i]) continue search;
      return this.busNames[k] ?? '';
    }
    const name = latin1(buf, start, end);
    if (known.length < 64) {
      known.push(buf.slice(start, end));
      this.busNames.push(name);
    }
    return name;
  }
}

function skipBlanks(buf: Uint8Array, p: number, e: number): number {
  while (p < e && (buf[p] === SPACE || buf[p] === TAB)) p++;
  return p;
}

function isWord(buf: Uint8Array, p: number, word: string): boolean {
  if (p + word.length > buf.length) return false;
  for (let i = 0; i < word.length; i++) if (buf[p + i] !== word.charCodeAt(i)) return false;
  return true;
}

/** After a log frame: nothing, or ` T` / ` R` (candump -L direction, python-can); null for anything else. */
function trailingDirection(buf: Uint8Array, tokenEnd: number, e: number): 'rx' | 'tx' | undefined | null {
  if (tokenEnd >= e) return undefined;
  const p = skipBlanks(buf, tokenEnd, e);
  if (p + 1 !== e) return null;
  const c = buf[p] ?? 0;
  if (c === 0x52 || c === 0x72) return 'rx';
  if (c === 0x54 || c === 0x74) return 'tx';
  return null;
}

function unknownLine(): LineError {
  return new LineError('unknown_line', 'not a candump frame line');
}

/** Names a bad payload; CAN XL log frames (`123#80:00:00000000#...`, can-utils 2023) get their own reason. */
function payloadError(buf: Uint8Array, start: number, end: number, otherwise: LineError): LineError {
  for (let i = start; i < end; i++) {
    if (buf[i] === COLON) return new LineError('unsupported', 'CAN XL frames are not supported');
  }
  return otherwise;
}

function concat(head: Uint8Array, chunk: Uint8Array, end: number): Uint8Array {
  const out = new Uint8Array(head.length + end);
  out.set(head, 0);
  out.set(chunk.subarray(0, end), head.length);
  return out;
}
