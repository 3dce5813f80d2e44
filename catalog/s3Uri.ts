/**
 * `s3://bucket/prefix` URIs of lakes on S3. Keys are written raw, as the AWS CLI writes them (no percent-encoding).
 */
import { UsageError } from '../core/errors.js';
import { assertValidKey } from './objectStore.js';

export interface S3Location {
  bucket: string;
  /** Key prefix of the lake: `''` for the bucket root, otherwise normalised to end with `/`. */
  prefix: string;
}

/**
 * Parses `s3://bucket`, `s3://bucket/` or `s3://bucket/some/prefix[/]`. Throws `UsageError` listing every
 * problem with the bucket name (general purpose bucket rules) and, separately, a malformed prefix
 * (empty, `.` or `..` segments, backslashes: the same rules as object keys).
 */
export function parseS3Uri(uri: string): S3Location {
  if (!uri.startsWith('s3://')) throw new UsageError(`not an s3:// URI: ${JSON.stringify(uri)}`);
  const rest = uri.slice('s3://'.length);
  const slash = rest.indexOf('/');
  const bucket = slash < 0 ? rest : rest.slice(0, slash);
  const path = slash < 0 ? '' : rest.slice(slash + 1);
  const problems = bucketNameProblems(bucket);
  if (problems.length > 0) {
    throw new UsageError(`bad bucket name ${JSON.stringify(bucket)} in ${uri}: ${problems.join('; ')}`);
  }
  const prefix = path.endsWith('/') ? path.slice(0, -1) : path;
  if (prefix === '') return { bucket, prefix: '' };
  try {
    assertValidKey(prefix);
  } catch (error) {
    throw new UsageError(`bad key prefix ${JSON.stringify(path)} in ${uri}`, {}, { cause: error });
  }
  return { bucket, prefix: `${prefix}/` };
}

/** Formats a location back to its URI, without a trailing slash: `s3://bucket` or `s3://bucket/prefix`. */
export function formatS3Uri(location: S3Location): string {
  const prefix = location.prefix.endsWith('/') ? location.prefix.slice(0, -1) : location.prefix;
  return prefix === '' ? `s3://${location.bucket}` : `s3://${location.bucket}/${prefix}`;
}

const RESERVED_PREFIXES = ['xn--', 'sthree-', 'amzn-s3-demo-'];
const RESERVED_SUFFIXES = ['-s3alias', '--ol-s3', '.mrap', '--table-s3'];

/**
 * General purpose bucket naming rules (S3 User Guide, "Bucket naming rules"). Directory buckets
 * (`--x-s3`) are refused on purpose: they list keys unsorted, and the port promises sorted listings.
 */
function bucketNameProblems(name: string): string[] {
  const problems: string[] = [];
  if (name.length < 3 || name.length > 63) problems.push('must be 3 to 63 characters long');
  if (!/^[a-z0-9.-]*$/.test(name)) problems.push('only lowercase letters, digits, "." and "-" are allowed');
  if (!/^[a-z0-9]/.test(name) || !/[a-z0-9]$/.test(name)) {
    problems.push('must begin and end with a letter or digit');
  }
  if (name.includes('..')) problems.push('must not contain two adjacent periods');
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(name)) problems.push('must not look like an IP address');
  for (const prefix of RESERVED_PREFIXES) {
    if (name.startsWith(prefix)) problems.push(`the prefix ${prefix} is reserved`);
  }
  for (const suffix of RESERVED_SUFFIXES) {
    if (name.endsWith(suffix)) problems.push(`the suffix ${suffix} is reserved`);
  }
  if (name.endsWith('--x-s3')) {
    problems.push('directory buckets (--x-s3) are not supported: they do not list keys in order');
  }
  return problems;
}
