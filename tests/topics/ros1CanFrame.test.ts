import { parse } from '@foxglove/rosmsg';
import { MessageWriter } from '@foxglove/rosmsg-serialization';
import { describe, expect, it } from 'vitest';
import type { PartitionedTableWriter } from '../../catalog/tableWriter.js';
import type { CanFrame } from '../../ingest/can/frame.js';
import { demoDefinitionText } from '../../ingest/demo/demoRosMessages.js';
import type { LogMessage } from '../../ingest/rosmsg/LogMessage.js';
import { RawMessage, type LogChannel } from '../../ingest/rosmsg/RawMessage.js';
import { headerStampNs, messageDecoder } from '../../ingest/rosmsg/messageDecoder.js';
import { canFrameRow } from '../../ingest/topics/mapMessage.js';
import { Ros1CanFrameReader } from '../../ingest/topics/ros1CanFrame.js';
import { TopicTables } from '../../ingest/topics/topicTables.js';

const FRAME = demoDefinitionText('can_msgs/Frame');
const LOG_TIME = 1_700_000_000_123_456_789n;

interface FrameFields {
  frameId: string;
  sec: number;
  nsec: number;
  id: number;
  rtr?: boolean;
  extended?: boolean;
  error?: boolean;
  dlc: number;
}

/** Messages covering the mapping's cases: DLC below, at and above 8, flags, empty and non-ASCII frame ids. */
const FRAMES: FrameFields[] = [
  { frameId: 'can0', sec: 1_700_000_000, nsec: 5, id: 0x123, dlc: 8 },
  { frameId: 'can0', sec: 1_700_000_000, nsec: 0, id: 0x7ff, dlc: 3 },
  { frameId: 'can1', sec: 1_700_000_001, nsec: 999_999_999, id: 0x1fff_ffff, extended: true, dlc: 0 },
  { frameId: 'can0', sec: 0, nsec: 0, id: 0x10, dlc: 15 },
  { frameId: '', sec: 1_700_000_002, nsec: 1, id: 0x11, rtr: true, dlc: 8 },
  { frameId: 'cañ0', sec: 1_700_000_002, nsec: 2, id: 0x12, error: true, dlc: 8 },
  // Same length as the non-ASCII id just before, and ASCII: must not be taken for it.
  { frameId: 'can00', sec: 1_700_000_002, nsec: 3, id: 0x13, dlc: 2 },
  { frameId: 'can0', sec: 0, nsec: 7, id: 0x14, dlc: 8 },
];

function channelOf(definition: string, encoding: LogChannel['encoding'] = 'ros1'): LogChannel {
  return {
    topic: '/can/rx',
    schemaName: 'can_msgs/Frame',
    encoding,
    decoder: messageDecoder('ros1', definition),
  };
}

/** Serialized frames, back to back in one buffer as in a chunk. */
function chunkOf(channel: LogChannel, definition: string, frames: readonly FrameFields[]): RawMessage[] {
  const writer = new MessageWriter(parse(definition, { ros2: false }));
  const parts = frames.map((f, k) =>
    writer.writeMessage({
      header: { seq: k, stamp: { sec: f.sec, nsec: f.nsec }, frame_id: f.frameId },
      id: f.id,
      is_rtr: f.rtr === true,
      is_extended: f.extended === true,
      is_error: f.error === true,
      dlc: f.dlc,
      data: new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8].map((b) => b + 16 * k)),
      extra: 9,
    }),
  );
  const chunk = new Uint8Array(parts.reduce((n, p) => n + p.byteLength + 3, 0));
  const messages: RawMessage[] = [];
  let at = 0;
  for (const part of parts) {
    at += 3;
    chunk.set(part, at);
    const ref = { uri: 'mem', offset: 0, length: chunk.byteLength, compressed: true };
    messages.push(new RawMessage(channel, LOG_TIME, undefined, chunk, at, part.byteLength, undefined, ref));
    at += part.byteLength;
  }
  return messages;
}

/** The generic mapping of the decoded message: the oracle for the fast path. */
function decodedRow(m: RawMessage): CanFrame {
  const message = messageDecoder('ros1', FRAME).decode(m.data);
  const stamp = headerStampNs(message);
  return canFrameRow({
    topic: m.topic,
    schemaName: m.schemaName,
    logTime: m.logTime,
    message,
    ...(stamp === undefined ? {} : { headerStamp: stamp }),
  });
}

describe('Ros1CanFrameReader', () => {
  it('reads the same can_frames rows as mapping the decoded message', () => {
    const channel = channelOf(FRAME);
    const reader = new Ros1CanFrameReader();
    const messages = chunkOf(channel, FRAME, FRAMES);
    for (const m of messages) {
      expect(reader.accepts(m)).toBe(true);
      expect(reader.read(m)).toEqual(decodedRow(m));
    }
    // Spot checks against the fields written, so that a shared mistake of both paths shows too.
    const rows = messages.map((m) => reader.read(m));
    expect(rows.map((r) => r.bus)).toEqual([
      'can0',
      'can0',
      'can1',
      'can0',
      '/can/rx',
      'cañ0',
      'can00',
      'can0',
    ]);
    expect(rows.map((r) => r.data.length)).toEqual([8, 3, 0, 8, 8, 8, 2, 8]);
    expect(rows[3]!.t).toBe(LOG_TIME);
    expect(rows[7]!.t).toBe(7n);
    expect(rows[2]!.t).toBe(1_700_000_001_999_999_999n);
    expect([rows[2]!.extended, rows[4]!.remote, rows[5]!.error]).toEqual([true, true, true]);
    expect(rows[0]!.data).toEqual(new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]));
  });

  it('declines frames whose definition differs from can_msgs/Frame, and non-ROS 1 channels', () => {
    const reader = new Ros1CanFrameReader();
    const extra = FRAME.replace('uint8[8] data', 'uint8[8] data\nuint8 extra');
    const renamed = FRAME.replace('uint32 id', 'uint32 can_id');
    for (const definition of [extra, renamed]) {
      const [m] = chunkOf(channelOf(definition), definition, FRAMES.slice(0, 1));
      expect(reader.accepts(m!)).toBe(false);
    }
    const [cdr] = chunkOf(channelOf(FRAME, 'cdr'), FRAME, FRAMES.slice(0, 1));
    expect(new Ros1CanFrameReader().accepts(cdr!)).toBe(false);
  });
});

describe('TopicTables with ROS 1 CAN frames', () => {
  it('hands CanTables the same frames from undecoded bag messages as from decoded ones', async () => {
    const run = async (messages: LogMessage[]): Promise<CanFrame[]> => {
      const frames: CanFrame[] = [];
      const none = {} as PartitionedTableWriter<never>;
      const tables = new TopicTables(
        {
          gps: none,
          imu: none,
          egoMotion: none,
          can: { add: (f) => Promise.resolve(void frames.push(...f)) },
        },
        4,
        (text) => text.toUpperCase(),
      );
      const times: bigint[] = [];
      expect(await tables.add(messages, (t) => times.push(t))).toEqual([]);
      await tables.flush();
      expect(times).toEqual(frames.map((f) => f.t));
      expect(tables.counts.messages).toEqual({ '/can/rx': FRAMES.length });
      return frames;
    };
    const raw = chunkOf(channelOf(FRAME), FRAME, FRAMES);
    const plain: LogMessage[] = raw.map((m) => ({
      topic: m.topic,
      schemaName: m.schemaName,
      encoding: 'ros1',
      logTime: m.logTime,
      message: messageDecoder('ros1', FRAME).decode(m.data),
      ref: m.ref,
    }));
    const fast = await run(raw);
    expect(fast).toEqual(await run(plain));
    expect(fast.map((f) => f.bus)).toContain('CAN1');
  });
});
