import { DecodeError } from '../../core/errors.js';
import type { Batch } from '../../core/reject.js';
import { isStorableNs, TIME_OUT_OF_RANGE } from '../../core/time.js';
import { RejectTally } from '../../core/rejectTally.js';
import type { RejectLimits } from '../../core/rejectTally.js';
import { streamSource } from '../../core/source.js';
import type { ByteStream, RandomAccessSource } from '../../core/source.js';
import type { CanFrame } from './frame.js';
import { StreamReader, indexOf } from './streamReader.js';

/** Decompresses a zlib (RFC 1950) stream. Cores take it as an option; `nodeCodecs.ts` has a Node one. */
export type Inflate = (bytes: Uint8Array) => Uint8Array;

/** Options of `readBlf`. */
export interface BlfOptions extends RejectLimits {
  /** Names the input in rejects and errors. */
  uri: string;
  /** zlib inflate for compressed log containers (nearly all BLF files). */
  inflate: Inflate;
  /** Frames per yielded batch. @default 2048 */
  batchSize?: number;
  /** Minutes east of UTC of the PC that wrote the log: the header's start time is its local time. @default 0 */
  utcOffsetMinutes?: number;
}

/**
 * A batch of BLF frames. Object timestamps count from the file header's start time, `measurementStart`
 * (0n when the header has none), so `t - measurementStart` is the time as stored in the file.
 */
export interface BlfBatch extends Batch<CanFrame> {
  measurementStart: bigint;
}

// Object types (Vector binlog_objects.h; python-can can/io/blf.py).
const CAN_MESSAGE = 1;
const CAN_ERROR = 2;
const LOG_CONTAINER = 10;
const CAN_ERROR_EXT = 73;
const CAN_MESSAGE2 = 86;
const CAN_FD_MESSAGE = 100;
const CAN_FD_MESSAGE_64 = 101;

const FILE_HEADER_FIELDS = 72; // "LOGG" .. end of the two SYSTEMTIMEs; the header is padded to its size field
const OBJECT_HEADER_BASE = 16; // "LOBJ", header size u16, header version u16, object size u32, object type u32
const LOBJ = new Uint8Array([0x4c, 0x4f, 0x42, 0x4a]);
const NO_COMPRESSION = 0;
const ZLIB_DEFLATE = 2;
const CAN_MSG_EXT = 0x80000000;
const EMPTY = new Uint8Array(0);

/**
 * Reads a Vector BLF (binary logging format) file: a `LOGG` file header, then `LOBJ` log containers whose
 * (usually zlib-compressed) payloads concatenate into a stream of objects; objects may straddle containers.
 * Reads CAN_MESSAGE, CAN_MESSAGE2, CAN_FD_MESSAGE, CAN_FD_MESSAGE_64, CAN_ERROR and CAN_ERROR_EXT; other
 * objects (LIN, Ethernet, markers, app text, ...) are skipped. Layouts follow python-can's `blf.py` (from
 * Toby Lorenz' vector_blf). Memory is bounded by one container.
 *
 * Conventions: `bus` is the BLF channel number as written (1-based); `dlc` is the DLC byte as written
 * (python-can's synthetic test files hold values > 15; real loggers write 0..15); error frames get id 0.
 * Remote frames are never `fd` (CAN FD has no remote frames). The start time is the logging PC's local time: see `utcOffsetMinutes`. `data` arrays are fresh copies.
 * A file that does not start with `LOGG` throws a `DecodeError`; damage after the header becomes rejects
 * (`truncated`, `bad_signature`, `bad_object`, `bad_container`, `inflate_failed`,
 * `unsupported_compression`) and
 * reading resumes at the next object.
 */
export async function* readBlf(
  input: RandomAccessSource | ByteStream,
  options: BlfOptions,
): AsyncIterable<BlfBatch> {
  const reader = new StreamReader(isByteStream(input) ? input : streamSource(input));
  try {
    const header = await reader.read(FILE_HEADER_FIELDS);
    if (header.length < 8 || !isTag(header, 0, 0x4c4f4747)) {
      throw new DecodeError('blf: file does not start with LOGG', { uri: options.uri, offset: 0 });
    }
    const view = viewOf(header);
    const headerSize = view.getUint32(4, true);
    if (header.length < FILE_HEADER_FIELDS || headerSize < FILE_HEADER_FIELDS) {
      throw new DecodeError('blf: file header is truncated', { uri: options.uri, offset: 0 });
    }
    await reader.skip(headerSize - FILE_HEADER_FIELDS);
    const decoder = new BlfObjects(options, systemTimeNs(view, 40, options.utcOffsetMinutes ?? 0));
    const tally = decoder.tally;

    for (;;) {
      const offset = reader.offset;
      // Copied: `head` is used after the next read, which may reuse the chunk it views.
      const head = (await reader.read(OBJECT_HEADER_BASE)).slice();
      if (head.length === 0) break;
      if (head.length < OBJECT_HEADER_BASE) {
        tally.add('truncated', `blf: file ends inside an object header at byte ${offset}`, { offset });
        break;
      }
      if (!isTag(head, 0, 0x4c4f424a)) {
        tally.add('bad_signature', `blf: no LOBJ object at byte ${offset}; skipping to the next one`, {
          offset,
        });
        if (!(await reader.skipTo(LOBJ))) break;
        continue;
      }
      const headView = viewOf(head);
      const objectHeaderSize = headView.getUint16(4, true);
      const objectSize = headView.getUint32(8, true);
      const type = headView.getUint32(12, true);
      if (
        objectSize < OBJECT_HEADER_BASE ||
        objectHeaderSize < OBJECT_HEADER_BASE ||
        objectHeaderSize > objectSize
      ) {
        tally.add(
          'bad_object',
          `blf: object at byte ${offset} has size ${objectSize}, header ${objectHeaderSize}`,
          { offset },
        );
        if (!(await reader.skipTo(LOBJ))) break;
        continue;
      }
      const body = await reader.read(objectSize - OBJECT_HEADER_BASE);
      if (body.length < objectSize - OBJECT_HEADER_BASE) {
        tally.add('truncated', `blf: file ends inside the object at byte ${offset}`, { offset });
        break;
      }
      // Top-level objects are padded to 4 bytes (python-can reads `obj_size % 4` bytes after each).
      await reader.skip(objectSize % 4);

      if (type === LOG_CONTAINER) {
        const payload = containerPayload(
          body.subarray(objectHeaderSize - OBJECT_HEADER_BASE),
          offset,
          options.inflate,
          tally,
        );
        if (payload === undefined) decoder.resetTail();
        else decoder.parse(payload, offset);
      } else {
        // Objects outside containers (not written by CANoe, but legal): decode them in place.
        const whole = new Uint8Array(objectSize);
        whole.set(head, 0);
        whole.set(body, OBJECT_HEADER_BASE);
        decoder.parse(whole, offset);
      }
      if (decoder.hasBatch) yield decoder.take();
    }
    decoder.finish();
    if (decoder.hasContent) yield decoder.take();
  } finally {
    await reader.close();
  }
}

/** The decompressed payload of a LOG_CONTAINER body (after the base header); undefined after a reject. */
function containerPayload(
  body: Uint8Array,
  offset: number,
  inflate: Inflate,
  tally: RejectTally,
): Uint8Array | undefined {
  // compression method u16, 6 reserved, uncompressed size u32, 4 reserved, then the data.
  if (body.length < 16) {
    tally.add('bad_object', `blf: log container at byte ${offset} is too short`, { offset });
    return undefined;
  }
  const view = viewOf(body);
  const method = view.getUint16(0, true);
  const size = view.getUint32(8, true);
  const data = body.subarray(16);
  // A view is enough: the objects are decoded (and the rest copied to the tail) before the next read.
  if (method === NO_COMPRESSION) return data;
  if (method !== ZLIB_DEFLATE) {
    tally.add(
      'unsupported_compression',
      `blf: log container at byte ${offset} uses compression method ${method}`,
      { offset },
    );
    return undefined;
  }
  try {
    const out = inflate(data);
    if (out.length !== size) {
      tally.add(
        'bad_container',
        `blf: log container at byte ${offset} inflates to ${out.length} bytes, header says ${size}`,
        {
          offset,
        },
      );
    }
    return out;
  } catch (cause) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    tally.add('inflate_failed', `blf: log container at byte ${offset} does not inflate: ${reason}`, {
      offset,
    });
    return undefined;
  }
}

/** Decodes the object stream inside containers, carrying an object that straddles two containers. */
class BlfObjects {
  readonly tally: RejectTally;
  private readonly batchSize: number;
  private tail: Uint8Array = EMPTY;
  private records: CanFrame[] = [];
  private readonly buses = new Map<number, string>();

  constructor(
    options: BlfOptions,
    private readonly start: bigint,
  ) {
    this.tally = new RejectTally(options.uri, options);
    this.batchSize = options.batchSize ?? 2048;
  }

  get hasBatch(): boolean {
    return this.records.length >= this.batchSize || (this.records.length === 0 && this.tally.hasPending);
  }

  get hasContent(): boolean {
    return this.records.length > 0 || this.tally.hasPending;
  }

  take(): BlfBatch {
    const batch = { records: this.records, rejects: this.tally.take(), measurementStart: this.start };
    this.records = [];
    return batch;
  }

  /** After a lost container the carried partial object cannot be completed. */
  resetTail(): void {
    this.tail = EMPTY;
  }

  finish(): void {
    // Zero padding may trail the last object; only a started object is a loss.
    if (indexOf(this.tail, LOBJ) >= 0) {
      this.tally.add('truncated', `blf: file ends inside an object (${this.tail.length} bytes left)`, {});
    }
    this.tail = EMPTY;
    this.tally.finish();
  }

  /** Decodes `payload` (one container's objects, after any tail of the previous one). */
  parse(payload: Uint8Array, containerOffset: number): void {
    let data = payload;
    if (this.tail.length > 0) {
      data = new Uint8Array(this.tail.length + payload.length);
      data.set(this.tail, 0);
      data.set(payload, this.tail.length);
    }
    const view = viewOf(data);
    const where = { offset: containerOffset };
    let pos = 0;
    while (pos + OBJECT_HEADER_BASE <= data.length) {
      if (!isTag(data, pos, 0x4c4f424a)) {
        // Objects inside containers are padded (python-can looks for LOBJ within the next 8 bytes).
        const next = indexOf(data.subarray(0, Math.min(data.length, pos + 8 + 3)), LOBJ, pos);
        if (next >= 0) {
          pos = next;
          continue;
        }
        if (pos + 8 > data.length) break;
        this.tally.add(
          'bad_signature',
          `blf: no LOBJ at byte ${pos} of the container at byte ${containerOffset}`,
          where,
        );
        const resync = indexOf(data, LOBJ, pos + 1);
        if (resync < 0) {
          pos = data.length;
          break;
        }
        pos = resync;
        continue;
      }
      const headerSize = view.getUint16(pos + 4, true);
      const headerVersion = view.getUint16(pos + 6, true);
      const objectSize = view.getUint32(pos + 8, true);
      const type = view.getUint32(pos + 12, true);
      if (objectSize < headerSize || headerSize < OBJECT_HEADER_BASE) {
        this.tally.add(
          'bad_object',
          `blf: object at byte ${pos} of the container at byte ${containerOffset} has size ${objectSize}`,
          where,
        );
        pos += 4;
        continue;
      }
      if (pos + objectSize > data.length) break; // continues in the next container
      const known =
        type === CAN_MESSAGE ||
        type === CAN_MESSAGE2 ||
        type === CAN_FD_MESSAGE ||
        type === CAN_FD_MESSAGE_64;
      if (known || type === CAN_ERROR || type === CAN_ERROR_EXT) {
        // Object header v1: flags u32, client index u16, object version u16, timestamp u64 (32 bytes in all);
        // v2: flags u32, timestamp status u8, reserved u8, object version u16, timestamp u64, original u64.
        if ((headerVersion === 1 && headerSize >= 32) || (headerVersion === 2 && headerSize >= 40)) {
          const flags = view.getUint32(pos + 16, true);
          const raw = view.getBigUint64(pos + 24, true);
          // ObjectFlags: 1 = 10 µs units, 2 = 1 ns units.
          const t = this.start + (flags === 1 ? raw * 10_000n : raw);
          if (isStorableNs(t))
            this.decode(type, data, view, pos + headerSize, pos + objectSize, t, containerOffset, pos);
          else this.tally.add('time_out_of_range', `blf: object ${TIME_OUT_OF_RANGE}`, where);
        } else {
          this.tally.add(
            'bad_object',
            `blf: object header version ${headerVersion} (size ${headerSize}) is not supported`,
            where,
          );
        }
      }
      pos += objectSize;
    }
    this.tail = pos < data.length ? data.slice(pos) : EMPTY;
  }

  private decode(
    type: number,
    data: Uint8Array,
    view: DataView,
    body: number,
    end: number,
    t: bigint,
    containerOffset: number,
    pos: number,
  ): void {
    const need =
      type === CAN_FD_MESSAGE_64
        ? 40
        : type === CAN_FD_MESSAGE
          ? 20
          : type === CAN_ERROR
            ? 4
            : type === CAN_ERROR_EXT
              ? 32
              : 16;
    if (end - body < need) {
      this.tally.add(
        'bad_object',
        `blf: type ${type} object at byte ${pos} of the container at byte ${containerOffset} is too short`,
        {
          offset: containerOffset,
        },
      );
      return;
    }
    switch (type) {
      case CAN_MESSAGE:
      case CAN_MESSAGE2: {
        // channel u16, flags u8 (0x01 tx, 0x80 remote), dlc u8, id u32, data[8]
        const flags = view.getUint8(body + 2);
        const dlc = view.getUint8(body + 3);
        const id = view.getUint32(body + 4, true);
        const remote = (flags & 0x80) !== 0;
        const payload = remote ? EMPTY : data.slice(body + 8, body + 8 + Math.min(dlc, 8));
        this.push(
          t,
          view.getUint16(body, true),
          id,
          dlc,
          payload,
          false,
          false,
          false,
          false,
          remote,
          (flags & 1) !== 0,
        );
        return;
      }
      case CAN_FD_MESSAGE: {
        // channel u16, flags u8, dlc u8, id u32, frame length u32, arb bit count u8, FD flags u8
        // (0x1 EDL, 0x2 BRS, 0x4 ESI), valid data bytes u8, 5 reserved, data[64]
        const flags = view.getUint8(body + 2);
        const dlc = view.getUint8(body + 3);
        const id = view.getUint32(body + 4, true);
        const fdFlags = view.getUint8(body + 13);
        const valid = Math.min(view.getUint8(body + 14), 64, end - body - 20);
        const remote = (flags & 0x80) !== 0;
        const payload = remote ? EMPTY : data.slice(body + 20, body + 20 + valid);
        const fd = (fdFlags & 1) !== 0 && !remote;
        this.push(
          t,
          view.getUint16(body, true),
          id,
          dlc,
          payload,
          fd,
          (fdFlags & 2) !== 0,
          (fdFlags & 4) !== 0,
          false,
          remote,
          (flags & 1) !== 0,
        );
        return;
      }
      case CAN_FD_MESSAGE_64: {
        // channel u8, dlc u8, valid bytes u8, tx count u8, id u32, frame length u32, flags u32
        // (0x0010 RTR, 0x1000 EDL, 0x2000 BRS, 0x4000 ESI), 2 bit-rate configs, 2 time offsets u32,
        // bit count u16, dir u8, ext data offset u8, crc u32, then the data.
        const dlc = view.getUint8(body + 1);
        const valid = Math.min(view.getUint8(body + 2), 64, end - body - 40);
        const id = view.getUint32(body + 4, true);
        const flags = view.getUint32(body + 12, true);
        const tx = view.getUint8(body + 34) !== 0;
        const remote = (flags & 0x0010) !== 0;
        const payload = remote ? EMPTY : data.slice(body + 40, body + 40 + valid);
        const fd = (flags & 0x1000) !== 0 && !remote;
        this.push(
          t,
          view.getUint8(body),
          id,
          dlc,
          payload,
          fd,
          (flags & 0x2000) !== 0,
          (flags & 0x4000) !== 0,
          false,
          remote,
          tx,
        );
        return;
      }
      case CAN_ERROR:
        // channel u16, length u16
        this.push(t, view.getUint16(body, true), 0, 0, EMPTY, false, false, false, true, false, undefined);
        return;
      case CAN_ERROR_EXT: {
        // channel u16, length u16, flags u32, ecc u8, position u8, dlc u8, reserved, frame length u32,
        // id u32, ext flags u16, reserved u16, data[8]
        const dlc = view.getUint8(body + 10);
        this.push(
          t,
          view.getUint16(body, true),
          0,
          dlc,
          data.slice(body + 24, body + 24 + Math.min(dlc, 8)),
          false,
          false,
          false,
          true,
          false,
          undefined,
        );
        return;
      }
    }
  }

  private push(
    t: bigint,
    channel: number,
    rawId: number,
    dlc: number,
    data: Uint8Array,
    fd: boolean,
    brs: boolean,
    esi: boolean,
    error: boolean,
    remote: boolean,
    tx: boolean | undefined,
  ): void {
    let bus = this.buses.get(channel);
    if (bus === undefined) {
      bus = String(channel);
      this.buses.set(channel, bus);
    }
    this.records.push({
      t,
      bus,
      id: error ? 0 : (rawId & 0x1fffffff) >>> 0,
      extended: !error && (rawId & CAN_MSG_EXT) !== 0,
      dlc,
      data,
      fd,
      brs,
      esi,
      error,
      remote,
      direction: tx === undefined ? undefined : tx ? 'tx' : 'rx',
    });
  }
}

/**
 * The header's SYSTEMTIME (year, month, weekday, day, hour, minute, second, ms as u16) in ns, read as
 * local time `utcOffsetMinutes` east of UTC; 0n when unset or invalid (python-can uses 0 too).
 */
function systemTimeNs(view: DataView, at: number, utcOffsetMinutes: number): bigint {
  const year = view.getUint16(at, true);
  const month = view.getUint16(at + 2, true);
  const day = view.getUint16(at + 6, true);
  const hour = view.getUint16(at + 8, true);
  const minute = view.getUint16(at + 10, true);
  const second = view.getUint16(at + 12, true);
  const ms = view.getUint16(at + 14, true);
  if (
    year < 1970 ||
    month < 1 ||
    month > 12 ||
    day < 1 ||
    day > 31 ||
    hour > 23 ||
    minute > 59 ||
    second > 59 ||
    ms > 999
  ) {
    return 0n;
  }
  const utcMs = Date.UTC(year, month - 1, day, hour, minute, second, ms) - utcOffsetMinutes * 60_000;
  return BigInt(utcMs) * 1_000_000n;
}

function isByteStream(input: RandomAccessSource | ByteStream): input is ByteStream {
  return Symbol.asyncIterator in input;
}

function viewOf(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** Whether the 4 bytes at `at` spell a tag given as a big-endian u32 ("LOGG" = 0x4c4f4747). */
function isTag(bytes: Uint8Array, at: number, tag: number): boolean {
  return (
    bytes[at] === tag >>> 24 &&
    bytes[at + 1] === ((tag >>> 16) & 0xff) &&
    bytes[at + 2] === ((tag >>> 8) & 0xff) &&
    bytes[at + 3] === (tag & 0xff)
  );
}
