import { GetObjectCommand, HeadObjectCommand, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { NotFoundError } from '../../core/errors.js';
import { S3Source } from '../../catalog/s3Source.js';

type Sent = { name: string; input: Record<string, unknown> };

/** An S3 client whose `send` records the exact request and answers from a script (no network). */
function scriptedClient(answer: (command: Sent) => unknown): { client: S3Client; sent: Sent[] } {
  const sent: Sent[] = [];
  const client = new S3Client({
    region: 'us-east-1',
    credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
  });
  client.send = ((command: GetObjectCommand | HeadObjectCommand) => {
    const record = { name: command.constructor.name, input: { ...command.input } as Record<string, unknown> };
    sent.push(record);
    return Promise.resolve().then(() => answer(record));
  }) as S3Client['send'];
  return { client, sent };
}

describe('S3Source version pinning', () => {
  it('sends the given ETag as If-Match from the first request on', async () => {
    const { client, sent } = scriptedClient((c) =>
      c.name === 'HeadObjectCommand'
        ? { ETag: '"v1"', ContentLength: 10 }
        : {
            ETag: '"v1"',
            ContentRange: 'bytes 2-4/10',
            Body: { transformToByteArray: () => Promise.resolve(Uint8Array.of(2, 3, 4)) },
          },
    );
    const source = new S3Source({
      client,
      bucket: 'b',
      key: 'p/k.mcap',
      uri: 's3://b/p/k.mcap',
      etag: '"v1"',
    });
    expect([...(await source.read(2, 3))]).toEqual([2, 3, 4]);
    expect(await source.size()).toBe(10);
    expect(sent).toEqual([
      {
        name: 'GetObjectCommand',
        input: { Bucket: 'b', Key: 'p/k.mcap', Range: 'bytes=2-4', IfMatch: '"v1"' },
      },
    ]);
  });

  it('reports a replaced object (412) as NotFoundError naming the pinned ETag', async () => {
    const { client } = scriptedClient(() => {
      throw new S3ServiceException({
        name: 'PreconditionFailed',
        $fault: 'client',
        $metadata: { httpStatusCode: 412 },
        message: 'At least one of the pre-conditions you specified did not hold',
      });
    });
    const source = new S3Source({ client, bucket: 'b', key: 'k', uri: 's3://b/k', etag: '"v1"' });
    const error: unknown = await source.read(0, 4).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotFoundError);
    expect((error as Error).message).toContain('"v1"');
  });
});
