/**
 * CSS Electronics CANedge logs (bus logging, `CAN_DataFrame.*` channels; two of them unfinalised `UnFinMF `
 * with record counts and the last DT length never written). Oracles: the record counts come from walking the
 * record ids by hand; the absolute clock is checked against the GNSS time the logger's GPS module put on the
 * bus (canmod-gps DBC `gnss_time.Epoch`), which is independent of the MDF header and master channel.
 */
import { describe, expect, it } from 'vitest';
import type { CanFrame } from '../../ingest/can/frame.js';
import { compileDecoder } from '../../ingest/dbc/compileDecoder.js';
import { loadDbcFile } from '../../ingest/dbc/loadDbcFile.js';
import { readCanFrames } from '../../ingest/mdf4/readCanFrames.js';
import { MDF_ROOT, open } from './helpers.js';

const DBC = '../shared/data/dbc/css-electronics';

async function frames(path: string): Promise<{ frames: CanFrame[]; warnings: string[]; rejects: number }> {
  const file = await open(path);
  const out: CanFrame[] = [];
  let rejects = 0;
  for await (const batch of readCanFrames(file)) {
    out.push(...batch.records);
    rejects += batch.rejects.length;
  }
  return { frames: out, warnings: file.warnings, rejects };
}

interface Gnss {
  epochs: { frameS: number; epoch: number }[];
  positions: { lat: number; lon: number }[];
}

async function decodeGnss(list: CanFrame[]): Promise<Gnss> {
  const decoder = compileDecoder(await loadDbcFile(`${DBC}/canmod-gps.dbc`));
  const out: Gnss = { epochs: [], positions: [] };
  for (const frame of list) {
    const message = decoder.lookup(frame.id, frame.extended);
    if (!message) continue;
    const values = new Map<string, number>();
    message.decode(frame.data, { push: (_m, signal, value) => values.set(signal.name, value) });
    if (message.message.name === 'gnss_time' && values.get('TimeValid') === 1) {
      out.epochs.push({ frameS: Number(frame.t) / 1e9, epoch: values.get('Epoch') ?? Number.NaN });
    }
    if (message.message.name === 'gnss_pos' && values.get('PositionValid') === 1) {
      out.positions.push({
        lat: values.get('Latitude') ?? Number.NaN,
        lon: values.get('Longitude') ?? Number.NaN,
      });
    }
  }
  return out;
}

function countBy<T>(list: T[], key: (item: T) => string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const item of list) counts.set(key(item), (counts.get(key(item)) ?? 0) + 1);
  return counts;
}

describe('CANedge MF4 logs', () => {
  it('reads a finalised CANedge log: 5477 frames, GNSS on bus 2, OBD on bus 1', async () => {
    const {
      frames: list,
      warnings,
      rejects,
    } = await frames(`${MDF_ROOT}/css-electronics/00000005-60FEB5A8.MF4`);
    expect(warnings).toEqual([]);
    expect(rejects).toBe(0);
    expect(list.length).toBe(5477);
    const ids = countBy(list, (f) => `${f.bus}:${f.extended ? 'x' : ''}${f.id.toString(16)}`);
    expect(ids.get('2:9')).toBe(4518); // gnss_imu
    expect(ids.get('1:7e8')).toBe(541); // OBD-II responses
    expect(ids.get('1:x17f00010')).toBe(90);
    for (let id = 1; id <= 8; id++) expect(ids.get(`2:${id}`)).toBe(41);
    for (const frame of list) {
      expect(frame.data.length).toBe(frame.dlc);
      expect(frame.extended ? frame.id <= 0x1fffffff : frame.id <= 0x7ff).toBe(true);
    }
    for (let i = 1; i < list.length; i++) expect(list[i]!.t >= list[i - 1]!.t).toBe(true);

    const gnss = await decodeGnss(list);
    expect(gnss.epochs.length).toBe(41);
    // The logger clock (HD start + master) and GPS time agree within a few seconds (RTC drift, fix latency).
    for (const { frameS, epoch } of gnss.epochs) expect(Math.abs(frameS - epoch)).toBeLessThan(5);
    // Horsens, Denmark.
    for (const { lat, lon } of gnss.positions) {
      expect(lat).toBeGreaterThan(55.8);
      expect(lat).toBeLessThan(55.95);
      expect(lon).toBeGreaterThan(9.8);
      expect(lon).toBeLessThan(10.0);
    }
  });

  it('reads an unfinalised log with VLSD payloads (record counts from the data), with warnings', async () => {
    const {
      frames: list,
      warnings,
      rejects,
    } = await frames(`${MDF_ROOT}/css-electronics/LOG/2F6913DB/00000004/00000001.MF4`);
    expect(warnings.some((w) => w.includes('unfinalised file'))).toBe(true);
    expect(warnings.some((w) => /unfinalised last data block at 0x[0-9a-f]+/.test(w))).toBe(true);
    expect(rejects).toBe(0);
    expect(list.length).toBe(5588);
    const ids = countBy(list, (f) => `${f.bus}:${f.id.toString(16)}`);
    expect(ids.get('2:9')).toBe(4724);
    expect(ids.get('1:7bb')).toBe(169);
    expect(list[0]!.t).toBe(1_641_469_561_949_700_000n);
    const gnss = await decodeGnss(list);
    expect(gnss.epochs.length).toBeGreaterThan(30);
    for (const { frameS, epoch } of gnss.epochs) expect(Math.abs(frameS - epoch)).toBeLessThan(20);
    // Aarhus, Denmark.
    expect(gnss.positions.length).toBeGreaterThan(30);
    for (const { lat, lon } of gnss.positions) {
      expect(Math.abs(lat - 56.15)).toBeLessThan(0.05);
      expect(Math.abs(lon - 10.17)).toBeLessThan(0.05);
    }
  });

  it('reads an unfinalised UDS log: 2010 frames on ids 0x7ec and 0x7bb', async () => {
    const { frames: list } = await frames(`${MDF_ROOT}/css-electronics/LOG/17BD1DB7/00000006/00000170.MF4`);
    expect(list.length).toBe(2010);
    const ids = countBy(list, (f) => `${f.bus}:${f.id.toString(16)}:${f.dlc}`);
    expect(Object.fromEntries(ids)).toEqual({ '1:7ec:8': 1110, '1:7bb:8': 900 });
    expect(list.every((f) => f.direction === 'rx' && !f.fd)).toBe(true);
  });
});
