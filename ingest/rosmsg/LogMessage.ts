/**
 * The record that the ROS 1 bag and MCAP readers share: one logged message, deserialised, with where its raw
 * bytes are in the source file (for lineage and blob references).
 */

/** Where bytes live in a source file. `compressed`: the range is a compressed chunk holding them. */
export interface ByteRef {
  uri: string;
  offset: number;
  length: number;
  compressed: boolean;
}

export interface LogMessage {
  topic: string;
  /** As the file names it: `sensor_msgs/NavSatFix` (ROS 1), `std_msgs/msg/String` (ROS 2). */
  schemaName: string;
  encoding: 'ros1' | 'cdr' | 'json';
  /** ns since epoch: bag record time / MCAP log_time. */
  logTime: bigint;
  /** MCAP publish_time, ns. */
  publishTime?: bigint;
  /** `header.stamp` in ns when the message has a std_msgs/Header. */
  headerStamp?: bigint;
  /** Deserialised plain object; large byte arrays are `BlobField`s (see `replaceBlobs`). */
  message: unknown;
  /**
   * The raw message bytes when its chunk is uncompressed; else the compressed chunk record
   * (`compressed: true`, offset/length of the chunk).
   */
  ref: ByteRef;
}

/** A byte array left in the file instead of copied into the record. */
export interface BlobField {
  /** The field's own bytes when they are stored uncompressed; else the message's `ref` (a compressed chunk). */
  $blob: ByteRef;
  /** Length of the field in bytes. */
  size: number;
  /** `encoding` (sensor_msgs/Image) or `format` (CompressedImage) of the message holding the field. */
  encoding?: string;
}

export interface TopicSummary {
  topic: string;
  schemaName: string;
  count: number;
}

export interface LogSummary {
  topics: TopicSummary[];
  /** First and last log time, ns; absent for a log without messages. */
  start?: bigint;
  end?: bigint;
  messageCount: number;
}

/** Decompresses one chunk; `size` is the uncompressed size the container declares. */
export type Decompress = (data: Uint8Array, size: number) => Uint8Array;

/** A codec made on first use: its (wasm) module is not loaded for files that do not need it. */
export interface DecompressLoader {
  load(): Promise<Decompress>;
}

/**
 * Chunk codecs by the name the container uses (`bz2`, `lz4` in bags; `lz4`, `zstd` in MCAP), each ready or
 * a loader (see `decompressorFor`).
 */
export type Decompressors = Partial<Record<string, Decompress | DecompressLoader>>;

/** Options shared by the bag and MCAP readers. */
export interface LogReadOptions {
  /** Name used in refs and rejects. @default source.uri */
  uri?: string;
  decompress: Decompressors;
  /**
   * Byte arrays (uint8[]/int8[]) at least this long become `BlobField`s; `data` of sensor_msgs/Image,
   * CompressedImage and PointCloud2 always do. @default 65536
   */
  blobThreshold?: number;
  /**
   * Read uncompressed chunks into buffers that are used again once their messages are passed: a batch's
   * messages, and every view into their bytes (decoded byte arrays, `data`), are then valid only until the
   * next batch is asked for, so the caller copies what it keeps (ROS 1 bags). @default false
   */
  reuseBuffers?: boolean;
}
