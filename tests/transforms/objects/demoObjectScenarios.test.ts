import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalObjectStore } from '../../../catalog/localObjectStore.js';
import { demoObjectScript } from '../../../ingest/demo/demoRosMessages.js';
import { generateDemoDrive, type DemoDrive } from '../../../ingest/demo/generateDemoDrive.js';
import { writeDemoMcap } from '../../../ingest/demo/writeDemoMcap.js';
import { ingestPaths } from '../../../ingest/ingestPaths.js';
import { detectDrive, type DetectReport } from '../../../transforms/detectDrive.js';
import { transformDrive } from '../../../transforms/transformDrive.js';

/** Scenario edges are ticks of the timeline (10 Hz by default) from 10 Hz object samples. */
const TOLERANCE_S = 0.3;
const OBJECT_TYPES = ['cyclist', 'pedestrian', 'vehicle_in_lane'];

/**
 * The demo MCAP carries a `/perception/objects` topic (derived_object_msgs/ObjectArray in base_link): a car
 * ahead in the ego lane and a truck in the next lane during the first cruise, a pedestrian crossing during
 * the final stop. Ingest → transform → detect must find the car and the pedestrian where the generator put
 * them; the same drive from candump + NMEA (no perception topic) must skip the object detectors.
 */
describe('object scenarios from the demo perception topic', () => {
  let dir: string;
  let drive: DemoDrive;
  let withTopic: DetectReport;
  let withoutTopic: DetectReport;
  const seconds = (ns: bigint): number => Number(ns - drive.startNs) / 1e9;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'adlake-demo-objects-'));
    drive = generateDemoDrive({ seed: 7 });
    const store = await LocalObjectStore.open({ root: join(dir, 'lake') });
    const dbc = join(dir, 'demo.dbc');
    await writeFile(dbc, drive.dbc);
    const mcap = join(dir, 'drive.mcap');
    await writeDemoMcap(drive, mcap);
    const folder = join(dir, 'drive');
    await mkdir(folder);
    await writeFile(join(folder, 'demo.dbc'), drive.dbc);
    await writeFile(join(folder, 'can0.log'), `${[...drive.candump()].join('\n')}\n`);
    await writeFile(join(folder, 'gps.nmea'), `${[...drive.nmea()].join('\r\n')}\r\n`);

    const run = async (paths: string[], dbcs: { path: string }[], vehicle: string): Promise<DetectReport> => {
      const ingest = await ingestPaths({ store, paths, dbcs, vehicle });
      const driveId = ingest.driveId;
      if (driveId === undefined) throw new Error(`demo drive did not ingest: ${ingest.status}`);
      await transformDrive(store, { driveId });
      return detectDrive(store, { driveId });
    };
    withTopic = await run([mcap], [{ path: dbc }], 'mcap');
    withoutTopic = await run([folder], [], 'text');
  }, 180_000);
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads the perception topic into tracks', () => {
    expect(withTopic.objects.from).toBe('topics');
    expect(withTopic.objects.tracks).toBe(3);
    expect(withTopic.objects.topics).toEqual([
      expect.objectContaining({
        table: 'topics_perception_objects',
        schemaName: 'derived_object_msgs/ObjectArray',
        formats: ['derived_object_msgs'],
        tracks: 3,
        skipped: {},
      }),
    ]);
    for (const type of OBJECT_TYPES) expect(withTopic.skipped.map((s) => s.type)).not.toContain(type);
  });

  it('finds the car ahead in the ego lane (and not the truck in the next lane)', () => {
    const car = demoObjectScript(drive).find((o) => o.id === 1);
    expect(car).toBeDefined();
    const found = withTopic.scenarios.filter((s) => s.type === 'vehicle_in_lane');
    expect(found).toHaveLength(1);
    const [scenario] = found;
    expect(scenario?.tags).toEqual(expect.arrayContaining(['car', 'object:perception_objects/1']));
    expect(Math.abs(seconds(scenario?.start_ns ?? 0n) - (car?.from_s ?? NaN))).toBeLessThan(TOLERANCE_S);
    expect(Math.abs(seconds(scenario?.end_ns ?? 0n) - (car?.to_s ?? NaN))).toBeLessThan(TOLERANCE_S);
  });

  it('finds the pedestrian crossing ahead during the final stop, from 5 m right to 5 m left', () => {
    const walker = demoObjectScript(drive).find((o) => o.id === 3);
    expect(walker).toBeDefined();
    const from = walker?.from_s ?? NaN;
    const end = drive.states.at(-1)?.time ?? NaN;
    // y = -6 + 1.5 (s - from) is within ±5 m (the default zone) from s = from + 1/1.5 to from + 11/1.5.
    const expected = { start: from + 1 / 1.5, end: Math.min(from + 11 / 1.5, end) };
    const found = withTopic.scenarios.filter((s) => s.type === 'pedestrian');
    expect(found).toHaveLength(1);
    const [scenario] = found;
    expect(scenario?.tags).toEqual(expect.arrayContaining(['pedestrian', 'object:perception_objects/3']));
    expect(Math.abs(seconds(scenario?.start_ns ?? 0n) - expected.start)).toBeLessThan(TOLERANCE_S);
    expect(Math.abs(seconds(scenario?.end_ns ?? 0n) - expected.end)).toBeLessThan(TOLERANCE_S);
    // The ego vehicle stands still while the pedestrian crosses: the stop detector agrees.
    const stop = withTopic.scenarios.find(
      (s) => s.type === 'stop' && s.start_ns <= (scenario?.start_ns ?? 0n),
    );
    expect(stop).toBeDefined();
  });

  it('finds no cyclist (the detector ran: a perception topic with no cyclist)', () => {
    expect(withTopic.scenarios.filter((s) => s.type === 'cyclist')).toEqual([]);
  });

  it('skips the object detectors for the same drive without a perception topic', () => {
    expect(withoutTopic.objects).toEqual({ tracks: 0, from: 'none', topics: [] });
    expect(withoutTopic.skipped.map((s) => s.type)).toEqual(expect.arrayContaining(OBJECT_TYPES));
    expect(withoutTopic.scenarios.filter((s) => OBJECT_TYPES.includes(s.type))).toEqual([]);
  });
});
