import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../core/errors.js';
import { parsePartitionExpression } from '../../../catalog/tableCatalog/parsePartitionExpression.js';
import type { ExpressionKey } from '../../../catalog/tableCatalog/parsePartitionExpression.js';
import { likeToGlob, partitionFilterSql } from '../../../catalog/tableCatalog/partitionFilterSql.js';

const KEYS: ExpressionKey[] = [
  { index: 0, name: 'vehicle', kind: 'string' },
  { index: 1, name: 'date', kind: 'date' },
  { index: 2, name: 'hour', kind: 'integer' },
];
const sql = (expression: string) => partitionFilterSql(parsePartitionExpression(expression, KEYS), 'v');
const V = "json_extract(v, '$[0]')";
const D = "json_extract(v, '$[1]')";
const H = "CAST(json_extract(v, '$[2]') AS INTEGER)";

describe('Glue partition expressions compiled to SQLite', () => {
  it('binds every literal as a parameter and keeps AND above OR', () => {
    expect(sql("vehicle = 'a' OR date >= '2024-01-01' AND hour < 5")).toEqual({
      sql: `((${V} = ?) OR ((${D} >= ?) AND (${H} < ?)))`,
      params: ['a', '2024-01-01', 5],
    });
  });

  it('covers IN, BETWEEN, LIKE, IS NULL, NOT and parentheses, keywords in any case', () => {
    expect(sql("not (vehicle in ('a', 'b''c') or date not between '2024-01-01' and '2024-01-31')")).toEqual({
      sql: `(NOT ((${V} IN (?, ?)) OR (${D} NOT BETWEEN ? AND ?)))`,
      params: ['a', "b'c", '2024-01-01', '2024-01-31'],
    });
    expect(sql("vehicle NOT LIKE 'car_%' AND `date` IS NOT NULL AND hour != 3")).toEqual({
      sql: `(((${V} NOT GLOB ?) AND (${D} IS NOT NULL)) AND (${H} <> ?))`,
      params: ['car?*', 3],
    });
  });

  it('never puts expression text into the SQL', () => {
    const injection = sql("vehicle = 'x'') OR 1=1 --'");
    expect(injection.sql).toBe(`(${V} = ?)`);
    expect(injection.params).toEqual(["x') OR 1=1 --"]);
  });

  it('translates LIKE wildcards and escapes GLOB ones', () => {
    expect(likeToGlob('a%b_c*d?e[f]')).toBe('a*b?c[*]d[?]e[[]f]');
  });

  it.each([
    ["vehicle = 'a' AND", 18, 'expected a partition key'],
    ["vehicle == 'a'", 10, "expected a value ('text' or a number) for vehicle"],
    ["(vehicle = 'a'", 15, 'expected a closing )'],
    ["vehicle = 'a", 11, 'unterminated string literal'],
    ['speed > 3', 1, 'speed is not a partition key; the keys are vehicle, date, hour'],
    ['date >= 2024-01-01', 9, "date is a date; expected 'YYYY-MM-DD'"],
    ["hour = 'noon'", 8, 'hour is an integer'],
    ["date LIKE '2024%'", 11, 'LIKE works on string keys'],
    ["vehicle IN ('a' 'b')", 17, 'expected a , or the ) closing the IN list'],
    ["vehicle = 'a' ; DROP TABLE x", 15, 'unexpected character ";"'],
    ['', 1, 'expected a partition key'],
  ])('refuses %j at character %i', (expression, column, message) => {
    let error: unknown;
    try {
      parsePartitionExpression(expression, KEYS);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(UsageError);
    expect((error as Error).message).toContain(`bad partition expression at character ${column}: ${message}`);
  });

  it('shows where the mistake is', () => {
    expect(() => parsePartitionExpression("vehicle = 'a' AND", KEYS)).toThrow(
      "  vehicle = 'a' AND\n                   ^",
    );
  });
});
