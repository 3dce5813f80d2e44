import { describe, expect, test } from 'vitest';
import { UsageError } from '../../core/errors.js';
import { formatS3Uri, parseS3Uri } from '../../catalog/s3Uri.js';

function problemOf(uri: string): string {
  try {
    parseS3Uri(uri);
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return (error as Error).message;
  }
  throw new Error(`${uri} was accepted`);
}

describe('parseS3Uri', () => {
  test.each([
    ['s3://bucket', 'bucket', ''],
    ['s3://bucket/', 'bucket', ''],
    ['s3://my.bucket-1/lake', 'my.bucket-1', 'lake/'],
    ['s3://abc/lake/', 'abc', 'lake/'],
    ['s3://abc/a/b=c/d', 'abc', 'a/b=c/d/'],
  ])('%s → bucket %s, prefix %j', (uri, bucket, prefix) => {
    expect(parseS3Uri(uri)).toEqual({ bucket, prefix });
    expect(formatS3Uri({ bucket, prefix })).toBe(uri.replace(/\/$/, ''));
  });

  test.each([
    ['http://bucket/x', 'not an s3:// URI'],
    ['S3://bucket/x', 'not an s3:// URI'],
    ['s3://', 'must be 3 to 63 characters long'],
    ['s3://ab', 'must be 3 to 63 characters long'],
    [`s3://${'a'.repeat(64)}`, 'must be 3 to 63 characters long'],
    ['s3://My_Bucket', 'only lowercase letters'],
    ['s3://-bucket', 'must begin and end with a letter or digit'],
    ['s3://bucket.', 'must begin and end with a letter or digit'],
    ['s3://a..b', 'two adjacent periods'],
    ['s3://192.168.5.4', 'IP address'],
    ['s3://xn--bucket', 'prefix xn-- is reserved'],
    ['s3://sthree-bucket', 'prefix sthree- is reserved'],
    ['s3://bucket-s3alias', 'suffix -s3alias is reserved'],
    ['s3://bucket--ol-s3', 'suffix --ol-s3 is reserved'],
    ['s3://bucket.mrap', 'suffix .mrap is reserved'],
    ['s3://bucket--use1-az4--x-s3', 'directory buckets'],
    ['s3://user@bucket/x', 'only lowercase letters'],
    ['s3://bucket//x', 'bad key prefix'],
    ['s3://bucket/a/../b', 'bad key prefix'],
    ['s3://bucket/a\\b', 'bad key prefix'],
  ])('%s is a UsageError (%s)', (uri, why) => {
    expect(problemOf(uri)).toContain(why);
  });

  test('every problem with a bucket name is reported at once', () => {
    const message = problemOf('s3://-A..');
    expect(message).toContain('only lowercase letters');
    expect(message).toContain('must begin and end with a letter or digit');
    expect(message).toContain('two adjacent periods');
  });
});
