import { parse } from '@foxglove/rosmsg';
import { MessageReader, MessageWriter } from '@foxglove/rosmsg-serialization';
import { beforeAll, describe, expect, it } from 'vitest';
import { fileSource } from '../../core/fileSource.js';
import { DecodeError } from '../../core/errors.js';
import { demoDefinitionText } from '../../ingest/demo/demoRosMessages.js';
import { readBag } from '../../ingest/rosbag/readBag.js';
import type { Decompressors } from '../../ingest/rosmsg/LogMessage.js';
import { RawMessage } from '../../ingest/rosmsg/RawMessage.js';
import { loadDecompressors } from '../../ingest/rosmsg/decompressors.js';
import { headerStampNs, messageDecoder } from '../../ingest/rosmsg/messageDecoder.js';
import { fitsLayout, ros1Layout } from '../../ingest/rosmsg/ros1Layout.js';
import { walk } from './oracleCompare.js';

const bags = await walk('../shared/data/rosbag', '.bag');
const HEADER = ['MSG: std_msgs/Header', 'uint32 seq', 'time stamp', 'string frame_id'].join('\n');
const SEP = `\n${'='.repeat(80)}\n`;
const PAIRS = ['string[2] names\nPair[2] pairs', 'MSG: pkg/Pair\nint16 a\nstring b'].join(SEP);

describe('ros1Layout', () => {
  it('describes header + fixed fields as fixed runs and strings, constants skipped', () => {
    const layout = ros1Layout(parse(demoDefinitionText('can_msgs/Frame'), { ros2: false }));
    // seq + stamp, frame_id, then id, three bools, dlc and uint8[8].
    expect(layout).toEqual({ parts: [12, -1, 16], headerFirst: true });
    const withConstant = ros1Layout(parse('int32 A=3\nfloat64 x\nstring name\nuint8 B=1', { ros2: false }));
    expect(withConstant).toEqual({ parts: [8, -1], headerFirst: false });
  });

  it('expands fixed arrays of strings and of nested types', () => {
    const text = PAIRS;
    expect(ros1Layout(parse(text, { ros2: false }))).toEqual({
      parts: [-1, -1, 2, -1, 2, -1],
      headerFirst: false,
    });
  });

  it('has no layout for variable-length arrays, at any depth', () => {
    expect(ros1Layout(parse('uint8[] data', { ros2: false }))).toBeUndefined();
    const nested = ['std_msgs/Header header\nItem item', 'MSG: pkg/Item\nfloat32[] values', HEADER];
    expect(ros1Layout(parse(nested.join(SEP), { ros2: false }))).toBeUndefined();
  });

  it('says headerFirst only for a std_msgs/Header shaped first field named header', () => {
    const other = ['Stamp header', 'MSG: pkg/Stamp\nuint32 seq\ntime when\nstring frame_id'].join(SEP);
    expect(ros1Layout(parse(other, { ros2: false }))?.headerFirst).toBe(false);
    expect(
      ros1Layout(parse(['float64 x\nstd_msgs/Header header', HEADER].join(SEP), { ros2: false }))
        ?.headerFirst,
    ).toBe(false);
  });
});

// Oracle: the generated ROS 1 reader. For every prefix of real messages (every cut, including inside
// strings and their length), `fitsLayout` must say "fits" exactly when the reader decodes without error.
describe('fitsLayout agrees with the decoder on every cut of a message', () => {
  const cases: { type: string; text: string; message: Record<string, unknown> }[] = [
    {
      type: 'can_msgs/Frame',
      text: demoDefinitionText('can_msgs/Frame'),
      message: {
        header: { seq: 7, stamp: { sec: 1, nsec: 2 }, frame_id: 'can0' },
        id: 0x123,
        is_rtr: false,
        is_extended: true,
        is_error: false,
        dlc: 8,
        data: new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]),
      },
    },
    {
      type: 'sensor_msgs/NavSatFix',
      text: demoDefinitionText('sensor_msgs/NavSatFix'),
      message: {
        header: { seq: 1, stamp: { sec: 3, nsec: 4 }, frame_id: 'gps' },
        status: { status: 0, service: 1 },
        latitude: 48.1,
        longitude: 11.5,
        altitude: 520,
        position_covariance: new Float64Array(9),
        position_covariance_type: 0,
      },
    },
    {
      type: 'strings',
      text: PAIRS,
      message: {
        names: ['ab', ''],
        pairs: [
          { a: 1, b: 'xyz' },
          { a: -2, b: 'grüße' },
        ],
      },
    },
  ];
  it.each(cases)('$type', ({ text, message }) => {
    const definitions = parse(text, { ros2: false });
    const layout = ros1Layout(definitions)!;
    expect(layout).toBeDefined();
    const bytes = new MessageWriter(definitions).writeMessage(message);
    const decoder = messageDecoder('ros1', text);
    // Inside a larger buffer, as in a chunk: the cut is by the length, not by the end of the buffer.
    const chunk = new Uint8Array(bytes.byteLength + 10);
    chunk.set(bytes, 5);
    for (let length = 0; length <= bytes.byteLength; length++) {
      let decodes = true;
      try {
        decoder.decodeRange(chunk, 5, length);
      } catch {
        decodes = false;
      }
      expect(fitsLayout(layout, chunk, 5, length), `length ${length}`).toBe(decodes);
    }
    expect(decoder.decodeRange(chunk, 5, bytes.byteLength)).toEqual(message);
  });
});

let decompress: Decompressors;
beforeAll(async () => {
  decompress = await loadDecompressors();
});

// The records of readBag decode on first access of `message` when their type has a layout: each must equal a
// fresh decode of its bytes, and `headerStamp` (read from the bytes while undecoded) the message's stamp.
describe('deferred decoding in readBag gives the same messages and stamps', () => {
  it.each(bags)('%s', async (path) => {
    let records = 0;
    let deferred = 0;
    try {
      for await (const batch of readBag(fileSource(path), { decompress })) {
        for (const record of batch.records) {
          expect(record).toBeInstanceOf(RawMessage);
          const raw = record as RawMessage;
          // Oracle: the library's own reader, a fresh one per message.
          const fresh = new MessageReader([...raw.channel.decoder!.definitions!]).readMessage(raw.data);
          if (raw.channel.decoder?.layout !== undefined) {
            deferred++;
            // Before `message` is read: the stamp comes from the bytes.
            expect(raw.headerStamp).toBe(headerStampNs(fresh));
          }
          expect(raw.message).toEqual(fresh);
          expect(raw.headerStamp).toBe(headerStampNs(fresh));
          records++;
        }
      }
    } catch (error) {
      expect(error).toBeInstanceOf(DecodeError);
      return;
    }
    if (records > 0) expect(deferred).toBeGreaterThan(0);
  });
});
