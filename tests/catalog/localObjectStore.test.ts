import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, test } from 'vitest';
import { NotFoundError, UsageError } from '../../core/errors.js';
import { compareKeys, TEMP_SUFFIX } from '../../catalog/objectStore.js';
import type { ObjectInfo, ObjectStore } from '../../catalog/objectStore.js';
import { tempLake } from './tempLake.js';

const text = (s: string) => new TextEncoder().encode(s);
const decode = (b: Uint8Array) => new TextDecoder().decode(b);

async function listAll(store: ObjectStore, prefix: string): Promise<ObjectInfo[]> {
  const out: ObjectInfo[] = [];
  for await (const info of store.list(prefix)) out.push(info);
  return out;
}

/** Every file under a folder, temp files included: what a crash would leave behind. */
async function filesOnDisk(root: string): Promise<string[]> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

describe('LocalObjectStore', () => {
  test('put then get round-trips bytes and streams; no temp file stays behind', async () => {
    const store = await tempLake();
    await store.put('a/b/c.bin', text('hello'));
    await store.put('a/streamed.txt', Readable.from([text('str'), text('eam')]));
    expect(decode(await store.get('a/b/c.bin'))).toBe('hello');
    expect(decode(await store.get('a/streamed.txt'))).toBe('stream');
    expect(await store.exists('a/b/c.bin')).toBe(true);
    expect(await store.exists('a/b')).toBe(false); // a folder is not an object
    const files = await filesOnDisk(store.root);
    expect(files.filter((f) => f.endsWith(TEMP_SUFFIX))).toEqual([]);
    expect(files.sort()).toEqual([join(store.root, 'a/b/c.bin'), join(store.root, 'a/streamed.txt')]);
  });

  test('put replaces an object atomically; concurrent puts of one key leave exactly one whole body', async () => {
    const store = await tempLake();
    await store.put('k', text('old'));
    const bodies = Array.from({ length: 20 }, (_, i) => text(`body-${i}-`.repeat(10_000)));
    await Promise.all(bodies.map((body) => store.put('k', body)));
    const got = decode(await store.get('k'));
    expect(bodies.map(decode)).toContain(got);
    expect((await filesOnDisk(store.root)).filter((f) => f.endsWith(TEMP_SUFFIX))).toEqual([]);
    expect(await listAll(store, '')).toEqual([{ key: 'k', size: got.length }]);
  });

  test('a failing stream leaves neither the object nor a temp file', async () => {
    const store = await tempLake();
    async function* broken() {
      yield text('partial');
      await Promise.resolve();
      throw new Error('disk on fire');
    }
    await expect(store.put('x/y.bin', broken())).rejects.toThrow('disk on fire');
    expect(await store.exists('x/y.bin')).toBe(false);
    expect(await filesOnDisk(store.root)).toEqual([]);
  });

  test('get of a missing key is NotFoundError with the object URI', async () => {
    const store = await tempLake();
    const error: unknown = await store.get('nope/missing.json').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotFoundError);
    expect((error as NotFoundError).where.uri).toBe(store.uriOf('nope/missing.json'));
    await expect(store.source('nope').size()).rejects.toBeInstanceOf(NotFoundError);
  });

  test.each([
    ['', 'empty'],
    ['/etc/passwd', 'absolute'],
    ['C:/x', 'drive letter'],
    ['a/../b', '..'],
    ['../b', '..'],
    ['a/./b', '"."'],
    ['a//b', 'empty path segment'],
    ['a/', 'empty path segment'],
    ['a\\b', 'backslash'],
    [`a/b${TEMP_SUFFIX}`, 'reserved'],
  ])('bad key %j is a UsageError (%s)', async (key, why) => {
    const store = await tempLake();
    for (const attempt of [() => store.put(key, text('x')), () => store.get(key), () => store.delete(key)]) {
      const error: unknown = await attempt().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(UsageError);
      expect((error as Error).message).toContain(why);
    }
    expect(() => store.uriOf(key)).toThrow(UsageError);
  });

  test('a key used as a folder of other keys is a UsageError', async () => {
    const store = await tempLake();
    await store.put('a', text('file'));
    await expect(store.put('a/b', text('x'))).rejects.toBeInstanceOf(UsageError);
  });

  test('list is recursive, prefix-filtered, sorted as S3 sorts, and never shows temp files', async () => {
    const store = await tempLake();
    const keys = ['b/2.txt', 'a/x/1.txt', 'a-b', 'a/y', 'a/x/0.txt', 'c', 'ab/z'];
    for (const key of keys) await store.put(key, text(key));
    // A temp file of a put in progress (or killed) must not show.
    await writeFile(join(store.root, 'a', `y.123${TEMP_SUFFIX}`), 'partial');

    const all = await listAll(store, '');
    // '-' (0x2d) sorts before '/' (0x2f): a-b comes before a/..., as in S3's UTF-8 byte order.
    expect(all.map((o) => o.key)).toEqual(['a-b', 'a/x/0.txt', 'a/x/1.txt', 'a/y', 'ab/z', 'b/2.txt', 'c']);
    expect(all.every((o) => o.size === o.key.length)).toBe(true);
    expect((await listAll(store, 'a/')).map((o) => o.key)).toEqual(['a/x/0.txt', 'a/x/1.txt', 'a/y']);
    expect((await listAll(store, 'a')).map((o) => o.key)).toEqual([
      'a-b',
      'a/x/0.txt',
      'a/x/1.txt',
      'a/y',
      'ab/z',
    ]);
    expect((await listAll(store, 'a/x/1')).map((o) => o.key)).toEqual(['a/x/1.txt']);
    expect(await listAll(store, 'missing/')).toEqual([]);
  });

  test('delete removes an object and is a no-op for a missing one', async () => {
    const store = await tempLake();
    await store.put('d/e.txt', text('x'));
    await store.delete('d/e.txt');
    await store.delete('d/e.txt');
    await store.delete('never/was');
    expect(await store.exists('d/e.txt')).toBe(false);
    expect(await listAll(store, '')).toEqual([]);
  });

  test('source reads byte ranges; uriOf is a file URL under the root', async () => {
    const store = await tempLake();
    await store.put('r/data.bin', new Uint8Array([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]));
    const source = store.source('r/data.bin');
    expect(await source.size()).toBe(10);
    expect([...(await source.read(3, 4))]).toEqual([3, 4, 5, 6]);
    expect([...(await source.read(8, 10))]).toEqual([8, 9]);
    expect(source.uri).toBe(store.uriOf('r/data.bin'));
    expect(store.uriOf('r/data.bin')).toBe(`${store.uri}/r/data.bin`);
    expect(store.uri.startsWith('file:///')).toBe(true);
  });

  test('compareKeys orders by code point (UTF-8 byte order), not UTF-16 units', () => {
    // U+FF5E (3 UTF-8 bytes) sorts before U+1F600 (4 bytes); as UTF-16, 0xD83D < 0xFF5E would say otherwise.
    const keys = ['\u{1F600}', '\uFF5E', 'a/b', 'a-b', 'a'];
    expect([...keys].sort(compareKeys)).toEqual(['a', 'a-b', 'a/b', '\uFF5E', '\u{1F600}']);
  });
});
