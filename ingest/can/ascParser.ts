import type { Batch } from '../../core/reject.js';
import { isStorableNs, TIME_OUT_OF_RANGE } from '../../core/time.js';
import { RejectTally } from '../../core/rejectTally.js';
import type { RejectLimits } from '../../core/rejectTally.js';
import type { CanFrame } from './frame.js';
import { FD_DLC_TO_LENGTH } from './frame.js';
import { HEX_VALUE, parseUnsignedAt } from './hexValue.js';
import { nsFromParts } from './nsFromParts.js';
import { parseAscDate } from './parseAscDate.js';

/** Options of `readAsc` / `AscParser`. */
export interface AscOptions extends RejectLimits {
  /** Names the input in rejects. */
  uri: string;
  /** Frames per yielded batch. @default 2048 */
  batchSize?: number;
  /** Minutes east of UTC of the PC that wrote the log (ASC dates carry no zone). @default 0 */
  utcOffsetMinutes?: number;
}

/**
 * A batch of ASC frames. `measurementStart` is the wall-clock time the log's timestamps count from (the
 * `date` header, or the latest `Begin Triggerblock <date>`), so `t - measurementStart` is the timestamp as
 * written in the file. It is 0n when the log has no usable date: then `t` is that relative time itself.
 * All frames of one batch share one `measurementStart`.
 */
export interface AscBatch extends Batch<CanFrame> {
  measurementStart: bigint;
}

class LineError {
  constructor(
    readonly reason: string,
    readonly message: string,
  ) {}
}

const POW10 = [1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9];
const EMPTY = new Uint8Array(0);

/**
 * Whitespace tokenizer over one line: `start`/`end` delimit the current token. No substrings are made
 * unless a caller asks for one.
 */
class Tokens {
  text = '';
  pos = 0;
  start = 0;
  end = 0;

  reset(text: string): void {
    this.text = text;
    this.pos = 0;
    this.start = 0;
    this.end = 0;
  }

  next(): boolean {
    const text = this.text;
    let p = this.pos;
    while (p < text.length && isBlank(text.charCodeAt(p))) p++;
    if (p >= text.length) {
      this.start = this.end = this.pos = p;
      return false;
    }
    this.start = p;
    while (p < text.length && !isBlank(text.charCodeAt(p))) p++;
    this.end = this.pos = p;
    return true;
  }

  get length(): number {
    return this.end - this.start;
  }

  /** Case-insensitive comparison of the current token with a lower-case word. */
  is(word: string): boolean {
    if (this.end - this.start !== word.length) return false;
    for (let i = 0; i < word.length; i++) {
      if ((this.text.charCodeAt(this.start + i) | 0x20) !== word.charCodeAt(i)) return false;
    }
    return true;
  }

  startsWith(word: string): boolean {
    return this.text.startsWith(word, this.start);
  }

  /** The rest of the line after the current token. */
  rest(): string {
    return this.text.slice(this.end);
  }
}

function isBlank(code: number): boolean {
  return code === 32 || code === 9;
}

/**
 * Vector ASC (CANoe/CANalyzer ASCII log) parser, line by line. Follows python-can's `ASCReader` where the
 * format is ambiguous and differs on purpose where python-can loses information:
 * - the `date` header (and `Begin Triggerblock <date>`) is applied, so `t` is absolute; see `AscBatch`;
 * - `base hex|dec` sets the radix of ids, DLCs and data; `timestamps relative` means each timestamp is the
 *   delta to the previous event (Vector's definition), so they are summed;
 * - `TxRq` lines (transmit requests, followed by the real `Tx` line) are skipped, not read as frames;
 * - a `CANFD` line with data length 0 and DLC > 0 is a remote frame, and is marked `fd: false` because
 *   CAN FD has no remote frames (ISO 11898-1:2015 §10.4.2.3, RRS bit);
 * - DLC/data mismatches are rejected (`dlc_mismatch`), not guessed.
 * Non-frame events (chip status, `Statistic:`, J1939TP, system variables, `Start of measurement`) are
 * skipped silently; a line that is neither a header, a comment nor a timestamped event is `unknown_line`.
 * `data` arrays are fresh per frame.
 */
export class AscParser {
  private readonly tally: RejectTally;
  private readonly batchSize: number;
  private readonly utcOffsetMinutes: number;
  private readonly tokens = new Tokens();

  private radix: 16 | 10 = 16;
  private relativeTimestamps = false;
  private start = 0n;
  private lastNs = 0n;
  private lineNo = 0;
  private records: CanFrame[] = [];
  private readonly ready: AscBatch[] = [];

  constructor(options: AscOptions) {
    this.tally = new RejectTally(options.uri, options);
    this.batchSize = options.batchSize ?? 2048;
    this.utcOffsetMinutes = options.utcOffsetMinutes ?? 0;
  }

  /** Parses one line (without its end-of-line). Full batches wait in `drain()`. */
  push(line: string, lineNo: number): void {
    this.lineNo = lineNo;
    // A UTF-8 byte order mark, decoded as Latin-1.
    const text = lineNo === 1 && line.startsWith('\u00ef\u00bb\u00bf') ? line.slice(3) : line;
    const error = this.parseLine(text);
    if (error !== undefined) {
      this.tally.add(error.reason, `asc line ${lineNo}: ${error.message}`, { line: lineNo }, text);
    }
    if (this.records.length >= this.batchSize) this.cut();
  }

  /** Ends the input; returns the remaining batches. */
  flush(): AscBatch[] {
    this.tally.finish();
    this.cut();
    return this.drain();
  }

  /** True when full batches are waiting. */
  get hasReady(): boolean {
    return this.ready.length > 0;
  }

  /** Takes the batches that are ready. */
  drain(): AscBatch[] {
    return this.ready.splice(0, this.ready.length);
  }

  private cut(): void {
    if (this.records.length === 0 && !this.tally.hasPending) return;
    this.ready.push({ records: this.records, rejects: this.tally.take(), measurementStart: this.start });
    this.records = [];
  }

  private setStart(start: bigint): void {
    if (start === this.start) return;
    // One start per batch, so t - measurementStart stays the file's own timestamp.
    if (this.records.length > 0) this.cut();
    this.start = start;
    this.lastNs = 0n;
  }

  private parseLine(text: string): LineError | undefined {
    const tk = this.tokens;
    tk.reset(text);
    if (!tk.next()) return undefined;
    if (tk.startsWith('//')) return undefined;
    const first = tk.text.charCodeAt(tk.start);
    if (first >= 48 && first <= 57) return this.parseEvent();
    return this.parseHeader();
  }

  /** `date ...`, `base hex|dec timestamps absolute|relative`, `[no] internal events logged`, trigger blocks. */
  private parseHeader(): LineError | undefined {
    const tk = this.tokens;
    if (tk.is('date')) {
      const start = parseAscDate(tk.rest(), this.utcOffsetMinutes);
      if (start === undefined) {
        return new LineError(
          'bad_date',
          'date header is not `date <weekday> <month> <day> <hh:mm:ss[.ms]> [am|pm] <year>`',
        );
      }
      this.setStart(start);
      return undefined;
    }
    if (tk.is('base')) {
      if (!tk.next() || !(tk.is('hex') || tk.is('dec'))) {
        return new LineError('bad_header', 'base is not hex or dec');
      }
      this.radix = tk.is('hex') ? 16 : 10;
      if (tk.next() && tk.is('timestamps') && tk.next()) this.relativeTimestamps = tk.is('relative');
      return undefined;
    }
    if (tk.is('internal') || tk.is('no')) return undefined; // `[no] internal events logged`
    if (tk.is('begin') || tk.is('end')) {
      const begin = tk.is('begin');
      if (!tk.next() || !tk.is('triggerblock')) {
        return new LineError('unknown_line', 'not an ASC header, comment or event');
      }
      // Like python-can, a trigger block's own date restarts the clock its timestamps count from.
      const date = tk.rest().trim();
      if (begin && date !== '') {
        const start = parseAscDate(date, this.utcOffsetMinutes);
        if (start === undefined) return new LineError('bad_date', 'Begin Triggerblock date is not readable');
        this.setStart(start);
      }
      return undefined;
    }
    return new LineError('unknown_line', 'not an ASC header, comment or event');
  }

  /** A line that starts with a timestamp: a frame, an error frame, or another event (skipped). */
  private parseEvent(): LineError | undefined {
    const tk = this.tokens;
    const rel = this.parseSeconds(tk.text, tk.start, tk.end);
    if (rel === undefined) return new LineError('bad_timestamp', 'timestamp is not `seconds.fraction`');
    let ns: bigint;
    if (this.relativeTimestamps) {
      this.lastNs += rel;
      ns = this.lastNs;
    } else {
      ns = rel;
    }
    const t = this.start + ns;
    if (!isStorableNs(t)) return new LineError('time_out_of_range', TIME_OUT_OF_RANGE);
    if (!tk.next()) return undefined;
    if (tk.is('canfd')) return this.parseFdFrame(t);
    if (parseUnsignedAt(tk.text, tk.start, tk.end, 10) < 0) return undefined; // `CAN 1 Status:`, `Start of measurement`, `SV:` ...
    const bus = this.bus(tk.start, tk.end);
    if (!tk.next()) return undefined;
    if (tk.length >= 10 && tk.text.slice(tk.start, tk.start + 10).toLowerCase() === 'errorframe') {
      this.emit(t, bus, 0, false, 0, EMPTY, false, false, false, true, false, undefined);
      return undefined;
    }
    const idStart = tk.start;
    const idEnd = tk.end;
    if (!tk.next()) return undefined;
    const direction = this.direction();
    if (direction === undefined) return undefined; // `Statistic:`, `J1939TP ...`: not a CAN frame
    if (direction === 'request') return undefined;
    const id = this.parseId(idStart, idEnd);
    if (id instanceof LineError) return id;
    if (!tk.next()) return truncated();
    if (tk.is('r')) return this.parseRemote(t, bus, id, direction);
    if (!tk.is('d')) return new LineError('bad_frame', 'frame type is not `d` (data) or `r` (remote)');
    if (!tk.next()) return truncated();
    const dlc = parseUnsignedAt(tk.text, tk.start, tk.end, this.radix);
    if (dlc < 0 || dlc > 15) return new LineError('bad_dlc', 'DLC is not 0..15');
    // Classic CAN: DLC 9..15 still carries 8 bytes (ISO 11898-1 §8.4.2.4).
    const length = Math.min(8, dlc);
    const data = new Uint8Array(length);
    const error = this.readBytes(data, `DLC ${dlc}`);
    if (error !== undefined) return error;
    this.emit(t, bus, id.id, id.extended, dlc, data, false, false, false, false, false, direction);
    return undefined;
  }

  /** `r [dlc]`: python-can reads a following digit as the DLC; `Length = ..` may follow instead. */
  private parseRemote(t: bigint, bus: string, id: ParsedId, direction: 'rx' | 'tx'): LineError | undefined {
    const tk = this.tokens;
    let dlc = 0;
    if (tk.next()) {
      const value = parseUnsignedAt(tk.text, tk.start, tk.end, this.radix);
      if (value >= 0 && value <= 15) dlc = value;
    }
    this.emit(t, bus, id.id, id.extended, dlc, EMPTY, false, false, false, false, true, direction);
    return undefined;
  }

  /**
   * `CANFD <ch> <dir> <id> [<name>] <brs> <esi> <dlc> <length> <data...> <duration> <bits> <flags> ...`
   * or `CANFD <ch> <dir> ErrorFrame ...`.
   */
  private parseFdFrame(t: bigint): LineError | undefined {
    const tk = this.tokens;
    if (!tk.next()) return truncated();
    if (parseUnsignedAt(tk.text, tk.start, tk.end, 10) < 0) {
      return new LineError('bad_frame', 'CANFD channel is not a number');
    }
    const bus = this.bus(tk.start, tk.end);
    if (!tk.next()) return truncated();
    const direction = this.direction();
    if (direction === undefined) return new LineError('bad_frame', 'CANFD direction is not Rx or Tx');
    if (direction === 'request') return undefined;
    if (!tk.next()) return truncated();
    if (tk.length >= 10 && tk.text.slice(tk.start, tk.start + 10).toLowerCase() === 'errorframe') {
      this.emit(t, bus, 0, false, 0, EMPTY, true, false, false, true, false, direction);
      return undefined;
    }
    const id = this.parseId(tk.start, tk.end);
    if (id instanceof LineError) return id;
    if (!tk.next()) return truncated();
    // A symbolic message name column is present when this token is not a number (names cannot be).
    if (parseUnsignedAt(tk.text, tk.start, tk.end, 10) < 0 && !tk.next()) return truncated();
    const brs = this.flag();
    if (brs === undefined) return new LineError('bad_frame', 'BRS is not 0 or 1');
    if (!tk.next()) return truncated();
    const esi = this.flag();
    if (esi === undefined) return new LineError('bad_frame', 'ESI is not 0 or 1');
    if (!tk.next()) return truncated();
    const dlc = parseUnsignedAt(tk.text, tk.start, tk.end, this.radix);
    if (dlc < 0 || dlc > 15) return new LineError('bad_dlc', 'DLC is not 0..15');
    if (!tk.next()) return truncated();
    const length = parseUnsignedAt(tk.text, tk.start, tk.end, 10);
    if (length < 0 || length > 64) return new LineError('bad_length', 'data length is not 0..64');
    const remote = length === 0 && dlc > 0;
    // A classic frame logged as CANFD may carry DLC 9..15 with 8 bytes; a CAN FD frame cannot.
    const classic = dlc > 8 && length === 8;
    const expected = FD_DLC_TO_LENGTH[dlc] ?? 0;
    if (!remote && length !== expected && !classic) {
      return new LineError('dlc_mismatch', `DLC ${dlc} means ${expected} bytes, the line says ${length}`);
    }
    const data = length === 0 ? EMPTY : new Uint8Array(length);
    const error = this.readBytes(data, `data length ${length}`, false);
    if (error !== undefined) return error;
    this.emit(t, bus, id.id, id.extended, dlc, data, !remote && !classic, brs, esi, false, remote, direction);
    return undefined;
  }

  /**
   * Reads `data.length` byte tokens in the file's radix. When `strict`, a further byte-like token is a
   * DLC/data mismatch (classic lines end with `Length = ..` words, never with more bytes); CANFD lines are
   * followed by numeric fields, so there the stated length alone decides.
   */
  private readBytes(data: Uint8Array, what: string, strict = true): LineError | undefined {
    const tk = this.tokens;
    for (let i = 0; i < data.length; i++) {
      if (!tk.next()) return truncated();
      const value = this.byteAt(tk.start, tk.end);
      if (value < 0) {
        return isWordStart(tk.text.charCodeAt(tk.start)) && tk.length > 2
          ? new LineError('dlc_mismatch', `${what} announces ${data.length} data bytes, the line has ${i}`)
          : new LineError(
              'non_hex',
              `data byte ${i + 1} is not a ${this.radix === 16 ? 'hex' : 'decimal'} byte`,
            );
      }
      data[i] = value;
    }
    if (
      strict &&
      tk.next() &&
      this.byteAt(tk.start, tk.end) >= 0 &&
      tk.length <= (this.radix === 16 ? 2 : 3)
    ) {
      return new LineError('dlc_mismatch', `${what} announces ${data.length} data bytes, the line has more`);
    }
    return undefined;
  }

  private byteAt(start: number, end: number): number {
    const text = this.tokens.text;
    if (this.radix === 16) {
      if (end - start > 2) return -1;
      const hi = HEX_VALUE[text.charCodeAt(start) & 0xff] ?? -1;
      if (end - start === 1) return text.charCodeAt(start) < 256 ? hi : -1;
      const lo = HEX_VALUE[text.charCodeAt(start + 1) & 0xff] ?? -1;
      return (hi | lo) < 0 || text.charCodeAt(start) > 255 || text.charCodeAt(start + 1) > 255
        ? -1
        : (hi << 4) | lo;
    }
    const value = end - start <= 3 ? parseUnsignedAt(text, start, end, 10) : -1;
    return value > 255 ? -1 : value;
  }

  /** `123`, `18EBFF00x` (x = extended), in the file's radix. */
  private parseId(start: number, end: number): ParsedId | LineError {
    const text = this.tokens.text;
    const extended = end > start && (text.charCodeAt(end - 1) | 0x20) === 0x78;
    const id = parseUnsignedAt(text, start, extended ? end - 1 : end, this.radix);
    if (id < 0) return new LineError('bad_id', 'CAN id is not a number');
    if (id > (extended ? 0x1fffffff : 0x7ff)) {
      return new LineError('bad_id', `CAN id ${id.toString(16)} is out of range`);
    }
    return { id, extended };
  }

  /** Rx / Tx / TxRq at the current token; undefined when it is none of them. */
  private direction(): 'rx' | 'tx' | 'request' | undefined {
    const tk = this.tokens;
    if (tk.is('rx')) return 'rx';
    if (tk.is('tx')) return 'tx';
    if (tk.is('txrq')) return 'request';
    return undefined;
  }

  private flag(): boolean | undefined {
    const tk = this.tokens;
    if (tk.length !== 1) return undefined;
    const code = tk.text.charCodeAt(tk.start);
    return code === 49 ? true : code === 48 ? false : undefined;
  }

  /** Decimal seconds `13.258199` to exact ns; undefined if malformed. */
  private parseSeconds(text: string, start: number, end: number): bigint | undefined {
    let p = start;
    let whole = 0;
    while (p < end) {
      const d = text.charCodeAt(p) - 48;
      if (d < 0 || d > 9) break;
      whole = whole * 10 + d;
      p++;
    }
    if (p === start || p - start > 15) return undefined;
    let frac = 0;
    let digits = 0;
    if (p < end && text.charCodeAt(p) === 46) {
      p++;
      while (p < end) {
        const d = text.charCodeAt(p) - 48;
        if (d < 0 || d > 9) return undefined;
        if (digits < 9) {
          frac = frac * 10 + d;
          digits++;
        }
        p++;
      }
    }
    if (p !== end) return undefined;
    return nsFromParts(whole, frac * (POW10[9 - digits] ?? 1));
  }

  private bus(start: number, end: number): string {
    return this.tokens.text.slice(start, end);
  }

  private emit(
    t: bigint,
    bus: string,
    id: number,
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
    this.records.push({ t, bus, id, extended, dlc, data, fd, brs, esi, error, remote, direction });
  }
}

interface ParsedId {
  id: number;
  extended: boolean;
}

function truncated(): LineError {
  return new LineError('truncated', 'line ends before the frame is complete');
}

function isWordStart(code: number): boolean {
  return (code | 0x20) >= 0x61 && (code | 0x20) <= 0x7a;
}
