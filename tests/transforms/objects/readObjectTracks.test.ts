import { describe, expect, it } from 'vitest';
import type { LocalObjectStore } from '../../../catalog/localObjectStore.js';
import { PartitionedTableWriter } from '../../../catalog/tableWriter.js';
import type { TableDef } from '../../../catalog/tables.js';
import type { LogMessage } from '../../../ingest/rosmsg/LogMessage.js';
import { GenericTopicTables } from '../../../ingest/topics/GenericTopicTables.js';
import { parsePerceptionObject } from '../../../transforms/objects/parsePerceptionObject.js';
import { readObjectTracks } from '../../../transforms/objects/readObjectTracks.js';
import { tempLake } from '../../catalog/tempLake.js';

const S = 1_000_000_000n;
const T0 = 1_700_000_000n * S;

/** Writes messages as ingest does: generic topic tables of drive `d1` (and `d2` when asked). */
async function writeTopics(store: LocalObjectStore, messages: LogMessage[], driveId = 'd1'): Promise<void> {
  const tables = new GenericTopicTables({
    writerFor: (def: TableDef) =>
      new PartitionedTableWriter<Record<string, unknown>>({ store, table: def, vehicle: 'v1', driveId }),
    batchRows: 4,
  });
  await tables.add(messages);
  await tables.close();
}

function message(topic: string, schemaName: string, t: bigint, body: Record<string, unknown>): LogMessage {
  return {
    topic,
    schemaName,
    encoding: 'ros1',
    logTime: t,
    headerStamp: t,
    message: body,
    ref: { uri: 'mem://x', offset: 0, length: 0, compressed: false },
  };
}

const header = (t: bigint, frame: string) => ({
  seq: 0,
  stamp: { sec: Number(t / S), nsec: Number(t % S) },
  frame_id: frame,
});

/** A derived_object_msgs/Object with only the fields the reader looks at (and a few it ignores). */
function derivedObject(id: number, classification: number, x: number, y: number, frame = '') {
  return {
    header: header(0n, frame),
    id,
    detection_level: 1,
    pose: { position: { x, y, z: 0 }, orientation: { x: 0, y: 0, z: 0, w: 1 } },
    shape: { type: 1, dimensions: new Float64Array([4, 2, 1.5]) },
    classification,
  };
}

/** A ROS 2 vision_msgs/Detection3D. */
function detection(id: string, hypotheses: [string, number][], x: number, y: number) {
  return {
    header: header(0n, ''),
    results: hypotheses.map(([classId, score]) => ({
      hypothesis: { class_id: classId, score },
      pose: { pose: { position: { x: 0, y: 0, z: 0 } } },
    })),
    bbox: { center: { position: { x, y, z: 0 }, orientation: { x: 0, y: 0, z: 0, w: 1 } } },
    id,
  };
}

describe('readObjectTracks', () => {
  it('reads derived_object_msgs/ObjectArray into one track per object id, classes mapped, ego frame only', async () => {
    const store = await lake();
    const messages: LogMessage[] = [];
    for (let k = 0; k < 10; k++) {
      const t = T0 + BigInt(k) * 100_000_000n;
      messages.push(
        message('/perception/objects', 'derived_object_msgs/ObjectArray', t, {
          header: header(t, 'base_link'),
          objects: [
            // Out of time order on purpose in the array: the track is sorted by time anyway.
            derivedObject(7, 4, 10 - k * 0.5, -2 + k * 0.4),
            derivedObject(9, 6, 40, 0.1),
            ...(k === 3 ? [derivedObject(11, 5, 5, 1, 'map')] : []),
            ...(k === 4 ? [{ unrelated: true }] : []),
          ],
        }),
      );
    }
    // A map-frame topic: nothing kept, the frame counted.
    messages.push(
      message('/carla/objects', 'derived_object_msgs/ObjectArray', T0, {
        header: header(T0, 'map'),
        objects: [derivedObject(1, 6, 100, 200)],
      }),
    );
    // Not a perception topic, and another drive's perception topic: neither is read.
    messages.push(message('/vehicle/info', 'std_msgs/String', T0, { data: 'x' }));
    await writeTopics(store, messages);
    await writeTopics(
      store,
      [
        message('/perception/objects', 'derived_object_msgs/ObjectArray', T0, {
          header: header(T0, 'base_link'),
          objects: [derivedObject(5, 4, 1, 1)],
        }),
      ],
      'd2',
    );

    const read = await readObjectTracks(store, { driveId: 'd1' });
    expect(read.topics).toEqual([
      {
        table: 'topics_carla_objects',
        schemaName: 'derived_object_msgs/ObjectArray',
        formats: ['derived_object_msgs'],
        messages: 1,
        samples: 0,
        tracks: 0,
        skipped: { 'frame:map': 1 },
      },
      {
        table: 'topics_perception_objects',
        schemaName: 'derived_object_msgs/ObjectArray',
        formats: ['derived_object_msgs'],
        messages: 10,
        samples: 20,
        tracks: 2,
        skipped: { 'frame:map': 1, unrecognised: 1 },
      },
    ]);
    expect(read.tracks.map((t) => [t.id, t.class, t.t.length, t.source])).toEqual([
      ['perception_objects/7', 'pedestrian', 10, 'topics_perception_objects'],
      ['perception_objects/9', 'car', 10, 'topics_perception_objects'],
    ]);
    const walker = read.tracks[0];
    expect(walker?.t[0]).toBe(T0);
    expect(walker?.t[9]).toBe(T0 + 900_000_000n);
    expect([...(walker?.x ?? [])]).toEqual(Array.from({ length: 10 }, (_, k) => 10 - k * 0.5));
    expect(walker?.y[9]).toBeCloseTo(-2 + 9 * 0.4, 12);
  });

  it('reads vision_msgs/Detection3DArray: best hypothesis, tracker ids, untracked detections linked by position', async () => {
    const store = await lake();
    const messages: LogMessage[] = [];
    for (let k = 0; k < 5; k++) {
      const t = T0 + BigInt(k) * 100_000_000n;
      messages.push(
        message('/detections', 'vision_msgs/msg/Detection3DArray', t, {
          header: header(t, 'base_link'),
          detections: [
            detection(
              'trk-1',
              [
                ['Car', 0.2],
                ['Cyclist', 0.7],
              ],
              12,
              1,
            ),
            // Two untracked pedestrians 6 m apart, each moving 0.1 m per message: two tracks.
            detection('', [['pedestrian', 0.9]], 8 + 0.1 * k, -1),
            detection('', [['pedestrian', 0.8]], 8 + 0.1 * k, 5),
          ],
        }),
      );
    }
    await writeTopics(store, messages);
    const read = await readObjectTracks(store, { driveId: 'd1' });
    expect(read.topics.map((t) => [t.table, t.formats, t.samples, t.tracks])).toEqual([
      ['topics_detections', ['vision_msgs'], 15, 3],
    ]);
    const byId = Object.fromEntries(read.tracks.map((t) => [t.id, t]));
    expect(Object.keys(byId).sort()).toEqual(['detections/trk-1', 'detections/u0', 'detections/u1']);
    expect(byId['detections/trk-1']?.class).toBe('cyclist');
    expect([...(byId['detections/u0']?.y ?? [])]).toEqual([-1, -1, -1, -1, -1]);
    expect([...(byId['detections/u1']?.y ?? [])]).toEqual([5, 5, 5, 5, 5]);
  });

  it('gives no topics for a drive without perception tables', async () => {
    const store = await lake();
    await writeTopics(store, [message('/vehicle/info', 'std_msgs/String', T0, { data: 'x' })]);
    expect(await readObjectTracks(store, { driveId: 'd1' })).toEqual({ tracks: [], topics: [] });
    expect(await readObjectTracks(store, { driveId: 'other' })).toEqual({ tracks: [], topics: [] });
  });
});

describe('parsePerceptionObject', () => {
  it('maps derived_object_msgs classifications and ROS 1 vision_msgs hypotheses', () => {
    expect(parsePerceptionObject(derivedObject(1, 5, 3, 4))).toMatchObject({
      class: 'bicycle',
      id: '1',
      x: 3,
      y: 4,
    });
    expect(parsePerceptionObject(derivedObject(1, 7, 3, 4))).toMatchObject({ class: 'truck' });
    expect(parsePerceptionObject(derivedObject(1, 42, 3, 4))).toMatchObject({ class: 'class_42' });
    // derived_object_msgs/ObjectWithCovariance: pose is a PoseWithCovariance.
    expect(
      parsePerceptionObject({ id: 2, classification: 4, pose: { pose: { position: { x: 1, y: 2, z: 0 } } } }),
    ).toMatchObject({ class: 'pedestrian', x: 1, y: 2 });
    // ROS 1 vision_msgs: hypothesis {id, score}; a numeric id has no class name here.
    const ros1 = {
      results: [
        { id: 3, score: 0.4 },
        { id: 'person', score: 0.6 },
      ],
      bbox: { center: { position: { x: 5, y: 0 } } },
      tracking_id: 't9',
    };
    expect(parsePerceptionObject(ros1)).toMatchObject({ format: 'vision_msgs', class: 'person', id: 't9' });
    expect(parsePerceptionObject({ ...ros1, results: [{ id: 3, score: 0.4 }] })).toMatchObject({
      class: 'class_3',
    });
    expect(parsePerceptionObject({ classification: 4, pose: {} })).toBe('no_position');
    expect(parsePerceptionObject([1, 2])).toBe('unrecognised');
  });
});

async function lake(): Promise<LocalObjectStore> {
  return tempLake();
}
