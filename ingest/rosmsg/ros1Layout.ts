import type { parse } from '@foxglove/rosmsg';

type MessageDefinition = ReturnType<typeof parse>[number];
type MessageDefinitionField = MessageDefinition['definitions'][number];

/**
 * The serialized shape of a ROS 1 message type without variable-length arrays: runs of fixed-size bytes and
 * strings, in order (ROS 1 serialization: little-endian, no padding, a string is a u32 length and its bytes;
 * wiki.ros.org/msg "Serialization"). Most sensor types have it (NavSatFix, Imu, TwistStamped, can_msgs/Frame),
 * and for them "the message is readable" is a bounds check, with no decoding.
 */
export interface Ros1Layout {
  /** Byte counts of fixed-size runs (>= 0) and strings (-1), in serialization order. */
  parts: readonly number[];
  /** True when the first field is a std_msgs/Header (`uint32 seq, time stamp, string frame_id`). */
  headerFirst: boolean;
}

const PRIMITIVE_BYTES: Record<string, number> = {
  bool: 1,
  int8: 1,
  uint8: 1,
  byte: 1,
  char: 1,
  int16: 2,
  uint16: 2,
  int32: 4,
  uint32: 4,
  float32: 4,
  int64: 8,
  uint64: 8,
  float64: 8,
  time: 8,
  duration: 8,
};

/** A layout with more parts than this (e.g. `string[1000]`) is not worth a bounds walk per message. */
const MAX_PARTS = 64;

/**
 * The layout of the first (top-level) definition of a parsed ROS 1 definition set, or undefined when the
 * type has a variable-length array, a type this reader does not know, or too many strings.
 */
export function ros1Layout(definitions: readonly MessageDefinition[]): Ros1Layout | undefined {
  const top = definitions[0];
  if (top === undefined) return undefined;
  const byName = new Map(definitions.map((d) => [d.name ?? '', d]));
  const parts: number[] = [];
  if (!appendFields(top.definitions, byName, parts, 0)) return undefined;
  const merged = mergeRuns(parts);
  if (merged.length > MAX_PARTS) return undefined;
  return { parts: merged, headerFirst: isHeaderFirst(top.definitions, byName) };
}

/**
 * Whether the message at `bytes[start, start + length)` holds every field of `layout`: exactly the
 * condition under which the generated ROS 1 reader reads it without a range error (it ignores trailing
 * bytes, and decodes any bytes of a bool or a string).
 */
export function fitsLayout(layout: Ros1Layout, bytes: Uint8Array, start: number, length: number): boolean {
  const end = start + length;
  let at = start;
  for (const part of layout.parts) {
    if (part >= 0) {
      at += part;
      continue;
    }
    if (at + 4 > end) return false;
    at += 4 + ((bytes[at]! | (bytes[at + 1]! << 8) | (bytes[at + 2]! << 16) | (bytes[at + 3]! << 24)) >>> 0);
  }
  return at <= end;
}

function appendFields(
  fields: readonly MessageDefinitionField[],
  byName: ReadonlyMap<string, MessageDefinition>,
  parts: number[],
  depth: number,
): boolean {
  // Recursive definitions cannot be fixed-size; the guard only stops a pathological definition set.
  if (depth > 32) return false;
  for (const field of fields) {
    if (field.isConstant === true) continue;
    if (field.isArray === true && field.arrayLength === undefined) return false;
    const count = field.isArray === true ? (field.arrayLength ?? 0) : 1;
    const size = PRIMITIVE_BYTES[field.type];
    if (size !== undefined) {
      parts.push(size * count);
    } else if (field.type === 'string') {
      for (let i = 0; i < count; i++) parts.push(-1);
    } else {
      const nested = field.isComplex === true ? byName.get(field.type) : undefined;
      if (nested === undefined) return false;
      for (let i = 0; i < count; i++) {
        if (!appendFields(nested.definitions, byName, parts, depth + 1)) return false;
      }
    }
    if (parts.length > MAX_PARTS * 4) return false;
  }
  return true;
}

/** Adds up neighbouring fixed runs, so that a bounds walk costs one step per string. */
function mergeRuns(parts: readonly number[]): number[] {
  const merged: number[] = [];
  for (const part of parts) {
    const last = merged.length - 1;
    if (part >= 0 && last >= 0 && merged[last]! >= 0) merged[last]! += part;
    else merged.push(part);
  }
  return merged;
}

function isHeaderFirst(
  fields: readonly MessageDefinitionField[],
  byName: ReadonlyMap<string, MessageDefinition>,
): boolean {
  const first = fields.find((f) => f.isConstant !== true);
  if (first === undefined || first.name !== 'header' || first.isArray === true) return false;
  const header = byName.get(first.type)?.definitions.filter((f) => f.isConstant !== true);
  return (
    header !== undefined &&
    header.length === 3 &&
    header.every((f) => f.isArray !== true) &&
    header[0]!.type === 'uint32' &&
    header[1]!.type === 'time' &&
    header[1]!.name === 'stamp' &&
    header[2]!.type === 'string'
  );
}
