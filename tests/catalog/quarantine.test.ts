import { Readable } from 'node:stream';
import { describe, expect, test } from 'vitest';
import { listQuarantine, quarantine } from '../../catalog/quarantine.js';
import { tempLake } from './tempLake.js';

const SHA_A = 'a'.repeat(64);
const SHA_B = 'b'.repeat(64);
const text = (s: string) => new TextEncoder().encode(s);

describe('quarantine', () => {
  test('writes a machine-readable reason, keeps a copy of the input, and lists records', async () => {
    const store = await tempLake();
    const key = await quarantine(store, {
      sha256: SHA_A,
      uri: '/raw/drive 7/weird:file.bin',
      reason: 'unknown_format',
      message: 'not a format adlake reads, judged by content',
      runId: '0190f5a4-8a1b-7c3d-9e2f-0123456789ab',
      stream: Readable.from([text('\x00\x01'), text('garbage')]),
    });
    expect(key).toBe(`quarantine/${SHA_A}/reason.json`);
    const record: unknown = JSON.parse(new TextDecoder().decode(await store.get(key)));
    expect(record).toMatchObject({
      sha256: SHA_A,
      uri: '/raw/drive 7/weird:file.bin',
      reason: 'unknown_format',
      message: 'not a format adlake reads, judged by content',
      runId: '0190f5a4-8a1b-7c3d-9e2f-0123456789ab',
      copyKey: `quarantine/${SHA_A}/input/weird_file.bin`,
      copyBytes: 9,
    });
    expect(new TextDecoder().decode(await store.get(`quarantine/${SHA_A}/input/weird_file.bin`))).toBe(
      '\x00\x01garbage',
    );

    await quarantine(store, {
      sha256: SHA_B,
      uri: 'broken.dbc',
      reason: 'bad_dbc',
      message: 'signal overlaps another signal',
      where: { uri: 'broken.dbc', line: 12, column: 5 },
    });
    const records = await listQuarantine(store);
    expect(records.map((r) => [r.sha256, r.reason, r.copyKey])).toEqual([
      [SHA_A, 'unknown_format', `quarantine/${SHA_A}/input/weird_file.bin`],
      [SHA_B, 'bad_dbc', undefined],
    ]);
    expect(records[1]?.where).toEqual({ uri: 'broken.dbc', line: 12, column: 5 });
    expect(Number.isNaN(Date.parse(records[1]?.quarantinedAt ?? ''))).toBe(false);
  });

  test('an input named reason.json does not pose as a record; quarantining again replaces the record', async () => {
    const store = await tempLake();
    const options = {
      sha256: SHA_A,
      uri: 'x/reason.json',
      reason: 'empty_file',
      message: 'the file is empty',
      bytes: new Uint8Array(),
    };
    await quarantine(store, options);
    await quarantine(store, { ...options, reason: 'decode_error', message: 'truncated' });
    const records = await listQuarantine(store);
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({
      reason: 'decode_error',
      copyKey: `quarantine/${SHA_A}/input/reason.json`,
      copyBytes: 0,
    });
  });
});
