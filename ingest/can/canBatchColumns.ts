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

/** Builds the `can_frames` columns of one batch of frames without per-row objects. */
export function canFrameColumns(frames: readonly CanFrame[], buses: Interner): CanFramesBatch {
  const n = frames.length;
  const t = new BigInt64Array(n);
  const bus = new Int32Array(n);
  const id = new Int32Array(n);
  const dlc = new Int8Array(n);
  const flags = new Uint8Array(n * 6);
  const offsets = new Int32Array(n + 1);
  let total = 0;
  for (let i = 0; i < n; i++) total += (frames[i] as CanFrame).data.length;
  const data = new Uint8Array(total);
  let at = 0;
  for (let i = 0; i < n; i++) {
    const f = frames[i] as CanFrame;
    t[i] = f.t;
    bus[i] = buses.id(f.bus, f.bus);
    id[i] = f.id;
    dlc[i] = f.dlc;
    flags[i] = f.extended ? 1 : 0;
    flags[n + i] = f.fd ? 1 : 0;
    flags[2 * n + i] = f.brs ? 1 : 0;
    flags[3 * n + i] = f.esi ? 1 : 0;
    flags[4 * n + i] = f.error ? 1 : 0;
    flags[5 * n + i] = f.remote ? 1 : 0;
    data.set(f.data, at);
    at += f.data.length;
    offsets[i + 1] = at;
  }
  return {
    t,
    bus: { indices: bus, dictionary: buses.dictionary },
    id,
    extended: flags.subarray(0, n),
    dlc,
    data: { offsets, data },
    fd: flags.subarray(n, 2 * n),
    brs: flags.subarray(2 * n, 3 * n),
    esi: flags.subarray(3 * n, 4 * n),
    error: flags.subarray(4 * n, 5 * n),
    remote: flags.subarray(5 * n, 6 * n),
  };
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

  /** The collected rows as columns (copies), and an empty collector for the next batch. */
  take(): CanSignalsBatch {
    const n = this.length;
    const batch: CanSignalsBatch = {
      t: this.t.slice(0, n),
      bus: { indices: this.bus.slice(0, n), dictionary: this.buses.dictionary },
      message: { indices: this.message.slice(0, n), dictionary: this.messages.dictionary },
      signal: { indices: this.signal.slice(0, n), dictionary: this.signals.dictionary },
      value: this.value.slice(0, n),
      ...(this.hasLabels
        ? { label: { indices: this.label.slice(0, n), dictionary: this.labels.dictionary } }
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
