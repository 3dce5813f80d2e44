import { describe, expect, it } from 'vitest';
import {
  parseFields,
  scanChunkRecordHead,
  u32,
  type ChunkRecordHead,
} from '../../ingest/rosbag/bagRecord.js';

function header(fields: [string, number[]][]): Uint8Array {
  const parts: number[] = [];
  for (const [name, value] of fields) {
    const bytes = [...Buffer.from(`${name}=`, 'latin1'), ...value];
    parts.push(bytes.length & 0xff, (bytes.length >> 8) & 0xff, 0, 0, ...bytes);
  }
  return Uint8Array.from(parts);
}

const le32 = (n: number): number[] => [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, n >>> 24];

function scan(bytes: Uint8Array): ChunkRecordHead | undefined {
  const out: ChunkRecordHead = { op: 0, conn: 0, timeAt: 0 };
  return scanChunkRecordHead(bytes, 0, bytes.byteLength, out) ? out : undefined;
}

describe('scanChunkRecordHead agrees with parseFields', () => {
  it('finds op, conn and time in any order, among other fields', () => {
    const bytes = header([
      ['topic', [...Buffer.from('/can/rx')]],
      ['time', [...le32(1_700_000_000), ...le32(5)]],
      ['conn', le32(70000)],
      ['op', [2]],
    ]);
    const head = scan(bytes);
    const fields = parseFields(bytes, 0, 'mem');
    expect(head?.op).toBe(fields.get('op')?.[0]);
    expect(head?.conn).toBe(u32(fields.get('conn')!, 0));
    expect(u32(bytes, head!.timeAt)).toBe(1_700_000_000);
    expect(u32(bytes, head!.timeAt + 4)).toBe(5);
  });

  it('marks missing or short fields -1', () => {
    expect(
      scan(
        header([
          ['op', [2]],
          ['conn', [1, 0]],
          ['time', le32(1)],
        ]),
      ),
    ).toEqual({
      op: 2,
      conn: -1,
      timeAt: -1,
    });
    expect(scan(header([['connx', le32(1)]]))).toEqual({ op: -1, conn: -1, timeAt: -1 });
  });

  it('rejects what parseFields rejects', () => {
    const good = header([['op', [2]]]);
    const cases = [
      Uint8Array.from([...good, 9, 0, 0, 0, 1]), // field length past the end
      Uint8Array.from([...good, 1, 0]), // trailing bytes
      Uint8Array.from([3, 0, 0, 0, 0x61, 0x62, 0x63]), // no '='
    ];
    for (const bytes of cases) {
      expect(scan(bytes)).toBeUndefined();
      expect(() => parseFields(bytes, 0, 'mem')).toThrow();
    }
  });
});
