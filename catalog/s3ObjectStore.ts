/**
 * Node adapter: the object store as a prefix of an S3 bucket (`s3://bucket/prefix`).
 */
import { Readable } from 'node:stream';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import type { ListObjectsV2CommandOutput, S3ClientConfig } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { InternalError, NotFoundError, UsageError } from '../core/errors.js';
import type { ByteStream, RandomAccessSource } from '../core/source.js';
import { assertValidKey, compareKeys, TEMP_SUFFIX } from './objectStore.js';
import type { ObjectInfo, ObjectStore } from './objectStore.js';
import { s3Failure, s3Status } from './s3Failure.js';
import { addS3RequestListener } from './s3RequestListener.js';
import type { S3RequestListener } from './s3RequestListener.js';
import { S3Source } from './s3Source.js';
import { formatS3Uri, parseS3Uri } from './s3Uri.js';

/** S3's smallest multipart part (all parts but the last), 5 MiB. */
export const MIN_PART_SIZE = 5 * 1024 * 1024;

export interface S3ObjectStoreOptions {
  /** `s3://bucket` or `s3://bucket/prefix`; keys are relative to the prefix. */
  uri: string;
  /** A client to use; the caller keeps it and destroys it. Give this or `clientConfig`, not both. */
  client?: S3Client;
  /** Settings for a client the store creates (and destroys on `close()`). @default the SDK's defaults */
  clientConfig?: S3ClientConfig;
  /**
   * Part size of multipart uploads. Bodies up to this size are one PutObject; larger bodies and streams are
   * uploaded in parts of this size. At most 10,000 parts, so objects up to 10,000 × partSize.
   * @default 8 MiB
   */
  partSize?: number;
  /** Parts of one upload in flight at once; memory per streamed put is about `partSize × (uploadConcurrency + 1)`. @default 4 */
  uploadConcurrency?: number;
  /** `MaxKeys` of each ListObjectsV2 page (S3 caps it at 1000). @default 1000 */
  listPageSize?: number;
  /** Called after every HTTP request the store's client makes, e.g. to count requests and bytes. */
  onRequest?: S3RequestListener;
}

/**
 * S3 makes every put atomic per object (a reader sees the old object or the whole new one), including
 * multipart uploads, which become visible only on CompleteMultipartUpload; a failed upload is aborted so
 * its parts do not linger. Listings are ListObjectsV2 pages, in S3's UTF-8 byte order.
 *
 * Unlike a folder, S3 lets `a` and `a/b` both be objects; the lake layout never writes such pairs.
 */
export class S3ObjectStore implements ObjectStore {
  readonly uri: string;
  readonly bucket: string;
  /** Key prefix of the lake in the bucket: `''` or ending with `/`. */
  readonly prefix: string;
  readonly client: S3Client;
  private readonly ownsClient: boolean;
  private readonly partSize: number;
  private readonly uploadConcurrency: number;
  private readonly listPageSize: number;
  private readonly removeListener: (() => void) | undefined;

  private constructor(options: S3ObjectStoreOptions) {
    const location = parseS3Uri(options.uri);
    this.bucket = location.bucket;
    this.prefix = location.prefix;
    this.uri = formatS3Uri(location);
    this.partSize = integerOption(options.partSize ?? 8 * 1024 * 1024, 'partSize', MIN_PART_SIZE);
    this.uploadConcurrency = integerOption(options.uploadConcurrency ?? 4, 'uploadConcurrency', 1);
    this.listPageSize = integerOption(options.listPageSize ?? 1000, 'listPageSize', 1, 1000);
    if (options.client && options.clientConfig) {
      throw new UsageError('give S3ObjectStore either client or clientConfig, not both');
    }
    this.ownsClient = options.client === undefined;
    this.client = options.client ?? new S3Client(options.clientConfig ?? {});
    this.removeListener = options.onRequest && addS3RequestListener(this.client, options.onRequest);
  }

  /**
   * Opens a lake on S3 and checks that the bucket exists (HeadBucket), so a misspelt bucket fails here
   * with `NotFoundError` rather than at the first write. A 403 on HeadBucket is let through: a role may
   * be allowed to use a prefix without `s3:ListBucket` on the bucket's root.
   */
  static async open(options: S3ObjectStoreOptions): Promise<S3ObjectStore> {
    const store = new S3ObjectStore(options);
    try {
      await store.client.send(new HeadBucketCommand({ Bucket: store.bucket }));
    } catch (error) {
      const status = s3Status(error);
      if (status !== 403) {
        store.close();
        // HeadBucket has no body, so a missing bucket is a bare 404 rather than a NoSuchBucket error.
        if (status === 404) {
          throw new NotFoundError(`no bucket ${store.bucket}`, { uri: store.uri }, { cause: error });
        }
        throw s3Failure(error, `open ${store.uri}`, store.uri);
      }
    }
    return store;
  }

  /** Releases the client if the store created it, and the request listener. */
  close(): void {
    this.removeListener?.();
    if (this.ownsClient) this.client.destroy();
  }

  /**
   * Bodies up to `partSize` bytes are one PutObject. Streams and larger bodies go through a multipart upload
   * (lib-storage `Upload`), which holds about `uploadConcurrency + 1` parts in memory; a stream that fits in one
   * part is sent as one PutObject by `Upload` itself.
   */
  async put(key: string, body: Uint8Array | ByteStream): Promise<void> {
    const fullKey = this.fullKey(key);
    try {
      if (body instanceof Uint8Array && body.byteLength <= this.partSize) {
        await this.client.send(
          new PutObjectCommand({
            Bucket: this.bucket,
            Key: fullKey,
            Body: body,
            ContentLength: body.byteLength,
          }),
        );
        return;
      }
      // Remember the stream's own error: if aborting the upload fails too, lib-storage throws the abort's
      // error, and the caller should see why the body broke, not why the clean-up did.
      let bodyFailure: { error: unknown } | undefined;
      const watched = async function* (stream: ByteStream): ByteStream {
        try {
          yield* stream;
        } catch (error) {
          bodyFailure = { error };
          throw error;
        }
      };
      const upload = new Upload({
        client: this.client,
        params: {
          Bucket: this.bucket,
          Key: fullKey,
          Body: body instanceof Uint8Array ? body : Readable.from(watched(body), { objectMode: false }),
        },
        partSize: this.partSize,
        queueSize: this.uploadConcurrency,
        leavePartsOnError: false,
      });
      try {
        await upload.done();
      } catch (error) {
        if (bodyFailure && bodyFailure.error !== error) {
          const original = bodyFailure.error;
          if (original instanceof Error && original.cause === undefined) original.cause = error;
          throw original;
        }
        throw error;
      }
    } catch (error) {
      throw s3Failure(error, `put ${key}`, this.uriOf(key));
    }
  }

  async get(key: string): Promise<Uint8Array> {
    const fullKey = this.fullKey(key);
    try {
      const response = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: fullKey }));
      return response.Body ? await response.Body.transformToByteArray() : new Uint8Array(0);
    } catch (error) {
      throw s3Failure(error, `get ${key}`, this.uriOf(key));
    }
  }

  async exists(key: string): Promise<boolean> {
    const fullKey = this.fullKey(key);
    try {
      await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: fullKey }));
      return true;
    } catch (error) {
      if (s3Status(error) === 404) return false;
      throw s3Failure(error, `exists ${key}`, this.uriOf(key));
    }
  }

  /**
   * Pages through ListObjectsV2 with the same `Prefix` on every request, one page in memory at a time.
   * Keys that no store could write are left out: temporary files of a local lake copied to S3, folder
   * markers (`dir/`) made by consoles, and other keys that fail `assertValidKey`.
   */
  async *list(prefix: string): AsyncIterable<ObjectInfo> {
    const slash = prefix.lastIndexOf('/');
    if (slash >= 0) assertValidKey(prefix.slice(0, slash));
    const fullPrefix = this.prefix + prefix;
    let token: string | undefined;
    let previous: string | undefined;
    do {
      let page: ListObjectsV2CommandOutput;
      try {
        page = await this.client.send(
          new ListObjectsV2Command({
            Bucket: this.bucket,
            Prefix: fullPrefix,
            MaxKeys: this.listPageSize,
            ContinuationToken: token,
          }),
        );
      } catch (error) {
        throw s3Failure(error, `list ${prefix}`, this.uri);
      }
      for (const object of page.Contents ?? []) {
        const fullKey = object.Key;
        if (fullKey === undefined) continue;
        if (!fullKey.startsWith(fullPrefix)) {
          throw new InternalError(`S3 listed ${fullKey}, outside the prefix ${fullPrefix}`, {
            uri: this.uri,
          });
        }
        // The port promises sorted keys and callers merge listings on it; check rather than trust.
        if (previous !== undefined && compareKeys(previous, fullKey) >= 0) {
          throw new InternalError(`S3 listed ${fullKey} after ${previous}: keys out of order`, {
            uri: this.uri,
          });
        }
        previous = fullKey;
        const key = fullKey.slice(this.prefix.length);
        if (isAddressable(key)) yield { key, size: object.Size ?? 0 };
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
      if (page.IsTruncated && token === undefined) {
        throw new InternalError('S3 returned a truncated listing without a continuation token', {
          uri: this.uri,
        });
      }
    } while (token !== undefined);
  }

  /** DeleteObject; S3 answers 204 for a missing key too. */
  async delete(key: string): Promise<void> {
    const fullKey = this.fullKey(key);
    try {
      await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: fullKey }));
    } catch (error) {
      throw s3Failure(error, `delete ${key}`, this.uriOf(key));
    }
  }

  /** Ranged reads of one object; `etag` pins the version (reads fail if the object was replaced since). */
  source(key: string, options: { etag?: string } = {}): RandomAccessSource {
    return new S3Source({
      client: this.client,
      bucket: this.bucket,
      key: this.fullKey(key),
      uri: this.uriOf(key),
      ...(options.etag ? { etag: options.etag } : {}),
    });
  }

  uriOf(key: string): string {
    assertValidKey(key);
    return `${this.uri}/${key}`;
  }

  /** The key in the bucket (validated): the store prefix followed by `key`. */
  fullKey(key: string): string {
    assertValidKey(key);
    return this.prefix + key;
  }
}

function isAddressable(key: string): boolean {
  if (key.endsWith('/') || key.endsWith(TEMP_SUFFIX)) return false;
  try {
    assertValidKey(key);
    return true;
  } catch {
    return false;
  }
}

function integerOption(value: number, name: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new UsageError(`${name} must be an integer from ${min} to ${max}, got ${value}`);
  }
  return value;
}
