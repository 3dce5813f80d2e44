import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { fileSource } from '../../core/fileSource.js';
import { PartitionedTableWriter } from '../../catalog/tableWriter.js';
import type { TableDef } from '../../catalog/tables.js';
import type { LocalObjectStore } from '../../catalog/localObjectStore.js';
import { readBag } from '../../ingest/rosbag/readBag.js';
import type { Decompressors, LogMessage } from '../../ingest/rosmsg/LogMessage.js';
import { loadDecompressors } from '../../ingest/rosmsg/decompressors.js';
import { GenericTopicTables } from '../../ingest/topics/GenericTopicTables.js';
import { openDuck, sqlString } from '../catalog/duckdb.js';
import { tempLake } from '../catalog/tempLake.js';

const BAG = '../shared/data/rosbag/foxglove-rosbag/example.bag';
const ORACLE = '../shared/data/rosbag/foxglove-rosbag/expected-generated/example.bag.rosbag-summary.json';

interface OracleMessage {
  record_time: { secs: number; nsecs: number };
  msg: Record<string, unknown>;
}

interface Oracle {
  topics: Record<string, { type: string; count: number }>;
  first_two_messages: Record<string, OracleMessage[]>;
}

let decompress: Decompressors;
beforeAll(async () => {
  decompress = await loadDecompressors();
});

function writerFactory(store: LocalObjectStore) {
  return (def: TableDef) =>
    new PartitionedTableWriter<Record<string, unknown>>({ store, table: def, vehicle: 'v1', driveId: 'd1' });
}

function tableGlob(store: LocalObjectStore, table: string): string {
  return sqlString(join(store.root, 'tables', table, '**/*.parquet'));
}

function message(topic: string, logTime: bigint, body: unknown, headerStamp?: bigint): LogMessage {
  const m: LogMessage = {
    topic,
    schemaName: 'pkg/Test',
    encoding: 'ros1',
    logTime,
    message: body,
    ref: { uri: 'mem://x', offset: 0, length: 0, compressed: false },
  };
  if (headerStamp !== undefined) m.headerStamp = headerStamp;
  return m;
}

describe('GenericTopicTables', () => {
  it('writes every topic of example.bag with the oracle row counts and first values', async () => {
    const oracle = JSON.parse(readFileSync(ORACLE, 'utf8')) as Oracle;
    const store = await tempLake();
    // A small batch so topics flush several times and the schema comes from the first batch only.
    const tables = new GenericTopicTables({ writerFor: writerFactory(store), batchRows: 500 });
    for await (const batch of readBag(fileSource(BAG), { decompress })) {
      expect(batch.rejects).toEqual([]);
      await tables.add(batch.records);
    }
    const files = await tables.close();
    const counts = tables.counts;
    expect(Object.keys(counts).sort()).toEqual(Object.keys(oracle.topics).sort());
    expect(files.reduce((sum, f) => sum + f.rows, 0)).toBe(8647);

    const duck = await openDuck();
    try {
      for (const [topic, expected] of Object.entries(oracle.topics)) {
        const count = counts[topic];
        expect(count?.rows, topic).toBe(expected.count);
        expect(count?.schemaName).toBe(expected.type);
        expect(count?.droppedFields).toEqual({});
        expect(count?.typeConflicts).toEqual({});
        const table = count?.table ?? '';
        const [row] = await duck.rows(`SELECT count(*) AS n FROM read_parquet(${tableGlob(store, table)})`);
        expect(row?.n, topic).toBe(BigInt(expected.count));
      }
      expect(counts['/turtle1/pose']?.table).toBe('topics_turtle1_pose');

      // Pose: float32 fields read as doubles; the oracle prints the same float32 values as doubles.
      for (const topic of ['/turtle1/pose', '/turtle2/pose']) {
        const first = oracle.first_two_messages[topic]?.[0];
        const [row] = await duck.rows(
          `SELECT x, y, theta, linear_velocity, epoch_ns(log_time) AS log_us, epoch_ns(t) AS t_ns
           FROM read_parquet(${tableGlob(store, counts[topic]?.table ?? '')}) ORDER BY log_time LIMIT 1`,
        );
        expect(row?.x).toBe(first?.msg.x);
        expect(row?.y).toBe(first?.msg.y);
        expect(row?.theta).toBe(first?.msg.theta);
        expect(row?.linear_velocity).toBe(first?.msg.linear_velocity);
        // No header: t is the record time, floored to microseconds.
        const recordNs =
          BigInt(first?.record_time.secs ?? 0) * 1_000_000_000n + BigInt(first?.record_time.nsecs ?? 0);
        expect(row?.t_ns).toBe((recordNs / 1000n) * 1000n);
      }

      // rosout: header stamp as t, strings, string list.
      const log = oracle.first_two_messages['/rosout']?.[0]?.msg as {
        header: { seq: number; stamp: { secs: number; nsecs: number }; frame_id: string };
        level: number;
        name: string;
        line: number;
        topics: string[];
      };
      const [rosout] = await duck.rows(
        `SELECT epoch_ns(t) AS t_ns, epoch_ns(header_stamp) AS stamp_ns, header_seq, level, name, line, topics
         FROM read_parquet(${tableGlob(store, 'topics_rosout')}) ORDER BY log_time, header_seq LIMIT 1`,
      );
      const stampNs = BigInt(log.header.stamp.secs) * 1_000_000_000n + BigInt(log.header.stamp.nsecs);
      expect(rosout?.t_ns).toBe((stampNs / 1000n) * 1000n);
      expect(rosout?.stamp_ns).toBe((stampNs / 1000n) * 1000n);
      expect(rosout?.header_seq).toBe(log.header.seq);
      expect(rosout?.level).toBe(log.level);
      expect(rosout?.name).toBe(log.name);
      expect(rosout?.line).toBe(log.line);
      expect(rosout?.topics).toEqual(log.topics);

      // tf: an array of messages is JSON text.
      const tf = oracle.first_two_messages['/tf_static']?.[0]?.msg as {
        transforms: { child_frame_id: string }[];
      };
      const [tfRow] = await duck.rows(
        `SELECT json_extract_string(transforms, '$[0].child_frame_id') AS child,
                json_extract(transforms, '$[0].transform.translation.x')::DOUBLE AS x
         FROM read_parquet(${tableGlob(store, 'topics_tf_static')})`,
      );
      expect(tfRow?.child).toBe(tf.transforms[0]?.child_frame_id);
      expect(tfRow?.x).toBe(1);

      const described = await duck.rows(
        `DESCRIBE SELECT * FROM read_parquet(${tableGlob(store, 'topics_turtle1_cmd_vel')})`,
      );
      expect(described.map((r) => [r.column_name, r.column_type])).toEqual([
        ['t', 'TIMESTAMP WITH TIME ZONE'],
        ['log_time', 'TIMESTAMP WITH TIME ZONE'],
        ['drive_id', 'VARCHAR'],
        ['linear_x', 'DOUBLE'],
        ['linear_y', 'DOUBLE'],
        ['linear_z', 'DOUBLE'],
        ['angular_x', 'DOUBLE'],
        ['angular_y', 'DOUBLE'],
        ['angular_z', 'DOUBLE'],
        // Hive partition columns from the path.
        ['date', 'DATE'],
        ['vehicle', 'VARCHAR'],
      ]);
    } finally {
      duck.close();
    }
  });

  it('drops fields the first batch did not have and nulls values of another type, counting both', async () => {
    const store = await tempLake();
    const tables = new GenericTopicTables({ writerFor: writerFactory(store), batchRows: 2 });
    const s = 1_700_000_000_000_000_000n;
    await tables.add([
      message('/x', s, {
        a: 1,
        tags: [],
        blob: { $blob: { uri: 'u', offset: 5, length: 6, compressed: true }, size: 9 },
      }),
      message('/x', s + 1000n, { a: 2, tags: ['p'] }, s + 5000n),
      message('/x', s + 2000n, { a: 'three', tags: [1], extra: true }),
      message('/x', s + 3000n, { a: 4, tags: [], extra: false }),
      message('/y', s, { v: 1n << 63n }),
    ]);
    await tables.close();
    expect(tables.counts['/x']).toEqual({
      table: 'topics_x',
      schemaName: 'pkg/Test',
      rows: 4,
      droppedFields: { extra: 2 },
      typeConflicts: { a: 1, tags: 1 },
      oversized: {},
    });
    // 2^63 does not fit int64: the column is int64 (from the sample) and the value null.
    expect(tables.counts['/y']?.typeConflicts).toEqual({ v: 1 });

    const duck = await openDuck();
    try {
      const rows = await duck.rows(
        `SELECT epoch_ns(t) AS t, a, tags, blob_uri, blob_offset, blob_length, blob_compressed, blob_size, blob_encoding
         FROM read_parquet(${tableGlob(store, 'topics_x')}) ORDER BY log_time`,
      );
      expect(rows).toEqual([
        {
          t: s,
          a: 1,
          tags: [],
          blob_uri: 'u',
          blob_offset: 5n,
          blob_length: 6n,
          blob_compressed: true,
          blob_size: 9n,
          blob_encoding: null,
        },
        ...[
          [s + 5000n, 2, ['p']],
          [s + 2000n, null, null],
          [s + 3000n, 4, []],
        ].map(([t, a, tags]) => ({
          t,
          a,
          tags,
          blob_uri: null,
          blob_offset: null,
          blob_length: null,
          blob_compressed: null,
          blob_size: null,
          blob_encoding: null,
        })),
      ]);
    } finally {
      duck.close();
    }
  });
});
