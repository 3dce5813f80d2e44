/**
 * Test helper: a real S3-protocol server (s3rver) on 127.0.0.1, in a child process.
 *
 * Why a child process: s3rver encrypts ListObjectsV2 continuation tokens with DES
 * (`crypto.createCipheriv('des', …)` in lib/controllers/bucket.js), which OpenSSL 3 only offers through its
 * legacy provider. In-process, the first truncated listing fails with ERR_OSSL_EVP_UNSUPPORTED, and
 * `--openssl-legacy-provider` cannot be turned on after the test process has started. MD5 ETags work either way.
 *
 * The child also fixes s3rver's listing order (see CHILD), so tests can check that pages keep S3's order.
 * Other s3rver gaps the tests work around: no AbortMultipartUpload (405), objects written in place (no
 * atomic replace under concurrent puts), and keys that map to one path (`a//b`, `a/b/`) collide.
 */
import { spawn } from 'node:child_process';
import type { ChildProcessByStdio } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import type { S3ClientConfig } from '@aws-sdk/client-s3';

export interface S3rver {
  endpoint: string;
  /** Client settings for this server: path-style, fake credentials, checksums only where S3 requires them. */
  clientConfig: S3ClientConfig;
  /** Creates a bucket on the server. */
  createBucket(name: string): Promise<void>;
  /** Stops the server and removes its folder. */
  close(): Promise<void>;
}

/**
 * The child: starts s3rver on a free port, prints `{"port":…}` on one line, and stops when its stdin closes,
 * so it also ends when the test process dies without running `close()`.
 */
const CHILD = `
const { dirname, join } = require('node:path');
const S3rver = require(process.env.S3RVER_MODULE);
const FilesystemStore = require(join(dirname(process.env.S3RVER_MODULE), 'stores', 'filesystem.js'));

// s3rver walks folders, so it lists a/x before a-b and, once a page ends inside a/, skips a-b for good.
// S3 lists in UTF-8 byte order (ListObjectsV2 API reference): list every match, sort, then cut the page.
const walkList = FilesystemStore.prototype.listObjects;
FilesystemStore.prototype.listObjects = async function (bucket, options) {
  const { delimiter = '', prefix = '', startAfter = '', maxKeys = Infinity } = options;
  const all = await walkList.call(this, bucket, { delimiter, prefix });
  const after = Buffer.from(startAfter);
  const objects = all.objects
    .map((object) => ({ object, bytes: Buffer.from(object.key) }))
    .filter(({ bytes }) => Buffer.compare(bytes, after) > 0)
    .sort((a, b) => Buffer.compare(a.bytes, b.bytes))
    .map(({ object }) => object);
  return {
    objects: objects.slice(0, maxKeys),
    commonPrefixes: all.commonPrefixes.filter((p) => Buffer.compare(Buffer.from(p), after) > 0),
    isTruncated: objects.length > maxKeys,
  };
};

const server = new S3rver({ address: '127.0.0.1', port: 0, directory: process.env.S3RVER_DIR, silent: true });
server.run().then(
  (address) => process.stdout.write(JSON.stringify({ port: address.port }) + '\\n'),
  (error) => { console.error(error); process.exit(1); },
);
// The parent closed stdin or died: stop, and remove the data folder the parent may not live to remove.
process.stdin.on('end', () =>
  server.close().finally(() => {
    require('node:fs').rmSync(process.env.S3RVER_DIR, { recursive: true, force: true });
    process.exit(0);
  }),
);
process.stdin.resume();
`;

const START_TIMEOUT_MS = 20_000;

/** Starts s3rver in a fresh temporary folder. Call `close()` in `afterAll`. */
export async function startS3rver(): Promise<S3rver> {
  const directory = await mkdtemp(join(tmpdir(), 'adlake-s3rver-'));
  const child = spawn(process.execPath, ['--openssl-legacy-provider', '-e', CHILD], {
    env: {
      ...process.env,
      S3RVER_MODULE: createRequire(import.meta.url).resolve('s3rver'),
      S3RVER_DIR: directory,
    },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);

  let port: number;
  try {
    port = await readPort(child);
  } catch (error) {
    child.kill('SIGKILL');
    process.off('exit', killOnExit);
    await rm(directory, { recursive: true, force: true });
    throw error;
  }

  const endpoint = `http://127.0.0.1:${port}`;
  const clientConfig: S3ClientConfig = {
    endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    // s3rver predates the flexible checksums the SDK sends by default since v3.729 (aws-chunked bodies
    // with trailing CRC32); ask for checksums only where S3 requires them.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  };

  return {
    endpoint,
    clientConfig,
    async createBucket(name) {
      const client = new S3Client(clientConfig);
      try {
        await client.send(new CreateBucketCommand({ Bucket: name }));
      } finally {
        client.destroy();
      }
    },
    async close() {
      process.off('exit', killOnExit);
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
        child.stdin.end();
        const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
        await exited;
        clearTimeout(timer);
      }
      await rm(directory, { recursive: true, force: true });
    },
  };
}

function readPort(child: ChildProcessByStdio<Writable, Readable, null>): Promise<number> {
  return new Promise((resolve, reject) => {
    let text = '';
    const timer = setTimeout(() => fail(new Error('s3rver did not start in time')), START_TIMEOUT_MS);
    const onData = (chunk: Buffer) => {
      text += chunk.toString('utf8');
      const newline = text.indexOf('\n');
      if (newline < 0) return;
      const parsed: unknown = JSON.parse(text.slice(0, newline));
      const port = (parsed as { port?: unknown }).port;
      if (typeof port === 'number') done(port);
      else fail(new Error(`s3rver printed ${text.slice(0, newline)}`));
    };
    const onExit = (code: number | null) => fail(new Error(`s3rver exited with code ${code}`));
    function cleanup() {
      clearTimeout(timer);
      child.stdout.off('data', onData);
      child.off('exit', onExit);
    }
    function done(port: number) {
      cleanup();
      // Keep draining stdout so the child never blocks on a full pipe.
      child.stdout.resume();
      resolve(port);
    }
    function fail(error: Error) {
      cleanup();
      reject(error);
    }
    child.stdout.on('data', onData);
    child.once('exit', onExit);
  });
}
