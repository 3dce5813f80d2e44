/**
 * Node adapter: the object store as a local folder (the embedded default, `./lake`).
 */
import { randomBytes } from 'node:crypto';
import type { Dirent } from 'node:fs';
import { mkdir, open, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { isNodeError, NotFoundError, UsageError } from '../core/errors.js';
import type { ByteStream, RandomAccessSource } from '../core/source.js';
import { fileSource } from '../core/fileSource.js';
import { assertValidKey, compareKeys, TEMP_SUFFIX } from './objectStore.js';
import type { ObjectInfo, ObjectStore } from './objectStore.js';

export class LocalObjectStore implements ObjectStore {
  readonly uri: string;
  /** Absolute path of the lake folder. */
  readonly root: string;

  private constructor(root: string) {
    this.root = root;
    this.uri = pathToFileURL(root).href;
  }

  /** Opens (and creates if needed) a lake folder. A relative `root` is resolved against the process cwd. */
  static async open(options: { root: string }): Promise<LocalObjectStore> {
    const root = resolve(options.root);
    await mkdir(root, { recursive: true });
    return new LocalObjectStore(root);
  }

  /**
   * Writes to a uniquely named temporary file in the target folder, syncs it, then renames it over the key.
   * rename(2) within one file system is atomic, so readers see the old object or the new one; the sync before
   * the rename keeps a power loss from leaving a renamed but empty file. Concurrent puts of one key each
   * complete; the last rename wins.
   */
  async put(key: string, body: Uint8Array | ByteStream): Promise<void> {
    const path = this.pathOf(key);
    try {
      await mkdir(dirname(path), { recursive: true });
    } catch (error) {
      throw this.collision(key, error);
    }
    const temp = `${path}.${randomBytes(6).toString('hex')}${TEMP_SUFFIX}`;
    const handle = await open(temp, 'wx');
    try {
      if (body instanceof Uint8Array) {
        await handle.writeFile(body);
      } else {
        for await (const chunk of body) await handle.write(chunk);
      }
      await handle.datasync();
      await handle.close();
      await rename(temp, path);
    } catch (error) {
      await handle.close().catch(() => undefined);
      await rm(temp, { force: true });
      throw this.collision(key, error);
    }
  }

  async get(key: string): Promise<Uint8Array> {
    const path = this.pathOf(key);
    try {
      const buffer = await readFile(path);
      return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
    } catch (error) {
      throw this.notFound(key, error);
    }
  }

  async exists(key: string): Promise<boolean> {
    try {
      return (await stat(this.pathOf(key))).isFile();
    } catch (error) {
      if (isMissing(error)) return false;
      throw error;
    }
  }

  /**
   * Walks the folder depth-first. Entries of a folder are sorted with a `/` appended to folder names, so
   * the walk yields keys in global key order (`a-b` before `a/x`, as S3 lists them) without holding the
   * whole listing in memory.
   */
  async *list(prefix: string): AsyncIterable<ObjectInfo> {
    const slash = prefix.lastIndexOf('/');
    const base = prefix.slice(0, slash + 1);
    if (base !== '') assertValidKey(base.slice(0, -1));
    yield* this.walk(base, prefix);
  }

  async delete(key: string): Promise<void> {
    const path = this.pathOf(key);
    try {
      const info = await stat(path);
      if (!info.isFile()) return;
    } catch (error) {
      if (isMissing(error)) return;
      throw error;
    }
    await rm(path, { force: true });
  }

  source(key: string): RandomAccessSource {
    return fileSource(this.pathOf(key), {
      uri: this.uriOf(key),
      notFound: (error) => this.notFound(key, error),
    });
  }

  uriOf(key: string): string {
    return pathToFileURL(this.pathOf(key)).href;
  }

  /** The local path of a key (validated). */
  pathOf(key: string): string {
    assertValidKey(key);
    return join(this.root, ...key.split('/'));
  }

  private async *walk(dirKey: string, prefix: string): AsyncIterable<ObjectInfo> {
    let entries: Dirent[];
    try {
      entries = await readdir(
        dirKey === '' ? this.root : join(this.root, ...dirKey.split('/').slice(0, -1)),
        {
          withFileTypes: true,
        },
      );
    } catch (error) {
      if (isMissing(error)) return;
      throw error;
    }
    const children = entries
      .filter((entry) => entry.isDirectory() || (entry.isFile() && !entry.name.endsWith(TEMP_SUFFIX)))
      .map((entry) => ({
        name: entry.isDirectory() ? `${entry.name}/` : entry.name,
        isDirectory: entry.isDirectory(),
      }))
      .sort((a, b) => compareKeys(a.name, b.name));
    for (const child of children) {
      const key = dirKey + child.name;
      if (child.isDirectory) {
        // Descend when the folder can hold matching keys: it lies under the prefix or the prefix runs into it.
        if (key.startsWith(prefix) || prefix.startsWith(key)) yield* this.walk(key, prefix);
      } else if (key.startsWith(prefix)) {
        try {
          const info = await stat(join(this.root, ...key.split('/')));
          yield { key, size: info.size };
        } catch (error) {
          // Deleted between readdir and stat: it is no longer an object.
          if (!isMissing(error)) throw error;
        }
      }
    }
  }

  private notFound(key: string, error: unknown): Error {
    if (isMissing(error) || (isNodeError(error) && error.code === 'EISDIR')) {
      return new NotFoundError(
        `no object ${key} in the lake ${this.uri}`,
        { uri: this.uriOf(key) },
        { cause: error },
      );
    }
    return error instanceof Error ? error : new Error(String(error));
  }

  private collision(key: string, error: unknown): Error {
    if (
      isNodeError(error) &&
      (error.code === 'ENOTDIR' || error.code === 'EEXIST' || error.code === 'EISDIR')
    ) {
      return new UsageError(
        `cannot write ${key}: a key is also used as a folder of other keys (${error.code})`,
        { uri: this.uriOf(key) },
        { cause: error },
      );
    }
    return error instanceof Error ? error : new Error(String(error));
  }
}

function isMissing(error: unknown): boolean {
  return isNodeError(error) && (error.code === 'ENOENT' || error.code === 'ENOTDIR');
}
