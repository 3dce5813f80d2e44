import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { parseDecimalSecondsNs } from '../../core/time.js';
import { openCanLog } from '../../ingest/can/readCanLog.js';
import { readCandump } from '../../ingest/can/readCandump.js';
import { fileSource } from '../../core/fileSource.js';
import { chunked, collect, hex } from './collect.js';

/** A real 60 s RAV4 drive segment from comma2k19, converted to candump -L: 135,468 frames on 4 buses. */
const PATH = '../shared/data/drives/comma2k19/derived/rav4_2018-08-02_seg40.candump.log';

describe('comma2k19 RAV4 candump log', () => {
  it('reads every frame, equal to a plain regex parse of each line', async () => {
    const log = await openCanLog(fileSource(PATH), { uri: PATH });
    expect(log.format).toBe('candump');
    const { frames, rejects } = await collect(log.batches);
    expect(rejects).toEqual([]);
    expect(frames).toHaveLength(135_468);

    expect(frames[0]).toMatchObject({
      t: 1533226488230547000n,
      bus: 'can0',
      id: 0x260,
      extended: false,
      dlc: 8,
    });
    expect(hex(frames[0]?.data ?? new Uint8Array())).toBe('08fffb0000001884');
    expect(frames.at(-1)).toMatchObject({ t: 1533226548223246000n, bus: 'can0', id: 0x260, dlc: 8 });
    expect(hex(frames.at(-1)?.data ?? new Uint8Array())).toBe('08fffc0000ff036f');
    expect(new Set(frames.map((f) => f.bus))).toEqual(new Set(['can0', 'can1', 'can128', 'can129']));

    // Independent slow oracle: one regex per line.
    const lines = (await readFile(PATH, 'latin1')).split('\n').filter((line) => line !== '');
    const differences: string[] = [];
    lines.forEach((line, i) => {
      const m = /^\((\d+\.\d+)\) (\S+) ([0-9A-F]{3})#([0-9A-F]*)$/.exec(line);
      const f = frames[i];
      if (!m || !f) return differences.push(`line ${i + 1}: ${line}`);
      const ok =
        f.t === parseDecimalSecondsNs(m[1] ?? '') &&
        f.bus === m[2] &&
        f.id === parseInt(m[3] ?? '', 16) &&
        hex(f.data) === (m[4] ?? '').toLowerCase() &&
        f.dlc === (m[4] ?? '').length / 2 &&
        !f.extended &&
        !f.fd &&
        !f.remote &&
        !f.error &&
        f.direction === undefined;
      if (!ok) differences.push(`line ${i + 1}: ${line}`);
      return undefined;
    });
    expect(differences.slice(0, 10)).toEqual([]);
    // Timestamps in this log never go back.
    expect(frames.every((f, i) => i === 0 || f.t >= (frames[i - 1]?.t ?? 0n))).toBe(true);
  });

  it('gives the same frames whatever the chunk boundaries', async () => {
    const bytes = (await readFile(PATH)).subarray(0, 1_000_000);
    const whole = await collect(readCandump(chunked(bytes), { uri: PATH }));
    // Odd chunk sizes put boundaries inside timestamps, ids, data and line ends.
    const pieces = await collect(
      readCandump(chunked(bytes, [1, 7, 4093, 13, 65536, 2, 30]), { uri: PATH, batchSize: 777 }),
    );
    expect(pieces.rejects).toEqual(whole.rejects);
    expect(pieces.frames.length).toBe(whole.frames.length);
    expect(whole.frames.length).toBeGreaterThan(20_000);
    const diff = pieces.frames.findIndex((f, i) => {
      const g = whole.frames[i];
      return !g || f.t !== g.t || f.bus !== g.bus || f.id !== g.id || hex(f.data) !== hex(g.data);
    });
    expect(diff).toBe(-1);
  });
});
