import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { McapIndexedReader } from '@mcap/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { fileSource } from '../../core/fileSource.js';
import type { Reject } from '../../core/reject.js';
import { parseRos2Metadata } from '../../ingest/mcap/parseRos2Metadata.js';
import { readMcap } from '../../ingest/mcap/readMcap.js';
import { readRos2BagFolder } from '../../ingest/mcap/readRos2BagFolder.js';
import { summarizeMcap } from '../../ingest/mcap/summarizeMcap.js';
import type { Decompressors, LogMessage } from '../../ingest/rosmsg/LogMessage.js';
import { loadDecompressors } from '../../ingest/rosmsg/decompressors.js';
import { walk } from '../rosbag/oracleCompare.js';

const ROOT = '../shared/data/mcap';
const files = await walk(ROOT, '.mcap');

let decompress: Decompressors;
beforeAll(async () => {
  decompress = await loadDecompressors();
});

async function readAll(path: string): Promise<{ records: LogMessage[]; rejects: Reject[] }> {
  const records: LogMessage[] = [];
  const rejects: Reject[] = [];
  for await (const batch of readMcap(fileSource(path), { decompress })) {
    records.push(...batch.records);
    rejects.push(...batch.rejects);
  }
  return { records, rejects };
}

function countByTopic(records: LogMessage[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const m of records) counts[m.topic] = (counts[m.topic] ?? 0) + 1;
  return counts;
}

/** The writer's own Statistics record, read by @mcap/core: an oracle independent of our chunk parsing. */
async function statisticsCounts(path: string): Promise<Record<string, number> | undefined> {
  const bytes = readFileSync(path);
  const reader = await McapIndexedReader.Initialize({
    readable: {
      size: () => Promise.resolve(BigInt(bytes.byteLength)),
      read: (offset, length) => Promise.resolve(bytes.subarray(Number(offset), Number(offset + length))),
    },
  });
  if (reader.statistics === undefined) return undefined;
  const counts: Record<string, number> = {};
  for (const [id, n] of reader.statistics.channelMessageCounts) {
    const topic = reader.channelsById.get(id)?.topic ?? `#${id}`;
    if (n > 0n) counts[topic] = (counts[topic] ?? 0) + Number(n);
  }
  return counts;
}

describe('readMcap on real files', () => {
  it('finds MCAP files', () => {
    expect(files.length).toBeGreaterThan(0);
  });

  for (const path of files) {
    it(`${basename(path)}: decodes every message in log-time order`, async () => {
      const { records, rejects } = await readAll(path);
      expect(rejects).toEqual([]);
      for (let i = 1; i < records.length; i++)
        expect(records[i]!.logTime >= records[i - 1]!.logTime).toBe(true);
      const stats = await statisticsCounts(path);
      if (stats !== undefined) expect(countByTopic(records)).toEqual(stats);
      const summary = await summarizeMcap(fileSource(path), { decompress });
      expect(summary.messageCount).toBe(records.length);
      if (records.length > 0) {
        expect(summary.start).toBe(records[0]!.logTime);
        expect(summary.end).toBe(records.at(-1)!.logTime);
      }
    });
  }

  for (const path of files.filter((p) => existsSync(join(dirname(p), 'metadata.yaml')))) {
    it(`${basename(path)}: counts and types match rosbag2 metadata.yaml`, async () => {
      const metadata = parseRos2Metadata(readFileSync(join(dirname(path), 'metadata.yaml'), 'utf8'));
      expect(metadata.topics.length).toBeGreaterThan(0);
      const { records } = await readAll(path);
      const counts = countByTopic(records);
      for (const topic of metadata.topics)
        expect(counts[topic.name] ?? 0, topic.name).toBe(topic.messageCount);
      expect(records.length).toBe(metadata.messageCount);
      const types = new Map(metadata.topics.map((t) => [t.name, t.type]));
      for (const m of records) expect(m.schemaName).toBe(types.get(m.topic));
      const summary = await summarizeMcap(fileSource(path), { decompress });
      for (const topic of metadata.topics) {
        const found = summary.topics.filter((t) => t.topic === topic.name).reduce((n, t) => n + t.count, 0);
        expect(found, topic.name).toBe(topic.messageCount);
      }
    });
  }

  for (const folder of [...new Set(files.map(dirname))].filter((d) => existsSync(join(d, 'metadata.yaml')))) {
    it(`readRos2BagFolder ${basename(folder)}: all files in metadata order`, async () => {
      const text = readFileSync(join(folder, 'metadata.yaml'), 'utf8');
      const metadata = parseRos2Metadata(text);
      let total = 0;
      for await (const batch of readRos2BagFolder({
        metadata: text,
        uri: folder,
        open: (file) => fileSource(join(folder, file)),
        decompress,
      })) {
        expect(batch.rejects).toEqual([]);
        total += batch.records.length;
      }
      expect(total).toBe(metadata.messageCount);
    });
  }

  it('nav2_turtlebot.mcap: odometry and tf decode to sane values', async () => {
    const path = files.find((p) => basename(p) === 'nav2_turtlebot.mcap');
    expect(path).toBeDefined();
    const { records } = await readAll(path!);
    expect(countByTopic(records)).toEqual(await statisticsCounts(path!));
    const odom = records.find((m) => m.schemaName === 'nav_msgs/msg/Odometry');
    expect(odom?.encoding).toBe('cdr');
    const message = odom!.message as {
      header: { frame_id: string };
      child_frame_id: string;
      pose: {
        pose: { orientation: { x: number; y: number; z: number; w: number } };
        covariance: ArrayLike<number>;
      };
    };
    expect(message.header.frame_id).toBe('odom');
    expect(message.child_frame_id).toBe('base_link');
    const q = message.pose.pose.orientation;
    expect(Math.hypot(q.x, q.y, q.z, q.w)).toBeCloseTo(1, 6);
    expect(message.pose.covariance.length).toBe(36);
    expect(odom!.headerStamp).toBeTypeOf('bigint');
    const tf = records.find((m) => m.topic === '/tf')!.message as {
      transforms: { header: { frame_id: string } }[];
    };
    expect(tf.transforms.length).toBeGreaterThan(0);
    expect(tf.transforms[0]!.header.frame_id).toMatch(/\w/);
  });
});
