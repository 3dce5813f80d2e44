import { readLines } from '../../core/lines.js';
import type { Batch } from '../../core/reject.js';
import { isStorableNs, TIME_OUT_OF_RANGE } from '../../core/time.js';
import { RejectTally } from '../../core/rejectTally.js';
import type { RejectLimits } from '../../core/rejectTally.js';
import type { ByteStream } from '../../core/source.js';
import type { CanFrame } from './frame.js';
import { FD_DLC_TO_LENGTH, lengthToDlc } from './frame.js';
import { parseUnsignedAt } from './hexValue.js';
import { nsFromParts } from './nsFromParts.js';

/** Options of `readTrc`. */
export interface TrcOptions extends RejectLimits {
  /** Names the input in rejects. */
  uri: string;
  /** Frames per yielded batch. @default 2048 */
  batchSize?: number;
  /** Minutes east of UTC of the PC that wrote `$STARTTIME` (local time). @default 0 */
  utcOffsetMinutes?: number;
}

/** A batch of TRC frames; `t - measurementStart` is the file's time offset (0n start without `$STARTTIME`). */
export interface TrcBatch extends Batch<CanFrame> {
  measurementStart: bigint;
}

const EMPTY = new Uint8Array(0);
/** `$STARTTIME` counts days from 1899-12-30 (OLE automation date); the Unix epoch is day 25569. */
const OLE_EPOCH_DAYS = 25569n;
const NS_PER_DAY = 86_400_000_000_000n;

/** Column letters of TRC 2.x (`;$COLUMNS=`): N number, O offset ms, T type, B bus, I id, d direction,
 * R reserved, L DLC, l data length, D data. */
const DEFAULT_COLUMNS: Record<string, string[]> = {
  '2.0': ['N', 'O', 'T', 'I', 'd', 'l', 'D'],
  '2.1': ['N', 'O', 'T', 'B', 'I', 'd', 'R', 'L', 'D'],
};

/** TRC 1.x fixed layouts after the `N)` column (PEAK "PCAN-Trace File Format" 1.0-1.3). */
const V1_COLUMNS: Record<string, string[]> = {
  '1.0': ['O', 'I', 'L', 'D'],
  '1.1': ['O', 'T', 'I', 'L', 'D'],
  '1.2': ['O', 'B', 'T', 'I', 'L', 'D'],
  '1.3': ['O', 'B', 'T', 'I', 'R', 'L', 'D'],
};

class LineError {
  constructor(
    readonly reason: string,
    readonly message: string,
  ) {}
}

/**
 * Reads a PEAK PCAN-View / PCAN-Explorer trace (`.trc`, versions 1.0-1.3 and 2.0-2.1). 2.x message types:
 * DT data, FD / FB / FE / BI CAN FD (BRS and ESI variants), RR remote request, ER error frame; ST, EC and
 * EV (status, error counters, events) are skipped. 1.x: Rx / Tx / Error lines, `RTR` in place of data
 * for remote frames; Warng and bus-info lines (id FFFFFFFF) are skipped. Ids with more than 4 hex digits
 * are extended (PEAK writes 4 digits for 11-bit ids, 8 for 29-bit). Time is `$STARTTIME` (days since
 * 1899-12-30, local time) plus the offset column in ms. `data` arrays are fresh per frame.
 */
export async function* readTrc(stream: ByteStream, options: TrcOptions): AsyncIterable<TrcBatch> {
  const tally = new RejectTally(options.uri, options);
  const batchSize = options.batchSize ?? 2048;
  const offsetNs = BigInt(options.utcOffsetMinutes ?? 0) * 60_000_000_000n;
  let version = '1.0';
  let columns: string[] | undefined;
  let start = 0n;
  let records: CanFrame[] = [];

  for await (const batch of readLines(stream)) {
    let lineNo = batch.firstLine - 1;
    for (const raw of batch.lines) {
      lineNo += 1;
      const line = raw.trim();
      if (line === '') continue;
      if (line.startsWith(';')) {
        const header = /^;\$(\w+)=(.*)$/.exec(line);
        if (header?.[1] === 'FILEVERSION') version = (header[2] ?? '').trim();
        if (header?.[1] === 'COLUMNS') columns = (header[2] ?? '').split(',').map((c) => c.trim());
        if (header?.[1] === 'STARTTIME') {
          const parsed = parseStartTime((header[2] ?? '').trim());
          if (parsed === undefined)
            tally.add(
              'bad_header',
              `trc line ${lineNo}: $STARTTIME is not a day number`,
              { line: lineNo },
              raw,
            );
          else start = parsed - offsetNs;
        }
        continue;
      }
      const layout = version.startsWith('2.')
        ? (columns ?? DEFAULT_COLUMNS[version] ?? DEFAULT_COLUMNS['2.1'])
        : V1_COLUMNS[version];
      if (layout === undefined) {
        tally.add(
          'unsupported',
          `trc line ${lineNo}: file version ${version} is not supported`,
          { line: lineNo },
          raw,
        );
        continue;
      }
      const result = parseMessage(line, layout, version.startsWith('2.'), start);
      if (result instanceof LineError)
        tally.add(result.reason, `trc line ${lineNo}: ${result.message}`, { line: lineNo }, raw);
      else if (result !== undefined) records.push(result);
      if (records.length >= batchSize) {
        yield { records, rejects: tally.take(), measurementStart: start };
        records = [];
      }
    }
  }
  tally.finish();
  if (records.length > 0 || tally.hasPending)
    yield { records, rejects: tally.take(), measurementStart: start };
}

/** One message line; undefined for lines that are not frames (status, events). */
function parseMessage(
  line: string,
  layout: string[],
  v2: boolean,
  start: bigint,
): CanFrame | LineError | undefined {
  const tokens = line.split(/\s+/);
  // 1.x numbers messages `N)`; 2.x has N as a column of the layout.
  let at = 0;
  if (!v2) {
    if (!/^\d+\)$/.test(tokens[0] ?? '')) return new LineError('unknown_line', 'not a `N)` message line');
    at = 1;
  }
  const fields = new Map<string, string>();
  let dataAt = tokens.length;
  for (const column of layout) {
    if (column === 'D') {
      dataAt = at;
      break;
    }
    const token = tokens[at];
    if (token === undefined) break;
    fields.set(column, token);
    at += 1;
  }
  const type = v2 ? (fields.get('T') ?? '') : (fields.get('T') ?? 'Rx');
  const direction = directionOf(fields.get('d') ?? (v2 ? undefined : fields.get('T')));
  const bus = fields.get('B') ?? '1';
  const offset = fields.get('O');
  if (offset === undefined) return new LineError('truncated', 'line ends before the time offset');
  const rel = parseMilliseconds(offset);
  if (rel === undefined) return new LineError('bad_timestamp', 'time offset is not milliseconds');
  const t = start + rel;
  if (!isStorableNs(t)) return new LineError('time_out_of_range', TIME_OUT_OF_RANGE);

  if (type === 'ER' || type === 'Error') {
    // 2.x error lines leave the id column empty, so columns after T shift: find the direction by value.
    const erDirection = directionOf(tokens.find((token) => token === 'Rx' || token === 'Tx'));
    return frame(
      t,
      /^\d+$/.test(bus) ? bus : '1',
      0,
      false,
      0,
      EMPTY,
      false,
      false,
      false,
      true,
      false,
      erDirection,
    );
  }
  const fdFlags = FD_TYPES[type];
  const isData = v2
    ? type === 'DT' || type === 'RR' || fdFlags !== undefined
    : type === 'Rx' || type === 'Tx';
  if (!isData) return undefined; // ST, EC, EV, Warng

  const idText = fields.get('I');
  if (idText === undefined) return new LineError('truncated', 'line ends before the id');
  if (idText === 'FFFFFFFF') return undefined; // 1.0 bus-information line
  const id = parseUnsignedAt(idText, 0, idText.length, 16);
  const extended = idText.length > 4;
  if (id < 0) return new LineError('non_hex', 'id is not hexadecimal');
  if (id > (extended ? 0x1fffffff : 0x7ff)) return new LineError('bad_id', `id ${idText} is out of range`);

  const fd = fdFlags !== undefined;
  const dlcText = fields.get('L');
  const lengthText = fields.get('l');
  let dlc: number;
  let length: number;
  if (dlcText !== undefined) {
    dlc = parseUnsignedAt(dlcText, 0, dlcText.length, 10);
    if (dlc < 0 || dlc > 15) return new LineError('bad_dlc', 'DLC is not 0..15');
    length = fd ? (FD_DLC_TO_LENGTH[dlc] ?? 0) : Math.min(dlc, 8);
  } else if (lengthText !== undefined) {
    length = parseUnsignedAt(lengthText, 0, lengthText.length, 10);
    if (length < 0 || length > (fd ? 64 : 8)) {
      return new LineError('bad_length', 'data length is out of range');
    }
    dlc = fd ? lengthToDlc(length) : length;
    if (fd && FD_DLC_TO_LENGTH[dlc] !== length) {
      return new LineError('bad_length', `${length} is not a CAN FD payload length`);
    }
  } else {
    return new LineError('truncated', 'line ends before the data length');
  }

  const remote = type === 'RR' || tokens[dataAt] === 'RTR';
  if (remote) return frame(t, bus, id, extended, dlc, EMPTY, false, false, false, false, true, direction);
  const data = new Uint8Array(length);
  for (let i = 0; i < length; i++) {
    const token = tokens[dataAt + i];
    if (token === undefined) {
      return new LineError('truncated', `DLC ${dlc} announces ${length} data bytes, the line has ${i}`);
    }
    const value = token.length === 2 ? parseUnsignedAt(token, 0, 2, 16) : -1;
    if (value < 0) return new LineError('non_hex', `data byte ${i + 1} is not two hex digits`);
    data[i] = value;
  }
  return frame(
    t,
    bus,
    id,
    extended,
    dlc,
    data,
    fd,
    (fdFlags ?? 0) & 1 ? true : false,
    ((fdFlags ?? 0) & 2) !== 0,
    false,
    false,
    direction,
  );
}

/** 2.x CAN FD message types → flags (1 = BRS, 2 = ESI). */
const FD_TYPES: Record<string, number | undefined> = { FD: 0, FB: 1, FE: 2, BI: 3 };

function frame(
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
): CanFrame {
  return { t, bus, id, extended, dlc, data, fd, brs, esi, error, remote, direction };
}

function directionOf(text: string | undefined): 'rx' | 'tx' | undefined {
  if (text === 'Rx') return 'rx';
  if (text === 'Tx') return 'tx';
  return undefined;
}

/** `17535.400` ms → exact ns. */
function parseMilliseconds(text: string): bigint | undefined {
  const match = /^(\d{1,15})(?:\.(\d{1,6})\d*)?$/.exec(text);
  if (!match) return undefined;
  const ms = Number(match[1]);
  const nanos = Number((match[2] ?? '').padEnd(6, '0'));
  const seconds = Math.floor(ms / 1000);
  return nsFromParts(seconds, (ms - seconds * 1000) * 1_000_000 + nanos);
}

/** `$STARTTIME=44548.6028595139` (days since 1899-12-30) → ns since the epoch, rounded to the ns. */
function parseStartTime(text: string): bigint | undefined {
  const match = /^(\d+)(?:\.(\d+))?$/.exec(text);
  if (!match) return undefined;
  const fraction = match[2] ?? '';
  const scale = 10n ** BigInt(fraction.length);
  const fractionNs = (BigInt(fraction === '' ? '0' : fraction) * NS_PER_DAY + scale / 2n) / scale;
  return (BigInt(match[1] ?? '0') - OLE_EPOCH_DAYS) * NS_PER_DAY + fractionNs;
}
