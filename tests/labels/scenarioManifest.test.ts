/**
 * `adlake labels manifest`: Ground Truth input manifests of scenarios, on a small lake whose drives and
 * scenarios tables the test writes with the real table writer.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalObjectStore } from '../../catalog/localObjectStore.js';
import { PartitionedTableWriter } from '../../catalog/tableWriter.js';
import { DRIVES } from '../../catalog/tables.js';
import { runCli } from '../../cli/run.js';
import { NotFoundError } from '../../core/errors.js';
import { buildScenarioManifest } from '../../labels/scenarioManifest.js';
import type { Scenario, ScenarioType } from '../../transforms/scenario.js';
import { SCENARIOS, scenariosToBatch } from '../../transforms/scenarios/scenariosTable.js';
import { DETECTOR_VERSION } from '../../transforms/scenarios/buildScenarios.js';

const S = 1_000_000_000n;
const D1_START = BigInt(Date.parse('2024-06-14T08:00:00Z')) * 1_000_000n;
const D2_START = BigInt(Date.parse('2024-06-15T09:00:00Z')) * 1_000_000n;
const D3_START = BigInt(Date.parse('2024-06-16T07:00:00Z')) * 1_000_000n;

let root: string;
let lake: LocalObjectStore;

function scenario(
  driveId: string,
  vehicle: string,
  type: ScenarioType,
  start: bigint,
  end: bigint,
  id: string,
): Scenario {
  return {
    id,
    drive_id: driveId,
    vehicle,
    type,
    start_ns: start,
    end_ns: end,
    duration_s: Number(end - start) / 1e9,
    metrics: {
      max_speed: 20,
      min_speed: 0,
      mean_speed: 10,
      min_accel: -7,
      max_accel: 1,
      max_lat_accel: 0.5,
      yaw_change: 0,
      distance: 30,
    },
    start_lat: 48.1,
    start_lon: 11.5,
    end_lat: 48.1,
    end_lon: 11.5,
    min_lat: 48.1,
    min_lon: 11.5,
    max_lat: 48.1,
    max_lon: 11.5,
    weather: null,
    light: 'day',
    tags: type === 'left_turn' ? ['signalled'] : [],
    description: `${type} ${id}`,
    detector_version: DETECTOR_VERSION,
  };
}

async function writeDrive(
  vehicle: string,
  driveId: string,
  start: bigint,
  files: { uri: string; format: string }[],
): Promise<void> {
  const writer = new PartitionedTableWriter({ store: lake, table: DRIVES, vehicle, driveId });
  await writer.append({
    start_time: [start],
    end_time: [start + 600n * S],
    duration_s: [600],
    source_files: [files.map((f) => ({ ...f, sha256: '0'.repeat(64), bytes: 1000 }))],
    formats: [[...new Set(files.map((f) => f.format))]],
    quality_issues: [[]],
  });
  await writer.close();
}

async function writeScenarios(vehicle: string, driveId: string, scenarios: Scenario[]): Promise<void> {
  const writer = new PartitionedTableWriter({ store: lake, table: SCENARIOS, vehicle, driveId });
  await writer.append(scenariosToBatch(scenarios));
  await writer.close();
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'adlake-labels-manifest-'));
  lake = await LocalObjectStore.open({ root: join(root, 'lake') });
  await writeDrive('car-a', 'd1', D1_START, [
    { uri: 'file:///data/d1/can0.log', format: 'candump' },
    { uri: 'file:///data/d1/vehicle.dbc', format: 'dbc' },
    { uri: 'file:///data/d1/drive.mcap', format: 'mcap' },
  ]);
  await writeDrive('car-b', 'd2', D2_START, [{ uri: 'file:///data/d%202/can%201.log', format: 'candump' }]);
  await writeScenarios('car-a', 'd1', [
    scenario('d1', 'car-a', 'hard_braking', D1_START + 10n * S, D1_START + 13_500_000_000n, 'b1'),
    scenario('d1', 'car-a', 'left_turn', D1_START + 50n * S, D1_START + 60n * S, 't1'),
    scenario('d1', 'car-a', 'hard_braking', D1_START + 100n * S, D1_START + 101n * S, 'b2'),
  ]);
  await writeScenarios('car-b', 'd2', [
    scenario('d2', 'car-b', 'hard_braking', D2_START + 5n * S, D2_START + 7n * S, 'b3'),
  ]);
  // A drive whose drives row is missing: its scenarios cannot be referenced.
  await writeScenarios('car-b', 'd3', [
    scenario('d3', 'car-b', 'hard_braking', D3_START, D3_START + 3n * S, 'b4'),
  ]);
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const parse = (lines: string[]) => lines.map((l) => JSON.parse(l) as Record<string, unknown>);

describe('buildScenarioManifest', () => {
  it('writes one line per clip: the drive’s container file with a Media Fragments time range', async () => {
    const manifest = await buildScenarioManifest({ store: lake, scenarioType: 'hard_braking' });
    expect(manifest.scenarios).toBe(3);
    expect(manifest.frames).toBe(0);
    expect(manifest.skipped).toEqual([{ scenarioId: 'b4', driveId: 'd3', reason: 'no drives row' }]);
    expect(parse(manifest.lines)).toEqual([
      {
        'source-ref': 'file:///data/d1/drive.mcap#t=10,13.5',
        'scenario-id': 'b1',
        'scenario-type': 'hard_braking',
        'drive-id': 'd1',
        vehicle: 'car-a',
        'start-time': '2024-06-14T08:00:10.000000Z',
        'end-time': '2024-06-14T08:00:13.500000Z',
        'duration-s': 3.5,
        description: 'hard_braking b1',
        light: 'day',
      },
      expect.objectContaining({ 'source-ref': 'file:///data/d1/drive.mcap#t=100,101', 'scenario-id': 'b2' }),
      expect.objectContaining({ 'source-ref': 'file:///data/d%202/can%201.log#t=5,7', 'scenario-id': 'b3' }),
    ]);
  });

  it('selects by vehicle, time range, duration and limit', async () => {
    const ids = async (options: Partial<Parameters<typeof buildScenarioManifest>[0]>) =>
      parse(
        (await buildScenarioManifest({ store: lake, scenarioType: 'hard_braking', ...options })).lines,
      ).map((l) => l['scenario-id']);
    expect(await ids({ vehicle: 'car-b' })).toEqual(['b3']);
    expect(await ids({ minDurationS: 2 })).toEqual(['b1', 'b3']);
    expect(await ids({ limit: 1 })).toEqual(['b1']);
    expect(await ids({ fromNs: D1_START + 11n * S })).toEqual(['b2', 'b3']);
    expect(await ids({ toNs: D2_START })).toEqual(['b1', 'b2']);
    expect(await ids({ scenarioType: 'left_turn' })).toEqual(['t1']);
    expect(await ids({ scenarioType: 'u_turn' })).toEqual([]);
  });

  it('writes one line per frame at the frame rate, within the scenario', async () => {
    const manifest = await buildScenarioManifest({
      store: lake,
      scenarioType: 'hard_braking',
      frameRateHz: 2,
      limit: 1,
    });
    const lines = parse(manifest.lines);
    // 10 s .. 13.5 s at 2 Hz: 8 frames, both ends included.
    expect(manifest.frames).toBe(8);
    expect(lines.map((l) => l['source-ref'])).toEqual(
      [10, 10.5, 11, 11.5, 12, 12.5, 13, 13.5].map((t) => `file:///data/d1/drive.mcap#t=${t}`),
    );
    expect(lines.map((l) => l['frame-index'])).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(lines[1]).toMatchObject({ 'frame-time': '2024-06-14T08:00:10.500000Z', 'scenario-id': 'b1' });
  });

  it('moves source files under --source-prefix by file name', async () => {
    const manifest = await buildScenarioManifest({
      store: lake,
      scenarioType: 'hard_braking',
      sourcePrefix: 's3://raw-bucket/drives/',
    });
    expect(parse(manifest.lines).map((l) => l['source-ref'])).toEqual([
      's3://raw-bucket/drives/drive.mcap#t=10,13.5',
      's3://raw-bucket/drives/drive.mcap#t=100,101',
      's3://raw-bucket/drives/can 1.log#t=5,7',
    ]);
  });

  it('a lake without scenarios: NotFoundError', async () => {
    const empty = await LocalObjectStore.open({ root: join(root, 'empty-lake') });
    await expect(buildScenarioManifest({ store: empty, scenarioType: 'hard_braking' })).rejects.toThrow(
      NotFoundError,
    );
  });
});

describe('adlake labels manifest', () => {
  async function cli(argv: string[]): Promise<{ code: number; out: string; err: string }> {
    let out = '';
    let err = '';
    const code = await runCli(['labels', 'manifest', '--lake', join(root, 'lake'), ...argv], {
      cwd: root,
      env: {},
      stdout: (t) => void (out += t),
      stderr: (t) => void (err += t),
    });
    return { code, out, err };
  }

  it('writes the manifest file; --to takes a date and includes that day', async () => {
    const result = await cli([
      '--scenario-type',
      'hard_braking',
      '--to',
      '2024-06-14',
      '--out',
      'braking.manifest',
    ]);
    expect(result.err).toBe('');
    expect(result.code).toBe(0);
    expect(result.out).toContain('Wrote 2 clip(s) of 2 hard_braking scenario(s)');
    const text = await readFile(join(root, 'braking.manifest'), 'utf8');
    expect(text.endsWith('\n')).toBe(true);
    expect(parse(text.trim().split('\n')).map((l) => l['scenario-id'])).toEqual(['b1', 'b2']);
    const frames = await cli([
      '--scenario-type',
      'hard_braking',
      '--from',
      '2024-06-15',
      '--frame-rate',
      '1',
      '--vehicle',
      'car-b',
      '--out',
      'frames.manifest',
    ]);
    expect(frames.code).toBe(0);
    expect(frames.out).toContain('Wrote 3 frame(s) of 1 hard_braking scenario(s)');
    expect(frames.out).toContain('skipped b4 (drive d3): no drives row');
  });

  it('refuses contradictory or missing options', async () => {
    expect((await cli(['--scenario-type', 'stop', '--clips', '--frame-rate', '5', '--out', 'x'])).code).toBe(
      64,
    );
    expect((await cli(['--out', 'x'])).code).toBe(64);
    expect((await cli(['--scenario-type', 'stop'])).code).toBe(64);
    expect((await cli(['--scenario-type', 'stop', '--to', 'soon', '--out', 'x'])).code).toBe(64);
    expect((await cli(['--scenario-type', 'stop', '--limit', '0', '--out', 'x'])).code).toBe(64);
  });
});
