import { describe, expect, it } from 'vitest';
import { DataType } from 'apache-arrow';
import { kindOf, topicTableDef, topicTableName } from '../../catalog/topicTable.js';
import { FlatJson, FlatList, FlatTime, flattenMessage, toJson } from '../../ingest/topics/flattenMessage.js';
import type { BlobField } from '../../ingest/rosmsg/LogMessage.js';

/** Stands in for the classes rosmsg-serialization generates per message type. */
class Record {
  constructor(fields: object) {
    Object.assign(this, fields);
  }
}

describe('flattenMessage', () => {
  it('flattens a ROS 1 class instance with a header, nested messages and arrays', () => {
    const message = new Record({
      header: new Record({ seq: 7, stamp: new Record({ sec: 1396293888, nsec: 56045055 }), frame_id: 'map' }),
      pose: new Record({ position: new Record({ x: 1.5, y: -2, z: 0 }) }),
      covariance: new Float64Array([1, 2, 3]),
      ranges: new Float32Array([0.5]),
      counts: new BigInt64Array([-1n, 2n]),
      big: 1n << 62n,
      names: ['a', 'b'],
      flags: [true, false],
      data: new Uint8Array([1, 2, 3]),
      empty: [],
      ok: true,
    });
    const flat = flattenMessage(message);
    expect([...flat.keys()]).toEqual([
      'header.seq',
      'header.stamp',
      'header.frame_id',
      'pose.position.x',
      'pose.position.y',
      'pose.position.z',
      'covariance',
      'ranges',
      'counts',
      'big',
      'names',
      'flags',
      'data',
      'empty',
      'ok',
    ]);
    expect(flat.get('header.seq')).toBe(7);
    expect(flat.get('header.stamp')).toEqual(new FlatTime(1396293888056045055n));
    expect(flat.get('pose.position.y')).toBe(-2);
    expect(flat.get('covariance')).toEqual(new FlatList('float64', [1, 2, 3]));
    expect(flat.get('ranges')).toEqual(new FlatList('float64', [0.5]));
    expect(flat.get('counts')).toEqual(new FlatList('int64', [-1n, 2n]));
    expect(flat.get('big')).toBe(1n << 62n);
    expect(flat.get('names')).toEqual(new FlatList('utf8', ['a', 'b']));
    expect(flat.get('flags')).toEqual(new FlatList('bool', [true, false]));
    expect(flat.get('data')).toEqual(new Uint8Array([1, 2, 3]));
    expect(flat.get('empty')).toEqual(new FlatList('empty', []));
    expect(flat.get('ok')).toBe(true);
  });

  it('copies byte arrays so rows do not pin the decoded chunk', () => {
    const chunk = new Uint8Array([9, 8, 7, 6]);
    const flat = flattenMessage({ data: chunk.subarray(1, 3) });
    const data = flat.get('data') as Uint8Array;
    expect(data).toEqual(new Uint8Array([8, 7]));
    expect(data.buffer).not.toBe(chunk.buffer);
  });

  it('reads ROS 2 {sec, nanosec} times and leaves other two-field messages alone', () => {
    const flat = flattenMessage({
      header: { stamp: { sec: 1, nanosec: 5 }, frame_id: 'base' },
      range: { sec: 2, other: 3 },
      clock: { sec: -1, nsec: 0 },
    });
    expect(flat.get('header.stamp')).toEqual(new FlatTime(1_000_000_005n));
    expect(flat.get('range.sec')).toBe(2);
    expect(flat.get('range.other')).toBe(3);
    expect(flat.get('clock')).toEqual(new FlatTime(-1_000_000_000n));
  });

  it('writes arrays of messages as JSON with exact bigints and times as objects', () => {
    const flat = flattenMessage({
      transforms: [
        new Record({
          header: { stamp: { sec: 1, nsec: 2 }, frame_id: 'w' },
          id: 9007199254740993n,
          v: new Float32Array([0.5]),
          bad: Number.NaN,
        }),
      ],
    });
    const json = flat.get('transforms');
    expect(json).toBeInstanceOf(FlatJson);
    expect((json as FlatJson).json).toBe(
      '[{"header":{"stamp":{"sec":1,"nsec":2},"frame_id":"w"},"id":9007199254740993,"v":[0.5],"bad":null}]',
    );
    expect(JSON.parse((json as FlatJson).json)).toHaveLength(1);
    expect(toJson(['x"y', null, undefined])).toBe('["x\\"y",null,null]');
  });

  it('turns a blob into uri, offset, length, compressed, size and encoding columns', () => {
    const image: BlobField = {
      $blob: { uri: 'file:///a.bag', offset: 1234, length: 921600, compressed: false },
      size: 921600,
      encoding: 'rgb8',
    };
    const flat = flattenMessage({ height: 480, data: image, note: undefined, missing: null });
    expect(Object.fromEntries(flat)).toEqual({
      height: 480,
      'data.uri': 'file:///a.bag',
      'data.offset': 1234n,
      'data.length': 921600n,
      'data.compressed': false,
      'data.size': 921600n,
      'data.encoding': 'rgb8',
      note: null,
      missing: null,
    });
  });

  it('names a non-object message value', () => {
    expect(Object.fromEntries(flattenMessage('hi'))).toEqual({ value: 'hi' });
  });
});

describe('topicTableName', () => {
  it('maps plain ROS names readably', () => {
    expect(topicTableName('/turtle1/pose')).toBe('topics_turtle1_pose');
    expect(topicTableName('/turtle1/cmd_vel')).toBe('topics_turtle1_cmd_vel');
    expect(topicTableName('rosout')).toBe('topics_rosout');
  });

  it('keeps names Glue-safe and tells lossy names apart with a hash of the topic', () => {
    const names = [
      '/Camera/Front-Left',
      '/camera/front_left',
      '/camera/front.left',
      '/',
      '/ä/x',
      'x'.repeat(400),
    ].map((topic) => topicTableName(topic));
    for (const name of names) {
      expect(name).toMatch(/^topics_[a-z0-9_]*$/);
      expect(name.length).toBeLessThanOrEqual(255);
    }
    expect(new Set(names).size).toBe(names.length);
    expect(names[0]).toMatch(/^topics_camera_front_left_[0-9a-f]{8}$/);
    expect(names[1]).toBe('topics_camera_front_left');
    // Deterministic: the same topic always gets the same name.
    expect(topicTableName('/Camera/Front-Left')).toBe(names[0]);
  });

  it('makes a name that is already taken distinct', () => {
    const first = topicTableName('/a/b');
    const second = topicTableName('/a_b', new Set([first]));
    expect(first).toBe('topics_a_b');
    expect(second).toMatch(/^topics_a_b_[0-9a-f]{8}$/);
    expect(topicTableName('/a_b', new Set([first]))).toBe(second);
  });
});

describe('topicTableDef', () => {
  it('derives columns, types and docs from sample rows', () => {
    const sample = [
      flattenMessage({
        header: { stamp: { sec: 1, nsec: 0 }, frame_id: 'a' },
        t: 1,
        'odd.Name': 2,
        odd_name: 3,
        list: [],
        markers: [],
        maybe: null,
        count: 5n,
      }),
      flattenMessage({
        header: { stamp: { sec: 2, nsec: 0 }, frame_id: 'b' },
        list: [1],
        markers: [{ id: 1 }],
        maybe: null,
      }),
    ];
    const def = topicTableDef('/x', 'pkg/X', sample);
    expect(def.name).toBe('topics_x');
    expect(def.timeColumn).toBe('t');
    expect(def.columns.map((c) => [c.path, c.name, c.kind])).toEqual([
      ['header.stamp', 'header_stamp', 'timestamp'],
      ['header.frame_id', 'header_frame_id', 'utf8'],
      ['t', 't_2', 'float64'],
      ['odd.Name', 'odd_name', 'float64'],
      ['odd_name', 'odd_name_2', 'float64'],
      ['list', 'list', 'list_float64'],
      ['markers', 'markers', 'json'],
      ['maybe', 'maybe', 'utf8'],
      ['count', 'count', 'int64'],
    ]);
    const fields = def.schema.fields;
    expect(fields.slice(0, 3).map((f) => [f.name, f.nullable])).toEqual([
      ['t', false],
      ['log_time', false],
      ['drive_id', false],
    ]);
    expect(fields.slice(3).every((f) => f.nullable)).toBe(true);
    const stamp = fields.find((f) => f.name === 'header_stamp');
    expect(stamp && DataType.isTimestamp(stamp.type)).toBe(true);
    expect(stamp?.metadata.get('ros_field')).toBe('header.stamp');
    expect(stamp?.metadata.get('doc')).toContain('pkg/X field header.stamp');
  });

  it('kindOf leaves nulls and empty lists undecided', () => {
    expect(kindOf(null)).toBeUndefined();
    expect(kindOf(new FlatList('empty', []))).toBeUndefined();
    expect(kindOf(new FlatList('int64', [1n]))).toBe('list_int64');
  });
});
