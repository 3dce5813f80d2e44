/**
 * Reads a drive's perception topics back from the lake as object tracks for the object detectors
 * (pedestrian, cyclist, vehicle_in_lane).
 *
 * Perception topics have no curated table: they land in generic `topics_<name>` tables, one row per
 * message, with the array of objects as JSON text in one column (`objects` of
 * `derived_object_msgs/ObjectArray`, `detections` of `vision_msgs/Detection3DArray`; see
 * `ingest/topics/flattenMessage.ts`). Every topic table of the drive with such a column is read; a table
 * counts as a perception topic when its column doc names one of those types or any element parses (see
 * `parsePerceptionObject`).
 *
 * Positions are used only in an ego frame (REP 103 `base_link`: x forward, y left, which is ISO 8855's
 * orientation). Objects in a map, odom or sensor frame would need the drive's transforms (tf) and are
 * skipped and counted per frame in the report.
 */
import { DataType, TimeUnit } from 'apache-arrow';
import type { RecordBatch } from 'apache-arrow';
import type { ObjectStore } from '../../catalog/objectStore.js';
import { parsePartKey, TABLES_PREFIX } from '../../catalog/layout.js';
import { readPart } from '../../catalog/readTable.js';
import { DecodeError } from '../../core/errors.js';
import type { ObjectTrack } from '../scenarios/objectTrack.js';
import { DetectionAssociation, type AssociationOptions } from './DetectionAssociation.js';
import { parsePerceptionObject, type PerceptionFormat } from './parsePerceptionObject.js';

/** Frames whose x/y are ego-relative (REP 105 `base_link`, `base_footprint`; common simulator names). */
export const DEFAULT_EGO_FRAMES: readonly string[] = [
  'base_link',
  'base_footprint',
  'ego',
  'ego_vehicle',
  'vehicle',
];

/** Columns that hold a perception message's array of objects. */
const ARRAY_COLUMNS = ['objects', 'detections'] as const;

/** The message types read, as MCAP/bag schema names (ROS 1 `pkg/Type`, ROS 2 `pkg/msg/Type`). */
const PERCEPTION_SCHEMA =
  /^(derived_object_msgs\/(msg\/)?(ObjectArray|ObjectWithCovarianceArray)|vision_msgs\/(msg\/)?Detection3DArray)$/;

export interface ReadObjectTracksOptions {
  driveId: string;
  /** Header frames taken as ego-relative. @default DEFAULT_EGO_FRAMES */
  egoFrames?: readonly string[];
  /** How untracked detections (no tracker id) are linked into tracks. */
  association?: AssociationOptions;
}

/** What one perception topic table gave. */
export interface ObjectTopicReport {
  table: string;
  /** The message type, when the table's column doc names it. */
  schemaName?: string;
  /** The element formats recognised. */
  formats: PerceptionFormat[];
  messages: number;
  /** Object samples kept (one per object per message). */
  samples: number;
  tracks: number;
  /**
   * Object samples not used, by reason: `frame:<frame id>` (not an ego frame; `frame:` when empty),
   * `no_position`, `unrecognised`; `bad_json` counts messages whose array was not JSON.
   */
  skipped: Record<string, number>;
}

export interface ObjectTracksRead {
  /** Every track of every perception topic, by table then first sample time. */
  tracks: ObjectTrack[];
  /** One entry per perception topic table of the drive; empty when the drive has none. */
  topics: ObjectTopicReport[];
}

interface Samples {
  id: string;
  class: string;
  t: bigint[];
  x: number[];
  y: number[];
}

/**
 * Reads the object tracks of one drive from its perception topic tables. A drive without such tables
 * gives no topics (the caller then leaves objects unknown); one with them gives its tracks, maybe none.
 */
export async function readObjectTracks(
  store: ObjectStore,
  options: ReadObjectTracksOptions,
): Promise<ObjectTracksRead> {
  const egoFrames = new Set(options.egoFrames ?? DEFAULT_EGO_FRAMES);
  const tracks: ObjectTrack[] = [];
  const topics: ObjectTopicReport[] = [];
  for (const [table, keys] of await topicParts(store, options.driveId)) {
    const read = await readTopic(store, table, keys, egoFrames, options.association ?? {});
    if (!read) continue;
    topics.push(read.report);
    tracks.push(...read.tracks);
  }
  return { tracks, topics };
}

/** The drive's part keys per `topics_*` table, tables and parts in key order. */
async function topicParts(store: ObjectStore, driveId: string): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  for await (const info of store.list(`${TABLES_PREFIX}topics_`)) {
    const address = parsePartKey(info.key);
    if (!address || address.driveId !== driveId) continue;
    const keys = out.get(address.table) ?? [];
    keys.push(info.key);
    out.set(address.table, keys);
  }
  return out;
}

async function readTopic(
  store: ObjectStore,
  table: string,
  keys: readonly string[],
  egoFrames: ReadonlySet<string>,
  association: AssociationOptions,
): Promise<{ report: ObjectTopicReport; tracks: ObjectTrack[] } | undefined> {
  const short = table.slice('topics_'.length);
  const untracked = new DetectionAssociation(`${short}/u`, association);
  const samples = new Map<string, Samples>();
  const formats = new Set<PerceptionFormat>();
  const skipped: Record<string, number> = {};
  let schemaName: string | undefined;
  let column: string | undefined;
  let messages = 0;
  let kept = 0;
  const add = (key: string, id: string, kind: string, t: bigint, x: number, y: number): void => {
    let s = samples.get(key);
    if (!s) samples.set(key, (s = { id, class: kind, t: [], x: [], y: [] }));
    s.t.push(t);
    s.x.push(x);
    s.y.push(y);
    kept++;
  };
  for (const [i, key] of keys.entries()) {
    const rows = await readPart(store, key, ['t', 'header_frame_id', ...ARRAY_COLUMNS]);
    if (i === 0) {
      const field = rows.schema.fields.find(
        (f) => (ARRAY_COLUMNS as readonly string[]).includes(f.name) && DataType.isUtf8(f.type),
      );
      // Not a perception topic: its first part says so, the others have the same schema.
      if (!field) return undefined;
      column = field.name;
      schemaName = schemaOf(field.metadata.get('doc'));
    }
    if (column === undefined) return undefined;
    for (const batch of rows.batches) {
      const times = timesOf(batch, store.uriOf(key));
      const frames = batch.getChild('header_frame_id');
      const arrays = batch.getChild(column);
      for (let r = 0; r < batch.numRows; r++) {
        messages++;
        const text = arrays?.get(r) as string | null | undefined;
        if (text === null || text === undefined) continue;
        let elements: unknown;
        try {
          elements = JSON.parse(text);
        } catch {
          bump(skipped, 'bad_json');
          continue;
        }
        if (!Array.isArray(elements)) {
          bump(skipped, 'bad_json');
          continue;
        }
        const t = times(r);
        const rowFrame = (frames?.get(r) as string | null | undefined) ?? undefined;
        const loose = new Map<string, { x: number; y: number }[]>();
        for (const element of elements) {
          const object = parsePerceptionObject(element);
          if (typeof object === 'string') {
            bump(skipped, object);
            continue;
          }
          formats.add(object.format);
          const frame = object.frame ?? rowFrame ?? '';
          if (!egoFrames.has(frame)) {
            bump(skipped, `frame:${frame}`);
            continue;
          }
          if (object.id === undefined) {
            const list = loose.get(object.class) ?? [];
            list.push({ x: object.x, y: object.y });
            loose.set(object.class, list);
          } else {
            add(
              `${object.id}\u0000${object.class}`,
              `${short}/${object.id}`,
              object.class,
              t,
              object.x,
              object.y,
            );
          }
        }
        for (const [kind, positions] of loose) {
          untracked.assign(t, kind, positions).forEach((id, j) => {
            const p = positions[j] as { x: number; y: number };
            add(id, id, kind, t, p.x, p.y);
          });
        }
      }
    }
  }
  if (formats.size === 0 && (schemaName === undefined || !PERCEPTION_SCHEMA.test(schemaName)))
    return undefined;
  const tracks = toTracks([...samples.values()], table);
  return {
    report: {
      table,
      ...(schemaName !== undefined ? { schemaName } : {}),
      formats: [...formats].sort(),
      messages,
      samples: kept,
      tracks: tracks.length,
      skipped,
    },
    tracks,
  };
}

/** Tracks in time order; an id seen with several classes gives one track per class (`<id>:<class>`). */
function toTracks(all: readonly Samples[], table: string): ObjectTrack[] {
  const classesOf = new Map<string, number>();
  for (const s of all) classesOf.set(s.id, (classesOf.get(s.id) ?? 0) + 1);
  const tracks = all.map((s): ObjectTrack => {
    const order = s.t
      .map((_, i) => i)
      .sort((a, b) => {
        const d = (s.t[a] as bigint) - (s.t[b] as bigint);
        return d < 0n ? -1 : d > 0n ? 1 : a - b;
      });
    return {
      id: (classesOf.get(s.id) ?? 0) > 1 ? `${s.id}:${s.class}` : s.id,
      class: s.class,
      t: BigInt64Array.from(order, (i) => s.t[i] as bigint),
      x: Float64Array.from(order, (i) => s.x[i] as number),
      y: Float64Array.from(order, (i) => s.y[i] as number),
      source: table,
    };
  });
  return tracks.sort((a, b) => {
    const d = (a.t[0] ?? 0n) - (b.t[0] ?? 0n);
    return d < 0n ? -1 : d > 0n ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
  });
}

/**
 * The message type from a topic column's doc, which `topicTableDef` writes as `<schema> field <path>: ...`.
 */
function schemaOf(doc: string | undefined): string | undefined {
  const at = doc?.indexOf(' field ') ?? -1;
  return doc !== undefined && at > 0 ? doc.slice(0, at) : undefined;
}

/** Row → ns of a batch's `t` timestamp column. */
function timesOf(batch: RecordBatch, uri: string): (row: number) => bigint {
  const data = batch.getChild('t')?.data[0];
  if (!data || !DataType.isTimestamp(data.type) || !(data.values instanceof BigInt64Array)) {
    throw new DecodeError('topic table part has no timestamp column t', { uri });
  }
  const values = data.values;
  const scale = NS_PER_UNIT[data.type.unit];
  return (row) => (values[row] as bigint) * scale;
}

const NS_PER_UNIT: Record<TimeUnit, bigint> = {
  [TimeUnit.SECOND]: 1_000_000_000n,
  [TimeUnit.MILLISECOND]: 1_000_000n,
  [TimeUnit.MICROSECOND]: 1_000n,
  [TimeUnit.NANOSECOND]: 1n,
};

function bump(counts: Record<string, number>, key: string): void {
  counts[key] = (counts[key] ?? 0) + 1;
}
