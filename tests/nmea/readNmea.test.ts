import { readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { Reject } from '../../core/reject.js';
import { isoString } from '../../core/time.js';
import { fileStream } from '../../core/fileSource.js';
import type { GpsFix } from '../../ingest/nmea/gpsFix.js';
import { nmeaChecksum } from '../../ingest/nmea/parseSentence.js';
import { readNmea, type NmeaReadStats, type ReadNmeaOptions } from '../../ingest/nmea/readNmea.js';

const GPSD = '../shared/data/nmea/gpsd';
const NAVSAT = '../shared/data/nmea/nmea_navsat_driver/nmea.log';
const COMMA = '../shared/data/drives/comma2k19/derived/rav4_2018-08-02_seg40';

interface Result {
  fixes: GpsFix[];
  rejects: Reject[];
  stats: NmeaReadStats;
}

/** Streams `bytes` in chunks of `chunk` bytes, so sentences and CRLFs straddle chunk boundaries. */
function chunked(bytes: Uint8Array, chunk: number): AsyncIterable<Uint8Array> {
  const parts: Uint8Array[] = [];
  for (let i = 0; i < bytes.length; i += chunk) parts.push(bytes.subarray(i, i + chunk));
  return Readable.from(parts);
}

async function read(
  input: string | Uint8Array | AsyncIterable<Uint8Array>,
  options: Partial<ReadNmeaOptions> = {},
  chunk = 1 << 16,
): Promise<Result> {
  const stream =
    typeof input === 'string'
      ? chunked(new TextEncoder().encode(input), chunk)
      : input instanceof Uint8Array
        ? chunked(input, chunk)
        : input;
  const stats: NmeaReadStats = { lines: 0, sentences: 0, ignored: 0, fixes: 0, rejects: {} };
  const result: Result = { fixes: [], rejects: [], stats };
  for await (const batch of readNmea(stream, { uri: 'test.nmea', ...options, stats })) {
    result.fixes.push(...batch.records);
    result.rejects.push(...batch.rejects);
  }
  return result;
}

/** Exact rejects by reason from the batches alone: a summary reject stands for `count` rejects. */
function countByReason(rejects: readonly Reject[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const r of rejects) counts[r.reason] = (counts[r.reason] ?? 0) + (r.count ?? 1);
  return counts;
}

/** `$` + body + `*hh`. */
function sentence(body: string): string {
  return `$${body}*${nmeaChecksum(body).toString(16).toUpperCase().padStart(2, '0')}`;
}
const gga = (time: string): string =>
  sentence(`GPGGA,${time},4807.038,N,01131.000,E,1,08,0.9,545.4,M,46.9,M,,`);
const rmc = (time: string, date: string): string =>
  sentence(`GPRMC,${time},A,4807.038,N,01131.000,E,022.4,084.4,${date},003.1,W`);

/** Seeded PRNG (mulberry32), so the "binary file" test is reproducible. */
function randomBytes(length: number, seed: number): Uint8Array {
  let state = seed;
  const bytes = new Uint8Array(length);
  for (let i = 0; i < length; i += 1) {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    bytes[i] = (t ^ (t >>> 14)) & 0xff;
  }
  return bytes;
}

describe('readNmea on real logs without an oracle', () => {
  it('nmea_navsat_driver: 120 RTK-fixed epochs at 2 Hz, in order', async () => {
    const { fixes, rejects, stats } = await read(fileStream(NAVSAT));
    expect(rejects).toEqual([]);
    expect(stats).toMatchObject({ sentences: 240, ignored: 0, fixes: 120 });
    expect(fixes).toHaveLength(120);
    expect(isoString(fixes[0]?.t ?? 0n)).toBe('2020-04-20T09:25:42.000Z');
    for (const [i, fix] of fixes.entries()) {
      expect(fix.fixQuality).toBe(4); // GGA quality 4 = RTK fixed (RMC mode R agrees)
      expect(fix.mode).toBe(3);
      if (i > 0) expect(fix.t - (fixes[i - 1]?.t ?? 0n)).toBe(500_000_000n);
      expect(fix.lat).toBeCloseTo(48.7733, 3);
      expect(fix.lon).toBeCloseTo(8.912, 3);
      expect(fix.altHae).toBeCloseTo((fix.alt ?? 0) + 47.535, 9);
    }
    // 8-decimal RTK minutes survive: 4846.4008666 N.
    expect(fixes[0]?.lat).toBe(48 + 46.4008666 / 60);
  });

  it('comma2k19: first fix at 16:14:48.29 UTC, I-280 near San Francisco, speed agrees with the wheels', async () => {
    const { fixes, rejects } = await read(fileStream(`${COMMA}.nmea`));
    expect(rejects).toEqual([]);
    expect(fixes).toHaveLength(579);
    expect(isoString(fixes[0]?.t ?? 0n)).toBe('2018-08-02T16:14:48.290Z');
    for (const fix of fixes) {
      expect(fix.lat).toBeGreaterThan(37.7);
      expect(fix.lat).toBeLessThan(37.8);
      expect(fix.lon).toBeGreaterThan(-122.5);
      expect(fix.lon).toBeLessThan(-122.4);
    }
    // GPS speed over ground vs comma's wheel-speed oracle on the same UTC clock (nearest sample).
    const wheel = readFileSync(`${COMMA}.expected.speed.csv`, 'utf8')
      .trim()
      .split('\n')
      .slice(1)
      .map((row) => row.split(',').map(Number) as [number, number]);
    const diffs = fixes.map((fix) => {
      const seconds = Number(fix.t) / 1e9;
      let best = wheel[0] ?? [0, 0];
      for (const sample of wheel)
        if (Math.abs(sample[0] - seconds) < Math.abs(best[0] - seconds)) best = sample;
      return Math.abs((fix.speed ?? Number.NaN) - best[1]);
    });
    diffs.sort((a, b) => a - b);
    expect(diffs[Math.floor(diffs.length / 2)]).toBeLessThan(0.5); // median, m/s
  });

  it('gives the same fixes whatever the chunk size', async () => {
    const bytes = readFileSync(`${GPSD}/ublox-zed-f9r.log`);
    const whole = await read(bytes);
    const tiny = await read(bytes, {}, 7);
    expect(tiny.fixes).toEqual(whole.fixes);
    expect(tiny.rejects).toEqual(whole.rejects);
    expect(whole.fixes).toHaveLength(30);
  });

  it('reads HDT/THS heading and GST errors into the fix', async () => {
    const sky = await read(fileStream(`${GPSD}/skytraq-PX1172RH_DS.log`));
    expect(sky.fixes[0]).toMatchObject({ heading: 244.28, fixQuality: 5, mode: 3 });
    const f9p = await read(fileStream(`${GPSD}/ublox-zed-f9p-nmea.log`));
    expect(f9p.fixes.filter((fix) => fix.latErr !== undefined).length).toBeGreaterThan(20);
  });
});

describe('readNmea dates', () => {
  it('advances the date at midnight when the time of day falls by more than 12 h', async () => {
    const { fixes } = await read(
      [rmc('235959.50', '311219'), gga('000000.00'), gga('000000.50')].join('\r\n'),
    );
    expect(fixes.map((fix) => isoString(fix.t))).toEqual([
      '2019-12-31T23:59:59.500Z',
      '2020-01-01T00:00:00.000Z',
      '2020-01-01T00:00:00.500Z',
    ]);
  });

  it('holds epochs until the first date and dates them backwards, across midnight', async () => {
    const { fixes, rejects } = await read([gga('235959'), gga('000000'), rmc('000001', '010120')].join('\n'));
    expect(rejects).toEqual([]);
    expect(fixes.map((fix) => isoString(fix.t))).toEqual([
      '2019-12-31T23:59:59.000Z',
      '2020-01-01T00:00:00.000Z',
      '2020-01-01T00:00:01.000Z',
    ]);
    expect(fixes.map((fix) => fix.line)).toEqual([1, 2, 3]);
  });

  it('rejects dateless epochs as no_date, or dates them with baseDate', async () => {
    const log = [gga('120000'), gga('120001'), gga('120002')].join('\n');
    const without = await read(log);
    expect(without.fixes).toEqual([]);
    expect(without.rejects.map((r) => [r.reason, r.line])).toEqual([
      ['no_date', 1],
      ['no_date', 2],
      ['no_date', 3],
    ]);
    const withBase = await read(log, { baseDate: '2021-06-01' });
    expect(withBase.fixes.map((fix) => isoString(fix.t))).toEqual([
      '2021-06-01T12:00:00.000Z',
      '2021-06-01T12:00:01.000Z',
      '2021-06-01T12:00:02.000Z',
    ]);
  });

  it('holds at most maxHeldEpochs: older ones are rejected, later ones still dated', async () => {
    const log = [gga('120000'), gga('120001'), gga('120002'), rmc('120003', '150321')].join('\n');
    const { fixes, rejects } = await read(log, { maxHeldEpochs: 2 });
    expect(rejects.map((r) => [r.reason, r.line])).toEqual([['no_date', 1]]);
    expect(fixes.map((fix) => isoString(fix.t))).toEqual([
      '2021-03-15T12:00:01.000Z',
      '2021-03-15T12:00:02.000Z',
      '2021-03-15T12:00:03.000Z',
    ]);
  });

  it('reads two-digit years like gpsd (99 → 1999) and fixes GPS week rollover only given a baseDate', async () => {
    // Telit HE910 after the 2019-04-06 rollover: RMC date 220899, and one date '2208-1'.
    const plain = await read(fileStream(`${GPSD}/april6_2019.log`));
    expect(plain.fixes.map((fix) => isoString(fix.t))).toEqual([
      '1999-08-22T00:02:31.099Z',
      '1999-08-22T00:02:31.420Z',
    ]);
    expect(plain.rejects).toMatchObject([{ reason: 'bad_field', line: 15 }]);
    const corrected = await read(fileStream(`${GPSD}/april6_2019.log`), { baseDate: '2019-04-07' });
    expect(corrected.fixes.map((fix) => isoString(fix.t))).toEqual([
      '2019-04-07T00:02:31.099Z',
      '2019-04-07T00:02:31.420Z',
    ]);
  });

  it('takes the date and century from ZDA', async () => {
    const zda = sentence('GPZDA,101010.00,02,01,2099,00,00');
    const { fixes } = await read(
      [zda, gga('101010.00'), gga('101011.00'), rmc('101012.00', '020199')].join('\n'),
    );
    expect(fixes.map((fix) => isoString(fix.t).slice(0, 10))).toEqual([
      '2099-01-02',
      '2099-01-02',
      '2099-01-02',
    ]);
  });

  it('does not take the date of an RMC flagged V (often the receiver clock before a fix, as gpsd)', async () => {
    const rmcV = sentence('GPRMC,235946.005,V,,,,,0.000,0.00,050180,,,N');
    const { fixes, rejects } = await read([rmcV, gga('235947')].join('\n'));
    expect(fixes).toEqual([]);
    expect(rejects.map((r) => r.reason)).toEqual(['no_date', 'no_date']);
  });
});

describe('readNmea bad input', () => {
  it('rejects bad checksums by line and never uses them (firefly-II: every GGA)', async () => {
    const { fixes, rejects, stats } = await read(fileStream(`${GPSD}/firefly-II.log`));
    expect(stats.rejects).toEqual({ bad_checksum: 23 });
    expect(rejects.every((r) => r.reason === 'bad_checksum' && r.uri === 'test.nmea')).toBe(true);
    expect(rejects.slice(0, 3).map((r) => r.line)).toEqual([6, 9, 12]);
    expect(rejects[0]?.text).toBe('$GPGGA,005947.00,3715.6616,N,12157.6709,W,,11,0.8,86.0,M,-30.1,M,,*54');
    // Without the GGA there is no altitude: the fixes come from RMC alone.
    expect(fixes.every((fix) => fix.alt === undefined && fix.lat !== undefined)).toBe(true);
  });

  it('counts gpsdf bad checksums and rejects every line of a log without checksums', async () => {
    expect((await read(fileStream(`${GPSD}/gpsdf.log`))).stats.rejects).toEqual({ bad_checksum: 46 });
    const hp = await read(fileStream(`${GPSD}/hp58534a.log`));
    expect(hp.fixes).toEqual([]);
    expect(hp.stats.rejects).toEqual({ missing_checksum: 13 });
  });

  it('resyncs on $ after binary data and coalesces each run of garbage into one reject', async () => {
    const { fixes, rejects, stats } = await read(fileStream(`${GPSD}/ublox-zed-f9r.log`));
    expect(fixes).toHaveLength(30);
    expect(Object.keys(stats.rejects)).toEqual(['garbage']);
    expect(rejects.length).toBe(stats.rejects.garbage);
    expect(rejects.length).toBeLessThan(fixes.length + 5); // one run between consecutive NMEA bursts
    expect(rejects[0]?.message).toMatch(/^\d+ bytes of non-NMEA data on lines \d+–\d+/);
    expect(rejects[0]?.text).toMatch(/\\x[0-9a-f]{2}/); // binary shown escaped
    // SiRF binary only (no NMEA at all): a single reject for the whole file.
    const sirf = await read(fileStream(`${GPSD}/bu303-moving.log`));
    expect(sirf.fixes).toEqual([]);
    expect(sirf.rejects).toMatchObject([{ reason: 'garbage', line: 11 }]);
  });

  it('rejects cut-off sentences and still reads what follows', async () => {
    const good = rmc('120000', '010203');
    const log = [
      '$GPGGA,120000,4807.0',
      `$GPGGA,120000,48${good}`,
      good.slice(0, -1),
      '',
      '# comment',
      good,
    ].join('\r\n');
    const { fixes, rejects } = await read(log);
    expect(rejects.map((r) => [r.reason, r.line])).toEqual([
      ['missing_checksum', 1],
      ['missing_checksum', 2],
      ['bad_checksum', 3],
    ]);
    expect(fixes).toHaveLength(1);
    expect(isoString(fixes[0]?.t ?? 0n)).toBe('2003-02-01T12:00:00.000Z');
  });

  it('yields nothing for a zero-byte file', async () => {
    expect(await read(new Uint8Array(0))).toEqual({
      fixes: [],
      rejects: [],
      stats: { lines: 0, sentences: 0, ignored: 0, fixes: 0, rejects: {} },
    });
  });

  it('yields no fixes from random bytes, with few, capped rejects', async () => {
    const { fixes, rejects, stats } = await read(randomBytes(1 << 20, 42));
    expect(fixes).toEqual([]);
    expect(stats.sentences).toBe(0);
    expect(stats.rejects.garbage).toBeGreaterThan(0);
    expect(rejects.length).toBeLessThanOrEqual(20);
    expect(countByReason(rejects)).toEqual(stats.rejects);
    for (const reject of rejects) expect(reject.text?.length ?? 0).toBeLessThanOrEqual(201);
  });

  it('yields no fixes from a gzip file', async () => {
    const gz = gzipSync(readFileSync(NAVSAT));
    const { fixes, stats } = await read(gz);
    expect(fixes).toEqual([]);
    expect(stats.sentences).toBe(0);
  });

  it('keeps 100 rejects per reason in detail, then one summary with the exact count', async () => {
    const bad = `${gga('120000').slice(0, -2)}00`;
    const log = Array.from({ length: 250 }, () => bad).join('\n');
    const { rejects, stats } = await read(log);
    expect(stats.rejects).toEqual({ bad_checksum: 250 });
    expect(countByReason(rejects)).toEqual({ bad_checksum: 250 });
    expect(rejects).toHaveLength(101);
    expect(rejects.slice(0, 100).every((r) => r.count === undefined)).toBe(true);
    expect(rejects[100]).toMatchObject({
      reason: 'bad_checksum',
      line: 101,
      count: 150,
      message: expect.stringContaining('150 more') as unknown,
    });
    expect(rejects[100]?.message).toContain('lines 101–250');
  });

  it('caps each reason on its own with maxDetailedRejects; summaries make counts exact', async () => {
    const badChecksum = `${gga('120000').slice(0, -2)}00`;
    const cut = '$GPGGA,120000,4807.0';
    // 10 bad checksums and 7 cut-off sentences, interleaved, between good sentences.
    const lines: string[] = [];
    for (let i = 0; i < 10; i += 1) {
      lines.push(badChecksum);
      if (i < 7) lines.push(cut);
      lines.push(rmc(`1200${String(i).padStart(2, '0')}`, '010203'));
    }
    const { fixes, rejects, stats } = await read(lines.join('\r\n'), { maxDetailedRejects: 3 });
    expect(fixes).toHaveLength(10);
    expect(countByReason(rejects)).toEqual({ bad_checksum: 10, missing_checksum: 7 });
    expect(stats.rejects).toEqual({ bad_checksum: 10, missing_checksum: 7 });
    expect(rejects.filter((r) => r.count === undefined)).toHaveLength(6);
    expect(rejects.slice(-2).map((r) => [r.reason, r.count, r.line])).toEqual([
      ['bad_checksum', 7, 10],
      ['missing_checksum', 4, 11],
    ]);
  });

  it('handles a very long line without a sentence, and a long proprietary sentence', async () => {
    const long = 'A'.repeat(1 << 20);
    const proprietary = sentence(`PGLOR,${'1,'.repeat(500)}0`);
    const { fixes, rejects, stats } = await read([long, proprietary, rmc('120000', '010203')].join('\n'));
    expect(fixes).toHaveLength(1);
    expect(stats.ignored).toBe(1);
    expect(rejects).toHaveLength(1);
    expect(rejects[0]).toMatchObject({ reason: 'garbage', line: 1 });
    expect(rejects[0]?.message).toContain(`${1 << 20} bytes`);
  });

  it('reads CR-only line endings', async () => {
    const { fixes } = await read([rmc('120000', '010203'), rmc('120001', '010203')].join('\r'), {}, 3);
    expect(fixes).toHaveLength(2);
  });
});
