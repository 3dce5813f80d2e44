/**
 * Node adapter: objects under an `s3://bucket/prefix` as raw inputs.
 */
import { Readable, pipeline } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { S3ClientConfig } from '@aws-sdk/client-s3';
import { S3ObjectStore } from '../../catalog/s3ObjectStore.js';
import { s3Failure } from '../../catalog/s3Failure.js';
import { addS3RequestListener } from '../../catalog/s3RequestListener.js';
import type { S3RequestListener } from '../../catalog/s3RequestListener.js';
import { parseS3Uri } from '../../catalog/s3Uri.js';
import { InternalError, NotFoundError, UsageError } from '../../core/errors.js';
import { bytesSource, streamSource, type ByteStream } from '../../core/source.js';
import { decodeDbcBytes } from '../dbc/decodeDbcBytes.js';
import type { DbcDatabase } from '../dbc/model.js';
import { parseDbc } from '../dbc/parseDbc.js';
import { digestStream, gunzipHead } from './digestStream.js';
import type { RawInput } from './RawInput.js';

export interface S3InputsOptions {
  /** Settings for the client that reads the inputs. @default the SDK's defaults (credential and region chain) */
  clientConfig?: S3ClientConfig;
  /** Called after every HTTP request made for the inputs, e.g. to count requests and bytes. */
  onRequest?: S3RequestListener;
  /** Objects hashed at once. @default 4 */
  concurrency?: number;
}

/**
 * Lists and opens inputs on S3 through one client. Each object is hashed by one streaming GET (the ETag of a
 * multipart upload is not a content hash), which also keeps its first bytes for detection; afterwards indexed
 * formats read ranges through `source()` and text formats stream again. Later full reads send `If-Match`
 * with the ETag the hash was computed on, so an object replaced mid-run fails instead of mixing versions.
 */
export class S3Inputs {
  private readonly client: S3Client;
  private readonly stores = new Map<string, Promise<S3ObjectStore>>();
  private readonly concurrency: number;
  private readonly removeListener: (() => void) | undefined;

  constructor(options: S3InputsOptions = {}) {
    this.client = new S3Client(options.clientConfig ?? {});
    this.concurrency = options.concurrency ?? 4;
    if (!Number.isSafeInteger(this.concurrency) || this.concurrency < 1) {
      throw new UsageError(`S3Inputs concurrency must be a positive integer, got ${this.concurrency}`);
    }
    this.removeListener = options.onRequest && addS3RequestListener(this.client, options.onRequest);
  }

  /**
   * The inputs at `uri`: every object under the prefix (keys with a hidden segment, `.name`, skipped, as
   * for folders), or, when nothing is under it and the URI has no trailing `/`, the one object it names.
   * Throws `NotFoundError` when there is neither.
   */
  async list(uri: string): Promise<RawInput[]> {
    const { bucket, prefix } = parseS3Uri(uri);
    const store = await this.store(bucket);
    const found: { key: string }[] = [];
    for await (const object of store.list(prefix)) {
      if (
        !object.key
          .slice(prefix.length)
          .split('/')
          .some((s) => s.startsWith('.'))
      )
        found.push(object);
    }
    if (found.length === 0 && prefix !== '' && !uri.endsWith('/')) {
      const key = prefix.slice(0, -1);
      if (await store.exists(key)) found.push({ key });
    }
    if (found.length === 0) throw new NotFoundError(`no objects at ${uri}`, { uri });
    return mapLimit(found, this.concurrency, (o) => this.inspect(store, o.key));
  }

  /** The one object named by `uri` (e.g. a `--dbc`). */
  async open(uri: string): Promise<RawInput> {
    const { bucket, key } = splitObjectUri(uri);
    return this.inspect(await this.store(bucket), key);
  }

  /** Releases the client. */
  close(): void {
    this.removeListener?.();
    for (const pending of this.stores.values())
      void pending.then(
        (s) => s.close(),
        () => undefined,
      );
    this.client.destroy();
  }

  /** One store per bucket, rooted at the bucket, sharing this client (and its request listener). */
  private store(bucket: string): Promise<S3ObjectStore> {
    let store = this.stores.get(bucket);
    if (store === undefined) {
      store = S3ObjectStore.open({ uri: `s3://${bucket}`, client: this.client });
      this.stores.set(bucket, store);
    }
    return store;
  }

  private async inspect(store: S3ObjectStore, key: string): Promise<RawInput> {
    const uri = store.uriOf(key);
    const first = await this.get(store, key, undefined);
    const digest = await digestStream(first.body);
    const etag = first.etag;
    // Detection needs only the head: inflate the raw head kept by the hash pass rather than fetch again.
    // SNIFF_BYTES of gzip inflate to at least as many bytes of text, so the verdict matches a local file's.
    const head = digest.gzip ? await gunzipHead(streamSource(bytesSource(uri, digest.head))) : digest.head;
    const raw = (): ByteStream => this.body(store, key, etag);
    return {
      uri,
      bytes: digest.bytes,
      sha256: digest.sha256,
      gzip: digest.gzip,
      head,
      stream: () => (digest.gzip ? gunzip(raw()) : raw()),
      rawStream: raw,
      // Ranged reads are pinned to the version that was hashed, like the full reads.
      source: () => store.source(key, etag ? { etag } : {}),
      parseDbc: () => this.parseDbc(uri),
    };
  }

  /** A full GET, streamed; `etag` pins the version read before. */
  private async get(
    store: S3ObjectStore,
    key: string,
    etag: string | undefined,
  ): Promise<{ body: ByteStream; etag: string | undefined }> {
    try {
      const response = await this.client.send(
        new GetObjectCommand({ Bucket: store.bucket, Key: store.fullKey(key), IfMatch: etag }),
      );
      const body = response.Body;
      if (body === undefined) {
        return { body: streamSource(bytesSource(store.uriOf(key), new Uint8Array(0))), etag: response.ETag };
      }
      if (!(body instanceof Readable)) {
        throw new InternalError('S3 GetObject body is not a Node stream', { uri: store.uriOf(key) });
      }
      return { body: body as AsyncIterable<Uint8Array>, etag: response.ETag };
    } catch (error) {
      throw s3Failure(error, `get ${key}`, store.uriOf(key));
    }
  }

  private async *body(store: S3ObjectStore, key: string, etag: string | undefined): ByteStream {
    yield* (await this.get(store, key, etag)).body;
  }

  /**
   * `parseDbc` resolves IMPORTs synchronously, and S3 reads are not: parse, and when an import is not
   * fetched yet, fetch it and parse again. Each round fetches one more file, and DBC files are small.
   */
  private async parseDbc(uri: string): Promise<DbcDatabase> {
    const texts = new Map<string, string | undefined>();
    const { text } = decodeDbcBytes(await this.fetch(uri, { required: true }));
    for (;;) {
      let missing: string | undefined;
      try {
        return parseDbc(text, {
          uri,
          resolveImport: (name, importingUri) => {
            const target = siblingObjectUri(importingUri, name);
            if (texts.has(target)) return texts.get(target);
            missing = target;
            throw new NotYetFetched();
          },
        });
      } catch (error) {
        if (missing === undefined) throw error;
      }
      const bytes = await this.fetch(missing, { required: false });
      texts.set(missing, bytes && decodeDbcBytes(bytes).text);
    }
  }

  private async fetch(uri: string, options: { required: true }): Promise<Uint8Array>;
  private async fetch(uri: string, options: { required: false }): Promise<Uint8Array | undefined>;
  private async fetch(uri: string, options: { required: boolean }): Promise<Uint8Array | undefined> {
    const { bucket, key } = splitObjectUri(uri);
    try {
      return await (await this.store(bucket)).get(key);
    } catch (error) {
      if (!options.required && error instanceof NotFoundError) return undefined;
      throw error;
    }
  }
}

/** Thrown inside `resolveImport` to stop a parse whose import must be fetched first; never escapes. */
class NotYetFetched extends Error {}

/** `s3://bucket/key` → bucket and key (the key must be a valid object key). */
function splitObjectUri(uri: string): { bucket: string; key: string } {
  const { bucket, prefix } = parseS3Uri(uri);
  if (prefix === '') throw new UsageError(`${uri} names a bucket, not an object`, { uri });
  return { bucket, key: prefix.slice(0, -1) };
}

/** `name` (a relative path, `..` allowed) next to the object `uri`, normalised. */
function siblingObjectUri(uri: string, name: string): string {
  const { bucket, key } = splitObjectUri(uri);
  const segments = key.split('/').slice(0, -1);
  for (const segment of name.split('/')) {
    if (segment === '..') segments.pop();
    else if (segment !== '.' && segment !== '') segments.push(segment);
  }
  return `s3://${bucket}/${segments.join('/')}`;
}

/** Gunzips a stream; `pipeline` (unlike `pipe`) passes a failed GET on to the reader instead of stalling it. */
function gunzip(raw: ByteStream): ByteStream {
  const out = createGunzip();
  pipeline(Readable.from(raw, { objectMode: false }), out, () => undefined);
  return out;
}

/** `f` over `items`, at most `limit` at once, results in order. */
async function mapLimit<T, R>(items: readonly T[], limit: number, f: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      out[i] = await f(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}
