import { readFile, readdir } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseDecimalSecondsNs } from '../../core/time.js';
import { FD_DLC_TO_LENGTH } from '../../ingest/can/frame.js';
import { nodeGunzipStream, nodeInflate } from '../../ingest/can/nodeCodecs.js';
import { openCanLog } from '../../ingest/can/readCanLog.js';
import { fileSource } from '../../core/fileSource.js';
import { collect, hex } from './collect.js';
import type { CollectedFrame } from './collect.js';

/**
 * Every CAN log under ../shared/data/can with a python-can 4.1.0 frame dump is read through the
 * content-sniffing entry point and compared frame by frame with the dump. python-can's conventions are
 * mapped explicitly (see `expectations`), never by file name.
 */
const DATA = '../shared/data/can';
const SUFFIX = '.python-can-4.1.0.jsonl';
/** Timestamps: absolute tolerance in ns (1e-6 s). */
const TOLERANCE_NS = 1000n;

type OracleRow = [
  number,
  string | number,
  number,
  number,
  number,
  number,
  number,
  number,
  number,
  number,
  number,
  string,
];

async function oracleFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await oracleFiles(path)));
    else if (entry.name.endsWith(SUFFIX) && basename(dir) === 'expected-generated') out.push(path);
  }
  return out.sort();
}

const cases = await oracleFiles(DATA);

/** Seconds as a double → ns, without losing the sub-µs digits to the magnitude (split off whole seconds). */
function secondsToNs(seconds: number): bigint {
  const whole = Math.floor(seconds);
  return BigInt(whole) * 1_000_000_000n + BigInt(Math.round((seconds - whole) * 1e9));
}

function abs(value: bigint): bigint {
  return value < 0n ? -value : value;
}

/** python-can's dlc2len: DLC > 15 counts as 64. */
function dlc2len(dlc: number): number {
  return dlc > 15 ? 64 : (FD_DLC_TO_LENGTH[dlc] ?? 0);
}

/** What python-can 4.1.0 reports for our frame, per format (its readers differ in conventions). */
function expectations(format: string, frame: CollectedFrame): { channel: string; dlc: number } {
  switch (format) {
    case 'candump':
      // channel as written; dlc = payload length (len(data) // 2) or the R<n> digit.
      return { channel: frame.bus, dlc: frame.remote ? frame.dlc : frame.data.length };
    case 'asc':
      // ASC channel n is reported as n - 1; classic dlc through dlc2len, CANFD = data length, remote raw.
      return {
        channel: String(Number(frame.bus) - 1),
        dlc: frame.error ? 0 : frame.remote ? frame.dlc : dlc2len(frame.dlc),
      };
    case 'blf':
      // BLF channel n is reported as n - 1; CAN_MESSAGE dlc raw, CAN FD objects through dlc2len.
      return { channel: String(Number(frame.bus) - 1), dlc: frame.fd ? dlc2len(frame.dlc) : frame.dlc };
    case 'trc':
      return { channel: frame.bus, dlc: frame.dlc };
    default:
      throw new Error(`no python-can conventions for ${format}`);
  }
}

describe('CAN logs against python-can 4.1.0 frame dumps', () => {
  it('finds the oracle files', () => {
    expect(cases.length).toBeGreaterThanOrEqual(14);
  });

  for (const oraclePath of cases) {
    const inputPath = join(dirname(dirname(oraclePath)), basename(oraclePath, SUFFIX));
    it(basename(inputPath), async () => {
      const [header, ...rows] = (await readFile(oraclePath, 'utf8')).trim().split('\n');
      const meta = JSON.parse(header ?? '{}') as { _frames: number; _columns: string[] };
      expect(meta._columns).toEqual([
        'timestamp',
        'channel',
        'arbitration_id',
        'is_extended_id',
        'is_remote_frame',
        'is_error_frame',
        'is_fd',
        'bitrate_switch',
        'error_state_indicator',
        'is_rx',
        'dlc',
        'data_hex',
      ]);
      const expected = rows.map((row) => JSON.parse(row) as OracleRow);
      expect(expected).toHaveLength(meta._frames);

      const log = await openCanLog(fileSource(inputPath), {
        uri: inputPath,
        inflate: nodeInflate,
        gunzipStream: nodeGunzipStream,
      });
      const { frames: all, rejects } = await collect(log.batches);
      expect(rejects).toEqual([]);
      // python-can 4.1.0's TRC reader keeps only DT lines: RR (remote request) lines are dropped there.
      const frames = log.format === 'trc' ? all.filter((frame) => !frame.remote) : all;
      expect(frames).toHaveLength(expected.length);

      // candump: t must be the text's decimal seconds exactly, not just within tolerance.
      const texts =
        log.format === 'candump'
          ? [...(await readFile(inputPath, 'latin1')).matchAll(/^\s*\((\d+\.\d+)\)/gm)].map((m) => m[1] ?? '')
          : [];
      const firstNs = frames[0] === undefined ? 0n : frames[0].t - (frames[0].measurementStart ?? 0n);
      const firstOracleNs = expected[0] === undefined ? 0n : secondsToNs(expected[0][0]);

      // Compare field by field, collecting differences (one assertion keeps 6000-frame files fast).
      const differences: string[] = [];
      const check = (i: number, field: string, actual: unknown, wanted: unknown): void => {
        if (actual !== wanted)
          differences.push(`frame ${i} ${field}: got ${String(actual)}, python-can ${String(wanted)}`);
      };
      frames.forEach((frame, i) => {
        const row = expected[i];
        if (row === undefined) throw new Error('row missing');
        const [timestamp, channel, id, ext, rtr, err, fd, brs, esi, rx, dlc, dataHex] = row;
        const want = expectations(log.format, frame);

        // Time: ASC/TRC dumps are relative to the file's own start (python-can ignores the date); BLF adds
        // the header start, which python-can reads in its machine's zone, so BLF with a header start is
        // compared relative to the first frame.
        const rel = frame.t - (frame.measurementStart ?? 0n);
        const offBy =
          log.format === 'blf' && frame.measurementStart !== 0n
            ? rel - firstNs - (secondsToNs(timestamp) - firstOracleNs)
            : rel - secondsToNs(timestamp);
        if (abs(offBy) > TOLERANCE_NS) check(i, 'timestamp (ns off)', offBy, 0n);
        if (log.format === 'candump') check(i, 't vs text', frame.t, parseDecimalSecondsNs(texts[i] ?? ''));

        check(i, 'channel', want.channel, String(channel));
        check(i, 'error', frame.error, err === 1);
        if (frame.error) {
          // adlake: error frames have id 0 and are not extended (python-can leaves is_extended_id at True).
          check(i, 'id', frame.id, 0);
          check(i, 'extended', frame.extended, false);
        } else {
          check(i, 'id', frame.id, id);
          check(i, 'extended', frame.extended, ext === 1);
        }
        check(i, 'remote', frame.remote, rtr === 1);
        // CAN FD has no remote frames: an ASC `CANFD` remote line is fd=false here, fd=1 in python-can.
        check(i, 'fd', frame.fd, fd === 1 && rtr === 0);
        check(i, 'brs', frame.brs, brs === 1);
        check(i, 'esi', frame.esi, esi === 1);
        // Formats without a direction column: python-can defaults to rx.
        check(i, 'direction', frame.direction ?? 'rx', rx === 1 ? 'rx' : 'tx');
        check(i, 'dlc', want.dlc, dlc);
        check(i, 'data', hex(frame.data), dataHex);
      });
      expect(differences.slice(0, 20)).toEqual([]);
    });
  }
});
