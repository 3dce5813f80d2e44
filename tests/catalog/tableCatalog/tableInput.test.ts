import {
  Binary,
  Bool,
  DateDay,
  Decimal,
  Dictionary,
  Field,
  FixedSizeList,
  Float32,
  Float64,
  Int16,
  Int32,
  Int64,
  Int8,
  LargeUtf8,
  List,
  Map_,
  Schema,
  Struct,
  TimeMicrosecond,
  TimestampMicrosecond,
  TimestampNanosecond,
  Uint32,
  Utf8,
} from 'apache-arrow';
import type { DataType } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../core/errors.js';
import { partitionPrefix } from '../../../catalog/layout.js';
import { column, PARTITION_KEYS, TABLES } from '../../../catalog/tables.js';
import type { TableDef } from '../../../catalog/tables.js';
import { hiveType } from '../../../catalog/tableCatalog/hiveType.js';
import { partitionInput } from '../../../catalog/tableCatalog/partitionInput.js';
import {
  PARQUET_INPUT_FORMAT,
  PARQUET_OUTPUT_FORMAT,
  PARQUET_SERDE,
  projectedSince,
  projectedVehicles,
  tableInput,
  tableLocation,
} from '../../../catalog/tableCatalog/tableInput.js';

const LAKE = 's3://lake-bucket/some/prefix';

/** map<string,double> as Arrow spells it: a list of key/value entries. */
function stringToDouble(): Map_<Utf8, Float64> {
  const entries = new Struct<{ key: Utf8; value: Float64 }>([
    new Field('key', new Utf8(), false),
    new Field('value', new Float64()),
  ]);
  return new Map_(new Field('entries', entries, false));
}

function def(fields: Field[], name = 'later_table'): TableDef<unknown> {
  return {
    name,
    doc: 'A table defined later.',
    schema: new Schema(fields),
    partitionKeys: PARTITION_KEYS,
    timeColumn: 't',
    encodings: {},
  };
}

describe('hiveType', () => {
  const cases: [string, DataType, string][] = [
    ['timestamp (µs, UTC)', new TimestampMicrosecond('UTC'), 'timestamp'],
    ['timestamp (ns, no zone)', new TimestampNanosecond(), 'timestamp'],
    ['dictionary of strings', new Dictionary(new Utf8(), new Int32()), 'string'],
    ['utf8', new Utf8(), 'string'],
    ['large utf8', new LargeUtf8(), 'string'],
    ['float64', new Float64(), 'double'],
    ['float32', new Float32(), 'float'],
    ['int64', new Int64(), 'bigint'],
    ['int32', new Int32(), 'int'],
    ['int16', new Int16(), 'smallint'],
    ['int8', new Int8(), 'tinyint'],
    ['bool', new Bool(), 'boolean'],
    ['binary', new Binary(), 'binary'],
    ['date', new DateDay(), 'date'],
    ['decimal', new Decimal(3, 12, 128), 'decimal(12,3)'],
    ['list of strings', new List(new Field('item', new Utf8())), 'array<string>'],
    ['fixed-size list', new FixedSizeList(3, new Field('item', new Float64())), 'array<double>'],
    [
      'list of structs',
      new List(
        new Field('item', new Struct([new Field('uri', new Utf8()), new Field('bytes', new Int64())])),
      ),
      'array<struct<uri:string,bytes:bigint>>',
    ],
    ['map', stringToDouble(), 'map<string,double>'],
  ];
  it.each(cases)('%s → %s', (_, type, expected) => {
    expect(hiveType(type, 'c')).toBe(expected);
  });

  it('refuses types Athena cannot read, naming the column', () => {
    expect(() => hiveType(new Uint32(), 'counts')).toThrow(/column counts: unsigned 32-bit/);
    expect(() => hiveType(new TimeMicrosecond(), 'clock')).toThrow(
      /column clock: Arrow type Time has no Hive/,
    );
    expect(() => hiveType(new Struct([new Field('Bad-Name', new Utf8())]), 's')).toThrow(/s\.Bad-Name/);
  });
});

describe('tableInput', () => {
  it('gives the Hive type of every column of every curated table (golden)', async () => {
    const golden: Record<string, string[]> = {};
    for (const table of Object.values(TABLES)) {
      const input = tableInput(table, { lakeUri: LAKE });
      golden[table.name] = [
        ...(input.StorageDescriptor?.Columns ?? []).map((c) => `${c.Name} ${c.Type}`),
        ...(input.PartitionKeys ?? []).map((c) => `${c.Name} ${c.Type} (partition)`),
      ];
    }
    await expect(`${JSON.stringify(golden, null, 2)}\n`).toMatchFileSnapshot('./golden/hiveTypes.json');
  });

  it('builds the Glue TableInput shape: external Parquet table at <lake>/tables/<name>/', () => {
    const input = tableInput(TABLES.gps, { lakeUri: `${LAKE}/` });
    expect(input).toMatchObject({
      Name: 'gps',
      Description: TABLES.gps.doc,
      TableType: 'EXTERNAL_TABLE',
      Parameters: { classification: 'parquet', 'parquet.compression': 'ZSTD', EXTERNAL: 'TRUE' },
      PartitionKeys: [
        { Name: 'vehicle', Type: 'string', Comment: 'Vehicle id (pseudonymised), from the vehicle= folder.' },
        { Name: 'date', Type: 'string', Comment: 'UTC date (YYYY-MM-DD) of t, from the date= folder.' },
      ],
      StorageDescriptor: {
        Location: 's3://lake-bucket/some/prefix/tables/gps/',
        InputFormat: PARQUET_INPUT_FORMAT,
        OutputFormat: PARQUET_OUTPUT_FORMAT,
        SerdeInfo: { SerializationLibrary: PARQUET_SERDE, Parameters: { 'serialization.format': '1' } },
      },
    });
    expect(Object.keys(input.Parameters ?? {})).toEqual([
      'classification',
      'parquet.compression',
      'EXTERNAL',
    ]);
    // Comments carry the field doc and unit.
    expect(input.StorageDescriptor?.Columns?.find((c) => c.Name === 'speed')).toEqual({
      Name: 'speed',
      Type: 'double',
      Comment: 'Speed over ground. Unit: m/s.',
    });
    expect(tableLocation('file:///tmp/my%20lake', 'gps')).toBe('file:///tmp/my%20lake/tables/gps/');
  });

  it('adds Athena partition projection: date range from `since` to NOW, vehicle enum or injected', () => {
    const enumInput = tableInput(TABLES.can_signals, {
      lakeUri: LAKE,
      projection: { since: '2024-03-01', vehicles: ['veh_b', 'veh_a', 'veh_b'] },
    });
    expect(enumInput.Parameters).toEqual({
      classification: 'parquet',
      'parquet.compression': 'ZSTD',
      EXTERNAL: 'TRUE',
      'projection.enabled': 'true',
      'projection.date.type': 'date',
      'projection.date.format': 'yyyy-MM-dd',
      'projection.date.range': '2024-03-01,NOW',
      'projection.date.interval': '1',
      'projection.date.interval.unit': 'DAYS',
      'projection.vehicle.type': 'enum',
      'projection.vehicle.values': 'veh_a,veh_b',
      'storage.location.template':
        's3://lake-bucket/some/prefix/tables/can_signals/vehicle=${vehicle}/date=${date}/',
    });
    expect(projectedVehicles(enumInput)).toEqual(['veh_a', 'veh_b']);
    expect(projectedSince(enumInput)).toBe('2024-03-01');

    const injected = tableInput(TABLES.can_signals, {
      lakeUri: LAKE,
      projection: { since: '2024-03-01', vehicles: 'injected' },
    });
    expect(injected.Parameters?.['projection.vehicle.type']).toBe('injected');
    expect(injected.Parameters?.['projection.vehicle.values']).toBeUndefined();
    expect(projectedVehicles(injected)).toBeUndefined();
  });

  it('refuses vehicle ids Athena could not project (escaped in paths, or holding the enum separator)', () => {
    const projection = (vehicles: string[]) => () =>
      tableInput(TABLES.gps, { lakeUri: LAKE, projection: { since: '2024-03-01', vehicles } });
    expect(projection(['a,b'])).toThrow(UsageError);
    expect(projection(['car:1'])).toThrow(/cannot be projected/);
    expect(projection([])).toThrow(/at least one vehicle/);
    expect(() =>
      tableInput(TABLES.gps, { lakeUri: LAKE, projection: { since: '2024-3-1', vehicles: 'injected' } }),
    ).toThrow(/YYYY-MM-DD/);
  });

  it('takes tables defined later, and lists every column it cannot catalogue in one error', () => {
    const later = def([
      column('t', new TimestampMicrosecond('UTC'), 'Tick time.'),
      column('scenario', new Dictionary(new Utf8(), new Int32()), 'Scenario type.'),
      column('metrics', stringToDouble(), 'Metrics.'),
      column('note', new Utf8(), `Line one\nline two ${'x'.repeat(300)}`),
    ]);
    const input = tableInput(later, { lakeUri: 'file:///lake' });
    expect(input.StorageDescriptor?.Columns?.map((c) => c.Type)).toEqual([
      'timestamp',
      'string',
      'map<string,double>',
      'string',
    ]);
    const note = input.StorageDescriptor?.Columns?.[3]?.Comment ?? '';
    expect(note.length).toBe(255);
    expect(note.startsWith('Line one line two x')).toBe(true);
    expect(note.endsWith('…')).toBe(true);

    const bad = def([
      column('Upper', new Utf8(), 'Capital letters.'),
      column('n', new Uint32(), 'Unsigned.'),
      column('vehicle', new Utf8(), 'Clashes with the partition key.'),
    ]);
    expect(() => tableInput(bad, { lakeUri: LAKE })).toThrow(
      /"Upper".*unsigned 32-bit.*vehicle is defined twice/s,
    );
  });
});

describe('partitionInput', () => {
  it('puts the raw values in key order and the escaped folder (the layout’s partitionPrefix) in the location', () => {
    const table = tableInput(TABLES.gps, { lakeUri: LAKE });
    const partition = partitionInput(table, { date: '2024-05-01', vehicle: 'car#7' });
    expect(partition.Values).toEqual(['car#7', '2024-05-01']);
    expect(partition.StorageDescriptor?.Location).toBe(
      `${LAKE}/${partitionPrefix('gps', 'car#7', '2024-05-01')}`,
    );
    expect(partition.StorageDescriptor?.Location).toBe(`${LAKE}/tables/gps/vehicle=car%237/date=2024-05-01/`);
    expect(partition.StorageDescriptor).toMatchObject({
      Columns: table.StorageDescriptor?.Columns,
      InputFormat: PARQUET_INPUT_FORMAT,
      OutputFormat: PARQUET_OUTPUT_FORMAT,
      SerdeInfo: { SerializationLibrary: PARQUET_SERDE },
    });
  });

  it('refuses missing, unknown and malformed values', () => {
    const table = tableInput(TABLES.gps, { lakeUri: LAKE });
    expect(() => partitionInput(table, { vehicle: 'a' })).toThrow(/missing date/);
    expect(() => partitionInput(table, { vehicle: 'a', date: '2024-05-01', bus: 'x' })).toThrow(
      /not keys: bus/,
    );
    expect(() => partitionInput(table, { vehicle: 'a', date: '05/01/2024' })).toThrow(/YYYY-MM-DD/);
    expect(() => partitionInput(table, { vehicle: '../x', date: '2024-05-01' })).toThrow(UsageError);
  });
});
