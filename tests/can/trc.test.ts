import { describe, expect, it } from 'vitest';
import { readTrc } from '../../ingest/can/readTrc.js';
import type { TrcOptions } from '../../ingest/can/readTrc.js';
import { bytesOf, chunked, collect, countByReason, hex, frameShape } from './collect.js';

async function read(text: string, options: Partial<TrcOptions> = {}) {
  return collect(readTrc(chunked(bytesOf(text)), { uri: 'test.trc', ...options }));
}

/** `$STARTTIME` day numbers (days since 1899-12-30) → ns. */
function oleDays(days: number, fraction: string): bigint {
  return (
    BigInt(days - 25569) * 86_400_000_000_000n +
    (BigInt(fraction) * 86_400_000_000_000n + 10n ** BigInt(fraction.length) / 2n) /
      10n ** BigInt(fraction.length)
  );
}

describe('PCAN TRC', () => {
  it('reads version 1.1 (Rx/Tx/Error/Warng, RTR)', async () => {
    const { frames, rejects } = await read(
      [
        ';$FILEVERSION=1.1',
        ';$STARTTIME=44548.6028595139',
        ';   Start time: 18.12.2021 14:28:07.062.001',
        '     1)      1059.9  Rx         0300  8  00 00 00 00 04 00 00 00',
        '     2)      1298.9  Tx     00000100  2  AB CD',
        '     3)      1323.1  Error      0000  0',
        '     4)      1600.0  Warng  FFFFFFFF  4  00 00 00 08  BUSHEAVY',
        '     5)      1700.0  Rx         0704  1  RTR',
      ].join('\r\n'),
    );
    expect(rejects).toEqual([]);
    const start = oleDays(44548, '6028595139');
    // The header comment's start time (from python-can's test_CanMessage_V2_1.trc), to the ms.
    expect(start / 1_000_000n).toBe(BigInt(Date.UTC(2021, 11, 18, 14, 28, 7, 62)));
    expect(
      frames.map((f) => [
        f.t - start,
        f.bus,
        f.id,
        f.extended,
        f.dlc,
        hex(f.data),
        f.error,
        f.remote,
        f.direction,
      ]),
    ).toEqual([
      [1_059_900_000n, '1', 0x300, false, 8, '0000000004000000', false, false, 'rx'],
      [1_298_900_000n, '1', 0x100, true, 2, 'abcd', false, false, 'tx'],
      [1_323_100_000n, '1', 0, false, 0, '', true, false, undefined],
      [1_700_000_000n, '1', 0x704, false, 1, '', false, true, 'rx'],
    ]);
  });

  it('reads version 2.0 columns with CAN FD types and error lines', async () => {
    const { frames, rejects } = await read(
      [
        ';$FILEVERSION=2.0',
        ';$STARTTIME=42209.4075997106',
        ';$COLUMNS=N,O,T,I,d,l,D',
        '      1      1059.900 DT     0300 Rx 7  00 00 00 00 04 00 00',
        '      2      1283.231 FD     0400 Rx 12 00 01 02 03 04 05 06 07 08 09 0A 0B',
        '      3      1298.945 BI 1234ABCD Tx 8  01 02 03 04 05 06 07 08',
        '      4      1323.201 RR     0300 Rx 8',
        '      5      1432.125 ER          Rx    04 00 02 00 00',
        '      6      1500.000 ST          Rx    00 00 00 08',
      ].join('\n'),
    );
    expect(rejects).toEqual([]);
    expect(frames.map(frameShape)).toEqual([
      ['1', 0x300, false, 7, 7, false, false, false, false, false, 'rx'],
      ['1', 0x400, false, 9, 12, true, false, false, false, false, 'rx'],
      ['1', 0x1234abcd, true, 8, 8, true, true, true, false, false, 'tx'],
      ['1', 0x300, false, 8, 0, false, false, false, false, true, 'rx'],
      ['1', 0, false, 0, 0, false, false, false, true, false, 'rx'],
    ]);
  });

  it('rejects bad message lines and goes on', async () => {
    const { frames, rejects } = await read(
      [
        ';$FILEVERSION=2.1',
        '      1     17535.400 DT 1  00000100 Tx -  8    00 00 00 00 00 00 00 00',
        '      2     17535.400 DT 1  0000010G Tx -  8    00 00 00 00 00 00 00 00',
        '      3     17535.400 DT 1  00000100 Tx -  8    00 00 00',
        '      4     17535.x00 DT 1  00000100 Tx -  1    00',
        '      5     17535.400 DT 1  00000100 Tx -  1    0G',
        '      6  999999999999999.400 DT 1  00000100 Tx -  1    00',
      ].join('\n'),
    );
    expect(frames).toHaveLength(1);
    expect(rejects.map((r) => [r.line, r.reason])).toEqual([
      [3, 'non_hex'],
      [4, 'truncated'],
      [5, 'bad_timestamp'],
      [6, 'non_hex'],
      [7, 'time_out_of_range'],
    ]);
  });

  it('lists maxDetailedRejects per reason, then a summary with the exact count', async () => {
    const bad = '      2     17535.400 DT 1  0000010G Tx -  8    00 00 00 00 00 00 00 00';
    const { rejects } = await read([';$FILEVERSION=2.1', ...Array<string>(4).fill(bad)].join('\n'), {
      maxDetailedRejects: 1,
    });
    expect(countByReason(rejects)).toEqual({ non_hex: 4 });
    expect(rejects.map((r) => [r.line, r.count])).toEqual([
      [2, undefined],
      [3, 3],
    ]);
    expect(rejects[1]?.message).toContain('lines 3–5');
  });
});
