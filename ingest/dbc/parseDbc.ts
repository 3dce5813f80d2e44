import { DecodeError, NotFoundError } from '../../core/errors.js';
import { buildDbcDatabase, type DbcUnit } from './buildDbcDatabase.js';
import type { DbcDatabase, DbcWarning } from './model.js';
import { parseDbcStatements } from './parseDbcStatements.js';

export interface ParseDbcOptions {
  /** Names the text in errors and warnings (a path or URL). */
  uri: string;
  /**
   * Refuse what lenient parsing accepts with a warning: overlapping signals in one multiplexer branch, signals
   * beyond the message length, ids that do not fit 11/29 bits, duplicate messages or signals.
   * @default false
   */
  strict?: boolean;
  /**
   * Returns the text of a file named by opendbc's `CM_ "IMPORT name";` (relative to the importing file, whose
   * uri is given), or undefined when it does not exist. Without a resolver, IMPORT lines are skipped with a
   * warning.
   */
  resolveImport?: (name: string, importingUri: string) => string | undefined;
}

/**
 * Parses a DBC file's text (pure: no file system; see `loadDbcFile` for the Node adapter). Files named by
 * `CM_ "IMPORT file.dbc";` are parsed first, then this file's body, as opendbc's generator concatenates them;
 * each file is imported once.
 *
 * @throws DecodeError on a syntax error (with uri, line, column and what was expected), an import cycle, or, in
 *   strict mode, on the problems listed for `strict`.
 * @throws NotFoundError when `resolveImport` does not find an imported file.
 */
export function parseDbc(text: string, options: ParseDbcOptions): DbcDatabase {
  const units: DbcUnit[] = [];
  const imports: string[] = [];
  const warnings: DbcWarning[] = [];
  const seen = new Set<string>([options.uri]);

  const collect = (source: string, uri: string, stack: readonly string[]): void => {
    const statements = parseDbcStatements(source, uri);
    for (const st of statements) {
      if (st.kind !== 'import') continue;
      if (options.resolveImport === undefined) {
        warnings.push({
          uri,
          line: st.line,
          message: `IMPORT ${st.name} not resolved (no resolveImport given); skipped`,
        });
        continue;
      }
      const importUri = siblingUri(uri, st.name);
      if (stack.includes(importUri) || importUri === uri) {
        throw new DecodeError(`dbc: IMPORT cycle: ${[...stack, uri, importUri].join(' -> ')}`, {
          uri,
          line: st.line,
          column: st.column,
        });
      }
      if (seen.has(importUri)) continue;
      seen.add(importUri);
      const imported = options.resolveImport(st.name, uri);
      if (imported === undefined) {
        throw new NotFoundError(`dbc: imported file ${st.name} not found`, {
          uri,
          line: st.line,
          column: st.column,
        });
      }
      collect(imported, importUri, [...stack, uri]);
      imports.push(importUri);
    }
    units.push({ uri, statements });
  };
  collect(text, options.uri, []);

  const db = buildDbcDatabase(units, { uri: options.uri, strict: options.strict ?? false, imports });
  return warnings.length === 0 ? db : { ...db, warnings: [...warnings, ...db.warnings] };
}

/** `name` next to the file `uri` (URIs and POSIX or Windows paths). */
function siblingUri(uri: string, name: string): string {
  const slash = Math.max(uri.lastIndexOf('/'), uri.lastIndexOf('\\'));
  return slash < 0 ? name : uri.slice(0, slash + 1) + name;
}
