import { describe, expect, it } from 'vitest';
import { generateDemoDrive } from '../../../ingest/demo/generateDemoDrive.js';
import type { ScenarioType } from '../../../transforms/scenario.js';
import { detectScenarios } from '../../../transforms/scenarios/detectScenarios.js';
import type { ObjectTrack } from '../../../transforms/scenarios/objectTrack.js';
import { scoreScenarios } from '../../../transforms/scenarios/scoreScenarios.js';
import { buildTimeline } from '../../../transforms/sync/buildTimeline.js';
import { demoSeries, demoTimeline } from './demoTimelines.js';
import { syntheticTimeline, T0, yawPulse } from './syntheticTimeline.js';
import { SCORED_TYPES, truthOf } from '../../../transforms/scenarios/demoTruth.js';

const KMH = 1 / 3.6;

function skippedTypes(result: ReturnType<typeof detectScenarios>): ScenarioType[] {
  return result.skipped.map((s) => s.type);
}

function ofType(result: ReturnType<typeof detectScenarios>, type: ScenarioType) {
  return result.scenarios.filter((s) => s.type === type);
}

/** Seconds from the synthetic timeline's start. */
const at = (ns: bigint): number => Number(ns - T0) / 1e9;

describe('detectors on a demo drive without GPS (CAN only)', () => {
  const drive = generateDemoDrive({ seed: 11 });
  const result = detectScenarios(demoTimeline(drive, { gps: false }));

  it('find every ground-truth maneuver, with no position fields', () => {
    const found = result.scenarios.filter((s) => SCORED_TYPES.has(s.type));
    for (const score of scoreScenarios(truthOf(drive), found)) {
      expect(score.recall, score.type).toBe(1);
      expect(score.precision, score.type).toBe(1);
    }
    for (const s of result.scenarios) {
      expect([s.start_lat, s.start_lon, s.end_lat, s.end_lon, s.min_lat, s.max_lon]).toEqual([
        null,
        null,
        null,
        null,
        null,
        null,
      ]);
    }
  });

  it('skip only the detectors whose inputs are missing, and say why', () => {
    expect(skippedTypes(result)).toEqual([
      'night_driving',
      'adverse_weather',
      'pedestrian',
      'cyclist',
      'vehicle_in_lane',
    ]);
    expect(result.skipped[0]?.reason).toMatch(/^no light enrichment/);
  });

  it('measure what happened: the hard braking metrics match the simulated state', () => {
    const [braking] = ofType(result, 'hard_braking');
    expect(braking).toBeDefined();
    if (!braking) return;
    const from = Number(braking.start_ns - drive.startNs) / 1e9;
    const to = Number(braking.end_ns - drive.startNs) / 1e9;
    const inside = drive.states.filter((s) => s.time >= from && s.time < to);
    const trueMin = Math.min(...inside.map((s) => s.accel));
    // Smoothing over 0.5 s takes a little off the peak; CAN noise is 0.05 m/s^2.
    expect(braking.metrics.min_accel).toBeGreaterThan(trueMin - 0.2);
    expect(braking.metrics.min_accel).toBeLessThan(trueMin + 0.5);
    expect(braking.metrics.max_speed).toBeCloseTo(Math.max(...inside.map((s) => s.speed)), 0);
    expect(braking.description).toMatch(
      /^Hard braking from \d+ km\/h to \d+( km\/h)? at −\d+\.\d m\/s² \(\d+\.\d s\)$/,
    );
    const [turn] = ofType(result, 'left_turn');
    expect(turn?.metrics.yaw_change).toBeGreaterThan(80);
    expect(turn?.metrics.yaw_change).toBeLessThan(95);
    expect(turn?.tags).toEqual(['left', 'signalled']);
  });
});

describe('detectors on a demo drive with only GPS', () => {
  const drive = generateDemoDrive({ seed: 12 });

  it('find every ground-truth maneuver from GNSS fixes (position, speed, course)', () => {
    const result = detectScenarios(demoTimeline(drive, { can: false }));
    const found = result.scenarios.filter((s) => SCORED_TYPES.has(s.type));
    for (const score of scoreScenarios(truthOf(drive), found)) expect(score.recall, score.type).toBe(1);
    // Without gear, reversing cannot be told; standstill at the start is not a stop and is too short.
    expect(skippedTypes(result)).toContain('reversing');
    for (const s of result.scenarios) {
      expect(s.start_lat).not.toBeNull();
      expect(s.min_lat as number).toBeLessThanOrEqual(s.start_lat as number);
      expect(s.max_lat as number).toBeGreaterThanOrEqual(s.start_lat as number);
      expect(s.min_lon as number).toBeLessThanOrEqual(s.end_lon as number);
      expect(s.max_lon as number).toBeGreaterThanOrEqual(s.end_lon as number);
    }
  });

  it('derive speed and heading from positions alone', () => {
    const series = demoSeries(drive, { can: false }).filter((s) => s.signal === 'lat' || s.signal === 'lon');
    const timeline = buildTimeline(series, { driveId: 'd', vehicle: 'v' });
    expect(Object.keys(timeline.numeric).sort()).toEqual(['lat', 'lon']);
    const result = detectScenarios(timeline);
    expect(skippedTypes(result)).not.toContain('left_turn');
    const types = new Set(result.scenarios.map((s) => s.type));
    for (const type of ['high_velocity', 'left_turn', 'right_turn', 'hard_braking', 'stop'] as const)
      expect(types, type).toContain(type);
    const [fast] = ofType(result, 'high_velocity');
    expect((fast?.metrics.max_speed ?? 0) * 3.6).toBeGreaterThan(120);
  });
});

describe('detectors on synthetic timelines', () => {
  it('tell U-turns, turns and loops apart, and ignore motorway curves', () => {
    const yaw = (s: number): number =>
      yawPulse(10, 8, 180)(s) + yawPulse(40, 7, -90)(s) + yawPulse(70, 20, 300)(s) + yawPulse(120, 20, 90)(s);
    const timeline = syntheticTimeline(150, {
      numeric: { speed: (s) => (s >= 115 ? 100 * KMH : 5), yaw_rate: yaw },
    });
    const result = detectScenarios(timeline);
    const turns = result.scenarios.filter((s) => s.type.endsWith('turn'));
    expect(turns.map((s) => [s.type, Math.round(s.metrics.yaw_change ?? 0)])).toEqual([
      ['u_turn', 180],
      ['right_turn', -90],
    ]);
    // The turn ends are where the yaw rate falls below 1 deg/s: within half a second of the pulse ends.
    expect(at(turns[1]?.start_ns ?? 0n)).toBeCloseTo(40.25, 0);
    expect(at(turns[1]?.end_ns ?? 0n)).toBeCloseTo(46.75, 0);
    expect(turns[0]?.tags).toEqual(['left']);
    expect(turns[0]?.description).toBe('U-turn (left) of 180° at 18 km/h (7.3 s)');
  });

  it('take no yawing on the spot for a turn (below turn.min_speed_kmh), nor without a speed signal skip one', () => {
    const yaw = (s: number): number => yawPulse(10, 8, 180)(s) + yawPulse(40, 7, -90)(s);
    const types = (speed?: (s: number) => number) =>
      detectScenarios(syntheticTimeline(60, { numeric: { yaw_rate: yaw, ...(speed ? { speed } : {}) } }))
        .scenarios.filter((x) => x.type.endsWith('turn'))
        .map((x) => x.type);
    // Standing (a robot rotating in place, gyro drift): no U-turn, no turn.
    expect(types(() => 0)).toEqual([]);
    expect(types(() => 1.5 * KMH)).toEqual([]);
    // Moving at 3 km/h (above the 2 km/h floor) both count, and so they do where no speed is known.
    expect(types(() => 3 * KMH)).toEqual(['u_turn', 'right_turn']);
    expect(types()).toEqual(['u_turn', 'right_turn']);
  });

  it('detect reversing from gear R, stop-and-go, stops and standstill', () => {
    // Creep 4 times to 15 km/h and stop, then stand 70 s, then reverse 6 s, then park.
    const speed = (s: number): number => {
      if (s < 80) {
        const phase = s % 20;
        return phase < 10 ? 15 * KMH * Math.sin((Math.PI * phase) / 10) : 0;
      }
      if (s < 150) return 0;
      if (s < 156) return 1.5;
      return 0;
    };
    const gear = (s: number): string => (s >= 150 && s < 156 ? 'R' : s >= 160 ? 'P' : 'D');
    const result = detectScenarios(syntheticTimeline(170, { numeric: { speed }, text: { gear } }));
    const stops = ofType(result, 'stop');
    // Four stops of the creeping (each until above 3 km/h again), and one after reversing that ends when the vehicle is put in park.
    expect(stops.map((s) => [Math.round(at(s.start_ns)), Math.round(at(s.end_ns))])).toEqual([
      [10, 21],
      [30, 41],
      [50, 61],
      [70, 150],
      [156, 160],
    ]);
    // The 80 s stop is a standstill: it ends the stop-and-go episode after three stops.
    expect(ofType(result, 'stop_and_go').map((s) => s.description)).toEqual([
      'Stop-and-go with 3 stops (50.9 s)',
    ]);
    expect(ofType(result, 'standstill').map((s) => [Math.round(at(s.start_ns)), s.tags])).toEqual([
      [70, []],
      [156, ['parked']],
    ]);
    const reversing = ofType(result, 'reversing');
    expect(reversing.map((s) => [at(s.start_ns), at(s.end_ns)])).toEqual([[150, 156]]);
    expect(reversing[0]?.description).toBe('Reversing 9 m (6.0 s)');
  });

  it('detect night driving and adverse weather, tagging the conditions', () => {
    const timeline = syntheticTimeline(600, {
      numeric: { speed: () => 15 },
      light: (s) => (s < 200 ? 'twilight' : 'night'),
      weather_condition: (s) =>
        s < 100 ? 'clear' : s < 300 ? 'rain' : s < 330 ? 'clear' : s < 400 ? 'Fog' : 'cloudy',
    });
    const result = detectScenarios(timeline);
    const [night] = ofType(result, 'night_driving');
    expect([at(night?.start_ns ?? 0n), at(night?.end_ns ?? 0n)]).toEqual([200, 600]);
    expect(night?.light).toBe('night');
    const weather = ofType(result, 'adverse_weather');
    expect(weather.map((s) => [at(s.start_ns), at(s.end_ns), s.tags, s.weather])).toEqual([
      [100, 400, ['rain', 'fog'], 'rain'],
    ]);
    expect(weather[0]?.description).toBe('Adverse weather (rain, fog) for 5.0 min, 4.5 km');
  });

  it('fall back to precipitation and temperature for weather without a condition', () => {
    const timeline = syntheticTimeline(300, {
      precipitation: (s) => (s < 100 ? 0 : 2),
      air_temp: () => -3,
    });
    const result = detectScenarios(timeline);
    expect(ofType(result, 'adverse_weather').map((s) => [at(s.start_ns), s.tags])).toEqual([[100, ['snow']]]);
  });

  it('skip every motion detector when the timeline has no motion signals, without failing', () => {
    const result = detectScenarios(syntheticTimeline(10, {}));
    expect(result.scenarios).toEqual([]);
    expect(skippedTypes(result).length).toBe(16);
    const empty = detectScenarios(syntheticTimeline(0, { numeric: { speed: () => 1 } }));
    expect(empty).toEqual({ scenarios: [], skipped: [] });
  });
});

describe('object scenarios from tracks', () => {
  const timeline = syntheticTimeline(60, { numeric: { speed: () => 10 } });
  const track = (
    id: string,
    cls: string,
    from: number,
    to: number,
    hz: number,
    xy: (s: number) => [number, number],
  ): ObjectTrack => {
    const n = Math.round((to - from) * hz) + 1;
    const times = Array.from({ length: n }, (_, k) => from + k / hz);
    return {
      id,
      class: cls,
      t: BigInt64Array.from(times, (s) => T0 + BigInt(Math.round(s * 1e9))),
      x: Float64Array.from(times, (s) => xy(s)[0]),
      y: Float64Array.from(times, (s) => xy(s)[1]),
    };
  };
  const objects: ObjectTrack[] = [
    // Crosses 15 m ahead from right to left at 2 m/s: within 5 m of the centre line from 9.5 s to 14.5 s.
    track('p1', 'Pedestrian', 8, 20, 10, (s) => [15, -8 + 2 * (s - 8)]),
    // A cyclist overtaken: ahead until 30 s, then behind.
    track('c1', 'bicycle', 20, 40, 10, (s) => [20 - 2 * (s - 20), -2.5]),
    // A lead car, labelled at 2 Hz, in lane 30 m ahead from 5 s, cuts out to the left from 35 s.
    track('v7', 'car', 5, 50, 2, (s) => [30, s < 35 ? 0.2 : 0.2 + 0.5 * (s - 35)]),
    // A truck in the next lane: never in the ego lane.
    track('v8', 'truck', 0, 60, 10, () => [25, 3.6]),
  ];

  it('find each object while it is in its zone', () => {
    const result = detectScenarios(timeline, undefined, objects);
    const span = (type: ScenarioType) =>
      ofType(result, type).map((s) => [at(s.start_ns), at(s.end_ns), s.tags]);
    expect(span('pedestrian')).toEqual([[9.5, 14.6, ['pedestrian', 'object:p1']]]);
    expect(span('cyclist')).toEqual([[20, 30.1, ['bicycle', 'object:c1']]]);
    // In lane while |y| <= 1.75 m: until 35 + 1.55 / 0.5 = 38.1 s, labelled every 0.5 s.
    expect(span('vehicle_in_lane')).toEqual([[5, 38.1, ['car', 'object:v7']]]);
    expect(ofType(result, 'pedestrian')[0]?.description).toBe('Pedestrian within 15.0 m ahead for 5.1 s');
  });

  it('report no objects when the tracks are empty, and skip without tracks', () => {
    const none = detectScenarios(timeline, undefined, []);
    expect(skippedTypes(none)).not.toContain('pedestrian');
    expect(ofType(none, 'pedestrian')).toEqual([]);
    expect(skippedTypes(detectScenarios(timeline))).toEqual(
      expect.arrayContaining(['pedestrian', 'cyclist', 'vehicle_in_lane']),
    );
  });
});
