/**
 * A listener for every HTTP request an S3 client makes: to count requests and bytes in tests, or to meter
 * a lake's S3 traffic.
 */
import type { S3Client } from '@aws-sdk/client-s3';

export interface S3RequestEvent {
  /** SDK command name, e.g. `GetObjectCommand`. */
  command: string;
  /** Object key (store prefix included) when the command addresses one object. */
  key?: string;
  /** The `Range` header of a ranged GET, e.g. `bytes=0-99`. */
  range?: string;
  /** HTTP status of the response. */
  status: number;
  /** Body bytes the server sent (its `Content-Length`; 0 for HEAD and when absent). */
  bytesReceived: number;
}

export type S3RequestListener = (event: S3RequestEvent) => void;

/**
 * Adds `listener` to `client`'s middleware stack and returns a function that removes it. It runs at the
 * lowest priority of the deserialize step, next to the HTTP handler and inside the retry loop, so each
 * attempt is one event (a retried GET counts twice, as it costs twice).
 */
export function addS3RequestListener(client: S3Client, listener: S3RequestListener): () => void {
  const middleware = makeMiddleware(listener);
  client.middlewareStack.add(middleware, { step: 'deserialize', priority: 'low' });
  return () => {
    client.middlewareStack.remove(middleware);
  };
}

function makeMiddleware(listener: S3RequestListener) {
  return <Result extends { response: unknown }>(
      next: (args: { input: object; request: unknown }) => Promise<Result>,
      context: { commandName?: string },
    ) =>
    async (args: { input: object; request: unknown }) => {
      const result = await next(args);
      const input = args.input as { Key?: unknown; Range?: unknown };
      const response = result.response as { statusCode?: unknown; headers?: Record<string, unknown> };
      // A HEAD response carries the object's Content-Length but no body.
      const head = (args.request as { method?: unknown } | undefined)?.method === 'HEAD';
      const length = head ? 0 : Number(response.headers?.['content-length'] ?? 0);
      listener({
        command: context.commandName ?? 'unknown',
        ...(typeof input.Key === 'string' ? { key: input.Key } : {}),
        ...(typeof input.Range === 'string' ? { range: input.Range } : {}),
        status: typeof response.statusCode === 'number' ? response.statusCode : 0,
        bytesReceived: Number.isFinite(length) ? length : 0,
      });
      return result;
    };
}
