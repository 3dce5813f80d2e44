import { MessageReader } from '@foxglove/rosmsg-serialization';
import { parse } from '@foxglove/rosmsg';
import { beforeAll, describe, expect, it } from 'vitest';
import { fileSource } from '../../core/fileSource.js';
import { DecodeError } from '../../core/errors.js';
import type { Reject } from '../../core/reject.js';
import { parseFields, stringField, type BagRecordHead } from '../../ingest/rosbag/bagRecord.js';
import { BagScan } from '../../ingest/rosbag/scanBag.js';
import type { LogChannel } from '../../ingest/rosmsg/RawMessage.js';
import type { Decompressors } from '../../ingest/rosmsg/LogMessage.js';
import { Ros1Cursor } from '../../ingest/rosmsg/Ros1Cursor.js';
import { loadDecompressors } from '../../ingest/rosmsg/decompressors.js';
import { messageDecoder } from '../../ingest/rosmsg/messageDecoder.js';
import { walk } from './oracleCompare.js';

const files = await walk('../shared/data/rosbag', '.bag');

let decompress: Decompressors;
let total = 0;
beforeAll(async () => {
  decompress = await loadDecompressors();
});

// Oracle: @foxglove/rosmsg-serialization's own readMessage (a fresh reader per message). Every message of
// every real bag must decode to the same value through the reused cursor.
describe('the reused ROS 1 cursor decodes like readMessage', () => {
  it.each(files)('%s', async (path) => {
    const scan = new RecordingScan(fileSource(path), path, decompress);
    try {
      await scan.open();
    } catch (error) {
      // Bags that are not bags (empty, bad magic) are other tests' business.
      expect(error).toBeInstanceOf(DecodeError);
      return;
    }
    const index = await scan.readIndex([]);
    const oracles = new Map<LogChannel, MessageReader>();
    let compared = 0;
    for await (const contents of scan.chunks(index, [])) {
      for (const raw of contents.messages) {
        const decoder = raw.channel.decoder;
        if (decoder === undefined) continue;
        let oracle = oracles.get(raw.channel);
        if (oracle === undefined) {
          oracle = new MessageReader(parse(scan.definitions.get(raw.channel) ?? ''));
          oracles.set(raw.channel, oracle);
        }
        let expected: unknown;
        try {
          expected = oracle.readMessage(raw.data);
        } catch {
          expect(() => decoder.decode(raw.data)).toThrow();
          continue;
        }
        expect(decoder.decode(raw.data)).toEqual(expected);
        compared++;
      }
    }
    total += compared;
  });

  it('compared messages of every kind in the corpus', () => {
    expect(total).toBeGreaterThan(1000);
  });
});

/** Keeps each connection's definition text, for the oracle reader. */
class RecordingScan extends BagScan {
  readonly definitions = new Map<LogChannel, string>();

  override async addConnection(
    head: BagRecordHead,
    rejects: Reject[],
    chunkData?: Uint8Array,
  ): Promise<LogChannel> {
    const channel = await super.addConnection(head, rejects, chunkData);
    if (!this.definitions.has(channel)) {
      const data = chunkData ?? (await this.window.read(head.dataOffset, head.dataLength));
      this.definitions.set(
        channel,
        stringField(parseFields(data, head.offset, this.uri), 'message_definition') ?? '',
      );
    }
    return channel;
  }
}

describe('Ros1Cursor bounds', () => {
  it('throws instead of reading past the message into the rest of the buffer', () => {
    const buffer = new Uint8Array(64).fill(7);
    const decoder = messageDecoder('ros1', 'uint8[] data');
    // Length 10 claimed, 4 bytes of message: the bytes after the message are not its data.
    buffer.set([10, 0, 0, 0], 0);
    expect(() => decoder.decode(buffer.subarray(0, 8))).toThrow(RangeError);
    const cursor = new Ros1Cursor();
    cursor.reset(buffer.subarray(60, 64));
    expect(() => cursor.float64()).toThrow(RangeError);
  });

  it('gives back cached short strings only for equal bytes', () => {
    const decoder = messageDecoder('ros1', 'string a\nstring b');
    const enc = (a: string, b: string): Uint8Array => {
      const out: number[] = [];
      for (const s of [a, b]) {
        const bytes = Buffer.from(s, 'utf8');
        out.push(bytes.length, 0, 0, 0, ...bytes);
      }
      return Uint8Array.from(out);
    };
    expect(decoder.decode(enc('can0', 'can1'))).toEqual({ a: 'can0', b: 'can1' });
    expect(decoder.decode(enc('can1', 'can0'))).toEqual({ a: 'can1', b: 'can0' });
    expect(decoder.decode(enc('grüße', ''))).toEqual({ a: 'grüße', b: '' });
    expect(decoder.decode(enc('x'.repeat(40), 'y'))).toEqual({ a: 'x'.repeat(40), b: 'y' });
  });
});
