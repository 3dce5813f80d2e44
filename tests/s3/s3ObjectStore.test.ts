import { createHash } from 'node:crypto';
import { ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, onTestFinished, test } from 'vitest';
import { NotFoundError, UsageError } from '../../core/errors.js';
import { TEMP_SUFFIX } from '../../catalog/objectStore.js';
import { MIN_PART_SIZE, S3ObjectStore } from '../../catalog/s3ObjectStore.js';
import type { S3ObjectStoreOptions } from '../../catalog/s3ObjectStore.js';
import type { S3RequestEvent } from '../../catalog/s3RequestListener.js';
import { PartitionedTableWriter } from '../../catalog/tableWriter.js';
import { GPS } from '../../catalog/tables.js';
import { tempLake } from '../catalog/tempLake.js';
import { decode, listAll, objectStoreContract, text } from './objectStoreContract.js';
import { startS3rver } from './startS3rver.js';
import type { S3rver } from './startS3rver.js';

const BUCKET = 'adlake-test';
let server: S3rver;
let raw: S3Client;
let lakes = 0;

beforeAll(async () => {
  server = await startS3rver();
  await server.createBucket(BUCKET);
  raw = new S3Client(server.clientConfig);
});

afterAll(async () => {
  raw?.destroy();
  await server?.close();
});

/** A store on a fresh prefix of the test bucket, with every request recorded in `requests`. */
async function openLake(options: Partial<S3ObjectStoreOptions> = {}) {
  const requests: S3RequestEvent[] = [];
  const prefix = `lake-${++lakes}`;
  const store = await S3ObjectStore.open({
    uri: `s3://${BUCKET}/${prefix}/`,
    clientConfig: server.clientConfig,
    onRequest: (event) => requests.push(event),
    ...options,
  });
  onTestFinished(() => store.close());
  return { store, requests, prefix };
}

function count(requests: readonly S3RequestEvent[], command: string): number {
  return requests.filter((r) => r.command === command).length;
}

/** Seeded bytes (xorshift32), so a mismatch is reproducible and never a run of equal bytes. */
function seededBytes(length: number, seed: number): Uint8Array {
  const out = new Uint8Array(length);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    out[i] = x & 0xff;
  }
  return out;
}

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

describe('S3ObjectStore on s3rver: the object store contract', () => {
  objectStoreContract({ open: async () => (await openLake()).store, concurrentPuts: false });
});

describe('S3ObjectStore on s3rver', () => {
  test('open: the URI is normalised; a missing bucket is NotFoundError; bad options are UsageErrors', async () => {
    const { store, prefix } = await openLake();
    expect(store.uri).toBe(`s3://${BUCKET}/${prefix}`);
    expect(store.prefix).toBe(`${prefix}/`);
    const root = await S3ObjectStore.open({ uri: `s3://${BUCKET}`, clientConfig: server.clientConfig });
    onTestFinished(() => root.close());
    expect(root.uriOf('x/y')).toBe(`s3://${BUCKET}/x/y`);

    const missing: unknown = await S3ObjectStore.open({
      uri: 's3://no-such-bucket/lake',
      clientConfig: server.clientConfig,
    }).catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(NotFoundError);
    expect((missing as Error).message).toContain('no bucket no-such-bucket');

    await expect(S3ObjectStore.open({ uri: 's3://Bad_Bucket/x' })).rejects.toBeInstanceOf(UsageError);
    await expect(
      S3ObjectStore.open({ uri: `s3://${BUCKET}/x`, client: raw, clientConfig: server.clientConfig }),
    ).rejects.toThrow('either client or clientConfig');
    await expect(
      S3ObjectStore.open({ uri: `s3://${BUCKET}/x`, client: raw, partSize: MIN_PART_SIZE - 1 }),
    ).rejects.toThrow('partSize');
    await expect(
      S3ObjectStore.open({ uri: `s3://${BUCKET}/x`, client: raw, listPageSize: 1001 }),
    ).rejects.toThrow('listPageSize');
  });

  test('a caller-owned client is used as is and left open by close()', async () => {
    const requests: S3RequestEvent[] = [];
    const store = await S3ObjectStore.open({
      uri: `s3://${BUCKET}/shared-${++lakes}`,
      client: raw,
      onRequest: (event) => requests.push(event),
    });
    await store.put('k', text('v'));
    store.close();
    // The listener is gone with the store; the client still works.
    await raw.send(new ListObjectsV2Command({ Bucket: BUCKET, MaxKeys: 1 }));
    expect(requests.map((r) => r.command)).toEqual(['HeadBucketCommand', 'PutObjectCommand']);
  });

  test('keys are relative to the store prefix; neighbours of the prefix and unaddressable keys never show', async () => {
    const { store, prefix } = await openLake();
    await store.put('in/1', text('one'));
    // Written around the store: a sibling prefix that shares the name's start, a temp file of a local lake
    // copied up, a key with a backslash. (Folder markers `dir/` and doubled slashes are left out: s3rver
    // maps them onto other keys' paths.)
    for (const key of [
      `${prefix}-old/in/1`,
      `${prefix}x`,
      `${prefix}/in/t${TEMP_SUFFIX}`,
      `${prefix}/in\\x`,
      'other/in/1',
    ]) {
      await raw.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: 'x' }));
    }
    expect(await listAll(store, '')).toEqual([{ key: 'in/1', size: 3 }]);
    expect(await listAll(store, 'in/')).toEqual([{ key: 'in/1', size: 3 }]);
    expect(store.fullKey('in/1')).toBe(`${prefix}/in/1`);
  });

  test('a 12 MiB stream is a multipart upload in 5 MiB parts and reads back intact', async () => {
    const { store, requests } = await openLake({ partSize: MIN_PART_SIZE, uploadConcurrency: 2 });
    const body = seededBytes(12 * 1024 * 1024, 12);
    async function* chunks() {
      // Odd chunk sizes, so parts are cut across chunk boundaries.
      for (let offset = 0; offset < body.length; offset += 777_777) {
        yield body.subarray(offset, Math.min(offset + 777_777, body.length));
        await Promise.resolve();
      }
    }
    await store.put('big/stream.bin', chunks());
    expect(count(requests, 'CreateMultipartUploadCommand')).toBe(1);
    expect(count(requests, 'UploadPartCommand')).toBe(3); // 5 + 5 + 2 MiB
    expect(count(requests, 'CompleteMultipartUploadCommand')).toBe(1);
    expect(count(requests, 'PutObjectCommand')).toBe(0);

    const got = await store.get('big/stream.bin');
    expect(got.byteLength).toBe(body.byteLength);
    expect(sha256(got)).toBe(sha256(body));
    expect(await listAll(store, 'big/')).toEqual([{ key: 'big/stream.bin', size: body.byteLength }]);
  });

  test('a body up to partSize is one PutObject; a larger body is multipart', async () => {
    const { store, requests } = await openLake({ partSize: MIN_PART_SIZE });
    const small = seededBytes(MIN_PART_SIZE, 1);
    await store.put('small.bin', small);
    expect(requests.map((r) => r.command)).toEqual(['HeadBucketCommand', 'PutObjectCommand']);
    const large = seededBytes(MIN_PART_SIZE + 1, 2);
    await store.put('large.bin', large);
    expect(count(requests, 'UploadPartCommand')).toBe(2);
    expect(sha256(await store.get('small.bin'))).toBe(sha256(small));
    expect(sha256(await store.get('large.bin'))).toBe(sha256(large));
  });

  test('a stream failing after its first part aborts the multipart upload, leaves no object, and reports its own error', async () => {
    const { store, requests } = await openLake({ partSize: MIN_PART_SIZE, uploadConcurrency: 1 });
    async function* broken() {
      yield seededBytes(MIN_PART_SIZE + 1000, 3);
      await Promise.resolve();
      throw new Error('camera unplugged');
    }
    // s3rver answers AbortMultipartUpload with 405; the stream's error must still be the one thrown.
    await expect(store.put('half.bin', broken())).rejects.toThrow('camera unplugged');
    expect(count(requests, 'CreateMultipartUploadCommand')).toBe(1);
    expect(count(requests, 'AbortMultipartUploadCommand')).toBe(1);
    expect(count(requests, 'CompleteMultipartUploadCommand')).toBe(0);
    expect(await store.exists('half.bin')).toBe(false);
  });

  test('list pages through 1200 keys with the prefix kept on every page', async () => {
    const { store, requests } = await openLake({ listPageSize: 300 });
    const inside = Array.from({ length: 1200 }, (_, i) => `p/a/${String(i).padStart(4, '0')}`);
    // 'p/a-x' sorts before 'p/a/…' and 'p/a0', 'p/b/0' after: a page that dropped the prefix would show them.
    const outside = ['p/a-x', 'p/a0', 'p/b/0', 'q'];
    const all = [...inside, ...outside];
    for (let i = 0; i < all.length; i += 64) {
      await Promise.all(all.slice(i, i + 64).map((key) => store.put(key, text(key))));
    }

    const before = requests.length;
    const listed = await listAll(store, 'p/a/');
    const pages = requests.slice(before);
    expect(listed.map((o) => o.key)).toEqual(inside);
    expect(listed.every((o) => o.size === o.key.length)).toBe(true);
    expect(pages.map((r) => r.command)).toEqual(Array<string>(4).fill('ListObjectsV2Command'));

    const wide = await S3ObjectStore.open({ uri: store.uri, clientConfig: server.clientConfig });
    onTestFinished(() => wide.close());
    expect((await listAll(wide, '')).map((o) => o.key)).toEqual([...all].sort());
    expect((await listAll(wide, 'p/a')).map((o) => o.key)).toEqual(['p/a-x', ...inside, 'p/a0']);
  });

  test('range reads fetch only the bytes asked for; the size costs one HEAD, once', async () => {
    const { store, requests } = await openLake();
    const body = seededBytes(1024 * 1024, 7);
    await store.put('r.bin', body);
    requests.length = 0;

    const source = store.source('r.bin');
    expect(await source.size()).toBe(body.length);
    expect(await source.size()).toBe(body.length);
    expect(requests).toEqual([
      { command: 'HeadObjectCommand', key: expect.any(String) as string, status: 200, bytesReceived: 0 },
    ]);

    const middle = await source.read(1000, 100);
    expect([...middle]).toEqual([...body.subarray(1000, 1100)]);
    const tail = await source.read(body.length - 8, 100);
    expect([...tail]).toEqual([...body.subarray(body.length - 8)]);
    expect(await source.read(body.length, 10)).toEqual(new Uint8Array(0)); // size known: no request

    const gets = requests.filter((r) => r.command === 'GetObjectCommand');
    expect(gets.map((r) => [r.range, r.status, r.bytesReceived])).toEqual([
      ['bytes=1000-1099', 206, 100],
      [`bytes=${body.length - 8}-${body.length + 91}`, 206, 8],
    ]);
    expect(requests).toHaveLength(3);

    // A fresh source learns nothing in advance: reading past the end is a 416, answered as no bytes.
    const fresh = store.source('r.bin');
    expect(await fresh.read(body.length + 5, 10)).toEqual(new Uint8Array(0));
    // The first read's Content-Range gives the size; no HEAD is needed after it.
    const first = store.source('r.bin');
    await first.read(0, 4);
    const heads = count(requests, 'HeadObjectCommand');
    expect(await first.size()).toBe(body.length);
    expect(count(requests, 'HeadObjectCommand')).toBe(heads);
    await expect(first.read(-1, 4)).rejects.toBeInstanceOf(UsageError);
  });

  test('end to end: a Parquet part written through the S3 store is byte-identical to a local one and reads by range', async () => {
    const { store, requests } = await openLake();
    const local = await tempLake();
    const t0 = BigInt(Date.UTC(2024, 2, 10, 12)) * 1_000_000n;
    const rows = 5000;
    const written = [];
    for (const target of [store, local]) {
      const writer = new PartitionedTableWriter({
        store: target,
        table: GPS,
        vehicle: 'veh:01',
        driveId: 'd1',
      });
      await writer.append({
        t: BigInt64Array.from({ length: rows }, (_, i) => t0 + BigInt(i) * 100_000_000n),
        lat: Float64Array.from({ length: rows }, (_, i) => 48.1 + i * 1e-6),
        lon: Float64Array.from({ length: rows }, (_, i) => 11.5 + i * 1e-6),
        hdop: new Float64Array(rows).fill(0.9),
      });
      written.push(await writer.close());
    }
    const [onS3, onDisk] = written;
    expect(onS3).toEqual(onDisk);
    const [file] = onS3 ?? [];
    if (!file) throw new Error('the writer wrote no file');
    expect(file.key).toMatch(/^tables\/gps\/vehicle=veh%3A01\/date=2024-03-10\/d1-\d+\.parquet$/);
    expect(file.rows).toBe(rows);
    expect(await listAll(store, 'tables/')).toEqual([{ key: file.key, size: file.bytes }]);
    expect(sha256(await store.get(file.key))).toBe(sha256(await local.get(file.key)));

    // Read the way a Parquet reader does: size, the 8-byte trailer (footer length + PAR1), the footer.
    requests.length = 0;
    const source = store.source(file.key);
    const size = await source.size();
    expect(size).toBe(file.bytes);
    const trailer = await source.read(size - 8, 8);
    expect(decode(trailer.subarray(4))).toBe('PAR1');
    expect(decode(await source.read(0, 4))).toBe('PAR1');
    const footerLength = new DataView(trailer.buffer, trailer.byteOffset).getUint32(0, true);
    expect(footerLength).toBeGreaterThan(0);
    expect(footerLength).toBeLessThan(size - 12);
    const footer = await source.read(size - 8 - footerLength, footerLength);
    expect(footer.byteLength).toBe(footerLength);
    const fetched = requests.reduce((sum, r) => sum + r.bytesReceived, 0);
    expect(fetched).toBe(8 + 4 + footerLength);
    expect(fetched).toBeLessThan(size);
  });
});
