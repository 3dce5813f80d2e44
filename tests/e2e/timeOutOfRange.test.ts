/**
 * Times the lake cannot store (past 2262 or before 1677: int64 nanoseconds) in otherwise good inputs: each
 * such record is a `time_out_of_range` reject naming its file and position, the rest of the drive lands, and
 * nothing throws (each reader checks its times). Before, one such time stopped the whole ingest with a writer
 * error.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { McapWriter, TempBuffer } from '@mcap/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalObjectStore } from '../../catalog/localObjectStore.js';
import { sniffCanLog } from '../../ingest/can/sniff.js';
import { ingestPaths } from '../../ingest/ingestPaths.js';
import type { IngestReport } from '../../ingest/ingestReport.js';

const T0 = 1_700_000_000_000_000_000n;
const PAST_INT64 = 2n ** 63n + 5n;

/** An MCAP file of JSON messages at these log times. */
async function mcapAt(times: readonly bigint[]): Promise<Uint8Array> {
  const buffer = new TempBuffer();
  const writer = new McapWriter({ writable: buffer });
  await writer.start({ profile: '', library: 'adlake-test' });
  const schemaId = await writer.registerSchema({
    name: 'pos',
    encoding: 'jsonschema',
    data: new TextEncoder().encode('{"type":"object"}'),
  });
  const channelId = await writer.registerChannel({
    topic: '/pos',
    messageEncoding: 'json',
    schemaId,
    metadata: new Map(),
  });
  for (const [i, t] of times.entries()) {
    const data = new TextEncoder().encode(JSON.stringify({ x: i }));
    await writer.addMessage({ channelId, sequence: i, logTime: t, publishTime: t, data });
  }
  await writer.end();
  return buffer.get();
}

describe('times past what int64 nanoseconds hold', () => {
  let dir: string;
  let report: IngestReport;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'adlake-time-range-'));
    const inputs = join(dir, 'drive');
    await mkdir(inputs);
    await writeFile(join(inputs, 'drive.mcap'), await mcapAt([T0, PAST_INT64, T0 + 1_000_000_000n]));
    // The first line's clock is 1e14 s: the log is still candump, that line a reject.
    await writeFile(
      join(inputs, 'can0.log'),
      '(99999999999999.000000) can0 123#11\n(1700000000.500000) can0 123#22\n(1700000001.000000) can0 123#33\n',
    );
    const store = await LocalObjectStore.open({ root: join(dir, 'lake') });
    report = await ingestPaths({ store, paths: [inputs], dbcs: [], vehicle: 'clock' });
  }, 60_000);

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('rejects those records with their file and position, and ingests the rest of the drive', () => {
    expect(report.status).toBe('ingested');
    expect(report.tables.topics_pos?.rows).toBe(2);
    expect(report.tables.can_frames?.rows).toBe(2);
    expect(report.rows.rejectedByReason).toEqual({ time_out_of_range: 2 });
    const mcap = report.rejects.find((r) => r.uri.endsWith('drive.mcap'));
    expect(mcap?.reason).toBe('time_out_of_range');
    expect(mcap?.offset).toBeGreaterThan(0);
    expect(mcap?.message).toContain(`mcap: message on channel 0 at ${PAST_INT64} ns`);
    const can = report.rejects.find((r) => r.uri.endsWith('can0.log'));
    expect(can).toMatchObject({ line: 1, reason: 'time_out_of_range' });
    // The drive spans the storable times only.
    expect(report.drive?.start).toBe('2023-11-14T22:13:20.000Z');
    expect(report.drive?.end).toBe('2023-11-14T22:13:21.000Z');
    // Records in: 2 messages and 2 frames kept, 2 rejected.
    expect(report.rows.in).toBe(6);
  });

  it('still knows a candump log whose first frame has such a time', () => {
    const head = new TextEncoder().encode('(99999999999999.000000) can0 123#11\n');
    expect(sniffCanLog(head)).toBe('candump');
    expect(sniffCanLog(new TextEncoder().encode('(99999999999999.000000) hello\n'))).toBeUndefined();
  });
});
