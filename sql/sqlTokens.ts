/**
 * A small SQL scanner, enough to split a script into statements and to see which names a query mentions,
 * without being fooled by `;` or names inside strings, quoted identifiers and comments. It does not parse:
 * the engines do that and report errors with positions.
 */

export type SqlTokenKind = 'word' | 'quoted' | 'string' | 'comment' | 'semicolon' | 'other';

export interface SqlToken {
  kind: SqlTokenKind;
  /** The token as written (quotes included). */
  text: string;
  /** UTF-16 offset of the first character in the SQL text. */
  offset: number;
}

/**
 * The tokens of `sql`, whitespace skipped. Strings are `'…'` with `''` for a quote (Trino and DuckDB);
 * quoted identifiers are `"…"` with `""` (SQL standard) or `` `…` `` (Hive DDL, which Athena accepts);
 * comments are `-- …` and `/* … *\/`. An unterminated string or comment runs to the end of the text: the
 * engine reports it with a proper message.
 */
export function* sqlTokens(sql: string): Generator<SqlToken> {
  const n = sql.length;
  let i = 0;
  while (i < n) {
    const c = sql.charCodeAt(i);
    const start = i;
    if (c === 0x20 || (c >= 0x09 && c <= 0x0d)) {
      i++;
      continue;
    }
    if (c === 0x2d /* - */ && sql.charCodeAt(i + 1) === 0x2d) {
      const end = sql.indexOf('\n', i);
      i = end === -1 ? n : end;
      yield { kind: 'comment', text: sql.slice(start, i), offset: start };
      continue;
    }
    if (c === 0x2f /* / */ && sql.charCodeAt(i + 1) === 0x2a /* * */) {
      const end = sql.indexOf('*/', i + 2);
      i = end === -1 ? n : end + 2;
      yield { kind: 'comment', text: sql.slice(start, i), offset: start };
      continue;
    }
    if (c === 0x27 /* ' */ || c === 0x22 /* " */ || c === 0x60 /* ` */) {
      i = closingQuote(sql, i, sql[i] ?? '');
      yield { kind: c === 0x27 ? 'string' : 'quoted', text: sql.slice(start, i), offset: start };
      continue;
    }
    if (isWordStart(c)) {
      i++;
      while (i < n && isWordPart(sql.charCodeAt(i))) i++;
      yield { kind: 'word', text: sql.slice(start, i), offset: start };
      continue;
    }
    i++;
    yield { kind: c === 0x3b ? 'semicolon' : 'other', text: sql[start] ?? '', offset: start };
  }
}

/** The offset just past the quote that closes the one at `open`; a doubled quote is an escaped one. */
function closingQuote(sql: string, open: number, quote: string): number {
  let i = open + 1;
  for (;;) {
    const end = sql.indexOf(quote, i);
    if (end === -1) return sql.length;
    if (sql[end + 1] === quote) {
      i = end + 2;
      continue;
    }
    return end + 1;
  }
}

function isWordStart(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || c === 0x5f || c > 0x7f;
}

function isWordPart(c: number): boolean {
  return isWordStart(c) || (c >= 0x30 && c <= 0x39) || c === 0x24; /* $ */
}

/** The identifier a `word` or `quoted` token names: words fold to lowercase (as both engines do), quotes are removed. */
export function identifierOf(token: SqlToken): string {
  if (token.kind === 'word') return token.text.toLowerCase();
  const quote = token.text[0] ?? '';
  const body = token.text.slice(1, token.text.endsWith(quote) && token.text.length > 1 ? -1 : undefined);
  return body.replaceAll(quote + quote, quote);
}

/** 1-based line and column of a UTF-16 offset in `text` (lines end at LF; a CR before it is part of the line). */
export function lineColumnAt(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, column: offset - lineStart + 1 };
}
