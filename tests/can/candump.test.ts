import { describe, expect, it } from 'vitest';
import { readCandump } from '../../ingest/can/readCandump.js';
import type { CandumpOptions } from '../../ingest/can/readCandump.js';
import { bytesOf, chunked, collect, countByReason, hex, seeded, sumValues } from './collect.js';

async function read(text: string | Uint8Array, options: Partial<CandumpOptions> = {}) {
  const bytes = typeof text === 'string' ? bytesOf(text) : text;
  return collect(readCandump(chunked(bytes), { uri: 'test.log', ...options }));
}

describe('candump log format', () => {
  it('reads classic, extended, FD, remote, error frames and direction flags', async () => {
    const { frames, rejects } = await read(
      [
        '(1533226488.230547) can0 260#08FFFB0000001884',
        '(1533226488.230560) vcan1 12345678#DEADbeef R',
        '(1533226488.230570) can0 123##3112233445566778899AABBCC',
        '(1533226488.230580) can0 7FF#R',
        '(1533226488.230590) can0 100#R5 T',
        '(1533226488.230600) can0 20000080#0000000000000000',
        '(1533226488.230610) can0 321#',
        '(1533226488.230620) can0 321#1122334455667788_C',
        '(0.000001) can0 001#01',
      ].join('\n'),
    );
    expect(rejects).toEqual([]);
    expect(
      frames.map((f) => [
        f.t,
        f.bus,
        f.id,
        f.extended,
        f.dlc,
        hex(f.data),
        f.fd,
        f.brs,
        f.esi,
        f.error,
        f.remote,
        f.direction,
      ]),
    ).toEqual([
      [
        1533226488230547000n,
        'can0',
        0x260,
        false,
        8,
        '08fffb0000001884',
        false,
        false,
        false,
        false,
        false,
        undefined,
      ],
      [
        1533226488230560000n,
        'vcan1',
        0x12345678,
        true,
        4,
        'deadbeef',
        false,
        false,
        false,
        false,
        false,
        'rx',
      ],
      [
        1533226488230570000n,
        'can0',
        0x123,
        false,
        9,
        '112233445566778899aabbcc',
        true,
        true,
        true,
        false,
        false,
        undefined,
      ],
      [1533226488230580000n, 'can0', 0x7ff, false, 0, '', false, false, false, false, true, undefined],
      [1533226488230590000n, 'can0', 0x100, false, 5, '', false, false, false, false, true, 'tx'],
      [
        1533226488230600000n,
        'can0',
        0,
        false,
        8,
        '0000000000000000',
        false,
        false,
        false,
        true,
        false,
        undefined,
      ],
      [1533226488230610000n, 'can0', 0x321, false, 0, '', false, false, false, false, false, undefined],
      [
        1533226488230620000n,
        'can0',
        0x321,
        false,
        12,
        '1122334455667788',
        false,
        false,
        false,
        false,
        false,
        undefined,
      ],
      [1000n, 'can0', 1, false, 1, '01', false, false, false, false, false, undefined],
    ]);
  });

  it('keeps nanosecond digits exactly up to the last int64 nanosecond, and rejects times past it', async () => {
    const { frames, rejects } = await read(
      '(1700000000.123456789) can0 001#\n(9223372036.854775807) can0 001#\n' +
        '(9223372036.854775808) can0 001#\n(99999999999.999999) can0 001#\n(12345678901234567.5) can0 001#\n',
    );
    expect(frames.map((f) => f.t)).toEqual([1700000000123456789n, 2n ** 63n - 1n]);
    expect(rejects.map((r) => [r.line, r.reason])).toEqual([
      [3, 'time_out_of_range'],
      [4, 'time_out_of_range'],
      [5, 'time_out_of_range'],
    ]);
  });

  it('skips blank lines and # comments, handles CRLF, a BOM and a last line without newline', async () => {
    const text =
      '\ufeff(0.500000) can0 000#\r\n# candump log\r\n\r\n   \r\n(1.000000) can0 001#01\r\n# more\n(2.000000) can0 002#02';
    // Byte-sized chunks split the BOM and the CRLFs too.
    const { frames, rejects } = await collect(readCandump(chunked(bytesOf(text), [1]), { uri: 'test.log' }));
    expect(rejects).toEqual([]);
    expect(frames.map((f) => [f.t, f.id])).toEqual([
      [500_000_000n, 0],
      [1_000_000_000n, 1],
      [2_000_000_000n, 2],
    ]);
  });
});

describe('candump console formats', () => {
  it('reads plain, -t a, -t z, -t A, -x and CAN FD console lines', async () => {
    const { frames, rejects } = await read(
      [
        '  can0  123   [8]  11 22 33 44 55 66 77 88',
        ' (1436509053.650713)  can0  12345678   [3]  AA BB CC',
        ' (000.000123)  vcan0  7FF   [0] ',
        ' (2015-07-10 08:17:33.650713)  can0  001   [1]  FF',
        '  can0  RX - -  123   [2]  01 02',
        '  can0  TX B E  123  [32]  00 01 02 03 04 05 06 07 08 09 0A 0B 0C 0D 0E 0F 10 11 12 13 14 15 16 17 18 19 1A 1B 1C 1D 1E 1F',
        '  can1  456  [08]  01 02 03 04 05 06 07 08',
        '  can0  123   [3]  remote request',
        "  can0  321   [2]  41 42                     'AB'",
        '  can0  20000004   [8]  00 04 00 00 00 00 00 00   ERRORFRAME',
        '\tcontroller-problem{rx-error-warning}',
      ].join('\n'),
    );
    expect(rejects).toEqual([]);
    expect(
      frames.map((f) => [
        f.t,
        f.bus,
        f.id,
        f.extended,
        f.dlc,
        hex(f.data),
        f.fd,
        f.brs,
        f.esi,
        f.error,
        f.remote,
        f.direction,
      ]),
    ).toEqual([
      [0n, 'can0', 0x123, false, 8, '1122334455667788', false, false, false, false, false, undefined],
      [
        1436509053650713000n,
        'can0',
        0x12345678,
        true,
        3,
        'aabbcc',
        false,
        false,
        false,
        false,
        false,
        undefined,
      ],
      [123000n, 'vcan0', 0x7ff, false, 0, '', false, false, false, false, false, undefined],
      [1436516253650713000n, 'can0', 1, false, 1, 'ff', false, false, false, false, false, undefined],
      [0n, 'can0', 0x123, false, 2, '0102', false, false, false, false, false, 'rx'],
      [
        0n,
        'can0',
        0x123,
        false,
        13,
        '000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f',
        true,
        true,
        true,
        false,
        false,
        'tx',
      ],
      [0n, 'can1', 0x456, false, 8, '0102030405060708', true, false, false, false, false, undefined],
      [0n, 'can0', 0x123, false, 3, '', false, false, false, false, true, undefined],
      [0n, 'can0', 0x321, false, 2, '4142', false, false, false, false, false, undefined],
      [0n, 'can0', 0, false, 8, '0004000000000000', false, false, false, true, false, undefined],
    ]);
  });

  it('sums -t d deltas when asked to', async () => {
    const text =
      ' (000.000000)  can0  001   [0] \n (000.500000)  can0  001   [0] \n (001.250000)  can0  001   [0] \n';
    expect((await read(text)).frames.map((f) => f.t)).toEqual([0n, 500_000_000n, 1_250_000_000n]);
    expect((await read(text, { shortTimestamps: 'delta' })).frames.map((f) => f.t)).toEqual([
      0n,
      500_000_000n,
      1_750_000_000n,
    ]);
  });
});

describe('candump bad input', () => {
  it('rejects bad lines with a reason and their 1-based line, and goes on', async () => {
    const good = '(1.000000) can0 001#01';
    const bad = [
      ['(1533226488.2305', 'truncated'],
      ['(1533226488.230547) can0', 'truncated'],
      ['(1533226488.230547) can0 260', 'truncated'],
      ['(1533226488.230547) can0 26G#00', 'non_hex'],
      ['(1533226488.230547) can0 260#0G', 'non_hex'],
      ['(1533226488.230547) can0 260#123', 'odd_nibbles'],
      ['(1533226488.230547) can0 1234#00', 'bad_id'],
      ['(1533226488.230547) can0 800#00', 'bad_id'],
      ['(1533226488.230547) can0 123#112233445566778899', 'too_long'],
      ['(1533226488.230547) can0 123##0112233445566778899', 'bad_length'],
      ['(1533226488.230547) can0 123#R9x', 'bad_dlc'],
      ['(1533226488.230547) can0 123#11 extra', 'trailing_text'],
      ['(15332x6488.230547) can0 123#11', 'bad_timestamp'],
      ['(1533226488.230547)can0 123#11', 'bad_timestamp'],
      // Past 2262: int64 nanoseconds cannot hold it (seconds in another unit, a clock never set right).
      ['(99999999999999.000000) can0 123#11', 'time_out_of_range'],
      ['(9999-01-01 00:00:00.000000) can0 123#11', 'time_out_of_range'],
      ['(1533226488.230547) can0 123#80:00:00000000#11', 'unsupported'],
      ['  can0  123   [4]  11 22', 'truncated'],
      ['  can0  123   [2]  11 22 33', 'dlc_mismatch'],
      ['  can0  123   [2]  11 2X', 'non_hex'],
      ['  can0  123   [9]  11 22 33 44 55 66 77 88 99', 'too_long'],
      ['  can0  123  [09]  11 22 33 44 55 66 77 88 99', 'bad_length'],
      ['hello world', 'unknown_line'],
      ['\u0000\u0001\u00ff\u00fe garbage', 'unknown_line'],
    ] as const;
    const lines = bad.flatMap(([line]) => [line, good]);
    const { frames, rejects } = await read(lines.join('\n') + '\n');
    expect(frames).toHaveLength(bad.length);
    expect(rejects.map((r) => [r.line, r.reason])).toEqual(bad.map(([, reason], i) => [2 * i + 1, reason]));
    for (const reject of rejects) {
      expect(reject.uri).toBe('test.log');
      expect(reject.message).toMatch(/^candump line \d+: /);
      expect(reject.text).toBeDefined();
    }
    // Offsets point at the line starts.
    const first = rejects[1];
    expect(first?.offset).toBe(bad[0][0].length + 1 + good.length + 1);
    // Control and non-ASCII bytes (here UTF-8 of ÿþ) are escaped in reject text.
    expect(rejects.at(-1)?.text).toBe('\\x00\\x01\\xc3\\xbf\\xc3\\xbe garbage');
  });

  it('reads nothing, without error, from an empty input', async () => {
    expect(await read('')).toEqual({ frames: [], rejects: [], batches: 0 });
  });

  it('bounds the report for a binary file read as candump, with exact counts by reason', async () => {
    const random = seeded(42);
    const bytes = new Uint8Array(2_000_000).map(() => Math.floor(random() * 256));
    const { frames, rejects } = await read(bytes);
    expect(frames).toEqual([]);
    const byReason = countByReason(rejects);
    const reasons = Object.keys(byReason).length;
    // At most 100 listed per reason plus one summary per reason, and the summaries make the counts exact.
    expect(rejects.length).toBeLessThanOrEqual(100 * reasons + reasons);
    expect(sumValues(byReason)).toBe(textLines(bytes));
    const summaries = rejects.filter((r) => r.count !== undefined);
    expect(summaries.length).toBeGreaterThan(0);
    for (const summary of summaries) {
      const listed = rejects.filter((r) => r.reason === summary.reason && r.count === undefined);
      expect(listed).toHaveLength(100);
      expect(summary.count).toBe((byReason[summary.reason] ?? 0) - 100);
      expect(summary.message).toMatch(
        new RegExp(`^${summary.count} more '${summary.reason}' rejects not listed`),
      );
      expect(rejects.indexOf(summary)).toBeGreaterThan(rejects.indexOf(listed.at(-1) ?? summary));
    }
    for (const reject of rejects) expect((reject.text ?? '').length).toBeLessThanOrEqual(201);
  });

  it('lists maxDetailedRejects per reason, then one summary per reason with the exact count', async () => {
    const good = '(1.000000) can0 001#01';
    const lines: string[] = [];
    for (let i = 0; i < 7; i++) lines.push('(1.000000) can0 26G#00', good); // non_hex × 7
    for (let i = 0; i < 2; i++) lines.push('hello world'); // unknown_line × 2, at the cap
    for (let i = 0; i < 4; i++) lines.push('(1.000000) can0 260#123'); // odd_nibbles × 4
    const { frames, rejects } = await read(lines.join('\n') + '\n', { maxDetailedRejects: 2 });
    expect(frames).toHaveLength(7);
    expect(countByReason(rejects)).toEqual({ non_hex: 7, unknown_line: 2, odd_nibbles: 4 });
    expect(rejects.map((r) => [r.reason, r.line, r.count])).toEqual([
      ['non_hex', 1, undefined],
      ['non_hex', 3, undefined],
      ['unknown_line', 15, undefined],
      ['unknown_line', 16, undefined],
      ['odd_nibbles', 17, undefined],
      ['odd_nibbles', 18, undefined],
      ['non_hex', 5, 5],
      ['odd_nibbles', 19, 2],
    ]);
    expect(rejects.at(-2)?.message).toBe(
      "5 more 'non_hex' rejects not listed (lines 5–13); only the first 2 of each reason are listed",
    );
    expect(rejects.at(-1)?.offset).toBe(lines.slice(0, 18).join('\n').length + 1);
  });

  it('rejects an overlong line without buffering it, then resumes', async () => {
    const long = 'x'.repeat(100_000);
    const { frames, rejects } = await read(`${long}\n(1.000000) can0 001#01\n${long}`, {
      maxLineBytes: 4096,
    });
    expect(frames.map((f) => f.id)).toEqual([1]);
    expect(rejects.map((r) => [r.line, r.reason])).toEqual([
      [1, 'line_too_long'],
      [3, 'line_too_long'],
    ]);
  });

  it('gives frames fresh data views that later frames never overwrite', async () => {
    const { frames } = await read(
      Array.from(
        { length: 5000 },
        (_, i) => `(1.0) can0 001#${(i & 0xff).toString(16).padStart(2, '0')}`,
      ).join('\n'),
      { batchSize: 100 },
    );
    expect(frames.every((f, i) => f.data.length === 1 && f.data[0] === (i & 0xff))).toBe(true);
  });
});

/** Lines of `bytes` that candump must reject when none is a frame: all but blank and `#` comment lines. */
function textLines(bytes: Uint8Array): number {
  let count = 0;
  let start = 0;
  while (start < bytes.length) {
    let end = bytes.indexOf(10, start);
    if (end < 0) end = bytes.length;
    let s = start;
    let e = end;
    while (e > s && (bytes[e - 1] === 13 || bytes[e - 1] === 32 || bytes[e - 1] === 9)) e--;
    while (s < e && (bytes[s] === 32 || bytes[s] === 9)) s++;
    if (s < e && bytes[s] !== 35) count++;
    start = end + 1;
  }
  return count;
}
