import type { BlobField, ByteRef } from './LogMessage.js';

/** Schemas whose `data` field is a payload (pixels, points) that never belongs in a row. */
const PAYLOAD_SCHEMAS = new Set([
  'sensor_msgs/Image',
  'sensor_msgs/msg/Image',
  'sensor_msgs/CompressedImage',
  'sensor_msgs/msg/CompressedImage',
  'sensor_msgs/PointCloud2',
  'sensor_msgs/msg/PointCloud2',
]);

export interface BlobContext {
  uri: string;
  /** The raw message bytes the decoder read. */
  data: Uint8Array;
  /** File offset of `data[0]` when the bytes are stored uncompressed. */
  dataOffset: number | undefined;
  /** The message's ref, used for fields inside compressed chunks. */
  ref: ByteRef;
  threshold: number;
  schemaName: string;
}

/**
 * Whether messages of a schema can hold anything `replaceBlobs` would replace: a payload schema, or a byte
 * array that can reach the threshold. Decided once per schema so that, e.g., can_msgs/Frame (`uint8[8]`)
 * is not walked per message.
 */
export function needsBlobScan(
  schemaName: string,
  decoder: { hasByteArrays: boolean; largestByteArray: number },
  threshold: number,
): boolean {
  return decoder.hasByteArrays && (decoder.largestByteArray >= threshold || PAYLOAD_SCHEMAS.has(schemaName));
}

/**
 * Replaces large byte arrays in a decoded message, in place, by `BlobField`s. The ROS 1 and CDR readers
 * return uint8 arrays as views on the message buffer, so a field's file offset is the message's offset
 * plus the view's distance from the message start; no copy is made. A field inside a compressed chunk
 * (or a copied one) points at the message ref instead.
 */
export function replaceBlobs(message: unknown, context: BlobContext): unknown {
  if (PAYLOAD_SCHEMAS.has(context.schemaName) && isRecord(message)) {
    const data = message.data;
    if (data instanceof Uint8Array || data instanceof Int8Array) {
      message.data = blobOf(data, message, context);
    }
  }
  walk(message, context, 0);
  return message;
}

function walk(value: unknown, context: BlobContext, depth: number): void {
  // ROS messages nest a handful of levels; the guard only protects against pathological schemas.
  if (depth > 64 || typeof value !== 'object' || value === null || ArrayBuffer.isView(value)) return;
  if (Array.isArray(value)) {
    for (const item of value) walk(item, context, depth + 1);
    return;
  }
  const record = value as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    const field = record[key];
    if (
      (field instanceof Uint8Array || field instanceof Int8Array) &&
      field.byteLength >= context.threshold
    ) {
      record[key] = blobOf(field, record, context);
    } else if (typeof field === 'object' && field !== null) {
      walk(field, context, depth + 1);
    }
  }
}

function blobOf(
  field: Uint8Array | Int8Array,
  holder: Record<string, unknown>,
  context: BlobContext,
): BlobField {
  const { data, dataOffset } = context;
  const inside =
    field.buffer === data.buffer &&
    field.byteOffset >= data.byteOffset &&
    field.byteOffset + field.byteLength <= data.byteOffset + data.byteLength;
  const $blob: ByteRef =
    dataOffset !== undefined && inside
      ? {
          uri: context.uri,
          offset: dataOffset + (field.byteOffset - data.byteOffset),
          length: field.byteLength,
          compressed: false,
        }
      : context.ref;
  const encoding =
    typeof holder.encoding === 'string'
      ? holder.encoding
      : typeof holder.format === 'string'
        ? holder.format
        : undefined;
  return encoding === undefined
    ? { $blob, size: field.byteLength }
    : { $blob, size: field.byteLength, encoding };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
