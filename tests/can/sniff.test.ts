import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { DecodeError, UsageError } from '../../core/errors.js';
import { bytesSource } from '../../core/source.js';
import { nodeGunzipStream, nodeInflate } from '../../ingest/can/nodeCodecs.js';
import { openCanLog } from '../../ingest/can/readCanLog.js';
import { isGzip, sniffCanLog, sniffGzip } from '../../ingest/can/sniff.js';
import { bytesOf, collect, seeded } from './collect.js';

const DATA = '../shared/data';

async function files(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await files(path)));
    else out.push(path);
  }
  return out.sort();
}

async function head(path: string): Promise<Uint8Array> {
  const bytes = new Uint8Array(await readFile(path));
  return (isGzip(bytes) ? new Uint8Array(gunzipSync(bytes)) : bytes).subarray(0, 4096);
}

/** The format python-can was asked to read, named by the oracle's reader (the file extension there). */
function formatOfOracleInput(path: string): string {
  if (/\.asc(\.gz)?$/.test(path)) return 'asc';
  if (path.endsWith('.blf')) return 'blf';
  if (path.endsWith('.trc')) return 'trc';
  return 'candump';
}

describe('sniffCanLog', () => {
  it('names the format of every CAN log in the data folder by content', async () => {
    const logs = (await files(`${DATA}/can`)).filter((p) => !p.includes('expected-generated'));
    logs.push(`${DATA}/drives/comma2k19/derived/rav4_2018-08-02_seg40.candump.log`);
    expect(logs.length).toBeGreaterThanOrEqual(15);
    for (const path of logs) expect(sniffCanLog(await head(path)), path).toBe(formatOfOracleInput(path));
  });

  it('says undefined for every other real file in the data folder (NMEA, DBC, MDF4, bags, CSV, JSON ...)', async () => {
    const others = (await files(DATA)).filter(
      (p) => !p.startsWith(`${DATA}/can/`) && !p.endsWith('.candump.log') && !p.endsWith('.md'),
    );
    expect(others.length).toBeGreaterThan(50);
    for (const path of others) expect(sniffCanLog(await head(path)), path).toBeUndefined();
  });

  it('recognises console candump, header-less ASC, and rejects noise', () => {
    expect(sniffCanLog(bytesOf('  can0  123   [8]  11 22 33 44 55 66 77 88\n'))).toBe('candump');
    expect(sniffCanLog(bytesOf(' (1436509053.650713)  can0  123   [2]  11 22\n'))).toBe('candump');
    expect(sniffCanLog(bytesOf('# a comment\n\n(1.000000) can0 123#11\n'))).toBe('candump');
    expect(sniffCanLog(bytesOf('   0.010000 1  123x Rx d 1 11\n'))).toBe('asc');
    expect(sniffCanLog(bytesOf(';$FILEVERSION=1.1\n'))).toBe('trc');
    expect(sniffCanLog(bytesOf(''))).toBeUndefined();
    expect(sniffCanLog(bytesOf('hello\n(1.000000) can0 123#11\n'))).toBeUndefined();
    const random = seeded(1);
    expect(sniffCanLog(new Uint8Array(4096).map(() => Math.floor(random() * 256)))).toBeUndefined();
  });

  it('knows gzip', () => {
    expect(isGzip(gzipSync(bytesOf('x')))).toBe(true);
    expect(sniffGzip(bytesOf('LOGG'))).toBe(false);
  });
});

describe('openCanLog', () => {
  it('gunzips, detects and reads a gzip-compressed ASC log', async () => {
    const path = `${DATA}/can/python-can/test_CanMessage.asc.gz`;
    const source = bytesSource(path, new Uint8Array(await readFile(path)));
    const log = await openCanLog(source, { uri: path, gunzipStream: nodeGunzipStream });
    expect([log.format, log.gzip]).toEqual(['asc', true]);
    expect((await collect(log.batches)).frames).toHaveLength(2);
    await expect(openCanLog(source, { uri: path })).rejects.toBeInstanceOf(UsageError);
  });

  it('needs inflate for BLF', async () => {
    const path = `${DATA}/can/python-can/test_CanMessage.blf`;
    const source = bytesSource(path, new Uint8Array(await readFile(path)));
    await expect(openCanLog(source, { uri: path })).rejects.toBeInstanceOf(UsageError);
    const log = await openCanLog(source, { uri: path, inflate: nodeInflate });
    expect((await collect(log.batches)).frames).toHaveLength(2);
  });

  it('opens an empty file as an empty log and refuses unknown content with a DecodeError', async () => {
    const empty = await openCanLog(bytesSource('empty.log', new Uint8Array(0)), { uri: 'empty.log' });
    expect(empty.format).toBe('empty');
    expect(await collect(empty.batches)).toEqual({ frames: [], rejects: [], batches: 0 });
    const error = await openCanLog(bytesSource('x.bin', bytesOf('\u0000\u0001garbage')), {
      uri: 'x.bin',
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DecodeError);
    expect((error as DecodeError).where).toEqual({ uri: 'x.bin', offset: 0 });
  });
});

describe('openCanLog on damaged gzip', () => {
  it('reads the frames before the damage and reports gzip_error', async () => {
    const path = `${DATA}/can/icsim/sample-can.log`;
    const zipped = gzipSync(await readFile(path));
    const cut = zipped.subarray(0, Math.floor(zipped.length / 2));
    const log = await openCanLog(bytesSource(path, cut), { uri: path, gunzipStream: nodeGunzipStream });
    expect(log.format).toBe('candump');
    const { frames, rejects } = await collect(log.batches);
    expect(frames.length).toBeGreaterThan(1000);
    expect(frames.length).toBeLessThan(6158);
    // The last line may be cut mid-frame too: a truncated-line reject may precede the gzip one.
    expect(rejects.at(-1)?.reason).toBe('gzip_error');
    expect(rejects.length).toBeLessThanOrEqual(2);
  });
});
