/**
 * Hive type names (as the Glue Data Catalog and Athena spell them) for the Arrow types of the curated tables.
 *
 * What Athena reads from our Parquet files decides the mapping (Athena "Data types in Amazon Athena"):
 * - Parquet strings (Arrow `Utf8`, and dictionaries of strings: the dictionary is only an encoding) → `string`.
 * - Signed integers by width → `tinyint`/`smallint`/`int`/`bigint`. Unsigned integers are refused: Athena has
 *   no unsigned types and the tables promise signed ones (see `tables.ts`).
 * - `TIMESTAMP(MICROS, isAdjustedToUTC)` → `timestamp` (any unit and zone: Hive's timestamp has neither).
 * - Lists → `array<…>`, structs → `struct<name:type,…>`, maps → `map<key,value>`.
 * Arrow types with no Hive counterpart (time of day, intervals, durations, unions, half floats, null) are refused.
 */
import { DataType, Precision, Type } from 'apache-arrow';
import type { Field } from 'apache-arrow';
import { UsageError } from '../../core/errors.js';

/** Hive's largest decimal precision. */
const MAX_DECIMAL_PRECISION = 38;

/**
 * Glue keeps column and struct field names lowercase (it lowercases what it is given, so a name with capitals
 * would look changed on every upsert); Athena accepts letters, digits and `_`.
 */
const NAME = /^[a-z0-9_]+$/;

/**
 * The Hive type of an Arrow type. `where` names the column in errors (`source_files.item.bytes`).
 * Throws `UsageError` for types Athena cannot read from Parquet.
 */
export function hiveType(type: DataType, where: string): string {
  if (DataType.isDictionary(type)) return hiveType(type.dictionary as DataType, where);
  if (DataType.isInt(type)) {
    if (!type.isSigned) {
      throw new UsageError(
        `column ${where}: unsigned ${type.bitWidth}-bit integers have no Athena type; use a signed type`,
      );
    }
    switch (type.bitWidth) {
      case 8:
        return 'tinyint';
      case 16:
        return 'smallint';
      case 32:
        return 'int';
      case 64:
        return 'bigint';
    }
  }
  if (DataType.isFloat(type)) {
    if (type.precision === Precision.DOUBLE) return 'double';
    if (type.precision === Precision.SINGLE) return 'float';
  }
  if (DataType.isUtf8(type) || DataType.isLargeUtf8(type) || DataType.isUtf8View(type)) return 'string';
  if (
    DataType.isBinary(type) ||
    DataType.isLargeBinary(type) ||
    DataType.isBinaryView(type) ||
    DataType.isFixedSizeBinary(type)
  ) {
    return 'binary';
  }
  if (DataType.isBool(type)) return 'boolean';
  if (DataType.isTimestamp(type)) return 'timestamp';
  if (DataType.isDate(type)) return 'date';
  if (DataType.isDecimal(type)) {
    if (type.precision > MAX_DECIMAL_PRECISION) {
      throw new UsageError(
        `column ${where}: decimal precision ${type.precision} exceeds Hive's ${MAX_DECIMAL_PRECISION}`,
      );
    }
    return `decimal(${type.precision},${type.scale})`;
  }
  if (DataType.isList(type) || DataType.isLargeList(type) || DataType.isFixedSizeList(type)) {
    return `array<${hiveType(type.valueType as DataType, `${where}.item`)}>`;
  }
  if (DataType.isStruct(type)) {
    if (type.children.length === 0)
      throw new UsageError(`column ${where}: a struct needs at least one field`);
    const fields = type.children.map((child: Field) => {
      assertName(child.name, `${where}.${child.name}`);
      return `${child.name}:${hiveType(child.type as DataType, `${where}.${child.name}`)}`;
    });
    return `struct<${fields.join(',')}>`;
  }
  if (DataType.isMap(type)) {
    const key = type.keyType as DataType;
    const value = type.valueType as DataType;
    return `map<${hiveType(key, `${where}.key`)},${hiveType(value, `${where}.value`)}>`;
  }
  throw new UsageError(`column ${where}: Arrow type ${Type[type.typeId]} has no Hive/Athena type`);
}

/** Throws `UsageError` unless `name` is a lowercase Glue/Athena column name. */
export function assertName(name: string, where: string): void {
  if (!NAME.test(name) || name.length > 255) {
    throw new UsageError(
      `column ${JSON.stringify(where)}: names must be 1 to 255 lowercase letters, digits or _ (Glue lowercases others)`,
    );
  }
}
