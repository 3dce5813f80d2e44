/**
 * Behaviour every `ObjectStore` shares (the same checks as tests/catalog/localObjectStore.test.ts, minus
 * what only a folder can show), registered once per store under test: s3rver here, a real bucket in the
 * live test.
 */
import { Readable } from 'node:stream';
import { expect, test } from 'vitest';
import { NotFoundError, UsageError } from '../../core/errors.js';
import { TEMP_SUFFIX } from '../../catalog/objectStore.js';
import type { ObjectInfo, ObjectStore } from '../../catalog/objectStore.js';

export const text = (s: string) => new TextEncoder().encode(s);
export const decode = (b: Uint8Array) => new TextDecoder().decode(b);

export async function listAll(store: ObjectStore, prefix: string): Promise<ObjectInfo[]> {
  const out: ObjectInfo[] = [];
  for await (const info of store.list(prefix)) out.push(info);
  return out;
}

export interface ContractOptions {
  /** A store on a fresh, empty prefix; called once per test. */
  open: () => Promise<ObjectStore>;
  /**
   * Whether to check that concurrent puts of one key leave one whole body. Real S3 guarantees it; s3rver
   * writes objects in place and does not, so that check would test the emulator, not the store.
   */
  concurrentPuts: boolean;
}

export function objectStoreContract({ open, concurrentPuts }: ContractOptions): void {
  test('put then get round-trips bytes, streams and empty bodies', async () => {
    const store = await open();
    await store.put('a/b/c.bin', text('hello'));
    await store.put('a/streamed.txt', Readable.from([text('str'), text('eam')]));
    await store.put('a/empty', new Uint8Array(0));
    expect(decode(await store.get('a/b/c.bin'))).toBe('hello');
    expect(decode(await store.get('a/streamed.txt'))).toBe('stream');
    expect((await store.get('a/empty')).byteLength).toBe(0);
    expect(await store.exists('a/b/c.bin')).toBe(true);
    expect(await store.exists('a/b')).toBe(false); // a "folder" is not an object
    expect(await listAll(store, '')).toEqual([
      { key: 'a/b/c.bin', size: 5 },
      { key: 'a/empty', size: 0 },
      { key: 'a/streamed.txt', size: 6 },
    ]);
  });

  test('put replaces an object', async () => {
    const store = await open();
    await store.put('k', text('old'));
    await store.put('k', text('new body'));
    expect(decode(await store.get('k'))).toBe('new body');
    expect(await listAll(store, '')).toEqual([{ key: 'k', size: 8 }]);
  });

  if (concurrentPuts) {
    test('concurrent puts of one key leave exactly one whole body', async () => {
      const store = await open();
      const bodies = Array.from({ length: 8 }, (_, i) => text(`body-${i}-`.repeat(10_000)));
      await Promise.all(bodies.map((body) => store.put('k', body)));
      const got = decode(await store.get('k'));
      expect(bodies.map(decode)).toContain(got);
    });
  }

  test('a failing stream leaves no object', async () => {
    const store = await open();
    async function* broken() {
      yield text('partial');
      await Promise.resolve();
      throw new Error('disk on fire');
    }
    await expect(store.put('x/y.bin', broken())).rejects.toThrow('disk on fire');
    expect(await store.exists('x/y.bin')).toBe(false);
    expect(await listAll(store, '')).toEqual([]);
  });

  test('get of a missing key is NotFoundError with the object URI', async () => {
    const store = await open();
    const error: unknown = await store.get('nope/missing.json').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotFoundError);
    expect((error as NotFoundError).where.uri).toBe(store.uriOf('nope/missing.json'));
    expect(await store.exists('nope/missing.json')).toBe(false);
    await expect(store.source('nope').size()).rejects.toBeInstanceOf(NotFoundError);
    await expect(store.source('nope').read(0, 10)).rejects.toBeInstanceOf(NotFoundError);
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
    const store = await open();
    const attempts = [
      () => store.put(key, text('x')),
      () => store.get(key),
      () => store.delete(key),
      () => store.exists(key),
    ];
    for (const attempt of attempts) {
      const error: unknown = await attempt().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(UsageError);
      expect((error as Error).message).toContain(why);
    }
    expect(() => store.uriOf(key)).toThrow(UsageError);
    expect(() => store.source(key)).toThrow(UsageError);
  });

  test('list is recursive, prefix-filtered and sorted in UTF-8 byte order', async () => {
    const store = await open();
    const keys = ['b/2.txt', 'a/x/1.txt', 'a-b', 'a/y', 'a/x/0.txt', 'c', 'ab/z'];
    for (const key of keys) await store.put(key, text(key));

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
    await expect(listAll(store, 'a/../')).rejects.toBeInstanceOf(UsageError);
  });

  test('delete removes an object and is a no-op for a missing one', async () => {
    const store = await open();
    await store.put('d/e.txt', text('x'));
    await store.delete('d/e.txt');
    await store.delete('d/e.txt');
    await store.delete('never/was');
    expect(await store.exists('d/e.txt')).toBe(false);
    expect(await listAll(store, '')).toEqual([]);
  });

  test('source reads byte ranges; uriOf is the store URI and the key', async () => {
    const store = await open();
    await store.put('r/data.bin', new Uint8Array([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]));
    const source = store.source('r/data.bin');
    expect(await source.size()).toBe(10);
    expect([...(await source.read(3, 4))]).toEqual([3, 4, 5, 6]);
    expect([...(await source.read(8, 10))]).toEqual([8, 9]);
    expect([...(await source.read(10, 5))]).toEqual([]);
    expect([...(await source.read(0, 0))]).toEqual([]);
    expect(source.uri).toBe(store.uriOf('r/data.bin'));
    expect(store.uriOf('r/data.bin')).toBe(`${store.uri}/r/data.bin`);
  });
}
