/**
 * The small set of error types adlake raises. Each maps to one CLI exit code (see `exitCodeFor`) and,
 * later, one GraphQL `extensions.code`. Errors carry where they happened (`Provenance`) and their cause.
 */

/** Where in an input something went wrong. Lines and columns are 1-based; offsets are byte offsets. */
export interface Provenance {
  uri?: string;
  line?: number;
  column?: number;
  offset?: number;
}

export type ErrorCode = 'BAD_INPUT' | 'NOT_FOUND' | 'USAGE' | 'INTERNAL';

/** Formats provenance as `file:line:column` or `file@offset`, the way compilers and hexdumps do. */
export function formatProvenance(where: Provenance): string {
  const parts: string[] = [];
  if (where.uri !== undefined) parts.push(where.uri);
  if (where.line !== undefined) {
    parts.push(String(where.line));
    if (where.column !== undefined) parts.push(String(where.column));
  }
  let text = parts.join(':');
  if (where.offset !== undefined) text += `${text ? ' ' : ''}@${where.offset}`;
  return text;
}

export abstract class AdlakeError extends Error {
  abstract readonly code: ErrorCode;
  readonly where: Provenance;
  readonly detail: string;

  constructor(message: string, where: Provenance = {}, options?: { cause?: unknown }) {
    const at = formatProvenance(where);
    super(at ? `${message} (at ${at})` : message, options);
    this.name = new.target.name;
    this.where = where;
    this.detail = message;
  }
}

/** The input cannot be decoded: a syntax error, a truncated file, a wrong checksum, garbage bytes. */
export class DecodeError extends AdlakeError {
  readonly code = 'BAD_INPUT' as const;
}

/** A file, table, drive or id that does not exist. */
export class NotFoundError extends AdlakeError {
  readonly code = 'NOT_FOUND' as const;
}

/** The command line or an option is wrong. */
export class UsageError extends AdlakeError {
  readonly code = 'USAGE' as const;
}

/** A bug or a broken invariant in adlake itself. */
export class InternalError extends AdlakeError {
  readonly code = 'INTERNAL' as const;
}

/**
 * CLI exit codes follow BSD sysexits(3), so scripts can tell a bad input file from a missing one.
 */
export const EXIT_CODES = {
  OK: 0,
  USAGE: 64, // EX_USAGE
  BAD_INPUT: 65, // EX_DATAERR
  NOT_FOUND: 66, // EX_NOINPUT
  INTERNAL: 70, // EX_SOFTWARE
} as const;

export function exitCodeFor(error: unknown): number {
  if (error instanceof AdlakeError) return EXIT_CODES[error.code];
  if (isNodeError(error) && error.code === 'ENOENT') return EXIT_CODES.NOT_FOUND;
  return EXIT_CODES.INTERNAL;
}

export function isNodeError(error: unknown): error is NodeJS.ErrnoException {
  return error instanceof Error && 'code' in error;
}
