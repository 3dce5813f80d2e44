import type { Batch } from '../../core/reject.js';
import { RejectTally, type RejectLimits } from '../../core/rejectTally.js';
import type { ByteStream } from '../../core/source.js';
import { ByteLineSplitter, type LineHandler } from './byteLineSplitter.js';
import { EpochAssembler, type EpochAssemblerOptions } from './epochAssembler.js';
import type { GpsFix } from './gpsFix.js';
import { latin1 } from '../../core/latin1.js';
import { parseSentence, type NmeaSentence, type SentenceError } from './parseSentence.js';

/** Counters of one `readNmea` run; final once the iteration has ended. */
export interface NmeaReadStats {
  /** Source lines, including comments and blank lines. */
  lines: number;
  /** Sentences with a valid checksum (used or not). */
  sentences: number;
  /** Valid sentences this reader does not use: proprietary `$P…`, GSV, TXT, AIS `!…` and the like. */
  ignored: number;
  fixes: number;
  /** Rejects per reason, including those past the detail cap. */
  rejects: Record<string, number>;
}

export interface ReadNmeaOptions extends EpochAssemblerOptions, RejectLimits {
  /** Names the input in rejects. */
  uri: string;
  /** Filled in while reading, for callers that report counts by reason. */
  stats?: NmeaReadStats;
}

const SLICE_BYTES = 1 << 16;
/** Fixes per batch, about; a batch also ends where rejects are pending. */
const BATCH_RECORDS = 512;
const SPACE = 0x20;
const HASH = 0x23;
const DOLLAR = 0x24;
const BANG = 0x21;
const STAR = 0x2a;

/**
 * Reads an NMEA 0183 log (any talker; CR, LF or CRLF) into GNSS fixes, one per epoch (see `EpochAssembler`
 * for how sentences are fused and dated). Streams in bounded memory; works on bytes, never on per-line
 * strings.
 *
 * Accepted: sentences with a valid `*hh` checksum. Rejected (never used), each with its line: bad or
 * missing checksums (gpsd drops both; a cut-off sentence has none), malformed times, and runs of non-NMEA
 * bytes (binary SiRF/UBX/RTCM frames mixed into the serial stream, JSON, noise), each run coalesced into one
 * `garbage` reject. The scanner resynchronises on every `$` or `!`, so a sentence that follows binary data
 * on the same line is still found. A malformed field other than the time is reported as `bad_field` and
 * only that field is dropped (see `FieldIssue`). Blank lines and `#` comment lines (gpsd's test-log
 * headers) are skipped silently.
 *
 * Rejects are listed in detail up to `maxDetailedRejects` per reason; the rest of each reason come as one
 * summary reject with `count` at the end (`RejectTally`), so counts by reason are exact from the batches
 * alone; `stats` has them too.
 */
export async function* readNmea(stream: ByteStream, options: ReadNmeaOptions): AsyncIterable<Batch<GpsFix>> {
  const tally = new RejectTally(options.uri, options);
  const assembler = new EpochAssembler(tally, options);
  const stats: NmeaReadStats = options.stats ?? { lines: 0, sentences: 0, ignored: 0, fixes: 0, rejects: {} };
  stats.rejects = tally.counts;
  const splitter = new ByteLineSplitter();
  let garbage: GarbageRun | undefined;
  let records: GpsFix[] = [];

  const flushGarbage = (): void => {
    if (garbage === undefined) return;
    const lines =
      garbage.lastLine === garbage.line
        ? `line ${garbage.line}`
        : `lines ${garbage.line}–${garbage.lastLine}`;
    tally.add(
      'garbage',
      `${garbage.bytes} bytes of non-NMEA data on ${lines} (binary receiver protocol, noise, or not an NMEA file)`,
      { line: garbage.line },
      garbage.sample,
    );
    garbage = undefined;
  };
  const addGarbage = (line: number, bytes: Uint8Array, from: number, to: number): void => {
    garbage ??= { line, lastLine: line, bytes: 0, sample: latin1(bytes, from, Math.min(to, from + 80)) };
    garbage.bytes += to - from;
    garbage.lastLine = line;
  };

  const reject = (
    error: SentenceError,
    line: number,
    bytes: Uint8Array,
    start: number,
    stop: number,
    lineStart: number,
  ): void => {
    if (error.reason === 'garbage') {
      addGarbage(line, bytes, start, stop);
      return;
    }
    flushGarbage();
    const text = latin1(bytes, start, Math.min(stop, start + 256));
    tally.add(error.reason, `${error.message} (column ${error.column - lineStart})`, { line }, text);
  };

  const accept = (
    sentence: NmeaSentence,
    line: number,
    bytes: Uint8Array,
    start: number,
    stop: number,
    lineStart: number,
  ): void => {
    flushGarbage();
    stats.sentences += 1;
    if (sentence.type === 'other' || sentence.type === 'proprietary') {
      stats.ignored += 1;
      return;
    }
    if (sentence.issue !== undefined) {
      const { message, column } = sentence.issue;
      const text = latin1(bytes, start, Math.min(stop, start + 256));
      const where = `column ${column - lineStart}`;
      tally.add(
        'bad_field',
        `${message} (${where}); field ignored, rest of the sentence used`,
        { line },
        text,
      );
    }
    assembler.add(sentence, line, records);
  };

  const onLine: LineHandler = (bytes, lineStart, lineEnd, line) => {
    stats.lines = line;
    let end = lineEnd;
    while (end > lineStart && (bytes[end - 1] ?? 0) <= SPACE) end -= 1;
    if (end === lineStart || (bytes[lineStart] === HASH && isText(bytes, lineStart, end))) return;

    // Fast path, nearly every line: one sentence filling the line. Anything else (or any error) takes the
    // careful way below, which finds each sentence's extent and reports problems precisely.
    const first = bytes[lineStart];
    if ((first === DOLLAR || first === BANG) && bytes[end - 3] === STAR) {
      const sentence = parseSentence(bytes, lineStart, end);
      if (sentence.type !== 'error') {
        accept(sentence, line, bytes, lineStart, end, lineStart);
        return;
      }
    }

    let start = nextStart(bytes, lineStart, end);
    if (start < 0) {
      addGarbage(line, bytes, lineStart, end);
      return;
    }
    if (start > lineStart && !isBlank(bytes, lineStart, start)) addGarbage(line, bytes, lineStart, start);
    while (start >= 0) {
      const next = nextStart(bytes, start + 1, end);
      const stop = next < 0 ? end : next;
      const star = indexOfByte(bytes, STAR, start + 1, stop);
      // A sentence ends two characters after `*`; what follows it on the line is not part of it.
      const sentenceEnd = star < 0 ? trimEnd(bytes, start, stop) : Math.min(star + 3, stop);
      const sentence = parseSentence(bytes, start, sentenceEnd);
      if (sentence.type === 'error') reject(sentence, line, bytes, start, stop, lineStart);
      else {
        accept(sentence, line, bytes, start, stop, lineStart);
        if (sentenceEnd < stop && !isBlank(bytes, sentenceEnd, stop))
          addGarbage(line, bytes, sentenceEnd, stop);
      }
      start = next;
    }
  };

  for await (const chunk of stream) {
    // Slices keep batches small: fixes are handed on before the young generation fills up, so they die
    // young instead of being copied into the old one (a third of the run time with 1 MiB batches).
    for (let offset = 0; offset < chunk.length; offset += SLICE_BYTES) {
      splitter.push(chunk.subarray(offset, offset + SLICE_BYTES), onLine);
      if (records.length >= BATCH_RECORDS || tally.hasPending) {
        stats.fixes += records.length;
        yield { records, rejects: tally.take() };
        records = [];
      }
    }
  }
  splitter.end(onLine);
  flushGarbage();
  assembler.finish(records);
  stats.fixes += records.length;
  tally.finish();
  const rejects = tally.take();
  if (records.length > 0 || rejects.length > 0) yield { records, rejects };
}

/** A run of consecutive non-NMEA bytes, reported as one reject. */
interface GarbageRun {
  line: number;
  lastLine: number;
  bytes: number;
  sample: string;
}

/** Next `$` (sentence) or `!` (AIS and other encapsulation sentences) in `bytes[from, end)`, or -1. */
function nextStart(bytes: Uint8Array, from: number, end: number): number {
  for (let i = from; i < end; i += 1) {
    const c = bytes[i];
    if (c === DOLLAR || c === BANG) return i;
  }
  return -1;
}

function indexOfByte(bytes: Uint8Array, byte: number, from: number, end: number): number {
  for (let i = from; i < end; i += 1) if (bytes[i] === byte) return i;
  return -1;
}

function trimEnd(bytes: Uint8Array, start: number, end: number): number {
  let e = end;
  while (e > start && (bytes[e - 1] ?? 0) <= SPACE) e -= 1;
  return e;
}

function isBlank(bytes: Uint8Array, from: number, to: number): boolean {
  for (let i = from; i < to; i += 1) if ((bytes[i] ?? 0) > SPACE) return false;
  return true;
}

/** True when `bytes[from, to)` has no control characters except tab: a `#` comment, not binary starting with `#`. */
function isText(bytes: Uint8Array, from: number, to: number): boolean {
  for (let i = from; i < to; i += 1) {
    const c = bytes[i] ?? 0;
    if ((c < SPACE && c !== 0x09) || c === 0x7f) return false;
  }
  return true;
}
