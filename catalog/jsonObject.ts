/**
 * Small JSON objects in the lake (ledger entries, quarantine reasons, run records): written atomically,
 * read back through a parser so a hand-edited or truncated file fails with its location.
 */
import { DecodeError } from '../core/errors.js';
import type { ObjectStore } from './objectStore.js';

/** Writes `value` as indented JSON (stable for diffs and for people reading the lake). */
export async function putJson(store: ObjectStore, key: string, value: unknown): Promise<void> {
  await store.put(key, new TextEncoder().encode(`${JSON.stringify(value, null, 2)}\n`));
}

/** Reads a JSON object; `parse` checks its shape and throws a message naming what is wrong. */
export async function getJson<T>(store: ObjectStore, key: string, parse: (value: unknown) => T): Promise<T> {
  const text = new TextDecoder().decode(await store.get(key));
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new DecodeError(`not valid JSON`, { uri: store.uriOf(key) }, { cause: error });
  }
  try {
    return parse(value);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new DecodeError(`unexpected content: ${message}`, { uri: store.uriOf(key) }, { cause: error });
  }
}

/** Narrows `value` to a plain object, for parsers. */
export function asRecord(value: unknown, what: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new TypeError(`${what} is not an object`);
  return value as Record<string, unknown>;
}

export function stringField(record: Record<string, unknown>, name: string): string {
  const value = record[name];
  if (typeof value !== 'string') throw new TypeError(`${name} is not a string`);
  return value;
}

export function numberField(record: Record<string, unknown>, name: string): number {
  const value = record[name];
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new TypeError(`${name} is not a number`);
  return value;
}
