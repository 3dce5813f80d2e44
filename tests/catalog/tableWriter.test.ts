import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { UsageError } from '../../core/errors.js';
import { nsToMicros, utcDate } from '../../core/time.js';
import { ParquetWorker } from '../../catalog/parquetWorker.js';
import type { ObjectStore } from '../../catalog/objectStore.js';
import { PartitionedTableWriter } from '../../catalog/tableWriter.js';
import type { WrittenFile } from '../../catalog/tableWriter.js';
import { CAN_FRAMES, CAN_SIGNALS, DRIVES, GPS } from '../../catalog/tables.js';
import type { TableDef } from '../../catalog/tables.js';
import { openDuck, sqlString } from './duckdb.js';
import type { Duck } from './duckdb.js';
import { tempLake } from './tempLake.js';
import type { LocalObjectStore } from '../../catalog/localObjectStore.js';

let duck: Duck;
beforeAll(async () => {
  duck = await openDuck();
});
afterAll(() => duck.close());

const NS_PER_DAY = 86_400_000_000_000n;
/** 2024-03-10T23:59:59.9Z in ns: batches starting here cross midnight. */
const BEFORE_MIDNIGHT = BigInt(Date.UTC(2024, 2, 10, 23, 59, 59, 900)) * 1_000_000n;

function read(
  store: LocalObjectStore,
  table: string,
  select = '*',
  where = '',
): Promise<Record<string, unknown>[]> {
  const glob = sqlString(`${store.root}/tables/${table}/**/*.parquet`);
  return duck.rows(`SELECT ${select} FROM read_parquet(${glob}, hive_partitioning = true) ${where}`);
}

async function keysUnder(store: ObjectStore, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  for await (const object of store.list(prefix)) keys.push(object.key);
  return keys;
}

/** `n` timestamps from `start`, `stepNs` apart, with sub-microsecond residue so flooring matters. */
function times(start: bigint, n: number, stepNs: bigint): BigInt64Array {
  return BigInt64Array.from({ length: n }, (_, i) => start + BigInt(i) * stepNs + BigInt(i % 1000));
}

/** A positive ns timestamp as DuckDB prints TIMESTAMPTZ statistics: `2024-03-11 00:00:00.000067+00`. */
function duckTimestamp(ns: bigint): string {
  const us = nsToMicros(ns);
  const iso = new Date(Number(us / 1000n)).toISOString();
  const fraction = String(us % 1_000_000n)
    .padStart(6, '0')
    .replace(/0+$/, '');
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}${fraction ? `.${fraction}` : ''}+00`;
}

function writer<T>(store: ObjectStore, table: TableDef<T>, driveId: string, rowsPerFile?: number) {
  return new PartitionedTableWriter<T>({
    store,
    table,
    vehicle: 'veh:01',
    driveId,
    ...(rowsPerFile ? { rowsPerFile } : {}),
  });
}

describe('PartitionedTableWriter', () => {
  test('can_signals round trip: timestamps exact to the µs, a batch crossing midnight lands in two dates', async () => {
    const store = await tempLake();
    const w = writer(store, CAN_SIGNALS, 'drive-1');
    const t = times(BEFORE_MIDNIGHT, 3000, 100_003n); // 0.3 s: crosses midnight at ~row 1000
    const messages = ['WHEEL_SPEEDS'];
    const value = Float64Array.from({ length: 3000 }, (_, i) => i * 0.01 - 5);
    const split = 1700;
    await w.append({
      t: t.subarray(0, split),
      bus: 'can0',
      message: { indices: new Int32Array(split), dictionary: messages },
      signal: Array.from({ length: split }, (_, i) => `WHEEL_SPEED_${'ABCD'[i % 4]}`),
      value: value.subarray(0, split),
      label: {
        indices: Int32Array.from({ length: split }, (_, i) => (i % 10 === 0 ? 0 : -1)),
        dictionary: ['Park'],
      },
    });
    messages.push('STEER_ANGLE'); // the same dictionary array, grown, as a decoder's interner does
    await w.append({
      t: t.subarray(split),
      bus: 'can0',
      message: { indices: new Int32Array(3000 - split).fill(1), dictionary: messages },
      signal: 'STEER_ANGLE',
      value: value.subarray(split),
    });
    const files = await w.close();

    const perDate = new Map<string, number>();
    for (const ns of t) perDate.set(utcDate(ns), (perDate.get(utcDate(ns)) ?? 0) + 1);
    expect([...perDate.keys()]).toEqual(['2024-03-10', '2024-03-11']);
    expect(files.map((f) => [f.key, f.rows])).toEqual([
      [
        'tables/can_signals/vehicle=veh%3A01/date=2024-03-10/drive-1-00000.parquet',
        perDate.get('2024-03-10'),
      ],
      [
        'tables/can_signals/vehicle=veh%3A01/date=2024-03-11/drive-1-00000.parquet',
        perDate.get('2024-03-11'),
      ],
    ]);
    expect(files.every((f) => f.table === 'can_signals' && f.vehicle === 'veh:01' && f.bytes > 0)).toBe(true);

    const types = await duck.rows(
      `DESCRIBE SELECT * FROM read_parquet(${sqlString(`${store.root}/tables/can_signals/**/*.parquet`)}, hive_partitioning = true)`,
    );
    expect(Object.fromEntries(types.map((r) => [r.column_name, r.column_type]))).toEqual({
      t: 'TIMESTAMP WITH TIME ZONE',
      drive_id: 'VARCHAR',
      bus: 'VARCHAR',
      message: 'VARCHAR',
      signal: 'VARCHAR',
      value: 'DOUBLE',
      label: 'VARCHAR',
      vehicle: 'VARCHAR',
      date: 'DATE',
    });
    const rows = await read(
      store,
      'can_signals',
      'epoch_us(t) AS us, drive_id, bus, message, signal, value, label, vehicle, CAST(date AS VARCHAR) AS date',
      'ORDER BY t',
    );
    expect(rows).toHaveLength(3000);
    rows.forEach((row, i) => {
      const ns = t[i] as bigint;
      expect(row).toEqual({
        us: nsToMicros(ns),
        drive_id: 'drive-1',
        bus: 'can0',
        message: i < split ? 'WHEEL_SPEEDS' : 'STEER_ANGLE',
        signal: i < split ? `WHEEL_SPEED_${'ABCD'[i % 4]}` : 'STEER_ANGLE',
        value: value[i],
        label: i < split && i % 10 === 0 ? 'Park' : null,
        vehicle: 'veh:01',
        date: utcDate(ns),
      });
    });

    // Statistics where they prune (t, drive_id), none where they cannot (signal names, values).
    const meta = await duck.rows(
      `SELECT path_in_schema, stats_min_value, stats_max_value FROM parquet_metadata(${sqlString(
        `${store.root}/${files[1]?.key ?? ''}`,
      )})`,
    );
    const stats = Object.fromEntries(
      meta.map((r) => [String(r.path_in_schema), [r.stats_min_value, r.stats_max_value]]),
    );
    const nextDay = [...t].filter((ns) => utcDate(ns) === '2024-03-11');
    expect(stats.t).toEqual([duckTimestamp(nextDay[0] as bigint), duckTimestamp(nextDay.at(-1) as bigint)]);
    expect(stats.drive_id).toEqual(['drive-1', 'drive-1']);
    expect(stats.signal).toEqual([null, null]);
  });

  test('parts of rowsPerFile rows; re-writing a drive replaces its parts and removes stale ones', async () => {
    const store = await tempLake();
    const dayA = BigInt(Date.UTC(2024, 0, 1, 8)) * 1_000_000n;
    const dayB = dayA + NS_PER_DAY;
    const signals = (t: BigInt64Array) => ({
      t,
      bus: 'can0',
      message: 'M',
      signal: 'S',
      value: new Float64Array(t.length).fill(1),
    });
    const partition = (date: string) => `tables/can_signals/vehicle=veh%3A01/date=${date}/`;

    const other = writer(store, CAN_SIGNALS, 'other-drive');
    await other.append(signals(times(dayA, 10, 1_000_000n)));
    await other.close();

    const first = writer(store, CAN_SIGNALS, 'drive-1', 1000);
    await first.append(signals(times(dayA, 2500, 1_000_000n)));
    await first.append(signals(times(dayB, 500, 1_000_000n)));
    const firstFiles = await first.close();
    expect(firstFiles.map((f) => [f.key, f.rows])).toEqual([
      [`${partition('2024-01-01')}drive-1-00000.parquet`, 1000],
      [`${partition('2024-01-01')}drive-1-00001.parquet`, 1000],
      [`${partition('2024-01-01')}drive-1-00002.parquet`, 500],
      [`${partition('2024-01-02')}drive-1-00000.parquet`, 500],
    ]);

    // The re-run has fewer rows on one date only: parts 00002 of day A and all of day B are stale.
    const rerun = async () => {
      const w = writer(store, CAN_SIGNALS, 'drive-1', 1000);
      await w.append(signals(times(dayA, 1200, 1_000_000n)));
      return { files: await w.close(), removed: w.removedKeys };
    };
    const second = await rerun();
    expect(second.files.map((f) => [f.key, f.rows])).toEqual([
      [`${partition('2024-01-01')}drive-1-00000.parquet`, 1000],
      [`${partition('2024-01-01')}drive-1-00001.parquet`, 200],
    ]);
    expect(second.removed).toEqual([
      `${partition('2024-01-01')}drive-1-00002.parquet`,
      `${partition('2024-01-02')}drive-1-00000.parquet`,
    ]);
    expect(await keysUnder(store, 'tables/')).toEqual([
      `${partition('2024-01-01')}drive-1-00000.parquet`,
      `${partition('2024-01-01')}drive-1-00001.parquet`,
      `${partition('2024-01-01')}other-drive-00000.parquet`,
    ]);
    const counts = await read(
      store,
      'can_signals',
      'drive_id, count(*) AS n, count(DISTINCT t) AS distinct_t',
      'GROUP BY drive_id ORDER BY drive_id',
    );
    expect(counts).toEqual([
      { drive_id: 'drive-1', n: 1200n, distinct_t: 1200n },
      { drive_id: 'other-drive', n: 10n, distinct_t: 10n },
    ]);

    // The same input again writes the same keys with the same bytes and removes nothing.
    const before = await Promise.all(second.files.map((f) => store.get(f.key)));
    const third = await rerun();
    expect(third.files).toEqual(second.files);
    expect(third.removed).toEqual([]);
    const after = await Promise.all(third.files.map((f) => store.get(f.key)));
    after.forEach((bytes, i) =>
      expect(Buffer.from(bytes).equals(Buffer.from(before[i] as Uint8Array))).toBe(true),
    );
  });

  test('can_frames: packed payloads, flags and ids read back as BLOB, BOOLEAN, INTEGER, TINYINT', async () => {
    const store = await tempLake();
    const payloads = [
      new Uint8Array([]),
      new Uint8Array([0xde, 0xad, 0xbe, 0xef]),
      Uint8Array.from({ length: 64 }, (_, i) => i),
    ];
    const offsets = new Int32Array([0, 0, 4, 68]);
    const data = new Uint8Array(68);
    data.set(payloads[1] as Uint8Array, 0);
    data.set(payloads[2] as Uint8Array, 4);
    const w = writer(store, CAN_FRAMES, 'frames');
    await w.append({
      t: [BEFORE_MIDNIGHT, BEFORE_MIDNIGHT + 1_000n, BEFORE_MIDNIGHT + 2_000n],
      bus: { indices: new Uint8Array([0, 1, 0]), dictionary: ['can0', 'can1'] },
      id: new Int32Array([0, 0x1fffffff, 0x7ff]),
      extended: new Uint8Array([0, 1, 0]),
      dlc: new Int8Array([0, 4, 15]),
      data: { offsets, data },
      fd: [false, false, true],
      brs: [false, false, true],
      esi: false,
      error: [true, false, false],
      remote: false,
      direction: ['rx', null, 'tx'],
    });
    await w.close();
    const rows = await read(
      store,
      'can_frames',
      `typeof(id) AS id_type, typeof(dlc) AS dlc_type, typeof(data) AS data_type, id, extended, dlc, hex(data) AS hex,
       fd, brs, esi, error, remote, bus, direction`,
      'ORDER BY t',
    );
    expect(rows.map((r) => [r.id_type, r.dlc_type, r.data_type])[0]).toEqual(['INTEGER', 'TINYINT', 'BLOB']);
    expect(rows.map(({ id_type: _a, dlc_type: _b, data_type: _c, ...rest }) => rest)).toEqual([
      {
        id: 0,
        extended: false,
        dlc: 0,
        hex: '',
        fd: false,
        brs: false,
        esi: false,
        error: true,
        remote: false,
        bus: 'can0',
        direction: 'rx',
      },
      {
        id: 0x1fffffff,
        extended: true,
        dlc: 4,
        hex: 'DEADBEEF',
        fd: false,
        brs: false,
        esi: false,
        error: false,
        remote: false,
        bus: 'can1',
        direction: null,
      },
      {
        id: 0x7ff,
        extended: false,
        dlc: 15,
        hex: Buffer.from(payloads[2] as Uint8Array)
          .toString('hex')
          .toUpperCase(),
        fd: true,
        brs: true,
        esi: false,
        error: false,
        remote: false,
        bus: 'can0',
        direction: 'tx',
      },
    ]);
  });

  test('gps: missing values are NULL; coordinates are byte-stream-split encoded', async () => {
    const store = await tempLake();
    const w = writer(store, GPS, 'gps');
    await w.append({
      t: [BEFORE_MIDNIGHT, BEFORE_MIDNIGHT + 100_000_000n],
      lat: [37.71234567, null],
      lon: [-122.47654321, null],
      alt: [12.5, null],
      fix_quality: [4, 0],
      satellites: [14, null],
      hdop: new Float64Array([0.8, 99.9]),
    });
    const [file] = await w.close();
    const rows = await read(
      store,
      'gps',
      'lat, lon, alt, speed, course, fix_quality, satellites, hdop, pdop, vdop, typeof(satellites) AS sat',
      'ORDER BY t',
    );
    expect(rows).toEqual([
      {
        lat: 37.71234567,
        lon: -122.47654321,
        alt: 12.5,
        speed: null,
        course: null,
        fix_quality: 4,
        satellites: 14,
        hdop: 0.8,
        pdop: null,
        vdop: null,
        sat: 'SMALLINT',
      },
      {
        lat: null,
        lon: null,
        alt: null,
        speed: null,
        course: null,
        fix_quality: 0,
        satellites: null,
        hdop: 99.9,
        pdop: null,
        vdop: null,
        sat: 'SMALLINT',
      },
    ]);
    const meta = await duck.rows(
      `SELECT path_in_schema, encodings FROM parquet_metadata(${sqlString(`${store.root}/${file?.key ?? ''}`)})`,
    );
    const encodings = Object.fromEntries(meta.map((r) => [String(r.path_in_schema), String(r.encodings)]));
    expect(encodings.lat).toContain('BYTE_STREAM_SPLIT');
    expect(encodings.t).toContain('DELTA_BINARY_PACKED');
  });

  test('drives: one row with lists and a list of structs', async () => {
    const store = await tempLake();
    const w = writer(store, DRIVES, 'drive-9');
    const sha = 'ab'.repeat(32);
    await w.append({
      start_time: [BEFORE_MIDNIGHT],
      end_time: [BEFORE_MIDNIGHT + 60_000_000_000n],
      duration_s: [60],
      distance_m: [null],
      source_files: [[{ uri: 'file:///raw/a.log', sha256: sha, format: 'candump', bytes: 6_053_164 }]],
      formats: [['candump']],
      quality_issues: [[]],
      weather_summary: ['light rain'],
    });
    const files = await w.close();
    expect(files.map((f) => f.key)).toEqual([
      'tables/drives/vehicle=veh%3A01/date=2024-03-10/drive-9-00000.parquet',
    ]);
    const rows = await read(
      store,
      'drives',
      `drive_id, epoch_us(end_time) - epoch_us(start_time) AS us, duration_s, distance_m, source_files[1].uri AS uri,
       source_files[1].sha256 AS sha, source_files[1].bytes AS bytes, formats, quality_status, quality_issues, weather_summary`,
    );
    expect(rows).toEqual([
      {
        drive_id: 'drive-9',
        us: 60_000_000n,
        duration_s: 60,
        distance_m: null,
        uri: 'file:///raw/a.log',
        sha,
        bytes: 6_053_164n,
        formats: ['candump'],
        quality_status: null,
        quality_issues: [],
        weather_summary: 'light rain',
      },
    ]);
  });

  test('rows jumping between dates stay bounded in memory and are all written', async () => {
    const store = await tempLake();
    const w = new PartitionedTableWriter({
      store,
      table: CAN_SIGNALS,
      vehicle: 'v',
      driveId: 'd',
      rowsPerFile: 100,
      maxBufferedRows: 150,
    });
    // A bad clock: every row on a different one of three days, repeatedly, in one batch.
    const t = BigInt64Array.from(
      { length: 900 },
      (_, i) => BEFORE_MIDNIGHT + BigInt(i % 3) * NS_PER_DAY + BigInt(i) * 1000n,
    );
    await w.append({ t, bus: 'b', message: 'm', signal: 's', value: new Float64Array(900) });
    expect(w.bufferedRows).toBeLessThanOrEqual(150);
    const files = await w.close();
    expect(files.every((f) => f.rows <= 100)).toBe(true);
    expect(files.reduce((sum, f) => sum + f.rows, 0)).toBe(900);
    const counts = await read(
      store,
      'can_signals',
      'CAST(date AS VARCHAR) AS date, count(*) AS n',
      'GROUP BY date ORDER BY date',
    );
    expect(counts).toEqual([
      { date: '2024-03-10', n: 300n },
      { date: '2024-03-11', n: 300n },
      { date: '2024-03-12', n: 300n },
    ]);
  });

  test('a worker encoder writes the same files as the in-thread encoder', async () => {
    const worker = await ParquetWorker.start();
    try {
      const run = async (
        encoder?: ParquetWorker,
      ): Promise<{ store: LocalObjectStore; files: WrittenFile[] }> => {
        const store = await tempLake();
        const w = new PartitionedTableWriter({
          store,
          table: CAN_SIGNALS,
          vehicle: 'v',
          driveId: 'd',
          rowsPerFile: 700,
          ...(encoder ? { encoder } : {}),
        });
        const t = times(BEFORE_MIDNIGHT, 2000, 150_000n);
        await w.append({
          t,
          bus: 'can0',
          message: 'M',
          signal: 'S',
          value: Float64Array.from(t, (_, i) => i / 7),
        });
        return { store, files: await w.close() };
      };
      const inThread = await run();
      const onWorker = await run(worker);
      expect(onWorker.files).toEqual(inThread.files);
      for (const file of inThread.files) {
        const a = await inThread.store.get(file.key);
        const b = await onWorker.store.get(file.key);
        expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true);
      }
    } finally {
      await worker.close();
    }
  });

  test('bad batches are UsageErrors and leave the writer as it was', async () => {
    const store = await tempLake();
    const w = writer(store, CAN_SIGNALS, 'd');
    const good = { t: [BEFORE_MIDNIGHT], bus: 'can0', message: 'M', signal: 'S', value: [1] };
    await w.append(good);
    const attempts: [string, Record<string, unknown>][] = [
      ['has no column speed', { ...good, speed: [1] }],
      ['drive_id is set by the writer', { ...good, drive_id: ['x'] }],
      ['signal .* is required', { ...good, signal: undefined }],
      ['value .* has 2 rows, the batch has 1', { ...good, value: [1, 2] }],
      ['time column t is required', { ...good, t: undefined }],
      ['not an int64', { ...good, t: [2n ** 64n] }],
    ];
    for (const [message, batch] of attempts) {
      const error: unknown = await w.append(batch as never).catch((e: unknown) => e);
      expect(error, message).toBeInstanceOf(UsageError);
      expect((error as Error).message).toMatch(new RegExp(message));
    }
    expect(w.bufferedRows).toBe(1);
    const files = await w.close();
    expect(files.map((f) => f.rows)).toEqual([1]);
    await expect(w.append(good)).rejects.toBeInstanceOf(UsageError);
    expect(() => writer(store, CAN_SIGNALS, 'a/b')).toThrow(UsageError);
  });

  test('a failed put surfaces from close and nothing is deleted', async () => {
    const store = await tempLake();
    const stale = writer(store, CAN_SIGNALS, 'd');
    await stale.append({
      t: times(BEFORE_MIDNIGHT - NS_PER_DAY, 10, 1000n),
      bus: 'b',
      message: 'm',
      signal: 's',
      value: 0,
    });
    const [staleFile] = await stale.close();
    const failing: ObjectStore = Object.create(store, {
      put: { value: () => Promise.reject(new Error('bucket is gone')) },
    }) as ObjectStore;
    const w = new PartitionedTableWriter({
      store: failing,
      table: CAN_SIGNALS,
      vehicle: 'veh:01',
      driveId: 'd',
    });
    await w.append({ t: times(BEFORE_MIDNIGHT, 10, 1000n), bus: 'b', message: 'm', signal: 's', value: 0 });
    await expect(w.close()).rejects.toThrow('bucket is gone');
    expect(await store.exists(staleFile?.key ?? '')).toBe(true);
  });
});
