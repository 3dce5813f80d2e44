/**
 * Compiles a parsed partition expression to an SQLite `WHERE` condition. Literals are always bound
 * parameters; the only text spliced into the SQL is produced here (operators, and column references built from
 * key positions), never taken from the expression.
 */
import type { ExpressionKey, KeyValue, PartitionFilter } from './parsePartitionExpression.js';

export interface SqlCondition {
  sql: string;
  params: KeyValue[];
}

/**
 * The condition for `filter`; `valuesColumn` is the SQL column holding a partition's values as a JSON array
 * (an identifier chosen by the caller, not user input).
 */
export function partitionFilterSql(filter: PartitionFilter, valuesColumn: string): SqlCondition {
  const params: KeyValue[] = [];
  const key = (k: ExpressionKey): string => {
    // index is an integer from the table's key list; json_extract gives the value as TEXT.
    const value = `json_extract(${valuesColumn}, '$[${Math.trunc(k.index)}]')`;
    if (k.kind === 'integer') return `CAST(${value} AS INTEGER)`;
    if (k.kind === 'decimal') return `CAST(${value} AS REAL)`;
    return value;
  };
  const bind = (value: KeyValue): string => {
    params.push(value);
    return '?';
  };
  const negate = (negated: boolean): string => (negated ? 'NOT ' : '');
  const compile = (f: PartitionFilter): string => {
    switch (f.kind) {
      case 'and':
        return `(${compile(f.left)} AND ${compile(f.right)})`;
      case 'or':
        return `(${compile(f.left)} OR ${compile(f.right)})`;
      case 'not':
        return `(NOT ${compile(f.operand)})`;
      case 'compare':
        return `(${key(f.key)} ${f.op} ${bind(f.value)})`;
      case 'in':
        return `(${key(f.key)} ${negate(f.negated)}IN (${f.values.map(bind).join(', ')}))`;
      case 'between':
        return `(${key(f.key)} ${negate(f.negated)}BETWEEN ${bind(f.low)} AND ${bind(f.high)})`;
      case 'like':
        // GLOB, not LIKE: SQLite's LIKE ignores ASCII case, Glue's does not.
        return `(${key(f.key)} ${negate(f.negated)}GLOB ${bind(likeToGlob(f.pattern))})`;
      case 'isNull':
        return `(${key(f.key)} IS ${negate(f.negated)}NULL)`;
    }
  };
  const sql = compile(filter);
  return { sql, params };
}

/**
 * A SQL LIKE pattern (`%` any run, `_` one character, no escape character, as Glue documents it) as an SQLite
 * GLOB pattern, whose own wildcards `*`, `?` and `[` become one-character classes so they match literally.
 */
export function likeToGlob(pattern: string): string {
  let glob = '';
  for (const char of pattern) {
    if (char === '%') glob += '*';
    else if (char === '_') glob += '?';
    else if (char === '*' || char === '?' || char === '[') glob += `[${char}]`;
    else glob += char;
  }
  return glob;
}
