/**
 * Turns a DuckDB error into adlake's: `DecodeError` (exit 65) for SQL DuckDB rejects, with the position DuckDB
 * shows; `NotFoundError` (exit 66) for a missing table, listing the tables there are.
 */
import { DecodeError, InternalError, NotFoundError } from '../core/errors.js';
import type { AdlakeError } from '../core/errors.js';
import { sqlProvenance } from './sqlEngine.js';
import type { SqlSource } from './sqlEngine.js';

export interface DuckdbErrorContext {
  sql: string;
  /** Tables and views the engine has, for "no such table" messages. */
  tables: readonly string[];
  source?: SqlSource;
}

/**
 * DuckDB messages are `<Kind> Error: <what>` followed, when it knows the place, by a context block
 * `LINE <n>: <the line, maybe cut to a window with …>` and a caret under the column.
 */
export function duckdbError(error: unknown, context: DuckdbErrorContext): AdlakeError {
  const message = error instanceof Error ? error.message : String(error);
  const contextAt = message.indexOf('\n\nLINE ');
  const head = (contextAt === -1 ? message : message.slice(0, contextAt)).trim();
  const position = contextAt === -1 ? undefined : caretPosition(message.slice(contextAt + 2), context.sql);
  const where = sqlProvenance(context.source, position?.line, position?.column);

  const table = /^Catalog Error: Table with name (.+?) does not exist!/.exec(head);
  if (table) {
    const known = context.tables.length > 0 ? context.tables.join(', ') : 'none (the lake has no tables yet)';
    return new NotFoundError(`sql: table ${table[1] ?? ''} does not exist; tables: ${known}`, where, {
      cause: error,
    });
  }
  if (/^(INTERNAL|FATAL) Error/.test(head)) {
    return new InternalError(`sql: DuckDB failed: ${head}`, where, { cause: error });
  }
  return new DecodeError(`sql: ${head}`, where, { cause: error });
}

/**
 * The 1-based line and column of the caret in DuckDB's context block. DuckDB shows a window of long lines
 * (`LINE 1: ...text...`), so the window is found in the real line to get the column there.
 */
export function caretPosition(block: string, sql: string): { line: number; column?: number } | undefined {
  const match = /^LINE (\d+): (.*)\n( *)\^/.exec(block);
  if (!match) return undefined;
  const line = Number(match[1]);
  const prefix = `LINE ${match[1]}: `.length;
  const shown = match[2] ?? '';
  const caret = (match[3] ?? '').length - prefix;
  const real = sql.split('\n')[line - 1]?.replace(/\r$/, '') ?? '';
  if (!shown.startsWith('...')) return { line, column: caret + 1 };
  const window = shown.slice(3).replace(/\.\.\.$/, '');
  const at = real.indexOf(window);
  return at === -1 ? { line } : { line, column: at + caret - 3 + 1 };
}
