/**
 * The object store port: the lake's bytes live behind it. Keys are `/`-separated paths relative to the
 * store root, like S3 keys. The embedded implementation is a local folder (`LocalObjectStore`); S3 comes later.
 */
import { UsageError } from '../core/errors.js';
import type { ByteStream, RandomAccessSource } from '../core/source.js';

export interface ObjectInfo {
  key: string;
  size: number;
}

export interface ObjectStore {
  /** Where the store lives: `file:///abs/lake` or `s3://bucket/prefix`. */
  readonly uri: string;
  /** Writes an object atomically: readers see the old object, or the whole new one, never a part. */
  put(key: string, body: Uint8Array | ByteStream): Promise<void>;
  /** Reads a whole object. Throws `NotFoundError` when it does not exist. For small objects (JSON, one part file). */
  get(key: string): Promise<Uint8Array>;
  exists(key: string): Promise<boolean>;
  /** Every object whose key starts with `prefix` (a plain string prefix, as in S3), recursively, sorted by key. */
  list(prefix: string): AsyncIterable<ObjectInfo>;
  /** Deletes an object; deleting a missing object is not an error (S3 semantics). */
  delete(key: string): Promise<void>;
  /** Range reads of one object, for readers that take a `RandomAccessSource`. */
  source(key: string): RandomAccessSource;
  /** The URI of one object, for lineage and messages. */
  uriOf(key: string): string;
}

/**
 * Suffix of the temporary files an atomic put writes before its rename. Stores never list them and
 * keys may not end with it, so a put killed half-way is never visible as an object.
 */
export const TEMP_SUFFIX = '.adlake-tmp';

/**
 * Checks that `key` is a relative, normalised object key and throws `UsageError` otherwise:
 * no empty, `.` or `..` segments, no leading or trailing `/`, no backslash or NUL, no drive letter,
 * and not a temporary-file name. The same rule holds for every store so a lake can move between them.
 */
export function assertValidKey(key: string): void {
  const problem = keyProblem(key);
  if (problem !== undefined) throw new UsageError(`bad object key ${JSON.stringify(key)}: ${problem}`);
}

function keyProblem(key: string): string | undefined {
  if (key.length === 0) return 'empty';
  if (key.startsWith('/')) return 'absolute paths are not keys; give a path relative to the lake root';
  if (/^[A-Za-z]:/.test(key)) return 'a drive letter makes it absolute';
  if (key.includes('\\')) return 'backslash is not a separator in keys; use /';
  if (key.includes('\0')) return 'NUL byte';
  if (key.endsWith(TEMP_SUFFIX)) return `the suffix ${TEMP_SUFFIX} is reserved for temporary files`;
  for (const segment of key.split('/')) {
    if (segment === '') return 'empty path segment (leading, trailing or doubled /)';
    if (segment === '.' || segment === '..') return `"${segment}" segments are not allowed`;
  }
  return undefined;
}

/**
 * Orders keys by Unicode code point, which is the UTF-8 byte order S3 lists in. Plain `<` on JS strings
 * compares UTF-16 code units and differs for characters above U+FFFF.
 */
export function compareKeys(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.codePointAt(i) ?? 0;
    const y = b.codePointAt(i) ?? 0;
    if (x !== y) return x - y;
    if (x > 0xffff) i++;
  }
  return a.length - b.length;
}
