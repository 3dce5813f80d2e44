import { describe, expect, it } from 'vitest';
import { UsageError } from '../../core/errors.js';
import { duckdbTypeOfHive } from '../../sql/duckdbType.js';
import { splitStatements } from '../../sql/splitStatements.js';

describe('splitStatements', () => {
  it('splits at the ; that end statements, not those in strings, names or comments', () => {
    const script = [
      '-- header; not a statement',
      "SELECT ';' AS semi, 'it''s;' AS q FROM \"a;b\" /* ; */;",
      '',
      '  SELECT `x;y` -- trailing; comment',
      '  FROM t ;;',
      '/* only a comment */',
    ].join('\n');
    expect(splitStatements(script)).toEqual([
      {
        sql: "SELECT ';' AS semi, 'it''s;' AS q FROM \"a;b\" /* ; */",
        line: 2,
        column: 1,
        offset: script.indexOf('SELECT'),
      },
      {
        sql: 'SELECT `x;y` -- trailing; comment\n  FROM t',
        line: 4,
        column: 3,
        offset: script.indexOf('SELECT `'),
      },
    ]);
  });

  it('keeps an unterminated string to the end (the engine reports it)', () => {
    expect(splitStatements("SELECT 'open; SELECT 2").map((s) => s.sql)).toEqual(["SELECT 'open; SELECT 2"]);
  });

  it('gives nothing for whitespace, ; and comments only', () => {
    expect(splitStatements('  ;\n -- x\n ; /* y */ ')).toEqual([]);
  });
});

describe('duckdbTypeOfHive', () => {
  it('maps Glue/Hive types, nested ones too', () => {
    expect(duckdbTypeOfHive('array<struct<uri:string,bytes:bigint>>')).toBe(
      'STRUCT("uri" VARCHAR, "bytes" BIGINT)[]',
    );
    expect(duckdbTypeOfHive('map<string, double>')).toBe('MAP(VARCHAR, DOUBLE)');
    expect(duckdbTypeOfHive('decimal(38,9)')).toBe('DECIMAL(38, 9)');
    expect(duckdbTypeOfHive('varchar(20)')).toBe('VARCHAR');
    expect(duckdbTypeOfHive('timestamp')).toBe('TIMESTAMPTZ');
    expect(duckdbTypeOfHive('tinyint')).toBe('TINYINT');
  });

  it('refuses what it does not know', () => {
    expect(() => duckdbTypeOfHive('uniontype<int,string>')).toThrow(UsageError);
    expect(() => duckdbTypeOfHive('array<int')).toThrow(UsageError);
    expect(() => duckdbTypeOfHive('int extra')).toThrow(UsageError);
  });
});
