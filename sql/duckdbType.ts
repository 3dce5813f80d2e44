/**
 * DuckDB type names for the curated tables' Arrow types and for Hive types from the table catalog, so a
 * table with no files yet still has a typed (empty) view and `SELECT col FROM t` binds as it will later.
 */
import { DataType, Precision, TimeUnit, Type } from 'apache-arrow';
import type { Field } from 'apache-arrow';
import { UsageError } from '../core/errors.js';

/** The DuckDB type DuckDB itself gives the column when it reads our Parquet files. */
export function duckdbTypeOfArrow(type: DataType, where: string): string {
  if (DataType.isDictionary(type)) return duckdbTypeOfArrow(type.dictionary as DataType, where);
  if (DataType.isInt(type)) {
    const base = { 8: 'TINYINT', 16: 'SMALLINT', 32: 'INTEGER', 64: 'BIGINT' }[type.bitWidth];
    return type.isSigned ? base : `U${base}`;
  }
  if (DataType.isFloat(type)) return type.precision === Precision.DOUBLE ? 'DOUBLE' : 'FLOAT';
  if (DataType.isUtf8(type) || DataType.isLargeUtf8(type) || DataType.isUtf8View(type)) return 'VARCHAR';
  if (DataType.isBinary(type) || DataType.isLargeBinary(type) || DataType.isFixedSizeBinary(type))
    return 'BLOB';
  if (DataType.isBool(type)) return 'BOOLEAN';
  if (DataType.isDate(type)) return 'DATE';
  if (DataType.isDecimal(type)) return `DECIMAL(${type.precision}, ${type.scale})`;
  if (DataType.isTimestamp(type)) {
    // Parquet TIMESTAMP(isAdjustedToUTC=true) reads as TIMESTAMPTZ; nanoseconds without a zone as TIMESTAMP_NS.
    if (type.timezone) return 'TIMESTAMPTZ';
    return type.unit === TimeUnit.NANOSECOND ? 'TIMESTAMP_NS' : 'TIMESTAMP';
  }
  if (DataType.isList(type) || DataType.isLargeList(type) || DataType.isFixedSizeList(type)) {
    return `${duckdbTypeOfArrow(type.valueType as DataType, `${where}.item`)}[]`;
  }
  if (DataType.isStruct(type)) {
    const fields = type.children.map(
      (f: Field) =>
        `${quoteIdentifier(f.name)} ${duckdbTypeOfArrow(f.type as DataType, `${where}.${f.name}`)}`,
    );
    return `STRUCT(${fields.join(', ')})`;
  }
  if (DataType.isMap(type)) {
    const key = duckdbTypeOfArrow(type.keyType as DataType, `${where}.key`);
    return `MAP(${key}, ${duckdbTypeOfArrow(type.valueType as DataType, `${where}.value`)})`;
  }
  throw new UsageError(`column ${where}: no DuckDB type for Arrow ${Type[type.typeId]}`);
}

const HIVE_SCALARS: Readonly<Record<string, string>> = {
  string: 'VARCHAR',
  varchar: 'VARCHAR',
  char: 'VARCHAR',
  tinyint: 'TINYINT',
  smallint: 'SMALLINT',
  int: 'INTEGER',
  integer: 'INTEGER',
  bigint: 'BIGINT',
  float: 'FLOAT',
  double: 'DOUBLE',
  boolean: 'BOOLEAN',
  // Hive's timestamp has no zone; our files hold UTC instants, which DuckDB reads as TIMESTAMPTZ.
  timestamp: 'TIMESTAMPTZ',
  date: 'DATE',
  binary: 'BLOB',
};

/**
 * The DuckDB type of a Hive type string as the Glue catalog stores it (`array<struct<uri:string,bytes:bigint>>`,
 * `decimal(10,2)`, `map<string,double>`). Throws `UsageError` for one it does not know.
 */
export function duckdbTypeOfHive(hive: string): string {
  const parser = { text: hive.replace(/\s+/g, ''), at: 0 };
  const type = parseHive(parser, hive);
  if (parser.at !== parser.text.length) throw badHive(hive);
  return type;
}

function parseHive(p: { text: string; at: number }, whole: string): string {
  const name = /^[a-z_]+/i.exec(p.text.slice(p.at))?.[0]?.toLowerCase();
  if (!name) throw badHive(whole);
  p.at += name.length;
  const eat = (char: string) => {
    if (p.text[p.at] !== char) throw badHive(whole);
    p.at++;
  };
  switch (name) {
    case 'array': {
      eat('<');
      const item = parseHive(p, whole);
      eat('>');
      return `${item}[]`;
    }
    case 'map': {
      eat('<');
      const key = parseHive(p, whole);
      eat(',');
      const value = parseHive(p, whole);
      eat('>');
      return `MAP(${key}, ${value})`;
    }
    case 'struct': {
      eat('<');
      const fields: string[] = [];
      for (;;) {
        const field = /^[^:<>,]+/.exec(p.text.slice(p.at))?.[0];
        if (!field) throw badHive(whole);
        p.at += field.length;
        eat(':');
        fields.push(`${quoteIdentifier(field)} ${parseHive(p, whole)}`);
        if (p.text[p.at] === ',') {
          p.at++;
          continue;
        }
        eat('>');
        return `STRUCT(${fields.join(', ')})`;
      }
    }
    case 'decimal':
    case 'varchar':
    case 'char': {
      const args = /^\((\d+)(?:,(\d+))?\)/.exec(p.text.slice(p.at));
      if (args) p.at += args[0].length;
      if (name !== 'decimal') return 'VARCHAR';
      return `DECIMAL(${args?.[1] ?? '10'}, ${args?.[2] ?? '0'})`;
    }
    default: {
      const scalar = HIVE_SCALARS[name];
      if (!scalar) throw badHive(whole);
      return scalar;
    }
  }
}

function badHive(hive: string): UsageError {
  return new UsageError(`catalog column type ${JSON.stringify(hive)} is not a Hive type adlake can read`);
}

/** A DuckDB (and Trino) quoted identifier. */
export function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
