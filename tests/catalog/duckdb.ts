/**
 * Test helper: a DuckDB `:memory:` engine to read the lake back with, as Athena would (hive partitions).
 */
import { DuckDBInstance } from '@duckdb/node-api';
import type { DuckDBConnection } from '@duckdb/node-api';

export interface Duck {
  /** Runs a query and returns its rows as plain JS objects (BIGINT as bigint). */
  rows(sql: string): Promise<Record<string, unknown>[]>;
  close(): void;
}

export async function openDuck(): Promise<Duck> {
  const instance = await DuckDBInstance.create(':memory:');
  const connection: DuckDBConnection = await instance.connect();
  // Pin the zone so TIMESTAMPTZ renders the same on every machine.
  await connection.run("SET TimeZone = 'UTC'");
  return {
    rows: async (sql) => (await connection.runAndReadAll(sql)).getRowObjectsJS(),
    close: () => {
      connection.closeSync();
      instance.closeSync();
    },
  };
}

/** Quotes a path or glob as a SQL string literal. */
export function sqlString(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}
