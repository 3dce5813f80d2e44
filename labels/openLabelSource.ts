/**
 * Node adapter: the Ground Truth output to import, as an `ObjectStore` over a local folder or an S3 prefix.
 * A single file is opened from the folder its job-relative path starts at (`keys` then holds that one
 * path), so `…/worker-response/iteration-1/7/x.json` is still read as a worker response.
 */
import { stat } from 'node:fs/promises';
import { resolve, sep } from 'node:path';
import type { S3ClientConfig } from '@aws-sdk/client-s3';
import { isNodeError, NotFoundError } from '../core/errors.js';
import { LocalObjectStore } from '../catalog/localObjectStore.js';
import type { ObjectStore } from '../catalog/objectStore.js';
import { formatS3Uri, parseS3Uri } from '../catalog/s3Uri.js';
import { jobRelativeStart } from './labelingJobLayout.js';

export interface LabelSource {
  store: ObjectStore;
  /** The one key to import when a file (or a single S3 object) was named; undefined for a folder. */
  keys?: string[];
  close(): void;
}

/**
 * Opens a local path (relative to `cwd`) or an `s3://bucket/prefix` URI. Throws NotFoundError when the path
 * does not exist, or when nothing is stored under the URI.
 */
export async function openLabelSource(
  pathOrUri: string,
  options: { cwd: string; s3?: S3ClientConfig },
): Promise<LabelSource> {
  if (pathOrUri.startsWith('s3://')) return openS3Source(pathOrUri, options.s3 ?? {});
  const path = resolve(options.cwd, pathOrUri.replace(/^file:\/\//, ''));
  let info;
  try {
    info = await stat(path);
  } catch (error) {
    if (isNodeError(error) && (error.code === 'ENOENT' || error.code === 'ENOTDIR')) {
      throw new NotFoundError(`labels: no such file or folder: ${path}`, { uri: path }, { cause: error });
    }
    throw error;
  }
  // LocalObjectStore.open creates a missing folder; the stat above made sure it exists.
  if (info.isDirectory())
    return { store: await LocalObjectStore.open({ root: path }), close: () => undefined };
  const segments = path.split(sep);
  const start = jobRelativeStart(segments);
  return {
    store: await LocalObjectStore.open({ root: segments.slice(0, start).join(sep) || sep }),
    keys: [segments.slice(start).join('/')],
    close: () => undefined,
  };
}

async function openS3Source(uri: string, clientConfig: S3ClientConfig): Promise<LabelSource> {
  // Loaded on use: the AWS SDK is a large import that local sources never need.
  const { S3ObjectStore } = await import('../catalog/s3ObjectStore.js');
  const store = await S3ObjectStore.open({ uri, clientConfig });
  const listing = store.list('')[Symbol.asyncIterator]();
  const first = await listing.next();
  await listing.return?.();
  if (first.done !== true) return { store, close: () => store.close() };
  store.close();
  // Not a prefix: maybe the URI names one object.
  const { bucket, prefix } = parseS3Uri(uri);
  const segments = prefix.replace(/\/$/, '').split('/');
  if (prefix !== '' && !uri.endsWith('/')) {
    const start = jobRelativeStart(segments);
    const parent = await S3ObjectStore.open({
      uri: formatS3Uri({ bucket, prefix: segments.slice(0, start).join('/') }),
      clientConfig,
    });
    const key = segments.slice(start).join('/');
    if (await parent.exists(key)) return { store: parent, keys: [key], close: () => parent.close() };
    parent.close();
  }
  throw new NotFoundError(`labels: nothing stored under ${uri}`, { uri });
}
