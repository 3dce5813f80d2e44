import type { PartitionedTableWriter } from '../catalog/tableWriter.js';
import type { CanFramesBatch, CanSignalsBatch } from '../catalog/tables.js';
import { FrameColumns, Interner, SignalColumns } from './can/canBatchColumns.js';
import type { CanFrame } from './can/frame.js';
import { compileDecoder, type CanDecoder } from './dbc/compileDecoder.js';
import type { DbcDatabase } from './dbc/model.js';

/** Counters of what the CAN inputs of a drive held. */
export interface CanCounts {
  frames: number;
  /** Frames a DBC defines (decoded into `can_signals`). */
  decodedFrames: number;
  /** Frames on ids no DBC defines: kept in `can_frames`, not decoded. */
  undecodedFrames: number;
  /** Distinct (id, extended) pairs no DBC defines. */
  undecodedIds: number;
  /** Frames shorter than their message: the signals that fit were decoded. */
  shortFrames: number;
  /** Rows written to `can_signals`. */
  signals: number;
}

/**
 * Turns batches of CAN frames into `can_frames` rows (all of them) and `can_signals` rows (the frames a
 * DBC defines, decoded), counting as it goes. A DBC may be limited to one bus; the first DBC that defines
 * an id decodes it.
 */
export class CanTables {
  readonly counts: CanCounts = {
    frames: 0,
    decodedFrames: 0,
    undecodedFrames: 0,
    undecodedIds: 0,
    shortFrames: 0,
    signals: 0,
  };
  private readonly decoders: { bus?: string; decoder: CanDecoder }[];
  private readonly busDecoders = new Map<string, CanDecoder[]>();
  private readonly buses = new Interner();
  private readonly sink = new SignalColumns(this.buses);
  private readonly frameColumns = new FrameColumns(this.buses);
  private readonly undecodedStandard = new Uint8Array(0x800);
  private readonly undecodedOther = new Set<number>();
  private lastBus: string | undefined;
  private lastDecoders: CanDecoder[] = [];

  constructor(
    private readonly frames: PartitionedTableWriter<CanFramesBatch>,
    private readonly signals: PartitionedTableWriter<CanSignalsBatch>,
    dbcs: readonly { db: DbcDatabase; bus?: string }[],
  ) {
    this.decoders = dbcs.map((d) => ({ ...(d.bus ? { bus: d.bus } : {}), decoder: compileDecoder(d.db) }));
  }

  async add(batch: readonly CanFrame[]): Promise<void> {
    const counts = this.counts;
    counts.frames += batch.length;
    for (const frame of batch) {
      if (frame.error || frame.remote) continue;
      if (this.decode(frame)) counts.decodedFrames += 1;
      else {
        counts.undecodedFrames += 1;
        // Standard ids in a bitmap (most frames of a vehicle bus), others in a set where standard and
        // extended ids stay apart in one number.
        if (!frame.extended && frame.id < 0x800) {
          if (this.undecodedStandard[frame.id] === 0) {
            this.undecodedStandard[frame.id] = 1;
            counts.undecodedIds += 1;
          }
        } else {
          const key = frame.extended ? frame.id + 0x1_0000_0000 : frame.id;
          if (!this.undecodedOther.has(key)) {
            this.undecodedOther.add(key);
            counts.undecodedIds += 1;
          }
        }
      }
    }
    // Both batches view reused arrays: each append is awaited before the next batch is built.
    await this.frames.append(this.frameColumns.columns(batch));
    if (this.sink.rows > 0) {
      counts.signals += this.sink.rows;
      await this.signals.append(this.sink.take());
    }
  }

  private decode(frame: CanFrame): boolean {
    let decoders = frame.bus === this.lastBus ? this.lastDecoders : this.busDecoders.get(frame.bus);
    if (decoders === undefined) {
      decoders = this.decoders
        .filter((d) => d.bus === undefined || d.bus === frame.bus)
        .map((d) => d.decoder);
      this.busDecoders.set(frame.bus, decoders);
    }
    this.lastBus = frame.bus;
    this.lastDecoders = decoders;
    for (const decoder of decoders) {
      const compiled = decoder.lookup(frame.id, frame.extended);
      if (compiled === undefined) continue;
      this.sink.frame(frame.t, this.buses.id(frame.bus, frame.bus), compiled.message);
      const pushed = compiled.decode(frame.data, this.sink);
      if (pushed < 0 || compiled.lastTruncated) this.counts.shortFrames += 1;
      return true;
    }
    return false;
  }
}
