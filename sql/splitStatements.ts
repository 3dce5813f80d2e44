import { lineColumnAt, sqlTokens } from './sqlTokens.js';

export interface SqlStatement {
  /** The statement without its `;` and without surrounding whitespace. */
  sql: string;
  /** Where it starts in the script: 1-based line and column, and UTF-16 offset. */
  line: number;
  column: number;
  offset: number;
}

/**
 * Splits a script at the `;` that end statements (not those in strings, quoted names or comments). Empty
 * statements and statements that are only comments are dropped. Athena runs one statement per query, and
 * this keeps each statement's position so errors point into the script.
 */
export function splitStatements(script: string): SqlStatement[] {
  const statements: SqlStatement[] = [];
  let start: number | undefined;
  let end = 0;
  const flush = () => {
    if (start === undefined) return;
    const { line, column } = lineColumnAt(script, start);
    statements.push({ sql: script.slice(start, end), line, column, offset: start });
    start = undefined;
  };
  for (const token of sqlTokens(script)) {
    if (token.kind === 'semicolon') {
      flush();
      continue;
    }
    // Comments before a statement are not part of it; those inside it are.
    if (token.kind === 'comment' && start === undefined) continue;
    start ??= token.offset;
    end = token.offset + token.text.length;
  }
  flush();
  return statements;
}
