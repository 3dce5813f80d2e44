import { describe, expect, it } from 'vitest';
import { parseAscDate } from '../../ingest/can/parseAscDate.js';
import { readAsc } from '../../ingest/can/readAsc.js';
import type { AscOptions } from '../../ingest/can/readAsc.js';
import { bytesOf, chunked, collect, countByReason, hex, frameShape } from './collect.js';

async function read(text: string, options: Partial<AscOptions> = {}) {
  return collect(readAsc(chunked(bytesOf(text)), { uri: 'test.asc', ...options }));
}

const HEADER =
  'date Sam Sep 30 15:06:13.191 2017\nbase hex  timestamps absolute\ninternal events logged\n// version 9.0.0\n';

describe('ASC dates', () => {
  it('reads German and US day and month names, am/pm and fractional seconds', () => {
    expect(parseAscDate('Sam Sep 30 15:06:13.191 2017')).toBe(
      BigInt(Date.UTC(2017, 8, 30, 15, 6, 13, 191)) * 1_000_000n,
    );
    expect(parseAscDate('Tue May 27 04:09:35.000 pm 2014')).toBe(
      BigInt(Date.UTC(2014, 4, 27, 16, 9, 35)) * 1_000_000n,
    );
    expect(parseAscDate('Thu Apr 28 12:44:52.480 am 2022')).toBe(
      BigInt(Date.UTC(2022, 3, 28, 0, 44, 52, 480)) * 1_000_000n,
    );
    expect(parseAscDate('Sat Sep 30 12:06:13 PM 2017')).toBe(
      BigInt(Date.UTC(2017, 8, 30, 12, 6, 13)) * 1_000_000n,
    );
    expect(parseAscDate('Mi Mär 1 01:02:03.5 2023')).toBe(
      BigInt(Date.UTC(2023, 2, 1, 1, 2, 3, 500)) * 1_000_000n,
    );
    expect(parseAscDate('Fr Okt 13 08:00:00.000 2023')).toBe(BigInt(Date.UTC(2023, 9, 13, 8)) * 1_000_000n);
    expect(parseAscDate('Di Dez 24 18:00:00 2024', 60)).toBe(BigInt(Date.UTC(2024, 11, 24, 17)) * 1_000_000n);
    expect(parseAscDate('Sat Foo 30 15:06:13 2017')).toBeUndefined();
    expect(parseAscDate('Sat Sep 30 25:06:13 2017')).toBeUndefined();
    expect(parseAscDate('Sat Sep 30 13:06:13 pm 2017')).toBeUndefined();
  });
});

describe('ASC frames', () => {
  it('applies the date header and keeps the file time as t - measurementStart', async () => {
    const { frames, rejects } = await read(
      `${HEADER}Begin Triggerblock\n   2.501000 1  123x Rx d 1 68\nEnd TriggerBlock\n`,
    );
    expect(rejects).toEqual([]);
    const start = BigInt(Date.UTC(2017, 8, 30, 15, 6, 13, 191)) * 1_000_000n;
    expect(
      frames.map((f) => [f.t, f.measurementStart, f.bus, f.id, f.extended, f.direction, hex(f.data)]),
    ).toEqual([[start + 2_501_000_000n, start, '1', 0x123, true, 'rx', '68']]);
  });

  it('uses relative seconds when there is no date, sums `timestamps relative`, reads base dec', async () => {
    const plain = await read('   0.500000 2  7FF Tx d 2 01 FF\n');
    expect(plain.frames.map((f) => [f.t, f.measurementStart, f.bus, f.direction])).toEqual([
      [500_000_000n, 0n, '2', 'tx'],
    ]);

    const relative = await read(
      'base hex timestamps relative\n 1.0 1 1 Rx d 0\n 0.25 1 1 Rx d 0\n 0.25 1 1 Rx d 0\n',
    );
    expect(relative.frames.map((f) => f.t)).toEqual([1_000_000_000n, 1_250_000_000n, 1_500_000_000n]);

    const dec = await read(
      'base dec timestamps absolute\n 1.0 1 2047 Rx d 3 1 255 16\n 1.0 1 536870911x Rx d 0\n',
    );
    expect(dec.rejects).toEqual([]);
    expect(dec.frames.map((f) => [f.id, f.extended, hex(f.data)])).toEqual([
      [0x7ff, false, '01ff10'],
      [0x1fffffff, true, ''],
    ]);
  });

  it('skips TxRq, chip status, statistics, J1939TP and other events silently', async () => {
    const { frames, rejects } = await read(
      [
        '   0.000000 Start of measurement',
        '   0.015991 CAN 1 Status:chip status error passive - TxErr: 132 RxErr: 0',
        '   1.015991 1  Statistic: D 0 R 0 XD 0 XR 0 E 0 O 0 B 0.00%',
        '   3.297743 1  J1939TP FEE3p        6    0  0   -   Rx   d 23 A0 0F A6 60',
        '   4.000000 1  123  TxRq d 1 01',
        '   4.000100 1  123  Tx   d 1 01',
        '   5.000000 CANFD   1 TxRq 123  0 0 1 1 01',
        '   6.000000 1 SV: 5 0 1 ::System::Var = 3',
      ].join('\n'),
    );
    expect(rejects).toEqual([]);
    expect(frames.map((f) => [f.t, f.direction])).toEqual([[4_000_100_000n, 'tx']]);
  });

  it('reads CANFD lines with and without the name column, remote and error variants', async () => {
    const { frames, rejects } = await read(
      [
        '  30.005021 CANFD   1 Rx        300                                   1 0 8  8 11 c2 03 04 05 06 07 08   102203  133   303000 e0006659 46500250 4b140250 20011736 2001040d',
        '  30.005071 CANFD   3 Rx        30a  Generic_Name_12                  1 1 d 32 00 01 02 03 04 05 06 07 08 09 0a 0b 0c 0d 0e 0f 10 11 12 13 14 15 16 17 18 19 1a 1b 1c 1d 1e 1f 1 2 3',
        '  30.300981 CANFD   3 Tx     50005x                                0 0 5 0 140000 73 200050 7a60 46500250 460a0250 20011736 20010205',
        '  30.806898 CANFD   5 Tx ErrorFrame Not Acknowledge error, dominant error flag fffe c7 31ca Arb. 556 44 0 0 f 64 00',
        '   2.501020 2 ErrorFrame Flags = 0xe CodeExt = 0x20a2 Code = 0x82 ID = 0 DLC = 0 Position = 5 Length = 11300',
        '   2.584921 4 300 Rx r 8 Length = 1704000 BitCount = 145 ID = 88888888x',
        '   2.520002 3 200 Tx r Length = 1704000 BitCount = 145 ID = 88888888x',
        '  13.258671 1  3FF             Tx   d D 55 AA 01 02 03 04 05 06  Length = 232016 BitCount = 119 ID = 1023',
        '  31.000000 CANFD   1 Rx        123                                   0 0 9 8 01 02 03 04 05 06 07 08 0 0 0',
      ].join('\n'),
    );
    expect(rejects).toEqual([]);
    expect(frames.map(frameShape)).toEqual([
      ['1', 0x300, false, 8, 8, true, true, false, false, false, 'rx'],
      ['3', 0x30a, false, 13, 32, true, true, true, false, false, 'rx'],
      ['3', 0x50005, true, 5, 0, false, false, false, false, true, 'tx'],
      ['5', 0, false, 0, 0, true, false, false, true, false, 'tx'],
      ['2', 0, false, 0, 0, false, false, false, true, false, undefined],
      ['4', 0x300, false, 8, 0, false, false, false, false, true, 'rx'],
      ['3', 0x200, false, 0, 0, false, false, false, false, true, 'tx'],
      ['1', 0x3ff, false, 13, 8, false, false, false, false, false, 'tx'],
      // DLC 9 with 8 bytes can only be a classic frame (CAN FD DLC 9 is 12 bytes).
      ['1', 0x123, false, 9, 8, false, false, false, false, false, 'rx'],
    ]);
  });

  it('starts a new batch when a trigger block restarts the clock', async () => {
    const text = `${HEADER}Begin Triggerblock Sam Sep 30 15:06:13.191 2017\n 1.0 1 1 Rx d 0\nEnd TriggerBlock\nBegin Triggerblock Sam Sep 30 16:00:00.000 2017\n 1.0 1 2 Rx d 0\nEnd TriggerBlock\n`;
    const batches = [];
    for await (const batch of readAsc(chunked(bytesOf(text)), { uri: 'x' })) batches.push(batch);
    expect(batches.map((b) => [b.records.length, b.measurementStart])).toEqual([
      [1, BigInt(Date.UTC(2017, 8, 30, 15, 6, 13, 191)) * 1_000_000n],
      [1, BigInt(Date.UTC(2017, 8, 30, 16)) * 1_000_000n],
    ]);
  });
});

describe('ASC bad input', () => {
  it('rejects bad lines with a reason and their line, and goes on', async () => {
    const good = '   1.000000 1  123  Rx   d 1 01';
    const bad = [
      ['   1.000000 1  123  Rx   d 8 11 22  Length = 0 BitCount = 0 ID = 291', 'dlc_mismatch'],
      ['   1.000000 1  123  Rx   d 2 11 22 33  Length = 0 BitCount = 0 ID = 291', 'dlc_mismatch'],
      ['   1.000000 1  123  Rx   d 4 11 22', 'truncated'],
      ['   1.000000 1  123  Rx   d 2 11 2G', 'non_hex'],
      ['   1.000000 1  123  Rx   d 2 11 222', 'non_hex'],
      ['   1.000000 1  800  Rx   d 0', 'bad_id'],
      ['   1.000000 1  12Z  Rx   d 0', 'bad_id'],
      ['   1.000000 1  123  Rx   d G', 'bad_dlc'],
      ['   1.000000 1  123  Rx   q 1 01', 'bad_frame'],
      ['   1.000000 1  123  Rx', 'truncated'],
      ['  30.005021 CANFD   1 Rx  300  1 0 8 12 11 22 33 44 55 66 77 88 99 AA BB CC', 'dlc_mismatch'],
      [
        '  30.005021 CANFD   1 Rx  300  1 0 a 20 00 01 02 03 04 05 06 07 08 09 0A 0B 0C 0D 0E 0F 10 11 12 13',
        'dlc_mismatch',
      ],
      ['  30.005021 CANFD   1 Rx  300  1 0 8 8 11 22', 'truncated'],
      ['  30.005021 CANFD   1 Rx  300  2 0 8 8 11 22 33 44 55 66 77 88', 'bad_frame'],
      ['  30.005021 CANFD   1 Up  300  1 0 8 8 11 22 33 44 55 66 77 88', 'bad_frame'],
      ['  1.0.0 1  123  Rx   d 1 01', 'bad_timestamp'],
      ['   99999999999999.000000 1  123  Rx   d 1 01', 'time_out_of_range'],
      ['date Sam Foo 30 15:06:13.191 2017', 'bad_date'],
      ['base oct', 'bad_header'],
      ['hello world', 'unknown_line'],
      ['\u0000\u0001 garbage', 'unknown_line'],
    ] as const;
    const { frames, rejects } = await read(bad.flatMap(([line]) => [line, good]).join('\n'));
    expect(frames).toHaveLength(bad.length);
    expect(rejects.map((r) => [r.line, r.reason])).toEqual(bad.map(([, reason], i) => [2 * i + 1, reason]));
    expect(
      rejects.every((r) => r.uri === 'test.asc' && r.message.startsWith(`asc line ${r.line ?? 0}: `)),
    ).toBe(true);
  });

  it('lists maxDetailedRejects per reason, then a summary with the exact count at the end', async () => {
    const lines = [...Array<string>(5).fill('hello world'), 'base oct', '   1.000000 1  123  Rx   d 1 01'];
    const { frames, rejects } = await read(lines.join('\n'), { maxDetailedRejects: 2 });
    expect(frames).toHaveLength(1);
    expect(countByReason(rejects)).toEqual({ unknown_line: 5, bad_header: 1 });
    expect(rejects.map((r) => [r.reason, r.line, r.count])).toEqual([
      ['unknown_line', 1, undefined],
      ['unknown_line', 2, undefined],
      ['bad_header', 6, undefined],
      ['unknown_line', 3, 3],
    ]);
  });

  it('reads nothing from an empty input', async () => {
    expect(await read('')).toEqual({ frames: [], rejects: [], batches: 0 });
  });
});
