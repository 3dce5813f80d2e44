import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { UsageError } from '../../../core/errors.js';
import { generateDemoDrive, type DemoDrive } from '../../../ingest/demo/generateDemoDrive.js';
import {
  scenarioToOpenScenario,
  type OpenScenarioTrack,
  type ScenarioExportInput,
} from '../../../transforms/openscenario/scenarioToOpenScenario.js';
import type { Scenario, ScenarioType } from '../../../transforms/scenario.js';
import { solarPosition } from '../../../transforms/sun.js';
import { query, schemaErrors, vertices, XSD } from './xmllint.js';

/** The demo generator's origin and its spherical east/north to lat/lon (ingest/demo/generateDemoDrive.ts). */
const ORIGIN = { lat: 48.0675, lon: 11.5367, alt: 560 };
const EARTH_RADIUS = 6_378_137;

const dir = mkdtempSync(join(tmpdir(), 'adlake-xosc-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const drive = generateDemoDrive({ seed: 3 });
const track = trackOf(drive);

/** The demo drive's true states as a track: lat/lon from east/north, heading in degrees, speed in m/s. */
function trackOf(demo: DemoDrive): Required<OpenScenarioTrack> {
  const n = demo.states.length;
  const out = {
    t: new BigInt64Array(n),
    lat: new Float64Array(n),
    lon: new Float64Array(n),
    alt: new Float64Array(n),
    heading: new Float64Array(n),
    speed: new Float64Array(n),
  };
  const cosLat = Math.cos((ORIGIN.lat * Math.PI) / 180);
  demo.states.forEach((s, i) => {
    out.t[i] = demo.startNs + BigInt(Math.round(s.time * 1e9));
    out.lat[i] = ORIGIN.lat + (s.north / EARTH_RADIUS) * (180 / Math.PI);
    out.lon[i] = ORIGIN.lon + (s.east / (EARTH_RADIUS * cosLat)) * (180 / Math.PI);
    // A gentle climb, so z is not trivially 0.
    out.alt[i] = ORIGIN.alt + s.time * 0.05;
    out.heading[i] = ((((s.heading * 180) / Math.PI) % 360) + 360) % 360;
    out.speed[i] = s.speed;
  });
  return out;
}

const TYPE: Record<string, ScenarioType> = {
  hard_brake: 'hard_braking',
  lane_change: 'lane_change',
  left_turn: 'left_turn',
  right_turn: 'right_turn',
};

function scenario(
  type: ScenarioType,
  startNs: bigint,
  endNs: bigint,
  extra: Partial<Scenario> = {},
): Scenario {
  return {
    id: `demo3-${type}-${startNs}`,
    drive_id: 'demo-3',
    vehicle: 'veh-1',
    type,
    start_ns: startNs,
    end_ns: endNs,
    duration_s: Number(endNs - startNs) / 1e9,
    metrics: {
      max_speed: null,
      min_speed: null,
      mean_speed: null,
      min_accel: null,
      max_accel: null,
      max_lat_accel: null,
      yaw_change: null,
      distance: null,
    },
    start_lat: null,
    start_lon: null,
    end_lat: null,
    end_lon: null,
    min_lat: null,
    min_lon: null,
    max_lat: null,
    max_lon: null,
    weather: null,
    light: 'day',
    tags: [],
    description: `${type} on the demo ring road`,
    detector_version: 'test',
    ...extra,
  };
}

const wholeDrive = scenario('high_velocity', track.t[0] ?? 0n, track.t[track.t.length - 1] ?? 0n);
const maneuvers = drive.groundTruth.maneuvers
  .filter((m) => TYPE[m.type] !== undefined)
  .map((m) => scenario(TYPE[m.type] ?? 'stop', BigInt(m.start_ns), BigInt(m.end_ns)));

/** Track indices inside a scenario's window (the demo track has a position at every tick). */
function window(s: Scenario): number[] {
  const out: number[] = [];
  for (let i = 0; i < track.t.length; i++) {
    const t = track.t[i] ?? 0n;
    if (t >= s.start_ns && t <= s.end_ns) out.push(i);
  }
  return out;
}

function write(name: string, xml: string): string {
  const file = join(dir, name);
  writeFileSync(file, xml);
  return file;
}

const CASES = (['1.2', '1.3'] as const).flatMap((version) =>
  (['enu', 'wgs84'] as const).flatMap((frame) =>
    [wholeDrive, ...maneuvers].map((s) => ({ version, frame, s, label: `${s.type} ${frame} v${version}` })),
  ),
);

describe('scenarioToOpenScenario', () => {
  it('has demo maneuvers to export', () => {
    expect(maneuvers.map((s) => s.type).sort()).toEqual([
      'hard_braking',
      'lane_change',
      'left_turn',
      'right_turn',
    ]);
  });

  it.each(CASES)(
    'writes a schema-valid document with the recorded trajectory ($label)',
    ({ version, frame, s }) => {
      const maxVertices = 40;
      const input: ScenarioExportInput = {
        scenario: s,
        track,
        environment: {
          weather: 'rain',
          precipitationMmH: 3.5,
          airTempC: 14,
          visibilityM: 6000,
          sunElevationDeg: 23.5,
        },
        options: { frame, version, maxVertices },
      };
      const xml = scenarioToOpenScenario(input);
      const file = write(`${s.type}-${frame}-${version}.xosc`, xml);
      expect(schemaErrors(file, XSD[version])).toBeUndefined();

      const q = query(file, {
        revMinor: 'string(/OpenSCENARIO/FileHeader/@revMinor)',
        author: 'string(/OpenSCENARIO/FileHeader/@author)',
        description: 'string(/OpenSCENARIO/FileHeader/@description)',
        stop: 'string(//Storyboard/StopTrigger//SimulationTimeCondition/@value)',
        originLat: 'string(//Property[@name="adlake.enu_origin_latitude_deg"]/@value)',
        originLon: 'string(//Property[@name="adlake.enu_origin_longitude_deg"]/@value)',
        teleportX: 'string(//Init//TeleportAction/Position/WorldPosition/@x)',
        teleportY: 'string(//Init//TeleportAction/Position/WorldPosition/@y)',
        teleportLat: 'string(//Init//TeleportAction/Position/GeoPosition/@latitudeDeg)',
        deprecatedGeo: 'count(//GeoPosition[@latitude or @longitude or @height])',
        speed: 'string(//Init//AbsoluteTargetSpeed/@value)',
        dateTime: 'string(//TimeOfDay/@dateTime)',
        sunElevation: 'string(//Weather/Sun/@elevation)',
        sunIlluminance: `string(//Weather/Sun/@${version === '1.2' ? 'intensity' : 'illuminance'})`,
        precipitationType: 'string(//Weather/Precipitation/@precipitationType)',
        precipitationIntensity: 'string(//Weather/Precipitation/@precipitationIntensity)',
        temperature: 'string(//Weather/@temperature)',
        fog: 'string(//Weather/Fog/@visualRange)',
        friction: 'string(//RoadCondition/@frictionScaleFactor)',
        timing: 'string(//FollowTrajectoryAction//Timing/@domainAbsoluteRelative)',
        followingMode: 'string(//FollowTrajectoryAction/TrajectoryFollowingMode/@followingMode)',
      });
      expect(q.revMinor).toBe(version === '1.2' ? '2' : '3');
      expect(q.author).toBe('adlake');
      expect(q.description).toContain(s.id);
      expect(q.description).toContain(s.type);
      expect(q.description).toContain(s.drive_id);

      const inWindow = window(s);
      const first = inWindow[0] ?? 0;
      const last = inWindow[inWindow.length - 1] ?? 0;

      // Vertices: within budget, strictly increasing times from 0 to the window's length.
      const vs = vertices(file);
      const times = vs.map((v) => Number(v.time));
      const at = (k: number, name: string): number => Number(vs[k]?.[name]);
      const end = vs.length - 1;
      expect(vs.length).toBeGreaterThanOrEqual(2);
      expect(vs.length).toBeLessThanOrEqual(maxVertices);
      expect(times[0]).toBe(0);
      for (let k = 1; k < times.length; k++) expect(times[k]).toBeGreaterThan(times[k - 1] ?? Infinity);
      expect(times[end]).toBeCloseTo(Number((track.t[last] ?? 0n) - (track.t[first] ?? 0n)) / 1e9, 6);
      expect(Number(q.stop)).toBe(times[end]);

      // First vertex and teleport at the first position, last vertex at the last, headings from the course.
      const cosLat = Math.cos((ORIGIN.lat * Math.PI) / 180);
      const east = (i: number): number =>
        ((track.lon[i] ?? 0) - ORIGIN.lon) * (Math.PI / 180) * EARTH_RADIUS * cosLat;
      const north = (i: number): number =>
        ((track.lat[i] ?? 0) - ORIGIN.lat) * (Math.PI / 180) * EARTH_RADIUS;
      const h = (i: number): number => {
        const a = Math.PI / 2 - ((track.heading[i] ?? 0) * Math.PI) / 180;
        return ((a % (2 * Math.PI)) + 2 * Math.PI) % (2 * Math.PI);
      };
      const angleDiff = (a: number, b: number): number =>
        Math.abs(((a - b + 3 * Math.PI) % (2 * Math.PI)) - Math.PI);
      if (frame === 'enu') {
        expect([at(0, 'x'), at(0, 'y'), at(0, 'z')]).toEqual([0, 0, 0]);
        expect([Number(q.teleportX), Number(q.teleportY)]).toEqual([0, 0]);
        expect(Number(q.originLat)).toBeCloseTo(track.lat[first] ?? 0, 8);
        expect(Number(q.originLon)).toBeCloseTo(track.lon[first] ?? 0, 8);
        // The demo's spherical east/north against the ellipsoidal ENU: within 0.3 % of the distance.
        const dx = east(last) - east(first);
        const dy = north(last) - north(first);
        const tolerance = 0.003 * Math.hypot(dx, dy) + 0.01;
        expect(Math.abs(at(end, 'x') - dx)).toBeLessThan(tolerance);
        expect(Math.abs(at(end, 'y') - dy)).toBeLessThan(tolerance);
        expect(at(end, 'z')).toBeCloseTo((track.alt[last] ?? 0) - (track.alt[first] ?? 0), 3);
        expect(angleDiff(at(0, 'h'), h(first))).toBeLessThan(1e-5);
        expect(angleDiff(at(end, 'h'), h(last))).toBeLessThan(2e-3); // + meridian convergence
      } else {
        expect(vs.every((v) => v.type === 'absolute' && v.h !== undefined)).toBe(true);
        expect(at(0, 'latitudeDeg')).toBeCloseTo(track.lat[first] ?? 0, 8);
        expect(at(0, 'longitudeDeg')).toBeCloseTo(track.lon[first] ?? 0, 8);
        expect(at(0, 'altitude')).toBeCloseTo(track.alt[first] ?? 0, 3);
        expect(Number(q.teleportLat)).toBeCloseTo(track.lat[first] ?? 0, 8);
        expect(at(end, 'latitudeDeg')).toBeCloseTo(track.lat[last] ?? 0, 8);
        expect(at(end, 'longitudeDeg')).toBeCloseTo(track.lon[last] ?? 0, 8);
        expect(angleDiff(at(0, 'h'), h(first))).toBeLessThan(1e-5);
        expect(angleDiff(at(end, 'h'), h(last))).toBeLessThan(1e-5);
        // The deprecated radian attributes are not used.
        expect(q.deprecatedGeo).toBe('0');
      }

      // Initial speed, environment.
      expect(Number(q.speed)).toBeCloseTo(track.speed[first] ?? 0, 3);
      expect(q.dateTime).toBe(new Date(Number((track.t[first] ?? 0n) / 1_000_000n)).toISOString());
      expect(Number(q.sunElevation)).toBeCloseTo((23.5 * Math.PI) / 180, 6);
      expect(Number(q.sunIlluminance)).toBeGreaterThan(0);
      expect(q.precipitationType).toBe('rain');
      expect(Number(q.precipitationIntensity)).toBe(3.5);
      expect(Number(q.temperature)).toBeCloseTo(287.15, 6);
      expect(Number(q.fog)).toBe(6000);
      expect(Number(q.friction)).toBeLessThan(1);
      expect(q.timing).toBe('absolute');
      expect(q.followingMode).toBe('position');
    },
  );

  it('keeps every recorded sample within 0.5 m of the polyline at its time when the budget allows', () => {
    const [lane] = maneuvers.filter((s) => s.type === 'lane_change');
    if (!lane) throw new Error('demo drive without a lane change');
    const file = write(
      'lane-dense.xosc',
      scenarioToOpenScenario({ scenario: lane, track, options: { maxVertices: 500 } }),
    );
    expect(schemaErrors(file, XSD['1.2'])).toBeUndefined();
    const vs = vertices(file);
    const times = vs.map((v) => Number(v.time));
    const xs = vs.map((v) => Number(v.x));
    const ys = vs.map((v) => Number(v.y));
    const inWindow = window(lane);
    const first = inWindow[0] ?? 0;
    const t0 = track.t[first] ?? 0n;
    // The synchronized-distance bound, measured in the demo's own spherical east/north (scale differences
    // < 0.3 % over a lane change's ~200 m, well inside the margin).
    const cosLat = Math.cos((ORIGIN.lat * Math.PI) / 180);
    let v = 0;
    let worst = 0;
    for (const i of inWindow) {
      const t = Number((track.t[i] ?? 0n) - t0) / 1e9;
      while (v < times.length - 2 && (times[v + 1] ?? 0) < t) v++;
      const f = (t - (times[v] ?? 0)) / ((times[v + 1] ?? 1) - (times[v] ?? 0));
      const px = (xs[v] ?? 0) + f * ((xs[v + 1] ?? 0) - (xs[v] ?? 0));
      const py = (ys[v] ?? 0) + f * ((ys[v + 1] ?? 0) - (ys[v] ?? 0));
      const ex = ((track.lon[i] ?? 0) - (track.lon[first] ?? 0)) * (Math.PI / 180) * EARTH_RADIUS * cosLat;
      const ey = ((track.lat[i] ?? 0) - (track.lat[first] ?? 0)) * (Math.PI / 180) * EARTH_RADIUS;
      worst = Math.max(worst, Math.hypot(px - ex, py - ey));
    }
    expect(times.length).toBeLessThan(inWindow.length / 5); // it did thin
    expect(worst).toBeLessThan(0.5);
  });

  it('is deterministic: the same input gives the same bytes', () => {
    const input: ScenarioExportInput = {
      scenario: wholeDrive,
      track,
      options: { frame: 'wgs84', version: '1.3' },
    };
    expect(scenarioToOpenScenario(input)).toBe(scenarioToOpenScenario(input));
  });

  it('escapes text so that any description survives and the document stays valid', () => {
    const nasty = 'brake <hard> & "fast" \'now\'\ttab\nline\u0001ctl \uD83D\uDE97 lone\uD800';
    const s = scenario('hard_braking', wholeDrive.start_ns, wholeDrive.end_ns, {
      description: nasty,
      id: 'id&<x>',
    });
    const file = write(
      'escaped.xosc',
      scenarioToOpenScenario({ scenario: s, track, options: { maxVertices: 10 } }),
    );
    expect(schemaErrors(file, XSD['1.2'])).toBeUndefined();
    const q = query(file, {
      description: 'string(/OpenSCENARIO/FileHeader/@description)',
      id: 'string(//Property[@name="adlake.scenario_id"]/@value)',
    });
    expect(q.description).toContain(
      'brake <hard> & "fast" \'now\'\ttab\nline\uFFFDctl \uD83D\uDE97 lone\uFFFD',
    );
    expect(q.id).toBe('id&<x>');
  });

  it('writes Sun@intensity in 1.2 and Sun@illuminance in 1.3, snow, and the computed sun when none is given', () => {
    const s = scenario('stop', wholeDrive.start_ns, wholeDrive.end_ns, { weather: 'snow' });
    const sun = solarPosition(track.t[0] ?? 0n, track.lat[0] ?? 0, track.lon[0] ?? 0);
    for (const version of ['1.2', '1.3'] as const) {
      const xml = scenarioToOpenScenario({ scenario: s, track, options: { version, maxVertices: 5 } });
      const file = write(`snow-${version}.xosc`, xml);
      expect(schemaErrors(file, XSD[version])).toBeUndefined();
      const q = query(file, {
        type: 'string(//Precipitation/@precipitationType)',
        intensity: 'count(//Precipitation/@precipitationIntensity)',
        cover: 'string(//Weather/@fractionalCloudCover)',
        lux12: 'count(//Sun/@intensity)',
        lux13: 'count(//Sun/@illuminance)',
        elevation: 'string(//Sun/@elevation)',
        azimuth: 'string(//Sun/@azimuth)',
        friction: 'string(//RoadCondition/@frictionScaleFactor)',
      });
      expect(q.type).toBe('snow');
      expect(q.intensity).toBe('0'); // amount unknown: left out
      expect(q.cover).toBe('eightOktas');
      expect([q.lux12, q.lux13]).toEqual(version === '1.2' ? ['1', '0'] : ['0', '1']);
      expect(Number(q.elevation)).toBeCloseTo((sun.elevation * Math.PI) / 180, 6);
      expect(Number(q.azimuth)).toBeCloseTo((sun.azimuth * Math.PI) / 180, 6);
      expect(Number(q.friction)).toBe(0.3);
    }
  });

  it('derives heading and initial speed from positions when the track has none', () => {
    const bare = { t: track.t, lat: track.lat, lon: track.lon };
    const [turn] = maneuvers.filter((s) => s.type === 'left_turn');
    if (!turn) throw new Error('demo drive without a left turn');
    const xml = scenarioToOpenScenario({ scenario: turn, track: bare, options: { frame: 'wgs84' } });
    const file = write('bare.xosc', xml);
    expect(schemaErrors(file, XSD['1.2'])).toBeUndefined();
    const first = window(turn)[0] ?? 0;
    const q = query(file, {
      speed: 'string(//Init//AbsoluteTargetSpeed/@value)',
      h: 'string(//TeleportAction//Orientation/@h)',
      orientations: 'count(//Polyline//Orientation)',
      altitudes: 'count(//Polyline//GeoPosition/@altitude)',
    });
    // Mean speed over the first second of a turn at constant speed.
    expect(Math.abs(Number(q.speed) - (track.speed[first] ?? 0))).toBeLessThan(0.1);
    const expected = Math.PI / 2 - ((track.heading[first] ?? 0) * Math.PI) / 180;
    expect(Math.abs(Math.sin(Number(q.h) - expected))).toBeLessThan(0.05);
    expect(q.orientations).toBe('0');
    expect(q.altitudes).toBe('0');
  });

  it('skips samples without a fix or out of time order, and pads the window on request', () => {
    const lat = track.lat.slice();
    const t = track.t.slice();
    const [brake] = maneuvers.filter((s) => s.type === 'hard_braking');
    if (!brake) throw new Error('demo drive without a hard brake');
    const inWindow = window(brake);
    const first = inWindow[0] ?? 0;
    lat[first] = Number.NaN; // no fix at the first sample
    t[first + 2] = t[first + 1] ?? 0n; // a repeated timestamp
    const holes = { ...track, lat, t };
    const file = write(
      'holes.xosc',
      scenarioToOpenScenario({ scenario: brake, track: holes, options: { frame: 'wgs84', toleranceM: 0 } }),
    );
    expect(schemaErrors(file, XSD['1.2'])).toBeUndefined();
    const vs = vertices(file);
    expect(Number(vs[0]?.latitudeDeg)).toBeCloseTo(track.lat[first + 1] ?? 0, 8);
    expect(vs.length).toBeLessThanOrEqual(inWindow.length - 2);

    const padded = write(
      'padded.xosc',
      scenarioToOpenScenario({ scenario: brake, track, options: { paddingS: 2 } }),
    );
    const times = vertices(padded).map((v) => Number(v.time));
    expect(times[times.length - 1]).toBeCloseTo(brake.duration_s + 4, 2);
  });

  it('rejects a window with fewer than two positions and bad options, naming every problem', () => {
    const empty = scenario('stop', 1n, 2n);
    expect(() => scenarioToOpenScenario({ scenario: empty, track })).toThrow(UsageError);
    expect(() => scenarioToOpenScenario({ scenario: empty, track })).toThrow(/0 usable position/);
    let error: unknown;
    try {
      scenarioToOpenScenario({ scenario: wholeDrive, track, options: { maxVertices: 1, paddingS: -1 } });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(UsageError);
    expect(String(error)).toMatch(/maxVertices.*paddingS/);
    const short = { ...track, speed: track.speed.subarray(1) };
    expect(() => scenarioToOpenScenario({ scenario: wholeDrive, track: short })).toThrow(/track.speed has/);
  });
});

describe('the XSD check', () => {
  it('is not vacuous: broken documents fail with xmllint naming the fault', () => {
    const good = scenarioToOpenScenario({ scenario: wholeDrive, track, options: { maxVertices: 8 } });
    expect(schemaErrors(write('good.xosc', good), XSD['1.2'])).toBeUndefined();

    const badEnum = good.replace('followingMode="position"', 'followingMode="sideways"');
    expect(schemaErrors(write('bad-enum.xosc', badEnum), XSD['1.2'])).toMatch(/followingMode.*sideways/s);

    const noStop = good.slice(0, good.indexOf('    <StopTrigger>')) + '  </Storyboard>\n</OpenSCENARIO>\n';
    expect(schemaErrors(write('no-stop.xosc', noStop), XSD['1.2'])).toMatch(/StopTrigger/);

    const oneVertex = good.replace(/(<Polyline>\n)([\s\S]*?<\/Vertex>\n)[\s\S]*?(\s*<\/Polyline>)/, '$1$2$3');
    expect(oneVertex.match(/<Vertex /g)?.length).toBe(1);
    expect(schemaErrors(write('one-vertex.xosc', oneVertex), XSD['1.2'])).toMatch(/Polyline|Vertex/);

    const unknownAttribute = good.replace('<Sun azimuth=', '<Sun colour="red" azimuth=');
    expect(schemaErrors(write('bad-attr.xosc', unknownAttribute), XSD['1.3'])).toMatch(/colour/);

    // And it accepts a third party's valid file (esmini's own example).
    const esmini = '../shared/data/openscenario/esmini/lane-change_trajectory_wp.xosc';
    expect(schemaErrors(esmini, XSD['1.2'])).toBeUndefined();
  });
});
