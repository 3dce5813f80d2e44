/**
 * The object store contract against a real bucket. Runs only with ADLAKE_LIVE_AWS=1 and
 * ADLAKE_LIVE_S3_URI=s3://bucket/some/prefix; credentials and region come from the SDK's usual chain
 * (AWS_PROFILE, AWS_REGION, …). ADLAKE_LIVE_S3_ENDPOINT points it at another S3-compatible server
 * (path-style). Everything is written under a fresh run prefix and deleted afterwards.
 */
import { randomUUID } from 'node:crypto';
import type { S3ClientConfig } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, onTestFinished, test } from 'vitest';
import { MIN_PART_SIZE, S3ObjectStore } from '../../catalog/s3ObjectStore.js';
import type { S3ObjectStoreOptions } from '../../catalog/s3ObjectStore.js';
import type { S3RequestEvent } from '../../catalog/s3RequestListener.js';
import { listAll, objectStoreContract, text } from './objectStoreContract.js';

const LIVE = process.env.ADLAKE_LIVE_AWS === '1';

describe.runIf(LIVE)('S3ObjectStore on a real bucket', () => {
  let runUri = '';
  let clientConfig: S3ClientConfig = {};
  let lakes = 0;

  beforeAll(() => {
    const base = process.env.ADLAKE_LIVE_S3_URI;
    if (!base) throw new Error('ADLAKE_LIVE_AWS=1 needs ADLAKE_LIVE_S3_URI=s3://bucket/prefix');
    runUri = `${base.replace(/\/+$/, '')}/adlake-live-${randomUUID()}`;
    const endpoint = process.env.ADLAKE_LIVE_S3_ENDPOINT;
    if (endpoint) clientConfig = { endpoint, forcePathStyle: true };
  });

  afterAll(async () => {
    if (!runUri) return;
    const run = await S3ObjectStore.open({ uri: runUri, clientConfig });
    try {
      for await (const object of run.list('')) await run.delete(object.key);
    } finally {
      run.close();
    }
  });

  async function openLake(options: Partial<S3ObjectStoreOptions> = {}) {
    const requests: S3RequestEvent[] = [];
    const store = await S3ObjectStore.open({
      uri: `${runUri}/lake-${++lakes}`,
      clientConfig,
      onRequest: (event) => requests.push(event),
      ...options,
    });
    onTestFinished(() => store.close());
    return { store, requests };
  }

  objectStoreContract({ open: async () => (await openLake()).store, concurrentPuts: true });

  test('a 12 MiB stream uploads in parts; a ranged read across a part boundary fetches only its bytes', async () => {
    const { store, requests } = await openLake({ partSize: MIN_PART_SIZE });
    const body = new Uint8Array(12 * 1024 * 1024).map((_, i) => (i * 31 + (i >>> 11)) & 0xff);
    async function* chunks() {
      for (let offset = 0; offset < body.length; offset += 1 << 20)
        yield body.subarray(offset, offset + (1 << 20));
      await Promise.resolve();
    }
    await store.put('big.bin', chunks());
    expect(requests.filter((r) => r.command === 'UploadPartCommand')).toHaveLength(3);
    const source = store.source('big.bin');
    expect(await source.size()).toBe(body.length);
    const at = MIN_PART_SIZE - 50;
    requests.length = 0;
    expect([...(await source.read(at, 100))]).toEqual([...body.subarray(at, at + 100)]);
    expect(requests.map((r) => [r.command, r.range, r.bytesReceived])).toEqual([
      ['GetObjectCommand', `bytes=${at}-${at + 99}`, 100],
    ]);
  });

  test('a failing multipart stream is aborted and leaves no object', async () => {
    const { store, requests } = await openLake({ partSize: MIN_PART_SIZE, uploadConcurrency: 1 });
    async function* broken() {
      yield new Uint8Array(MIN_PART_SIZE + 1);
      await Promise.resolve();
      throw new Error('camera unplugged');
    }
    await expect(store.put('half.bin', broken())).rejects.toThrow('camera unplugged');
    expect(requests.filter((r) => r.command === 'AbortMultipartUploadCommand').map((r) => r.status)).toEqual([
      204,
    ]);
    expect(await store.exists('half.bin')).toBe(false);
  });

  test('small list pages keep the prefix', async () => {
    const { store } = await openLake({ listPageSize: 7 });
    const inside = Array.from({ length: 30 }, (_, i) => `p/a/${String(i).padStart(2, '0')}`);
    await Promise.all([...inside, 'p/a-x', 'p/a0', 'p/b/0'].map((key) => store.put(key, text(key))));
    expect((await listAll(store, 'p/a/')).map((o) => o.key)).toEqual(inside);
  });
});
