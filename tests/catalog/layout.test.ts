import { describe, expect, test } from 'vitest';
import { UsageError } from '../../core/errors.js';
import {
  escapePathValue,
  inputKey,
  parsePartKey,
  partitionPrefix,
  partKey,
  quarantinePrefix,
  runKey,
  unescapePathValue,
} from '../../catalog/layout.js';

const SHA = 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad';

describe('layout', () => {
  test('part keys are Hive-partitioned, numbered with 5 digits, and parse back', () => {
    const address = {
      table: 'can_frames',
      vehicle: 'veh-01',
      date: '2018-08-02',
      driveId: 'b0c9-40',
      part: 7,
    };
    const key = partKey(address);
    expect(key).toBe('tables/can_frames/vehicle=veh-01/date=2018-08-02/b0c9-40-00007.parquet');
    expect(parsePartKey(key)).toEqual(address);
    expect(partitionPrefix('gps', 'v', '2020-01-31')).toBe('tables/gps/vehicle=v/date=2020-01-31/');
  });

  test('vehicle and drive ids are escaped as Hive escapes partition values, and round-trip', () => {
    expect(escapePathValue('a:b=c%d#e')).toBe('a%3Ab%3Dc%25d%23e');
    expect(escapePathValue('tab\there')).toBe('tab%09here');
    expect(escapePathValue('VIN pseudonym ü')).toBe('VIN pseudonym ü');
    const address = { table: 'gps', vehicle: 'fleet:7=x', date: '2024-01-01', driveId: 'd:1-2', part: 0 };
    const key = partKey(address);
    expect(key).toBe('tables/gps/vehicle=fleet%3A7%3Dx/date=2024-01-01/d%3A1-2-00000.parquet');
    expect(parsePartKey(key)).toEqual(address);
    expect(unescapePathValue(escapePathValue('%41'))).toBe('%41');
  });

  test.each(['a/b', '..', 'x..y', 'a\\b', ''])('id %j is refused', (id) => {
    expect(() => escapePathValue(id, 'vehicle')).toThrow(UsageError);
    expect(() => partKey({ table: 't', vehicle: id, date: '2024-01-01', driveId: 'd', part: 0 })).toThrow(
      UsageError,
    );
  });

  test('bad table names, dates, part numbers, hashes and run ids are refused', () => {
    const ok = { table: 't', vehicle: 'v', date: '2024-01-01', driveId: 'd', part: 0 };
    expect(() => partKey({ ...ok, table: 'Bad-Name' })).toThrow(UsageError);
    expect(() => partKey({ ...ok, date: '2024-1-1' })).toThrow(UsageError);
    expect(() => partKey({ ...ok, part: 100_000 })).toThrow(UsageError);
    expect(() => partKey({ ...ok, part: -1 })).toThrow(UsageError);
    expect(() => inputKey(SHA.toUpperCase())).toThrow(UsageError);
    expect(() => runKey('not-a-uuid')).toThrow(UsageError);
  });

  test('ledger, quarantine and run keys', () => {
    expect(inputKey(SHA)).toBe(`_inputs/${SHA}.json`);
    expect(quarantinePrefix(SHA)).toBe(`quarantine/${SHA}/`);
    expect(runKey('0190f5a4-8a1b-7c3d-9e2f-0123456789ab')).toBe(
      '_runs/0190f5a4-8a1b-7c3d-9e2f-0123456789ab.json',
    );
  });

  test('other keys are not part keys', () => {
    expect(parsePartKey(`_inputs/${SHA}.json`)).toBeUndefined();
    expect(parsePartKey('tables/gps/vehicle=v/date=2024-01-01/notes.txt')).toBeUndefined();
    expect(parsePartKey('tables/gps/vehicle=v/date=2024-01-01/d-0001.parquet')).toBeUndefined();
  });
});
