/**
 * Athena (Trino) functions on DuckDB, so the Athena SQL in `queries/` runs unchanged on the embedded engine.
 *
 * Each entry is a DuckDB macro named like the Trino function. Only functions that DuckDB lacks or that behave
 * differently are defined (checked against DuckDB 1.5: `cardinality` there takes only maps, `regexp_extract`
 * returns '' instead of NULL on no match, `date_diff` counts boundaries crossed where Trino counts whole units,
 * `split_part` returns '' past the last field, `array_position` returns NULL instead of 0, `list_distinct`
 * loses the order). Functions that already agree (`date_trunc`, `strpos`, `regexp_extract_all`, `arbitrary`,
 * `count_if`, `max_by`, `json_extract`, `json_array_length`, `contains`, `flatten`, `try`, …) are left alone.
 *
 * The macros are TEMP: they live in the connection's temporary schema, which DuckDB searches before the
 * built-in functions, so they shadow a built-in of the same name for this connection only and never reach a
 * database file. Install them on every connection that runs Athena SQL.
 *
 * Known gaps (documented rather than half-done): no per-value time zones in DuckDB, so `at_timezone` and the
 * two-argument `from_unixtime` return the local wall-clock TIMESTAMP (same hour/date/format as Trino, but it
 * compares as a naive timestamp); `cardinality` works on arrays only (use `cardinality(map_keys(m))`); functions
 * that take a lambda (`transform`, `any_match`, `reduce`, …) cannot be wrapped by a macro, use DuckDB's
 * `list_transform`, `list_bool_or`, …; `format_datetime`/`parse_datetime` (Joda patterns) and the weighted
 * `approx_percentile(x, w, p)` are not provided; approximate aggregates return DuckDB's approximation
 * (T-Digest for `approx_percentile`), not Trino's bit-identical
 * answer; `approx_distinct` is exact.
 */
import type { DuckDBConnection } from '@duckdb/node-api';

/** One macro: a Trino function name and its overloads (DuckDB picks the overload by argument count). */
export interface CompatMacro {
  readonly name: string;
  readonly overloads: readonly { readonly params: readonly string[]; readonly body: string }[];
  /** What Trino does, for the reader; cited from the Trino function reference. */
  readonly trino: string;
}

/**
 * MySQL `date_format`/`date_parse` specifiers (as Trino supports them, Trino docs "MySQL date functions") and
 * their DuckDB strftime/strptime equivalents. Specifiers that mean the same in both (%a %b %d %f %H %I %j %m
 * %p %S %Y %y) need no entry. Trino does not support %D %U %u %V %w %X; they pass through unchanged.
 */
export const MYSQL_TO_STRFTIME: Readonly<Record<string, string>> = {
  '%c': '%-m', // month 1..12
  '%e': '%-d', // day of month 1..31
  '%h': '%I', // hour 01..12
  '%i': '%M', // minutes
  '%k': '%-H', // hour 0..23
  '%l': '%-I', // hour 1..12
  '%M': '%B', // month name
  '%r': '%I:%M:%S %p', // 12-hour time
  '%s': '%S', // seconds
  '%T': '%H:%M:%S', // 24-hour time
  '%v': '%V', // ISO week, with %x
  '%W': '%A', // weekday name
  '%x': '%G', // ISO week-based year
};

/**
 * The SQL expression that turns a MySQL format (the SQL expression `format`) into a strftime format. The
 * replacements must not see each other's output (`%i` → `%M` must not then become `%B`), so translated
 * specifiers are first written with chr(2) in place of `%`, and a literal `%%` is parked as chr(1); both are
 * put back at the end. With a constant format DuckDB folds the whole chain to a constant at bind time.
 */
export function mysqlFormatSql(format: string): string {
  let sql = `replace(${format}, '%%', chr(1))`;
  for (const [mysql, strftime] of Object.entries(MYSQL_TO_STRFTIME)) {
    const parked = strftime
      .split('%')
      .map((piece, i) => (i === 0 ? sqlLiteral(piece) : `chr(2) || ${sqlLiteral(piece)}`))
      .filter((piece) => piece !== "''")
      .join(' || ');
    sql = `replace(${sql}, ${sqlLiteral(mysql)}, ${parked})`;
  }
  return `replace(replace(${sql}, chr(2), '%'), chr(1), '%%')`;
}

function sqlLiteral(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}

const one = (params: string[], body: string) => [{ params, body }];

export const ATHENA_COMPAT_MACROS: readonly CompatMacro[] = [
  // --- date and time ---
  {
    name: 'from_iso8601_timestamp',
    overloads: one(['_s'], 'CAST(_s AS TIMESTAMPTZ)'),
    trino:
      'Parses an ISO 8601 timestamp (date only, T separator, fraction, Z or ±hh:mm offset) into timestamp(3) with time zone; no offset means the session zone (UTC on Athena).',
  },
  {
    name: 'from_iso8601_timestamp_nanos',
    overloads: one(['_s'], 'CAST(_s AS TIMESTAMPTZ)'),
    trino: 'As from_iso8601_timestamp with nanosecond precision (DuckDB keeps microseconds).',
  },
  {
    name: 'from_iso8601_date',
    overloads: one(['_s'], 'CAST(_s AS DATE)'),
    trino: 'Parses an ISO 8601 calendar date (YYYY-MM-DD) into a date.',
  },
  {
    name: 'date_parse',
    // strptime insists on a constant format while the macro is created; inside a lambda the check waits for
    // the call, where the translated literal format is constant. Measured: no slower than a direct strptime.
    overloads: one(['_s', '_f'], `list_transform([_s], lambda _v: strptime(_v, ${mysqlFormatSql('_f')}))[1]`),
    trino: 'Parses a string with a MySQL format (%Y-%m-%d %H:%i:%s …) into timestamp(3).',
  },
  {
    name: 'date_format',
    overloads: one(['_t', '_f'], `strftime(_t, ${mysqlFormatSql('_f')})`),
    trino: 'Formats a timestamp with a MySQL format (%Y-%m-%d %H:%i:%s …).',
  },
  {
    name: 'to_unixtime',
    overloads: one(['_t'], 'epoch(_t)'),
    trino: 'Seconds since 1970-01-01 UTC as a double, with the fraction.',
  },
  {
    name: 'from_unixtime',
    overloads: [
      { params: ['_x'], body: 'to_timestamp(_x)' },
      { params: ['_x', '_zone'], body: 'timezone(_zone, to_timestamp(_x))' },
    ],
    trino:
      'Seconds since the epoch (double) to timestamp(3) with time zone; with a zone, that zone (here: the wall-clock time there).',
  },
  {
    name: 'from_unixtime_nanos',
    overloads: one(['_n'], 'make_timestamp_ns(CAST(_n AS BIGINT))'),
    trino: 'Nanoseconds since the epoch to timestamp(9) with time zone.',
  },
  {
    name: 'date_diff',
    // DuckDB's date_diff counts unit boundaries crossed (23:00 → 01:00 is 1 day); its date_sub counts whole
    // units elapsed (0 days), which is Trino's date_diff.
    overloads: one(['_unit', '_a', '_b'], 'date_sub(_unit, _a, _b)'),
    trino:
      "date_diff(unit, a, b): whole units from a to b (b - a), e.g. date_diff('day', 23:00, 01:00 next day) = 0.",
  },
  {
    name: 'date_add',
    overloads: [
      { params: ['_unit', '_n', '_t'], body: "_t + _n * CAST('1 ' || _unit AS INTERVAL)" },
      // DuckDB's own two-argument date_add(date, interval), which the macro above would otherwise hide.
      { params: ['_t', '_interval'], body: '_t + _interval' },
    ],
    trino:
      'date_add(unit, value, timestamp): adds value units; month ends clamp (Jan 31 + 1 month = Feb 29).',
  },
  {
    name: 'at_timezone',
    overloads: one(['_t', '_zone'], 'timezone(_zone, CAST(_t AS TIMESTAMPTZ))'),
    trino: 'The same instant in another zone (here: the wall-clock time in that zone).',
  },
  {
    name: 'with_timezone',
    overloads: one(['_t', '_zone'], 'timezone(_zone, CAST(_t AS TIMESTAMP))'),
    trino: 'Reads a timestamp without zone as wall-clock time in the zone: timestamp with time zone.',
  },
  {
    name: 'to_milliseconds',
    // DuckDB's to_milliseconds(n) builds an interval (the opposite direction); Athena SQL means Trino's.
    overloads: one(['_i'], 'epoch_ms(_i)'),
    trino: 'Milliseconds in an interval day to second, as bigint.',
  },
  {
    name: 'day_of_week',
    overloads: one(['_t'], 'isodow(_t)'),
    trino: 'ISO day of week, 1 Monday .. 7 Sunday.',
  },
  { name: 'dow', overloads: one(['_t'], 'isodow(_t)'), trino: 'Alias of day_of_week.' },
  { name: 'day_of_year', overloads: one(['_t'], 'dayofyear(_t)'), trino: 'Day of year, 1..366.' },
  { name: 'doy', overloads: one(['_t'], 'dayofyear(_t)'), trino: 'Alias of day_of_year.' },
  { name: 'week_of_year', overloads: one(['_t'], 'week(_t)'), trino: 'ISO week of year, 1..53.' },
  { name: 'year_of_week', overloads: one(['_t'], 'isoyear(_t)'), trino: 'ISO week-numbering year.' },
  { name: 'yow', overloads: one(['_t'], 'isoyear(_t)'), trino: 'Alias of year_of_week.' },
  {
    name: 'last_day_of_month',
    overloads: one(['_t'], 'last_day(_t)'),
    trino: 'Last day of the month, a date.',
  },
  { name: 'date', overloads: one(['_x'], 'CAST(_x AS DATE)'), trino: 'Alias of CAST(x AS date).' },
  {
    name: 'current_timezone',
    overloads: one([], "current_setting('TimeZone')"),
    trino: 'The session time zone (UTC on Athena).',
  },

  // --- math ---
  {
    name: 'width_bucket',
    overloads: [
      // Trino MathFunctions.widthBucket(double, array): binary search giving the count of bins <= x, 0..n.
      { params: ['_x', '_bins'], body: 'len(list_filter(_bins, lambda _b: _b <= _x))' },
      {
        // Trino MathFunctions.widthBucket(operand, bound1, bound2, bucketCount): below the range 0, at or above
        // n + 1, else floor(n * (x - lower) / (upper - lower)) + 1; mirrored when bound1 > bound2.
        params: ['_x', '_b1', '_b2', '_n'],
        body: `CASE
          WHEN _b1 <= _b2 THEN CASE
            WHEN _x < _b1 THEN 0
            WHEN _x >= _b2 THEN _n + 1
            ELSE CAST(floor(_n * (_x - _b1) / (_b2 - _b1)) AS BIGINT) + 1 END
          ELSE _n + 1 - CASE
            WHEN _x < _b2 THEN 0
            WHEN _x >= _b1 THEN _n + 1
            ELSE CAST(floor(_n * (_x - _b2) / (_b1 - _b2)) AS BIGINT) + 1 END
          END`,
      },
    ],
    trino:
      'width_bucket(x, bins): number of bins <= x (0..n, bins ascending); width_bucket(x, b1, b2, n): bucket of an equi-width histogram, 0 below and n + 1 above.',
  },
  { name: 'is_nan', overloads: one(['_x'], 'isnan(_x)'), trino: 'True if x is NaN.' },
  { name: 'is_finite', overloads: one(['_x'], 'isfinite(_x)'), trino: 'True if x is finite.' },
  { name: 'is_infinite', overloads: one(['_x'], 'isinf(_x)'), trino: 'True if x is infinite.' },
  { name: 'nan', overloads: one([], "CAST('NaN' AS DOUBLE)"), trino: 'Not-a-number.' },
  { name: 'infinity', overloads: one([], "CAST('Infinity' AS DOUBLE)"), trino: 'Positive infinity.' },
  { name: 'e', overloads: one([], 'exp(1)'), trino: "Euler's number." },
  { name: 'rand', overloads: one([], 'random()'), trino: 'Random double in [0, 1).' },
  { name: 'truncate', overloads: one(['_x'], 'trunc(_x)'), trino: 'x rounded toward zero.' },

  // --- aggregates (a macro may expand to an aggregate call) ---
  {
    name: 'approx_distinct',
    // DuckDB's HyperLogLog is off by one already at 11 values, where Trino's sparse HLL is exact; an exact
    // count is within every error bound and fast enough on one machine.
    overloads: [
      { params: ['_x'], body: 'count(DISTINCT _x)' },
      { params: ['_x', '_e'], body: 'count(DISTINCT _x)' },
    ],
    trino:
      'Approximate count of distinct non-null values (standard error 2.3% by default; exact for small sets).',
  },
  {
    name: 'approx_percentile',
    overloads: one(['_x', '_p'], 'approx_quantile(_x, _p)'),
    trino: 'Approximate percentile of x at p (or an array of percentiles → array).',
  },
  { name: 'every', overloads: one(['_b'], 'bool_and(_b)'), trino: 'Alias of bool_and.' },

  // --- strings and regular expressions ---
  {
    name: 'regexp_extract',
    // system.main.* names DuckDB's own function, which this macro hides.
    overloads: [
      {
        params: ['_s', '_p'],
        body: 'CASE WHEN regexp_matches(_s, _p) THEN system.main.regexp_extract(_s, _p) END',
      },
      {
        params: ['_s', '_p', '_g'],
        body: 'CASE WHEN regexp_matches(_s, _p) THEN system.main.regexp_extract(_s, _p, _g) END',
      },
    ],
    trino: 'The first match (or its capturing group), NULL when the pattern does not match.',
  },
  {
    name: 'regexp_like',
    overloads: one(['_s', '_p'], 'regexp_matches(_s, _p)'),
    trino: 'True if the pattern occurs in s.',
  },
  {
    name: 'regexp_count',
    overloads: one(['_s', '_p'], 'len(regexp_extract_all(_s, _p))'),
    trino: 'Number of matches of the pattern in s.',
  },
  {
    name: 'regexp_split',
    overloads: one(['_s', '_p'], 'string_split_regex(_s, _p)'),
    trino: 'Splits s at matches of the pattern.',
  },
  {
    name: 'split_part',
    overloads: one(['_s', '_d', '_i'], 'string_split(_s, _d)[_i]'),
    trino: 'Field i (1-based) of s split at the delimiter; NULL past the last field.',
  },
  {
    name: 'codepoint',
    overloads: one(['_c'], 'unicode(_c)'),
    trino: 'Unicode code point of a one-character string.',
  },
  {
    name: 'levenshtein_distance',
    overloads: one(['_a', '_b'], 'levenshtein(_a, _b)'),
    trino: 'Levenshtein edit distance.',
  },
  { name: 'hamming_distance', overloads: one(['_a', '_b'], 'hamming(_a, _b)'), trino: 'Hamming distance.' },

  // --- arrays and maps ---
  {
    name: 'cardinality',
    overloads: one(['_a'], 'len(_a)'),
    trino: 'Number of elements of an array (maps: use cardinality(map_keys(m)) on DuckDB).',
  },
  {
    name: 'element_at',
    // DuckDB's subscript reads both lists (1-based, negative from the end, NULL out of range) and maps.
    overloads: one(['_a', '_k'], '_a[_k]'),
    trino:
      'Array element at a 1-based index (negative from the end; NULL past the end) or the map value for a key.',
  },
  {
    name: 'array_position',
    overloads: one(['_a', '_x'], 'coalesce(list_position(_a, _x), 0)'),
    trino: '1-based position of the first occurrence of x, 0 if absent.',
  },
  {
    name: 'array_distinct',
    overloads: one(['_a'], 'list_filter(_a, lambda _e, _i: list_position(_a, _e) = _i)'),
    trino: 'The array without duplicates, first occurrences in order.',
  },
  {
    name: 'array_join',
    overloads: [
      { params: ['_a', '_d'], body: 'array_to_string(_a, _d)' },
      {
        params: ['_a', '_d', '_null'],
        body: 'array_to_string(list_transform(_a, lambda _e: coalesce(CAST(_e AS VARCHAR), _null)), _d)',
      },
    ],
    trino: 'Joins elements with a delimiter; NULLs skipped, or replaced when a replacement is given.',
  },
  {
    name: 'array_max',
    overloads: one(['_a'], 'CASE WHEN list_count(_a) = len(_a) THEN list_max(_a) END'),
    trino: 'Largest element; NULL if any element is NULL.',
  },
  {
    name: 'array_min',
    overloads: one(['_a'], 'CASE WHEN list_count(_a) = len(_a) THEN list_min(_a) END'),
    trino: 'Smallest element; NULL if any element is NULL.',
  },
  {
    name: 'array_remove',
    overloads: one(['_a', '_x'], 'list_filter(_a, lambda _e: _e IS DISTINCT FROM _x)'),
    trino: 'The array without the elements equal to x.',
  },
  {
    name: 'sequence',
    overloads: [
      { params: ['_a', '_b'], body: 'generate_series(_a, _b)' },
      { params: ['_a', '_b', '_step'], body: 'generate_series(_a, _b, _step)' },
    ],
    trino: 'Integers (or timestamps with an interval step) from a to b inclusive.',
  },

  // --- JSON ---
  {
    name: 'json_extract_scalar',
    overloads: one(
      ['_j', '_path'],
      "CASE WHEN json_type(json_extract(_j, _path)) IN ('OBJECT', 'ARRAY') THEN NULL ELSE json_extract_string(_j, _path) END",
    ),
    trino:
      'The scalar (string, number, boolean) at the JSONPath as varchar; NULL for objects, arrays and misses.',
  },
  {
    name: 'json_size',
    overloads: one(
      ['_j', '_path'],
      `CASE json_type(json_extract(_j, _path))
        WHEN 'ARRAY' THEN json_array_length(_j, _path)
        WHEN 'OBJECT' THEN len(json_keys(_j, _path))
        WHEN NULL THEN NULL
        ELSE 0 END`,
    ),
    trino: 'Number of elements of the array or object at the JSONPath; 0 for a scalar.',
  },
  {
    name: 'json_parse',
    overloads: one(['_s'], 'json(_s)'),
    trino: 'Parses a string as JSON (validated and minified).',
  },
  { name: 'json_format', overloads: one(['_j'], 'CAST(_j AS VARCHAR)'), trino: 'JSON value as text.' },
];

/** The `CREATE OR REPLACE TEMP MACRO` statements that `installAthenaCompat` runs, in order. */
export function athenaCompatStatements(): string[] {
  return ATHENA_COMPAT_MACROS.map((macro) => {
    const overloads = macro.overloads.map((o) => `(${o.params.join(', ')}) AS ${o.body}`).join(',\n  ');
    return `CREATE OR REPLACE TEMP MACRO ${macro.name}${overloads}`;
  });
}

/**
 * Makes a DuckDB connection speak Athena: sets the session time zone to UTC (Athena's) and defines the macros
 * in `ATHENA_COMPAT_MACROS` on this connection. Idempotent.
 */
export async function installAthenaCompat(connection: DuckDBConnection): Promise<void> {
  await connection.run("SET TimeZone = 'UTC'");
  for (const statement of athenaCompatStatements()) await connection.run(statement);
}
