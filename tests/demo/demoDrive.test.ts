import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { generateDemoDrive } from '../../ingest/demo/generateDemoDrive.js';
import { packSignal } from '../../ingest/demo/packSignal.js';
import { parseDbc } from '../../ingest/dbc/parseDbc.js';
import { compileDecoder } from '../../ingest/dbc/compileDecoder.js';
import type { DbcMessage, DbcSignal } from '../../ingest/dbc/model.js';
import { readCandump } from '../../ingest/can/readCandump.js';
import { readNmea } from '../../ingest/nmea/readNmea.js';
import type { GpsFix } from '../../ingest/nmea/gpsFix.js';

function linesAsStream(lines: Iterable<string>): AsyncIterable<Uint8Array> {
  return Readable.from(chunks(lines));
}

function* chunks(lines: Iterable<string>): Iterable<Uint8Array> {
  const encoder = new TextEncoder();
  let chunk: string[] = [];
  for (const line of lines) {
    chunk.push(line);
    if (chunk.length === 1000) {
      yield encoder.encode(chunk.join('\n') + '\n');
      chunk = [];
    }
  }
  if (chunk.length) yield encoder.encode(chunk.join('\n') + '\n');
}

describe('demo drive generator', () => {
  const drive = generateDemoDrive({ seed: 3 });

  it('is reproducible from its seed and differs between seeds', () => {
    const again = generateDemoDrive({ seed: 3 });
    expect([...again.candump()].slice(0, 500)).toEqual([...drive.candump()].slice(0, 500));
    expect(again.groundTruth).toEqual(drive.groundTruth);
    expect(generateDemoDrive({ seed: 4 }).groundTruth.maneuvers).not.toEqual(drive.groundTruth.maneuvers);
  });

  it('scripts every maneuver the scenario detectors will look for', () => {
    const types = new Set(drive.groundTruth.maneuvers.map((m) => m.type));
    expect([...types].sort()).toEqual(
      ['accelerate', 'hard_brake', 'high_velocity', 'lane_change', 'left_turn', 'right_turn', 'stop'].sort(),
    );
    for (const m of drive.groundTruth.maneuvers) expect(BigInt(m.end_ns)).toBeGreaterThan(BigInt(m.start_ns));
    const high = drive.groundTruth.maneuvers.find((m) => m.type === 'high_velocity');
    expect(high).toBeDefined();
    // Speed stays above 120 km/h inside the high_velocity interval.
    const start = Number(BigInt(high?.start_ns ?? '0') - drive.startNs) / 1e9;
    const end = Number(BigInt(high?.end_ns ?? '0') - drive.startNs) / 1e9;
    const inside = drive.states.filter((s) => s.time > start + 0.05 && s.time < end - 0.05);
    expect(inside.length).toBeGreaterThan(100);
    expect(Math.min(...inside.map((s) => s.speed * 3.6))).toBeGreaterThan(120);
  });

  it('encodes CAN signals that the DBC decoder reads back as the simulated state', async () => {
    const db = parseDbc(drive.dbc, { uri: 'demo.dbc' });
    expect(db.warnings).toEqual([]);
    const decoder = compileDecoder(db);
    const speeds: { t: bigint; kmh: number }[] = [];
    const seen = new Set<string>();
    let unknown = 0;
    for await (const batch of readCandump(linesAsStream(drive.candump()), { uri: 'demo' })) {
      expect(batch.rejects).toEqual([]);
      for (const frame of batch.records) {
        const compiled = decoder.lookup(frame.id, frame.extended);
        if (!compiled) {
          unknown += 1;
          continue;
        }
        compiled.decode(frame.data, {
          push(message: DbcMessage, signal: DbcSignal, value: number) {
            seen.add(`${message.name}.${signal.name}`);
            if (signal.name === 'VEHICLE_SPEED') speeds.push({ t: frame.t, kmh: value });
          },
        });
      }
    }
    expect(unknown).toBeGreaterThan(0);
    expect(seen).toContain('DIAG.BATTERY_VOLTAGE');
    expect(seen).toContain('DIAG.COOLANT_TEMP');
    expect(seen).toContain('CCVS.WHEEL_BASED_SPEED');
    expect(seen).toContain('BODY.OUTSIDE_TEMP');
    // Compare with the true speed at the same tick (10 ms ticks from the drive start).
    let worst = 0;
    for (const { t, kmh } of speeds) {
      const k = Math.round(Number(t - drive.startNs) / 1e7);
      const state = drive.states[k];
      if (!state) continue;
      worst = Math.max(worst, Math.abs(kmh - state.speed * 3.6));
    }
    expect(speeds.length).toBeGreaterThan(1000);
    expect(worst).toBeLessThan(0.3); // 0.03 km/h noise sigma + 0.01 quantisation
  });

  it('writes NMEA on the same clock as the CAN log', async () => {
    const fixes: GpsFix[] = [];
    for await (const batch of readNmea(linesAsStream(drive.nmea()), { uri: 'gps.nmea' })) {
      expect(batch.rejects).toEqual([]);
      fixes.push(...batch.records);
    }
    expect(fixes.length).toBe(Math.ceil(drive.states.length / 10));
    expect(fixes[0]?.t).toBe(drive.startNs);
    const last = fixes.at(-1);
    expect(last?.lat).toBeCloseTo(48.0675, 1);
    expect(last?.speed).toBeLessThan(0.5);
  });
});

describe('packSignal', () => {
  it('places Motorola signals by their most significant bit, sawtooth numbering', () => {
    const data = new Uint8Array(8);
    // 16-bit big-endian at start bit 7 is bytes 0..1 in network order.
    packSignal(data, 0x1234n, { start: 7, length: 16, byteOrder: 'big_endian' });
    expect([...data.subarray(0, 2)]).toEqual([0x12, 0x34]);
    const crossing = new Uint8Array(8);
    // 12 bits starting at bit 3: 4 bits in byte 0 (bits 3..0), 8 bits in byte 1.
    packSignal(crossing, 0xabcn, { start: 3, length: 12, byteOrder: 'big_endian' });
    expect([...crossing.subarray(0, 2)]).toEqual([0x0a, 0xbc]);
  });

  it('writes negative values in two’s complement and refuses bits outside the payload', () => {
    const data = new Uint8Array(2);
    packSignal(data, -2n, { start: 0, length: 16, byteOrder: 'little_endian' });
    expect([...data]).toEqual([0xfe, 0xff]);
    expect(() =>
      packSignal(new Uint8Array(1), 1n, { start: 4, length: 8, byteOrder: 'little_endian' }),
    ).toThrow(RangeError);
  });

  it('packs numbers exactly as bigints (the fast path agrees with the BigInt path)', () => {
    let seed = 7;
    const next = (): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31);
    for (let k = 0; k < 2000; k++) {
      const length = 1 + (next() % 31);
      const byteOrder = next() % 2 === 0 ? 'little_endian' : 'big_endian';
      const start = byteOrder === 'little_endian' ? next() % (64 - length + 1) : 7 + 8 * (next() % 4);
      const raw = (next() % 2 ** length) - (next() % 2 === 0 ? 0 : 2 ** (length - 1));
      const a = new Uint8Array(8);
      const b = new Uint8Array(8);
      const position = { start, length, byteOrder } as const;
      packSignal(a, raw, position);
      packSignal(b, BigInt(raw), position);
      expect([...a], `${raw} @${start}|${length}@${byteOrder}`).toEqual([...b]);
    }
  });
});
