/**
 * Node adapter: one S3 object as a `RandomAccessSource`, read with ranged GETs.
 */
import { GetObjectCommand, HeadObjectCommand } from '@aws-sdk/client-s3';
import type { GetObjectCommandOutput, S3Client } from '@aws-sdk/client-s3';
import { NotFoundError, UsageError } from '../core/errors.js';
import type { RandomAccessSource } from '../core/source.js';
import { s3Failure, s3Status } from './s3Failure.js';

export interface S3SourceOptions {
  client: S3Client;
  bucket: string;
  /** Full object key, store prefix included. */
  key: string;
  /** `s3://` URI of the object, for messages and lineage. */
  uri: string;
  /**
   * The version to read (an ETag seen before, e.g. when the object was hashed). Without it the first
   * response pins the version.
   */
  etag?: string;
}

/**
 * Each `read` is one GET with `Range: bytes=a-b` (RFC 9110 §14.1.2), so a Parquet reader that wants a footer
 * fetches the footer, not the file. The size comes from one HEAD (or from the `Content-Range` of the first
 * read) and is cached.
 *
 * The first response pins the object's ETag and later requests send `If-Match`, so an object replaced while
 * it is being read fails with `NotFoundError` instead of mixing bytes of two versions (a put replaces a whole
 * object, but a reader reads it in many requests).
 */
export class S3Source implements RandomAccessSource {
  readonly uri: string;
  private readonly client: S3Client;
  private readonly bucket: string;
  private readonly key: string;
  private knownSize: number | undefined;
  private pendingSize: Promise<number> | undefined;
  private etag: string | undefined;

  constructor(options: S3SourceOptions) {
    this.client = options.client;
    this.bucket = options.bucket;
    this.key = options.key;
    this.uri = options.uri;
    this.etag = options.etag;
  }

  size(): Promise<number> {
    if (this.knownSize !== undefined) return Promise.resolve(this.knownSize);
    this.pendingSize ??= this.head().finally(() => {
      this.pendingSize = undefined;
    });
    return this.pendingSize;
  }

  async read(offset: number, length: number): Promise<Uint8Array> {
    if (!Number.isSafeInteger(offset) || offset < 0 || !Number.isSafeInteger(length) || length < 0) {
      throw new UsageError(`bad range: offset ${offset}, length ${length}`, { uri: this.uri });
    }
    if (length === 0) return new Uint8Array(0);
    if (this.knownSize !== undefined && offset >= this.knownSize) return new Uint8Array(0);
    let response: GetObjectCommandOutput;
    try {
      response = await this.client.send(
        new GetObjectCommand({
          Bucket: this.bucket,
          Key: this.key,
          Range: `bytes=${offset}-${offset + length - 1}`,
          IfMatch: this.etag,
        }),
      );
    } catch (error) {
      // 416: the range starts at or after the end of the object; the port says "fewer bytes at the end".
      if (s3Status(error) === 416) return new Uint8Array(0);
      throw this.failure(error, `read ${length} bytes at ${offset}`);
    }
    this.pin(response.ETag);
    this.knownSize ??= totalOfContentRange(response.ContentRange);
    if (!response.Body) return new Uint8Array(0);
    return response.Body.transformToByteArray();
  }

  private async head(): Promise<number> {
    try {
      const response = await this.client.send(
        new HeadObjectCommand({ Bucket: this.bucket, Key: this.key, IfMatch: this.etag }),
      );
      this.pin(response.ETag);
      this.knownSize = response.ContentLength ?? 0;
      return this.knownSize;
    } catch (error) {
      throw this.failure(error, 'size');
    }
  }

  private pin(etag: string | undefined): void {
    this.etag ??= etag;
  }

  private failure(error: unknown, what: string): Error {
    if (s3Status(error) === 412) {
      return new NotFoundError(
        `${what}: the object was replaced while being read (ETag ${this.etag ?? '?'} is gone)`,
        { uri: this.uri },
        { cause: error },
      );
    }
    return s3Failure(error, what, this.uri);
  }
}

/** The total of `Content-Range: bytes 0-99/1234` (RFC 9110 §14.4); `undefined` when it is `*` or absent. */
function totalOfContentRange(header: string | undefined): number | undefined {
  const total = header === undefined ? undefined : /\/(\d+)$/.exec(header)?.[1];
  return total === undefined ? undefined : Number(total);
}
