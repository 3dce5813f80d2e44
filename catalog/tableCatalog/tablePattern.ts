/**
 * Table name patterns for `TableCatalog.listTables`, in the form Hive's `SHOW TABLES '<pattern>'` and the
 * Hive metastore's `getTables(db, pattern)` take them: `*` matches any run of characters, `|` separates
 * alternatives, the whole name must match, letters match either case. Glue's GetTables `Expression` is
 * documented as a regular expression, and the AWS Glue Hive metastore client passes Hive patterns to it
 * unchanged; keeping to letters, digits, `_`, `*` and `|` keeps both readings the same.
 */
import { UsageError } from '../../core/errors.js';

/** Checks a pattern and returns a test for table names. */
export function tablePattern(pattern: string): (name: string) => boolean {
  if (!/^[A-Za-z0-9_*|]{1,255}$/.test(pattern)) {
    throw new UsageError(
      `table pattern ${JSON.stringify(pattern)} may only hold letters, digits, _, * (any characters) and | (or)`,
    );
  }
  // Every character but * and | is a literal here, so the regex needs no escaping.
  const alternatives = pattern.split('|').map((part) => part.replaceAll('*', '.*'));
  const regex = new RegExp(`^(?:${alternatives.join('|')})$`, 'i');
  return (name) => regex.test(name);
}
