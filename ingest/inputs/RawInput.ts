/**
 * One raw input as an ingest adapter (local file, S3 object) found it: hashed, with its first bytes kept for
 * format detection, and ways to read it again.
 */
import type { ByteStream, RandomAccessSource } from '../../core/source.js';
import type { DbcDatabase } from '../dbc/model.js';

export interface RawInput {
  /** A path or `s3://` URI, for reports, lineage and quarantine. */
  readonly uri: string;
  /** Size as stored (compressed when gzip). */
  readonly bytes: number;
  /** Hex sha256 of the bytes as stored, computed by reading them (S3 ETags are not content hashes). */
  readonly sha256: string;
  readonly gzip: boolean;
  /** The first `SNIFF_BYTES` bytes of the content (gunzipped when gzip), for `detectFormat`. */
  readonly head: Uint8Array;
  /** The content in order, gunzipped when gzip (text formats). */
  stream(): ByteStream;
  /**
   * `stream` through reused buffers, where that is cheaper (a local file that is not gzip): a chunk is valid
   * only until the next is asked for, so only for readers that copy what they keep (the candump parser).
   */
  reusedChunks?(): ByteStream;
  /** The bytes as stored, for quarantine copies. */
  rawStream(): ByteStream;
  /** Random access to the bytes as stored (indexed formats read only the ranges they need). */
  source(): RandomAccessSource;
  /** Parses the input as a DBC; `CM_ "IMPORT x.dbc";` files are looked up next to it, in the same store. */
  parseDbc(): Promise<DbcDatabase>;
}
