/** SQL text for DuckDB statements built by the lake writer: quoted identifiers and string literals. */

/** `"name"`, with embedded double quotes doubled. */
export function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** `'text'`, with embedded single quotes doubled (SQL standard; DuckDB takes backslashes literally). */
export function quoteString(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}
