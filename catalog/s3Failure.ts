/**
 * Maps S3 service errors to adlake's error types, keeping the SDK error as the cause.
 */
import { S3ServiceException } from '@aws-sdk/client-s3';
import { NotFoundError, UsageError } from '../core/errors.js';

/** HTTP status of an S3 service error, or `undefined` for other errors (network, abort, bugs). */
export function s3Status(error: unknown): number | undefined {
  return error instanceof S3ServiceException ? error.$metadata.httpStatusCode : undefined;
}

/**
 * A missing object or bucket becomes `NotFoundError`, a refused request (403) `UsageError` (credentials or
 * policy are the user's to fix); anything else is returned unchanged, since it is neither.
 */
export function s3Failure(error: unknown, what: string, uri: string): Error {
  const status = s3Status(error);
  const name = error instanceof Error ? error.name : '';
  if (name === 'NoSuchBucket') {
    return new NotFoundError(`${what}: no such bucket`, { uri }, { cause: error });
  }
  if (status === 404 || name === 'NoSuchKey' || name === 'NotFound') {
    return new NotFoundError(`${what}: no such object`, { uri }, { cause: error });
  }
  if (status === 403) {
    return new UsageError(
      `${what}: access denied (${name}); check the credentials and the bucket policy`,
      { uri },
      { cause: error },
    );
  }
  return error instanceof Error ? error : new Error(String(error));
}
