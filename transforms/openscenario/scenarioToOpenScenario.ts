/**
 * Exports one detected scenario as an ASAM OpenSCENARIO XML 1.2 or 1.3 document that replays the ego
 * vehicle's recorded trajectory: FileHeader, an empty RoadNetwork, the ego Vehicle, an Init with the
 * recorded environment, a teleport to the first position and the initial speed, then one Story whose Event
 * runs a FollowTrajectoryAction over a timed Polyline, and a StopTrigger at the last vertex time.
 *
 * Checked against the ASAM XSDs (OpenSCENARIOv1.2.xsd / v1.3.xsd as esmini ships them) by the tests.
 * Simulation time 0 is the first track sample in the scenario's window; TimeOfDay holds that instant (UTC).
 */

import { UsageError } from '../../core/errors.js';
import { isoString } from '../../core/time.js';
import type { Scenario } from '../scenario.js';
import { solarPosition } from '../sun.js';
import { courseToHeading, LocalFrame, wrapTwoPi } from './localFrame.js';
import {
  openScenarioWeather,
  type EnvironmentInput,
  type OpenScenarioWeather,
} from './openScenarioWeather.js';
import { thinTrajectory } from './thinTrajectory.js';
import { XmlWriter } from './xmlWriter.js';

/**
 * The ego's recorded motion, one entry per sample, in time order (a sample not later than its predecessor
 * is skipped).
 */
export interface OpenScenarioTrack {
  /** ns since the epoch (UTC). */
  t: BigInt64Array;
  /** WGS84 degrees; NaN for no fix. */
  lat: Float64Array;
  lon: Float64Array;
  /** Metres (as the source gives it). */
  alt?: Float64Array;
  /** Course over ground, degrees clockwise from true north. */
  heading?: Float64Array;
  /** m/s. */
  speed?: Float64Array;
}

export interface OpenScenarioOptions {
  /**
   * 'enu': WorldPosition x/y/z/h in a local east-north-up frame at the first position (recorded in the
   * FileHeader). 'wgs84': GeoPosition latitudeDeg/longitudeDeg/altitude, which a simulator can place only
   * with a georeferenced road network, and this export has none; hence the default.
   * @default 'enu'
   */
  frame?: 'wgs84' | 'enu';
  /** @default '1.2' */
  version?: '1.2' | '1.3';
  /** @default 'adlake' */
  author?: string;
  /** @default 500 */
  maxVertices?: number;
  /** Thinning stops once every dropped sample is this close (synchronized distance, m). @default 0.05 */
  toleranceM?: number;
  /** Seconds of track kept before the scenario's start and after its end. @default 0 */
  paddingS?: number;
  /** FileHeader@date, ns since the epoch. @default the scenario's start, so that output is deterministic */
  dateNs?: bigint;
}

export interface ScenarioExportInput {
  scenario: Scenario;
  track: OpenScenarioTrack;
  environment?: EnvironmentInput;
  options?: OpenScenarioOptions;
}

const EGO = 'Ego';

/**
 * adlake knows no vehicle dimensions: a mid-size passenger car (about 4.6 m x 1.85 m, 2.75 m wheelbase).
 * OpenSCENARIO's reference point is the rear axle centre on the ground (1.2 documentation, Vehicle), so the
 * box centre sits ahead of it by half the length minus the rear overhang.
 */
const CAR = {
  length: 4.6,
  width: 1.85,
  height: 1.45,
  rearOverhang: 0.95,
  wheelbase: 2.75,
  trackWidth: 1.58,
  wheelDiameter: 0.65,
  maxSteeringRad: 0.55,
  maxAcceleration: 10,
  maxDeceleration: 12,
  /** 250 km/h, raised to the recorded maximum if that is higher. */
  maxSpeed: 69.5,
};

/**
 * Renders the scenario as OpenSCENARIO XML text. Samples outside the scenario's window (plus padding), without
 * a position, or not later than the previous kept sample (by at least 1 µs, the precision of vertex times)
 * are skipped. Same input, same bytes.
 * @throws UsageError for bad options, mismatched track columns, or fewer than two positions in the window.
 */
export function scenarioToOpenScenario(input: ScenarioExportInput): string {
  const { scenario, track } = input;
  const options = resolveOptions(input.options, scenario);
  checkTrack(track, scenario);

  const samples = selectSamples(track, scenario, options.paddingS);
  if (samples.length < 2) {
    throw new UsageError(
      `openscenario: scenario ${scenario.id} has ${samples.length} usable position(s) between its start and ` +
        'end; a trajectory needs two',
    );
  }
  const first = samples[0] ?? 0;
  const last = samples[samples.length - 1] ?? 0;
  const t0 = track.t[first] ?? 0n;
  const alt0 = firstFinite(track.alt, samples) ?? 0;
  const frame = new LocalFrame({ lat: track.lat[first] ?? 0, lon: track.lon[first] ?? 0, alt: alt0 });

  const n = samples.length;
  const time = new Float64Array(n);
  const x = new Float64Array(n);
  const y = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    const i = samples[k] ?? 0;
    time[k] = Number((track.t[i] ?? 0n) - t0) / 1e9;
    const p = frame.toLocal(track.lat[i] ?? 0, track.lon[i] ?? 0);
    x[k] = p.x;
    y[k] = p.y;
  }
  const kept = thinTrajectory(
    { t: time, x, y },
    { maxVertices: options.maxVertices, toleranceM: options.toleranceM },
  );

  const sun = solarPosition(t0, track.lat[first] ?? 0, track.lon[first] ?? 0);
  const environment = input.environment ?? {};
  const weather = openScenarioWeather(
    { ...environment, weather: environment.weather !== undefined ? environment.weather : scenario.weather },
    { elevationDeg: sun.elevation, azimuthDeg: sun.azimuth },
  );

  const ctx: Context = { track, samples, frame, x, y, alt0, options };
  const endTime = time[n - 1] ?? 0;
  const w = new XmlWriter();
  w.open('OpenSCENARIO');
  writeFileHeader(w, ctx, scenario, t0, track.t[last] ?? t0);
  w.empty('CatalogLocations');
  // No road network: the replay needs none, and the XSD allows an empty RoadNetwork.
  w.empty('RoadNetwork');
  writeEntities(w, track, samples);
  w.open('Storyboard');
  w.open('Init').open('Actions');
  writeEnvironment(w, weather, t0, options.version);
  w.open('Private', { entityRef: EGO });
  w.open('PrivateAction').open('TeleportAction');
  writePosition(w, ctx, 0, initialHeading(ctx));
  w.close().close();
  w.open('PrivateAction').open('LongitudinalAction').open('SpeedAction');
  w.empty('SpeedActionDynamics', { dynamicsShape: 'step', value: '0', dynamicsDimension: 'time' });
  w.open('SpeedActionTarget');
  w.empty('AbsoluteTargetSpeed', { value: num(initialSpeed(ctx, time), 3) });
  w.close().close().close().close();
  w.close(); // Private
  w.close().close(); // Actions, Init

  w.open('Story', { name: 'recorded_drive' });
  w.open('Act', { name: 'replay' });
  w.open('ManeuverGroup', { maximumExecutionCount: '1', name: 'ego_replay' });
  w.open('Actors', { selectTriggeringEntities: 'false' });
  w.empty('EntityRef', { entityRef: EGO });
  w.close();
  w.open('Maneuver', { name: 'follow_recorded_trajectory' });
  w.open('Event', { name: 'follow_trajectory', priority: 'override', maximumExecutionCount: '1' });
  w.open('Action', { name: 'follow_trajectory' });
  w.open('PrivateAction').open('RoutingAction').open('FollowTrajectoryAction');
  // TrajectoryRef, not the Trajectory child the 1.2 XSD marks deprecated.
  w.open('TrajectoryRef').open('Trajectory', { name: 'recorded', closed: 'false' });
  w.open('Shape').open('Polyline');
  for (const k of kept) {
    w.open('Vertex', { time: num(time[k] ?? 0, 6) });
    writePosition(w, ctx, k, vertexHeading(ctx, k));
    w.close();
  }
  w.close().close(); // Polyline, Shape
  w.close().close(); // Trajectory, TrajectoryRef
  // Vertex times are seconds of simulation time: absolute timing, scale 1, no offset.
  w.open('TimeReference');
  w.empty('Timing', { domainAbsoluteRelative: 'absolute', scale: '1', offset: '0' });
  w.close();
  w.empty('TrajectoryFollowingMode', { followingMode: 'position' });
  w.close().close().close(); // FollowTrajectoryAction, RoutingAction, PrivateAction
  w.close(); // Action
  writeTimeTrigger(w, 'StartTrigger', 'trajectory_start', 0);
  w.close().close().close(); // Event, Maneuver, ManeuverGroup
  writeTimeTrigger(w, 'StartTrigger', 'act_start', 0);
  w.close().close(); // Act, Story
  writeTimeTrigger(w, 'StopTrigger', 'end_of_recording', endTime);
  w.close(); // Storyboard
  w.close(); // OpenSCENARIO
  return w.toString();
}

interface ResolvedOptions {
  frame: 'wgs84' | 'enu';
  version: '1.2' | '1.3';
  author: string;
  maxVertices: number;
  toleranceM: number;
  paddingS: number;
  dateNs: bigint;
}

interface Context {
  track: OpenScenarioTrack;
  /** Track indices of the usable samples. */
  samples: number[];
  frame: LocalFrame;
  /** Local east/north of each usable sample, metres. */
  x: Float64Array;
  y: Float64Array;
  alt0: number;
  options: ResolvedOptions;
}

/** Checks every option, then throws once with all problems. */
function resolveOptions(options: OpenScenarioOptions | undefined, scenario: Scenario): ResolvedOptions {
  const o = options ?? {};
  const resolved: ResolvedOptions = {
    frame: o.frame ?? 'enu',
    version: o.version ?? '1.2',
    author: o.author ?? 'adlake',
    maxVertices: o.maxVertices ?? 500,
    toleranceM: o.toleranceM ?? 0.05,
    paddingS: o.paddingS ?? 0,
    dateNs: o.dateNs ?? scenario.start_ns,
  };
  const problems: string[] = [];
  if (resolved.frame !== 'enu' && resolved.frame !== 'wgs84') problems.push(`frame must be 'enu' or 'wgs84'`);
  if (resolved.version !== '1.2' && resolved.version !== '1.3')
    problems.push(`version must be '1.2' or '1.3'`);
  if (!Number.isInteger(resolved.maxVertices) || resolved.maxVertices < 2) {
    problems.push(`maxVertices must be an integer >= 2, got ${resolved.maxVertices}`);
  }
  if (!(resolved.toleranceM >= 0)) problems.push(`toleranceM must be >= 0, got ${resolved.toleranceM}`);
  if (!(resolved.paddingS >= 0) || !Number.isFinite(resolved.paddingS)) {
    problems.push(`paddingS must be a finite number >= 0, got ${resolved.paddingS}`);
  }
  if (problems.length > 0) throw new UsageError(`openscenario: ${problems.join('; ')}`);
  return resolved;
}

function checkTrack(track: OpenScenarioTrack, scenario: Scenario): void {
  const n = track.t.length;
  const problems: string[] = [];
  for (const [name, column] of [
    ['lat', track.lat],
    ['lon', track.lon],
    ['alt', track.alt],
    ['heading', track.heading],
    ['speed', track.speed],
  ] as const) {
    if (column && column.length !== n)
      problems.push(`track.${name} has ${column.length} entries, track.t ${n}`);
  }
  if (scenario.end_ns < scenario.start_ns) problems.push('scenario ends before it starts');
  if (problems.length > 0)
    throw new UsageError(`openscenario: scenario ${scenario.id}: ${problems.join('; ')}`);
}

/**
 * Track indices in the window with a valid position and a time at least 1 µs after the previous kept one.
 * The track is in time order (its contract), so the window's start is found by bisection: exporting a short
 * scenario from a whole drive's track touches only the window.
 */
function selectSamples(track: OpenScenarioTrack, scenario: Scenario, paddingS: number): number[] {
  const pad = BigInt(Math.round(paddingS * 1e9));
  const from = scenario.start_ns - pad;
  const to = scenario.end_ns + pad;
  let lo = 0;
  let hi = track.t.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((track.t[mid] ?? 0n) < from) lo = mid + 1;
    else hi = mid;
  }
  const out: number[] = [];
  let last: bigint | undefined;
  for (let i = lo; i < track.t.length; i++) {
    const t = track.t[i] ?? 0n;
    if (t > to) break;
    if (t < from) continue;
    const lat = track.lat[i] ?? Number.NaN;
    const lon = track.lon[i] ?? Number.NaN;
    if (!(Math.abs(lat) <= 90 && Math.abs(lon) <= 180)) continue;
    if (last !== undefined && t - last < 1000n) continue;
    last = t;
    out.push(i);
  }
  return out;
}

function writeFileHeader(w: XmlWriter, ctx: Context, scenario: Scenario, t0: bigint, tEnd: bigint): void {
  const { options, frame } = ctx;
  const origin =
    options.frame === 'enu'
      ? `; WorldPosition x/y/z/h in a local ENU frame (x east, y north, metres) with origin ` +
        `${num(frame.origin.lat, 8)} deg N, ${num(frame.origin.lon, 8)} deg E, ${num(frame.origin.alt, 3)} m`
      : '; GeoPosition in WGS84 degrees';
  const description =
    `adlake ${scenario.type} scenario ${scenario.id} from drive ${scenario.drive_id} ` +
    `(vehicle ${scenario.vehicle}), ${isoString(t0)} to ${isoString(tEnd)}: ${scenario.description}${origin}`;
  w.open('FileHeader', {
    revMajor: '1',
    revMinor: options.version === '1.3' ? '3' : '2',
    date: isoString(options.dateNs),
    description,
    author: options.author,
  });
  w.open('Properties');
  const properties: [string, string][] = [
    ['adlake.scenario_id', scenario.id],
    ['adlake.scenario_type', scenario.type],
    ['adlake.drive_id', scenario.drive_id],
    ['adlake.vehicle', scenario.vehicle],
    ['adlake.detector_version', scenario.detector_version],
    ['adlake.simulation_time_zero', isoString(t0)],
    ['adlake.frame', options.frame],
  ];
  if (options.frame === 'enu') {
    properties.push(
      ['adlake.enu_origin_latitude_deg', num(frame.origin.lat, 8)],
      ['adlake.enu_origin_longitude_deg', num(frame.origin.lon, 8)],
      ['adlake.enu_origin_altitude_m', num(frame.origin.alt, 3)],
    );
  }
  for (const [name, value] of properties) w.empty('Property', { name, value });
  w.close().close();
}

function writeEntities(w: XmlWriter, track: OpenScenarioTrack, samples: number[]): void {
  let maxSpeed = CAR.maxSpeed;
  if (track.speed) for (const i of samples) maxSpeed = Math.max(maxSpeed, track.speed[i] ?? 0);
  w.open('Entities').open('ScenarioObject', { name: EGO });
  w.open('Vehicle', { name: 'ego', vehicleCategory: 'car' });
  w.open('BoundingBox');
  w.empty('Center', { x: num(CAR.length / 2 - CAR.rearOverhang, 3), y: '0', z: num(CAR.height / 2, 3) });
  w.empty('Dimensions', { width: num(CAR.width, 3), length: num(CAR.length, 3), height: num(CAR.height, 3) });
  w.close();
  w.empty('Performance', {
    maxSpeed: num(Math.ceil(maxSpeed * 10) / 10, 1),
    maxAcceleration: num(CAR.maxAcceleration, 1),
    maxDeceleration: num(CAR.maxDeceleration, 1),
  });
  w.open('Axles');
  const axle = (positionX: number, maxSteering: number): Record<string, string> => ({
    maxSteering: num(maxSteering, 4),
    wheelDiameter: num(CAR.wheelDiameter, 3),
    trackWidth: num(CAR.trackWidth, 3),
    positionX: num(positionX, 3),
    positionZ: num(CAR.wheelDiameter / 2, 3),
  });
  w.empty('FrontAxle', axle(CAR.wheelbase, CAR.maxSteeringRad));
  w.empty('RearAxle', axle(0, 0));
  w.close();
  // Required in 1.2 (optional from 1.3).
  w.empty('Properties');
  w.close().close().close();
}

function writeEnvironment(
  w: XmlWriter,
  weather: OpenScenarioWeather,
  t0: bigint,
  version: '1.2' | '1.3',
): void {
  w.open('GlobalAction').open('EnvironmentAction').open('Environment', { name: 'recorded' });
  // The recorded instant, explicitly UTC; animation off: the replay is short and the Sun below is fixed.
  w.empty('TimeOfDay', { animation: 'false', dateTime: isoString(t0) });
  w.open('Weather', {
    fractionalCloudCover: weather.fractionalCloudCover ?? undefined,
    temperature: weather.temperatureK === null ? undefined : num(weather.temperatureK, 2),
  });
  const illuminance = num(weather.sun.illuminanceLx, 1);
  w.empty('Sun', {
    azimuth: num(weather.sun.azimuthRad, 6),
    elevation: num(weather.sun.elevationRad, 6),
    // 1.3 deprecates intensity for illuminance (same meaning, lux); 1.2 requires intensity.
    intensity: version === '1.2' ? illuminance : undefined,
    illuminance: version === '1.3' ? illuminance : undefined,
  });
  if (weather.fogVisualRangeM !== null) w.empty('Fog', { visualRange: num(weather.fogVisualRangeM, 1) });
  if (weather.precipitation) {
    const { type, intensityMmH } = weather.precipitation;
    w.empty('Precipitation', {
      precipitationType: type,
      precipitationIntensity: intensityMmH === null ? undefined : num(intensityMmH, 2),
    });
  }
  w.close(); // Weather
  w.empty('RoadCondition', { frictionScaleFactor: num(weather.frictionScaleFactor, 3) });
  w.close().close().close();
}

/** Position of usable sample k, in the chosen frame, with an optional heading (OpenSCENARIO radians). */
function writePosition(w: XmlWriter, ctx: Context, k: number, h: number | undefined): void {
  const i = ctx.samples[k] ?? 0;
  const alt = ctx.track.alt?.[i];
  const hasAlt = alt !== undefined && Number.isFinite(alt);
  w.open('Position');
  if (ctx.options.frame === 'enu') {
    w.empty('WorldPosition', {
      x: num(ctx.x[k] ?? 0, 3),
      y: num(ctx.y[k] ?? 0, 3),
      z: hasAlt ? num(alt - ctx.alt0, 3) : undefined,
      h: h === undefined ? undefined : num(h, 6),
    });
  } else {
    const attributes = {
      latitudeDeg: num(ctx.track.lat[i] ?? 0, 8),
      longitudeDeg: num(ctx.track.lon[i] ?? 0, 8),
      altitude: hasAlt ? num(alt, 3) : undefined,
    };
    if (h === undefined) {
      w.empty('GeoPosition', attributes);
    } else {
      w.open('GeoPosition', attributes);
      w.empty('Orientation', { type: 'absolute', h: num(h, 6) });
      w.close();
    }
  }
  w.close();
}

/**
 * Heading at usable sample k from the recorded course, in the frame's convention; undefined without one
 * (the simulator then follows the polyline's direction).
 */
function vertexHeading(ctx: Context, k: number): number | undefined {
  const i = ctx.samples[k] ?? 0;
  const course = ctx.track.heading?.[i];
  if (course === undefined || !Number.isFinite(course)) return undefined;
  if (ctx.options.frame === 'wgs84') return courseToHeading(course);
  return ctx.frame.headingToLocal(course, ctx.track.lat[i] ?? 0, ctx.track.lon[i] ?? 0);
}

/** The first sample's heading; without a recorded course, the direction to the first sample 1 m away. */
function initialHeading(ctx: Context): number | undefined {
  const recorded = vertexHeading(ctx, 0);
  if (recorded !== undefined) return recorded;
  const x0 = ctx.x[0] ?? 0;
  const y0 = ctx.y[0] ?? 0;
  for (let k = 1; k < ctx.x.length; k++) {
    const dx = (ctx.x[k] ?? 0) - x0;
    const dy = (ctx.y[k] ?? 0) - y0;
    // At the origin the local frame's axes are east and north, so this angle serves both frames.
    if (dx * dx + dy * dy >= 1) return wrapTwoPi(Math.atan2(dy, dx));
  }
  return undefined;
}

/** The first sample's recorded speed; without one, the mean speed over the first second of track. */
function initialSpeed(ctx: Context, time: Float64Array): number {
  const first = ctx.samples[0] ?? 0;
  const recorded = ctx.track.speed?.[first];
  if (recorded !== undefined && Number.isFinite(recorded) && recorded >= 0) return recorded;
  let distance = 0;
  let k = 1;
  for (; k < time.length; k++) {
    distance += Math.hypot((ctx.x[k] ?? 0) - (ctx.x[k - 1] ?? 0), (ctx.y[k] ?? 0) - (ctx.y[k - 1] ?? 0));
    if ((time[k] ?? 0) >= 1) break;
  }
  const elapsed = time[Math.min(k, time.length - 1)] ?? 0;
  return elapsed > 0 ? distance / elapsed : 0;
}

function writeTimeTrigger(w: XmlWriter, element: string, name: string, seconds: number): void {
  w.open(element).open('ConditionGroup');
  w.open('Condition', { name, delay: '0', conditionEdge: 'none' });
  w.open('ByValueCondition');
  w.empty('SimulationTimeCondition', { value: num(seconds, 6), rule: 'greaterOrEqual' });
  w.close().close().close().close();
}

function firstFinite(column: Float64Array | undefined, samples: number[]): number | undefined {
  if (!column) return undefined;
  for (const i of samples) {
    const v = column[i];
    if (v !== undefined && Number.isFinite(v)) return v;
  }
  return undefined;
}

/** Fixed-point text without trailing zeros, '-0' as '0': stable across runs and platforms. */
function num(value: number, digits: number): string {
  if (!Number.isFinite(value))
    throw new UsageError(`openscenario: cannot write the non-finite number ${value}`);
  let text = value.toFixed(digits);
  if (text.includes('.')) {
    let end = text.length;
    while (text.charCodeAt(end - 1) === 0x30) end--;
    if (text.charCodeAt(end - 1) === 0x2e) end--;
    text = text.slice(0, end);
  }
  return text === '-0' ? '0' : text;
}
