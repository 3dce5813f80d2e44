import { mkdtemp, mkdir, rm, writeFile, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalObjectStore } from '../../catalog/localObjectStore.js';
import { listQuarantine } from '../../catalog/quarantine.js';
import { DecodeError } from '../../core/errors.js';
import { ingestPaths } from '../../ingest/ingestPaths.js';
import type { IngestReport } from '../../ingest/ingestReport.js';
import { seededRandom } from '../../ingest/demo/random.js';

const DBC = `VERSION ""
NS_ :
BS_:
BU_: ECU
BO_ 256 SPEED: 8 ECU
 SG_ VEHICLE_SPEED : 0|16@1+ (0.01,0) [0|655.35] "km/h" ECU
 SG_ GEAR : 56|4@1+ (1,0) [0|15] "" ECU
VAL_ 256 GEAR 0 "P" 3 "D" ;
`;

function sentence(body: string): string {
  let x = 0;
  for (const c of body) x ^= c.charCodeAt(0);
  return `$${body}*${x.toString(16).toUpperCase().padStart(2, '0')}`;
}

describe('bad input: the rest of the drive still lands', () => {
  let dir: string;
  let lake: string;
  let report: IngestReport;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'adlake-bad-'));
    lake = join(dir, 'lake');
    const drive = join(dir, 'drive');
    await mkdir(drive);
    await writeFile(join(drive, 'vehicle.dbc'), DBC);
    await writeFile(
      join(drive, 'can.log'),
      [
        '(1700000000.000100) can0 100#E803000000000030', // 10.00 km/h, gear D
        '(1700000000.000200) can0 100#E80300', // DLC shorter than the 8-byte message
        '(1700000000.000300) can0 7FF#0102', // id the DBC does not define
        '(1700000000.000400) can0 100#E80300000000003', // odd number of hex digits
        '(1700000000.000500) can0 100#ZZ03000000000030', // not hex
        '(1700000000.000600) can0 10', // cut off
        '(1700000000.000700) can0 100#D007000000000030', // 20.00 km/h
      ].join('\n') + '\n',
    );
    const good = sentence('GPGGA,221320.00,4807.038,N,01131.000,E,1,08,0.9,545.4,M,46.9,M,,');
    await writeFile(
      join(drive, 'gps.txt'),
      [
        sentence('GPRMC,221320.00,A,4807.038,N,01131.000,E,022.4,084.4,141123,003.1,W'),
        good,
        good.replace('*', '0*'), // bad checksum
        '$GPGGA,221321.00,4807.0', // cut off
        '\u0000\u00ff\u00fe garbage',
        sentence('GPRMC,221321.00,A,4807.040,N,01131.002,E,022.4,084.4,141123,003.1,W'),
      ].join('\r\n') + '\r\n',
      'latin1',
    );
    await writeFile(join(drive, 'empty.log'), '');
    const random = seededRandom(9);
    const binary = gzipSync(Uint8Array.from({ length: 4096 }, () => random.int(0, 256)));
    await writeFile(join(drive, 'track.nmea'), binary); // a binary file named like NMEA
    const store = await LocalObjectStore.open({ root: lake });
    report = await ingestPaths({ store, paths: [drive], dbcs: [], vehicle: 'v1' });
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reports bad CAN lines by reason with file and line, and keeps the good frames', () => {
    const can = report.inputs.find((i) => i.uri.endsWith('can.log'));
    expect(can?.status).toBe('ingested');
    expect(can?.records).toBe(4);
    const canRejects = report.rejects.filter((r) => r.uri.endsWith('can.log'));
    expect(canRejects.map((r) => r.line).sort()).toEqual([4, 5, 6]);
    for (const r of canRejects) expect(r.message.length).toBeGreaterThan(10);
    expect(report.tables.can_frames?.rows).toBe(4);
  });

  it('decodes what fits, counts short frames and frames on unknown ids', () => {
    expect(report.can?.decodedFrames).toBe(3);
    expect(report.can?.shortFrames).toBe(1);
    expect(report.can?.undecodedFrames).toBe(1);
    expect(report.can?.undecodedIds).toBe(1);
    // Two full frames × 2 signals + the short frame's VEHICLE_SPEED.
    expect(report.tables.can_signals?.rows).toBe(5);
  });

  it('rejects NMEA with bad checksums, cut-off sentences and garbage, naming the lines', () => {
    const nmea = report.inputs.find((i) => i.uri.endsWith('gps.txt'));
    expect(nmea?.format).toBe('nmea');
    expect(nmea?.records).toBe(2);
    const reasons = report.rejects
      .filter((r) => r.uri.endsWith('gps.txt'))
      .map((r) => `${r.line}:${r.reason}`);
    expect(reasons).toContain('3:bad_checksum');
    expect(reasons.some((r) => r.startsWith('4:'))).toBe(true);
    expect(reasons.some((r) => r.startsWith('5:'))).toBe(true);
    expect(report.rows.rejectedByReason.bad_checksum).toBe(1);
  });

  it('quarantines the empty file and the binary one with machine-readable reasons', async () => {
    const empty = report.inputs.find((i) => i.uri.endsWith('empty.log'));
    const binary = report.inputs.find((i) => i.uri.endsWith('track.nmea'));
    expect(empty).toMatchObject({ status: 'quarantined', reason: 'empty_file' });
    expect(binary).toMatchObject({ status: 'quarantined', reason: 'unknown_format' });
    expect(report.status).toBe('partial');
    const store = await LocalObjectStore.open({ root: lake });
    const records = await listQuarantine(store);
    expect(records.map((r) => r.reason).sort()).toEqual(['empty_file', 'unknown_format']);
    expect(records.every((r) => r.uri.startsWith(dir))).toBe(true);
  });

  it('records the run with every input and the counts', async () => {
    const text = await readFile(join(lake, '_runs', `${report.runId}.json`), 'utf8');
    const event = JSON.parse(text) as { eventType: string; inputs: { name: string }[]; outputs: unknown[] };
    expect(event.eventType).toBe('COMPLETE');
    expect(event.inputs).toHaveLength(report.inputs.length);
    expect(event.outputs.length).toBeGreaterThanOrEqual(3);
  });

  it('names line and column of a DBC syntax error and still ingests the data files', async () => {
    const drive = join(dir, 'drive2');
    await mkdir(drive);
    await writeFile(join(drive, 'broken.dbc'), DBC.replace('SG_ GEAR : 56|4@1+', 'SG_ GEAR : 56|4@1x'));
    await writeFile(join(drive, 'can.log'), '(1700000001.000100) can0 100#E803000000000030\n');
    const store = await LocalObjectStore.open({ root: lake });
    const second = await ingestPaths({ store, paths: [drive], dbcs: [], vehicle: 'v1' });
    const broken = second.inputs.find((i) => i.uri.endsWith('broken.dbc'));
    expect(broken?.status).toBe('quarantined');
    expect(broken?.message).toMatch(/broken\.dbc:7:\d+/);
    expect(second.tables.can_frames?.rows).toBe(1);
    expect(second.can?.undecodedFrames).toBe(1);
  });

  it('fails with a DecodeError naming the position when a --dbc file is broken', async () => {
    const bad = join(dir, 'explicit.dbc');
    await writeFile(bad, 'VERSION ""\nBO_ 12 X: 8 ECU\n SG_ A : 0|8@1+ (1,0) [0|1 "" ECU\n');
    const store = await LocalObjectStore.open({ root: lake });
    const run = ingestPaths({ store, paths: [join(dir, 'drive')], dbcs: [{ path: bad }], vehicle: 'v1' });
    await expect(run).rejects.toBeInstanceOf(DecodeError);
    await expect(run).rejects.toThrow(/explicit\.dbc:3:\d+/);
  });

  it('counts every bad line exactly while listing only the first ones', async () => {
    const drive = join(dir, 'drive3');
    await mkdir(drive);
    const lines = ['(1700000002.000000) can0 100#E803000000000030'];
    for (let i = 0; i < 250; i++) lines.push(`(1700000002.${String(i + 1).padStart(6, '0')}) can0 100#QQ`);
    await writeFile(join(drive, 'noisy.log'), lines.join('\n') + '\n');
    const store = await LocalObjectStore.open({ root: lake });
    const noisy = await ingestPaths({ store, paths: [drive], dbcs: [], vehicle: 'v1' });
    expect(noisy.tables.can_frames?.rows).toBe(1);
    expect(noisy.rows.rejected).toBe(250);
    expect(Object.values(noisy.rows.rejectedByReason).reduce((a, b) => a + b, 0)).toBe(250);
    expect(noisy.rejects.length).toBeLessThanOrEqual(101);
    expect(noisy.inputs.find((i) => i.uri.endsWith('noisy.log'))?.rejected).toBe(250);
  });

  it('warns about overlapping DBC signals with their lines, and decodes anyway', async () => {
    const drive = join(dir, 'drive4');
    await mkdir(drive);
    const overlapping = DBC.replace('SG_ GEAR : 56|4@1+', 'SG_ GEAR : 8|4@1+');
    await writeFile(join(drive, 'overlap.dbc'), overlapping);
    await writeFile(join(drive, 'can.log'), '(1700000003.000100) can0 100#E803000000000030\n');
    const store = await LocalObjectStore.open({ root: lake });
    const result = await ingestPaths({ store, paths: [drive], dbcs: [], vehicle: 'v1' });
    expect(result.warnings).toHaveLength(1);
    expect(result.warnings[0]).toMatch(/overlap\.dbc:\d+: .*VEHICLE_SPEED.*GEAR.*overlap/);
    expect(result.can?.decodedFrames).toBe(1);
  });
});
