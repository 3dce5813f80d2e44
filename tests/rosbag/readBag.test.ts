import { readFileSync, existsSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { DecodeError } from '../../core/errors.js';
import { fileSource } from '../../core/fileSource.js';
import type { Reject } from '../../core/reject.js';
import { readBag } from '../../ingest/rosbag/readBag.js';
import { summarizeBag } from '../../ingest/rosbag/summarizeBag.js';
import type { Decompressors, LogMessage } from '../../ingest/rosmsg/LogMessage.js';
import { loadDecompressors } from '../../ingest/rosmsg/decompressors.js';
import { closeEnough, expectLikeOracle, walk } from './oracleCompare.js';

const ROOT = '../shared/data/rosbag';

interface OracleMessage {
  record_time: { secs: number; nsecs: number };
  msg: unknown;
}

interface Oracle {
  error?: string;
  message_count: number;
  start_time: number | null;
  end_time: number | null;
  topics: Record<string, { type: string; count: number }>;
  first_two_messages: Record<string, OracleMessage[]>;
  last_message: Record<string, OracleMessage>;
}

const bags = (await walk(ROOT, '.bag')).map((path) => ({
  path,
  oracle: join(dirname(path), 'expected-generated', `${basename(path)}.rosbag-summary.json`),
}));

let decompress: Decompressors;
beforeAll(async () => {
  decompress = await loadDecompressors();
});

function ns(time: { secs: number; nsecs: number }): bigint {
  return BigInt(time.secs) * 1_000_000_000n + BigInt(time.nsecs);
}

describe('readBag against python3-rosbag oracles', () => {
  it('finds bags with oracles', () => {
    expect(bags.filter((b) => existsSync(b.oracle)).length).toBeGreaterThan(0);
  });

  for (const { path, oracle: oraclePath } of bags.filter((b) => existsSync(b.oracle))) {
    it(basename(path), async () => {
      const oracle = JSON.parse(readFileSync(oraclePath, 'utf8')) as Oracle;
      const source = fileSource(path);
      if (oracle.error !== undefined) {
        await expect(summarizeBag(source, { decompress })).rejects.toBeInstanceOf(DecodeError);
        const read = async (): Promise<void> => {
          for await (const batch of readBag(source, { decompress })) void batch;
        };
        await expect(read()).rejects.toThrow(/empty file/);
        return;
      }

      const summary = await summarizeBag(source, { decompress });
      expect(summary.rejects).toEqual([]);
      expect(summary.messageCount).toBe(oracle.message_count);
      const byTopic: Record<string, { type: string; count: number }> = {};
      for (const t of summary.topics) {
        const entry = (byTopic[t.topic] ??= { type: t.schemaName, count: 0 });
        expect(entry.type).toBe(t.schemaName);
        entry.count += t.count;
      }
      expect(byTopic).toEqual(
        Object.fromEntries(
          Object.entries(oracle.topics).map(([k, v]) => [k, { type: v.type, count: v.count }]),
        ),
      );
      if (oracle.start_time === null) expect(summary.start).toBeUndefined();
      else expect(closeEnough(oracle.start_time, Number(summary.start) / 1e9)).toBe(true);
      if (oracle.end_time !== null)
        expect(closeEnough(oracle.end_time, Number(summary.end) / 1e9)).toBe(true);

      const seen = new Map<string, LogMessage[]>();
      const last = new Map<string, LogMessage>();
      const rejects: Reject[] = [];
      let previous = -1n;
      let total = 0;
      for await (const batch of readBag(source, { decompress })) {
        rejects.push(...batch.rejects);
        for (const m of batch.records) {
          expect(m.logTime >= previous, 'log-time order').toBe(true);
          previous = m.logTime;
          total++;
          const firsts = seen.get(m.topic) ?? [];
          if (firsts.length < 2) seen.set(m.topic, [...firsts, m]);
          last.set(m.topic, m);
        }
      }
      expect(rejects).toEqual([]);
      expect(total).toBe(oracle.message_count);
      for (const [topic, expected] of Object.entries(oracle.first_two_messages)) {
        const actual = seen.get(topic) ?? [];
        expect(actual.length, topic).toBe(expected.length);
        expected.forEach((e, i) => {
          expect(actual[i]!.logTime, `${topic}[${i}] time`).toBe(ns(e.record_time));
          expectLikeOracle(e.msg, actual[i]!.message, `${topic}[${i}]`);
        });
      }
      for (const [topic, expected] of Object.entries(oracle.last_message)) {
        const actual = last.get(topic);
        expect(actual?.logTime, `${topic} last time`).toBe(ns(expected.record_time));
        expectLikeOracle(expected.msg, actual?.message, `${topic} last`);
      }
    });
  }
});
