/**
 * CanTables' counts: every frame in can_frames, DBC frames decoded, undecoded ids counted once each
 * (standard and extended ids apart), error and remote frames neither decoded nor counted as undecoded.
 */
import { describe, expect, test } from 'vitest';
import type { PartitionedTableWriter } from '../../catalog/tableWriter.js';
import type { CanFramesBatch, CanSignalsBatch } from '../../catalog/tables.js';
import type { CanFrame } from '../../ingest/can/frame.js';
import { CanTables } from '../../ingest/canTables.js';
import { parseDbc } from '../../ingest/dbc/parseDbc.js';

const DBC = `VERSION ""
BU_: ECU
BO_ 256 SPEED: 8 ECU
 SG_ kph : 0|16@1+ (0.01,0) [0|655.35] "km/h" ECU
`;

function frame(id: number, options: Partial<CanFrame> = {}): CanFrame {
  return {
    t: 1_700_000_000_000_000_000n,
    bus: 'can0',
    id,
    extended: false,
    dlc: 8,
    data: Uint8Array.of(0x10, 0x27, 0, 0, 0, 0, 0, 0),
    fd: false,
    brs: false,
    esi: false,
    error: false,
    remote: false,
    direction: undefined,
    ...options,
  };
}

/** A writer stand-in that keeps copies of what it is given (batches view reused arrays). */
function recorder<T>(): { writer: PartitionedTableWriter<T>; rows: () => number } {
  let rows = 0;
  const writer = {
    append: (batch: T): Promise<void> => {
      rows += (batch as { t: BigInt64Array }).t.length;
      return Promise.resolve();
    },
  } as unknown as PartitionedTableWriter<T>;
  return { writer, rows: () => rows };
}

describe('CanTables', () => {
  test('counts frames, decoded frames and distinct undecoded ids across batches', async () => {
    const frames = recorder<CanFramesBatch>();
    const signals = recorder<CanSignalsBatch>();
    const tables = new CanTables(frames.writer, signals.writer, [{ db: parseDbc(DBC, { uri: 'mem.dbc' }) }]);
    await tables.add([
      frame(256),
      frame(0x123),
      frame(0x123),
      frame(0x7ff),
      frame(0x123, { extended: true }),
    ]);
    await tables.add([
      frame(0x123),
      frame(0x1abcdef, { extended: true }),
      frame(0x1abcdef, { extended: true }),
      frame(0, { error: true }),
      frame(0x555, { remote: true, data: new Uint8Array(0) }),
      frame(256),
    ]);
    expect(tables.counts).toEqual({
      frames: 11,
      decodedFrames: 2,
      undecodedFrames: 7,
      // 0x123 and 0x7FF standard, 0x123 and 0x1ABCDEF extended.
      undecodedIds: 4,
      shortFrames: 0,
      signals: 2,
    });
    expect(frames.rows()).toBe(11);
    expect(signals.rows()).toBe(2);
  });
});
