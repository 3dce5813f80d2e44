/**
 * Each compatibility macro against the answer Athena (Trino) gives, computed by hand from the Trino function
 * reference and its implementation (MathFunctions.widthBucket, DateTimeFunctions, JsonFunctions). Runs on the
 * real DuckDB engine, session zone pinned to UTC as on Athena.
 */
import { DuckDBInstance } from '@duckdb/node-api';
import type { DuckDBConnection } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ATHENA_COMPAT_MACROS, installAthenaCompat } from '../../sql/athenaCompat.js';

let instance: DuckDBInstance;
let connection: DuckDBConnection;

beforeAll(async () => {
  instance = await DuckDBInstance.create(':memory:');
  connection = await instance.connect();
  await installAthenaCompat(connection);
});

afterAll(() => {
  connection.closeSync();
  instance.closeSync();
});

/** The single value of a one-row, one-column query, as DuckDB's JS conversion gives it. */
async function value(expression: string): Promise<unknown> {
  const reader = await connection.runAndReadAll(`SELECT ${expression}`);
  return reader.getRowsJS()[0]?.[0];
}

/** Timestamps as ISO text (UTC), so expectations read like Athena's output. */
async function text(expression: string): Promise<unknown> {
  return value(`CAST(${expression} AS VARCHAR)`);
}

describe('installAthenaCompat', () => {
  it('is idempotent and defines every macro on the connection', async () => {
    await installAthenaCompat(connection);
    const reader = await connection.runAndReadAll(
      "SELECT DISTINCT function_name FROM duckdb_functions() WHERE schema_name = 'main' AND database_name = 'temp'",
    );
    const names = new Set(reader.getRowsJS().map((row) => row[0]));
    for (const macro of ATHENA_COMPAT_MACROS) expect(names, macro.name).toContain(macro.name);
  });

  it('width_bucket(x, bins): number of bins <= x, 0..n (Trino array form)', async () => {
    expect(await value('width_bucket(5, ARRAY[1.0, 5.0, 10.0])')).toBe(2n);
    expect(await value('width_bucket(0.5, ARRAY[1.0, 5.0, 10.0])')).toBe(0n);
    expect(await value('width_bucket(4.99, ARRAY[1.0, 5.0, 10.0])')).toBe(1n);
    expect(await value('width_bucket(11, ARRAY[1.0, 5.0, 10.0])')).toBe(3n);
  });

  it('width_bucket(x, b1, b2, n): equi-width buckets, 0 below, n + 1 at or above, mirrored bounds', async () => {
    // floor(3 * (3.14 - 0) / 4) + 1 = floor(2.355) + 1 = 3
    expect(await value('width_bucket(3.14, 0, 4, 3)')).toBe(3n);
    expect(await value('width_bucket(-1, 0, 4, 3)')).toBe(0n);
    expect(await value('width_bucket(4, 0, 4, 3)')).toBe(4n);
    expect(await value('width_bucket(0, 0, 4, 3)')).toBe(1n);
    // bound1 > bound2: (n - 3) + 1 = 1; below the range: (3 - 0) + 1 = 4
    expect(await value('width_bucket(3.14, 4, 0, 3)')).toBe(1n);
    expect(await value('width_bucket(-1, 4, 0, 3)')).toBe(4n);
  });

  it('from_iso8601_timestamp / from_iso8601_date', async () => {
    expect(await text("from_iso8601_timestamp('2020-05-11T11:15:05.123Z')")).toBe(
      '2020-05-11 11:15:05.123+00',
    );
    expect(await text("from_iso8601_timestamp('2020-05-11T11:15:05+02:00')")).toBe('2020-05-11 09:15:05+00');
    // No offset: the session zone, UTC on Athena.
    expect(await text("from_iso8601_timestamp('2020-05-11T11:15:05')")).toBe('2020-05-11 11:15:05+00');
    expect(await text("from_iso8601_timestamp('2020-05-11')")).toBe('2020-05-11 00:00:00+00');
    expect(await text("from_iso8601_date('2020-05-11')")).toBe('2020-05-11');
  });

  it('date_format with MySQL specifiers', async () => {
    const ts = "TIMESTAMP '2020-01-05 03:04:05.123'"; // a Sunday, day 5 of the year
    expect(await value(`date_format(${ts}, '%Y-%m-%d %H:%i:%s')`)).toBe('2020-01-05 03:04:05');
    expect(await value(`date_format(${ts}, '%S.%f')`)).toBe('05.123000');
    expect(await value(`date_format(${ts}, '%c/%e %k %l %h %I')`)).toBe('1/5 3 3 03 03');
    expect(await value(`date_format(${ts}, '%M %W %a %b %p')`)).toBe('January Sunday Sun Jan AM');
    expect(await value(`date_format(${ts}, '%r|%T|%j|%y')`)).toBe('03:04:05 AM|03:04:05|005|20');
    // %% is a literal percent sign, and what follows it is not a specifier.
    expect(await value(`date_format(${ts}, '100%% %%i')`)).toBe('100% %i');
    // ISO week: 2020-01-05 is in week 1 of ISO year 2020.
    expect(await value(`date_format(${ts}, '%x-%v')`)).toBe('2020-01');
    expect(await value(`date_format(TIMESTAMPTZ '2020-01-05 23:30:00+00', '%Y-%m-%d %H')`)).toBe(
      '2020-01-05 23',
    );
  });

  it('date_parse with MySQL specifiers returns a timestamp', async () => {
    expect(await text("date_parse('2020-01-05 03:04:05', '%Y-%m-%d %H:%i:%s')")).toBe('2020-01-05 03:04:05');
    expect(await text("date_parse('5/1/2020 3:04', '%e/%c/%Y %k:%i')")).toBe('2020-01-05 03:04:00');
    expect(await text("date_parse('2020-01-05 03:04:05.250', '%Y-%m-%d %T.%f')")).toBe(
      '2020-01-05 03:04:05.25',
    );
    expect(await value("date_parse(NULL, '%Y')")).toBe(null);
    const reader = await connection.runAndReadAll(
      "SELECT CAST(date_parse(s, '%Y%m%d') AS VARCHAR) FROM (VALUES ('20240614'), ('20240615')) v(s)",
    );
    expect(reader.getRowsJS().map((r) => r[0])).toEqual(['2024-06-14 00:00:00', '2024-06-15 00:00:00']);
  });

  it('regexp_extract: first match or group, NULL when there is none', async () => {
    expect(await value("regexp_extract('1a 2b 14m', '\\d+')")).toBe('1');
    expect(await value("regexp_extract('1a 2b 14m', '(\\d+)([a-z]+)', 2)")).toBe('a');
    expect(await value("regexp_extract('abc', 'x(.)', 1)")).toBe(null);
    expect(await value("regexp_extract('abc', 'x')")).toBe(null);
    expect(await value("regexp_like('1a 2b', '\\d[a-z]')")).toBe(true);
    expect(await value("regexp_count('1a 2b 14m', '\\d+')")).toBe(3n);
  });

  it('to_unixtime / from_unixtime', async () => {
    expect(await value("to_unixtime(TIMESTAMP '2020-01-01 00:00:01.5')")).toBe(1577836801.5);
    expect(await value("to_unixtime(TIMESTAMPTZ '2020-01-01 02:00:00+02')")).toBe(1577836800);
    expect(await text('from_unixtime(1577836801.5)')).toBe('2020-01-01 00:00:01.5+00');
    // With a zone: the wall-clock time there (Berlin is UTC+1 in January).
    expect(await text("from_unixtime(1577836800, 'Europe/Berlin')")).toBe('2020-01-01 01:00:00');
  });

  it('date_diff counts whole units from a to b, as Trino does', async () => {
    expect(await value("date_diff('day', TIMESTAMP '2020-01-01 23:00', TIMESTAMP '2020-01-02 01:00')")).toBe(
      0n,
    );
    expect(await value("date_diff('hour', TIMESTAMP '2020-01-01 23:00', TIMESTAMP '2020-01-02 01:30')")).toBe(
      2n,
    );
    expect(await value("date_diff('day', TIMESTAMP '2020-01-03', TIMESTAMP '2020-01-01')")).toBe(-2n);
    expect(
      await value(
        "date_diff('millisecond', TIMESTAMP '2020-01-01 00:00:00', TIMESTAMP '2020-01-01 00:00:01.5')",
      ),
    ).toBe(1500n);
    expect(await value("date_diff('month', DATE '2020-01-15', DATE '2020-03-14')")).toBe(1n);
    expect(await value("date_diff('week', DATE '2020-01-01', DATE '2020-01-15')")).toBe(2n);
  });

  it('date_add(unit, value, timestamp), and DuckDB’s own date_add(date, interval) still works', async () => {
    expect(await text("date_add('day', 2, TIMESTAMP '2020-01-01 10:00')")).toBe('2020-01-03 10:00:00');
    expect(await text("date_add('month', 1, TIMESTAMP '2020-01-31')")).toBe('2020-02-29 00:00:00');
    expect(await text("date_add('millisecond', -5, TIMESTAMP '2020-01-01')")).toBe('2019-12-31 23:59:59.995');
    expect(await text("date_add(DATE '2020-01-01', INTERVAL 1 DAY)")).toBe('2020-01-02 00:00:00');
  });

  it('at_timezone / with_timezone give the wall clock / the instant', async () => {
    expect(await text("at_timezone(TIMESTAMPTZ '2020-06-01 10:00:00+00', 'Europe/Berlin')")).toBe(
      '2020-06-01 12:00:00',
    );
    expect(await value("hour(at_timezone(TIMESTAMP '2020-01-01 10:00', 'America/New_York'))")).toBe(5n);
    expect(await text("with_timezone(TIMESTAMP '2020-06-01 12:00', 'Europe/Berlin')")).toBe(
      '2020-06-01 10:00:00+00',
    );
  });

  it('date parts and helpers', async () => {
    expect(await value("day_of_week(DATE '2020-01-05')")).toBe(7n); // Sunday
    expect(await value("dow(DATE '2020-01-06')")).toBe(1n); // Monday
    expect(await value("day_of_year(DATE '2020-02-01')")).toBe(32n);
    expect(await value("year_of_week(DATE '2021-01-01')")).toBe(2020n);
    expect(await value("week_of_year(DATE '2021-01-04')")).toBe(1n);
    expect(await text("last_day_of_month(DATE '2020-02-05')")).toBe('2020-02-29');
    expect(await text("date(TIMESTAMPTZ '2020-02-05 23:59:59+00')")).toBe('2020-02-05');
    expect(await value("to_milliseconds(INTERVAL '2' SECOND)")).toBe(2000n);
    expect(await value('current_timezone()')).toBe('UTC');
  });

  it('approx_distinct and approx_percentile', async () => {
    const reader = await connection.runAndReadAll(
      'SELECT approx_distinct(x % 11), approx_percentile(x, 0.5), approx_percentile(x, ARRAY[0.0, 1.0]) FROM range(1, 12) t(x)',
    );
    const [distinct, median, extremes] = reader.getRowsJS()[0] ?? [];
    expect(distinct).toBe(11n);
    // The median of 1..11 is 6; an approximation of a small set is exact.
    expect(median).toBe(6n);
    expect(extremes).toEqual([1n, 11n]);
    expect(await value('(SELECT every(x > 0) FROM range(1, 3) t(x))')).toBe(true);
  });

  it('cardinality, element_at, array_position, array_distinct, array_join, array_max, array_remove', async () => {
    expect(await value('cardinality(ARRAY[1, 2, NULL])')).toBe(3n);
    expect(await value('element_at(ARRAY[10, 20, 30], 2)')).toBe(20);
    expect(await value('element_at(ARRAY[10, 20, 30], -1)')).toBe(30);
    expect(await value('element_at(ARRAY[10, 20, 30], 4)')).toBe(null);
    expect(await value("element_at(MAP(ARRAY['a', 'b'], ARRAY[1, 2]), 'b')")).toBe(2);
    expect(await value("element_at(MAP(ARRAY['a', 'b'], ARRAY[1, 2]), 'z')")).toBe(null);
    expect(await value('array_position(ARRAY[5, 6, 5], 5)')).toBe(1);
    expect(await value('array_position(ARRAY[5, 6], 7)')).toBe(0);
    expect(await value('array_distinct(ARRAY[3, 1, 3, 2, 1])')).toEqual([3, 1, 2]);
    expect(await value("array_join(ARRAY['a', NULL, 'b'], ',')")).toBe('a,b');
    expect(await value("array_join(ARRAY['a', NULL, 'b'], ',', '?')")).toBe('a,?,b');
    expect(await value('array_max(ARRAY[1, 3, 2])')).toBe(3);
    expect(await value('array_max(ARRAY[1, NULL, 2])')).toBe(null);
    expect(await value('array_min(ARRAY[4, 3, 9])')).toBe(3);
    expect(await value('array_remove(ARRAY[1, 2, 1, NULL], 1)')).toEqual([2, null]);
    expect(await value('sequence(1, 4)')).toEqual([1n, 2n, 3n, 4n]);
  });

  it('split_part: 1-based field, NULL past the end', async () => {
    expect(await value("split_part('a,b,c', ',', 2)")).toBe('b');
    expect(await value("split_part('a,b,c', ',', 4)")).toBe(null);
    expect(await value("split_part('a,,c', ',', 2)")).toBe('');
  });

  it('json_extract_scalar: scalars as varchar, NULL for objects and arrays', async () => {
    const doc = `'{"a": {"b": 1.5, "c": [1, 2], "d": "x", "e": true, "f": null}}'`;
    expect(await value(`json_extract_scalar(${doc}, '$.a.b')`)).toBe('1.5');
    expect(await value(`json_extract_scalar(${doc}, '$.a.d')`)).toBe('x');
    expect(await value(`json_extract_scalar(${doc}, '$.a.e')`)).toBe('true');
    expect(await value(`json_extract_scalar(${doc}, '$.a.c[1]')`)).toBe('2');
    expect(await value(`json_extract_scalar(${doc}, '$.a')`)).toBe(null);
    expect(await value(`json_extract_scalar(${doc}, '$.a.c')`)).toBe(null);
    expect(await value(`json_extract_scalar(${doc}, '$.a.f')`)).toBe(null);
    expect(await value(`json_extract_scalar(${doc}, '$.nope')`)).toBe(null);
    expect(await value(`json_size(${doc}, '$.a.c')`)).toBe(2n);
    expect(await value(`json_size(${doc}, '$.a')`)).toBe(5n);
    expect(await value(`json_size(${doc}, '$.a.b')`)).toBe(0n);
    expect(await value(`json_format(json_parse('[1, 2]'))`)).toBe('[1,2]');
  });

  it('math helpers', async () => {
    expect(await value("is_nan(CAST('NaN' AS DOUBLE))")).toBe(true);
    expect(await value('is_finite(1.0)')).toBe(true);
    expect(await value('is_infinite(infinity())')).toBe(true);
    expect(await value('is_nan(nan())')).toBe(true);
    expect(await value('truncate(-2.7)')).toBe(-2);
    expect(Math.abs(Number(await value('e()')) - Math.E)).toBeLessThan(1e-15);
    expect(await value("codepoint('A')")).toBe(65);
    expect(await value("levenshtein_distance('kitten', 'sitting')")).toBe(3n);
  });
});
