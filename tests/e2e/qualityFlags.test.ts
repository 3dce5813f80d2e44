import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inflateSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalObjectStore } from '../../catalog/localObjectStore.js';
import { bytesSource } from '../../core/source.js';
import { ingestDrive, ingestIssues } from '../../ingest/ingestDrive.js';
import { openDuck, sqlString } from '../catalog/duckdb.js';

describe('ingest flags what it can already see is wrong with a drive', () => {
  it('flags a clock before 2000 or in the future, and expected topics that never appeared', () => {
    const now = () => Date.UTC(2026, 10, 26);
    expect(ingestIssues(5_000_000_000n, 6_000_000_000n, {}, { now })).toEqual([
      'implausible_clock:starts 1970-01-01T00:00:05.000Z, before 2000-01-01',
    ]);
    const future = BigInt(Date.UTC(2031, 0, 1)) * 1_000_000n;
    expect(ingestIssues(future, future, { '/fix': 3 }, { now, expectedTopics: ['/fix', '/imu'] })).toEqual([
      'implausible_clock:ends 2031-01-01T00:00:00.000Z, in the future',
      'missing_topic:/imu',
    ]);
    const fine = BigInt(Date.UTC(2024, 5, 14)) * 1_000_000n;
    expect(ingestIssues(fine, fine + 1n, { '/fix': 1 }, { now, expectedTopics: ['/fix'] })).toEqual([]);
  });

  let lake: string;
  beforeAll(async () => {
    lake = await mkdtemp(join(tmpdir(), 'adlake-quality-'));
  });
  afterAll(async () => {
    await rm(lake, { recursive: true, force: true });
  });

  it('still lands a drive logged with an unset clock, marked warn with its issues', async () => {
    const store = await LocalObjectStore.open({ root: lake });
    // A logger whose RTC was never set: candump time starts at the epoch.
    const text = new TextEncoder().encode('(12.000100) can0 100#E803\n(13.000100) can0 100#E903\n');
    const result = await ingestDrive({
      store,
      driveId: 'd0',
      vehicle: 'rtc',
      dbcs: [],
      encoderThreads: 0,
      expectedTopics: ['/gps/fix'],
      inflate: (b) => inflateSync(b),
      inputs: [
        {
          uri: 'mem://can.log',
          bytes: text.length,
          sha256: 'a'.repeat(64),
          format: 'candump',
          stream: async function* () {
            yield await Promise.resolve(text);
          },
          source: () => bytesSource('mem://can.log', text),
        },
      ],
    });
    expect(result.tables.can_frames?.rows).toBe(2);
    expect(result.warnings).toContain('drive d0: missing_topic:/gps/fix');
    const duck = await openDuck();
    try {
      const [row] = await duck.rows(`
        SELECT quality_status, quality_issues
        FROM read_parquet(${sqlString(join(lake, 'tables/drives/**/*.parquet'))})`);
      expect(row?.quality_status).toBe('warn');
      expect(row?.quality_issues).toEqual([
        'implausible_clock:starts 1970-01-01T00:00:12.000Z, before 2000-01-01',
        'missing_topic:/gps/fix',
      ]);
    } finally {
      duck.close();
    }
  });
});
