import type { DbcMessage, DbcSignal } from '../dbc/model.js';
import type { DecodedSignalSink } from '../dbc/compileDecoder.js';
import type { CanFramesBatch, CanSignalsBatch } from '../../catalog/tables.js';
import type { CanFrame } from './frame.js';

/**
 * Interns strings to dictionary indices for dictionary-coded columns. The dictionary array only grows,
 * which is what the table writer's dictionary columns expect.
 */
export class Interner<K = string> {
  readonly dictionary: string[] = [];
  private readonly index = new Map<K, number>();
  // Consecutive frames mostly share a bus (and a message's frames their message): the last key is kept.
  private lastKey: K | undefined;
  private lastId = -1;

  id(key: K, text: string): number {
    if (key === this.lastKey) return this.lastId;
    let i = this.index.get(key);
    if (i === undefined) {
      i = this.dictionary.length;
      this.dictionary.push(text);
      this.index.set(key, i);
    }
    this.lastKey = key;
    this.lastId = i;
    return i;
  }
}

/**
 * Builds the `can_frames` columns of batches of frames without per-row objects, into arrays reused from
 * batch to batch (fresh memory is the cost on this host, see bench/README.md): a batch's columns are
 * valid until the next call, so append them (and await the append) first.
 */
export class FrameColumns {
  private capacity = 0;
  private t = new BigInt64Array(0);
  private bus = new Int32Array(0);
  private id = new Int32Array(0);
  private dlc = new Int8Array(0);
  private flags = new Uint8Array(0);
  private offsets = new Int32Array(1);
  private data = new Uint8Array(0);

  constructor(private readonly buses: Interner) {}

  columns(frames: readonly CanFrame[]): CanFramesBatch {
    const n = frames.length;
    if (n > this.capacity) this.resize(n);
    let total = 0;
    for (let i = 0; i < n; i++) total += (frames[i] as CanFrame).data.length;
    if (total > this.data.length) this.data = new Uint8Array(Math.max(total, this.data.length * 2));
    const { t, bus, id, dlc, flags, offsets, data, buses } = this;
    const c = this.capacity;
    let at = 0;
    for (let i = 0; i < n; i++) {
      const f = frames[i] as CanFrame;
      t[i] = f.t;
      bus[i] = buses.id(f.bus, f.bus);
      id[i] = f.id;
      dlc[i] = f.dlc;
      flags[i] = f.extended ? 1 : 0;
      flags[c + i] = f.fd ? 1 : 0;
      flags[2 * c + i] = f.brs ? 1 : 0;
      flags[3 * c + i] = f.esi ? 1 : 0;
      flags[4 * c + i] = f.error ? 1 : 0;
      flags[5 * c + i] = f.remote ? 1 : 0;
      const payload = f.data;
      for (let k = 0; k < payload.length; k++) data[at + k] = payload[k] as number;
      at += payload.length;
      offsets[i + 1] = at;
    }
    return {
      t: t.subarray(0, n),
      bus: { indices: bus.subarray(0, n), dictionary: buses.dictionary },
      id: id.subarray(0, n),
      extended: flags.subarray(0, n),
      dlc: dlc.subarray(0, n),
      data: { offsets: offsets.subarray(0, n + 1), data: data.subarray(0, at) },
      fd: flags.subarray(c, c + n),
      brs: flags.subarray(2 * c, 2 * c + n),
      esi: flags.subarray(3 * c, 3 * c + n),
      error: flags.subarray(4 * c, 4 * c + n),
      remote: flags.subarray(5 * c, 5 * c + n),
    };
  }

  private resize(n: number): void {
    this.capacity = n;
    this.t = new BigInt64Array(n);
    this.bus = new Int32Array(n);
    this.id = new Int32Array(n);
    this.dlc = new Int8Array(n);
    this.flags = new Uint8Array(n * 6);
    this.offsets = new Int32Array(n + 1);
  }
}

/**
 * Collects decoded signal values as `can_signals` columns. It is the decoder's sink: set the frame's time,
 * bus and message with `frame()`, let the compiled message push its signals, then `take()` the batch.
 */
export class SignalColumns implements DecodedSignalSink {
  private capacity: number;
  private t: BigInt64Array;
  private bus: Int32Array;
  private message: Int32Array;
  private signal: Int32Array;
  private value: Float64Array;
  private label: Int32Array;
  private length = 0;
  private currentT = 0n;
  private currentBus = 0;
  private currentMessage = 0;
  private hasLabels = false;

  readonly buses: Interner;
  private readonly messages = new Interner<DbcMessage>();
  private readonly signals = new Interner<DbcSignal>();
  private readonly labels = new Interner();
  /** Per message, its signals in the order they were first pushed, with their indices (see `signalId`). */
  private readonly orders = new Map<DbcMessage, { signals: DbcSignal[]; ids: number[] }>();
  private order: { signals: DbcSignal[]; ids: number[] } = { signals: [], ids: [] };
  private cursor = 0;

  constructor(buses: Interner, capacity = 65_536) {
    this.buses = buses;
    this.capacity = capacity;
    this.t = new BigInt64Array(capacity);
    this.bus = new Int32Array(capacity);
    this.message = new Int32Array(capacity);
    this.signal = new Int32Array(capacity);
    this.value = new Float64Array(capacity);
    this.label = new Int32Array(capacity);
  }

  get rows(): number {
    return this.length;
  }

  /** Starts a frame: its signals get this time, bus and message (interned once per frame, not per signal). */
  frame(t: bigint, busIndex: number, message: DbcMessage): void {
    this.currentT = t;
    this.currentBus = busIndex;
    this.currentMessage = this.messages.id(message, message.name);
    let order = this.orders.get(message);
    if (order === undefined) {
      order = { signals: [], ids: [] };
      this.orders.set(message, order);
    }
    this.order = order;
    this.cursor = 0;
  }

  push(_message: DbcMessage, signal: DbcSignal, value: number, label: string | undefined): void {
    if (this.length === this.capacity) this.grow();
    const i = this.length++;
    this.t[i] = this.currentT;
    this.bus[i] = this.currentBus;
    this.message[i] = this.currentMessage;
    this.signal[i] = this.signalId(signal);
    this.value[i] = value;
    if (label === undefined) {
      this.label[i] = -1;
    } else {
      this.label[i] = this.labels.id(label, label);
      this.hasLabels = true;
    }
  }

  /**
   * The signal's dictionary index. A message's signals arrive in the same order frame after frame (its
   * compiled steps), so the order seen first is kept per message and followed with a cursor: one compare
   * per row instead of a map lookup (29M rows for 5M all-DBC frames). Multiplexed branches that leave the
   * order fall back to the map.
   */
  private signalId(signal: DbcSignal): number {
    const order = this.order;
    const k = this.cursor;
    if (order.signals[k] === signal) {
      this.cursor = k + 1;
      return order.ids[k] as number;
    }
    const id = this.signals.id(signal, signal.name);
    if (k === order.signals.length) {
      order.signals.push(signal);
      order.ids.push(id);
      this.cursor = k + 1;
    }
    return id;
  }

  /**
   * The collected rows as columns, and an empty collector for the next batch. The columns view the
   * collector's arrays (no copy): valid until the next `push`, so append them (and await it) first.
   */
  take(): CanSignalsBatch {
    const n = this.length;
    const batch: CanSignalsBatch = {
      t: this.t.subarray(0, n),
      bus: { indices: this.bus.subarray(0, n), dictionary: this.buses.dictionary },
      message: { indices: this.message.subarray(0, n), dictionary: this.messages.dictionary },
      signal: { indices: this.signal.subarray(0, n), dictionary: this.signals.dictionary },
      value: this.value.subarray(0, n),
      ...(this.hasLabels
        ? { label: { indices: this.label.subarray(0, n), dictionary: this.labels.dictionary } }
        : {}),
    };
    this.length = 0;
    this.hasLabels = false;
    return batch;
  }

  private grow(): void {
    this.capacity *= 2;
    const t = new BigInt64Array(this.capacity);
    t.set(this.t);
    this.t = t;
    const value = new Float64Array(this.capacity);
    value.set(this.value);
    this.value = value;
    this.bus = growInt32(this.bus, this.capacity);
    this.message = growInt32(this.message, this.capacity);
    this.signal = growInt32(this.signal, this.capacity);
    this.label = growInt32(this.label, this.capacity);
  }
}

function growInt32(old: Int32Array, capacity: number): Int32Array {
  const next = new Int32Array(capacity);
  next.set(old);
  return next;
}
