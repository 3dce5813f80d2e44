import { NS_PER_S } from '../../core/time.js';
import { DEMO_MESSAGES, DEMO_UNKNOWN_IDS, DEMO_VIN, demoDbcText, type DemoSignal } from './demoVehicle.js';
import { packSignal } from './packSignal.js';
import { seededRandom, type Random } from './random.js';
import { simulateRoute, type ManeuverType, type VehicleState } from './simulateRoute.js';

export interface GroundTruthManeuver {
  type: ManeuverType;
  /** Nanoseconds since the epoch, as decimal strings (JSON has no bigint). */
  start_ns: string;
  end_ns: string;
  start: string;
  end: string;
}

export interface GroundTruth {
  generator: string;
  seed: number;
  start: string;
  duration_s: number;
  maneuvers: GroundTruthManeuver[];
}

export interface DemoDrive {
  seed: number;
  /** The vehicle's VIN (made up, see `DEMO_VIN`); it is also sent once on the CAN bus. */
  vin: string;
  startNs: bigint;
  dbc: string;
  /** The CAN frames, in time order. */
  frames: () => Iterable<DemoFrame>;
  /** The GNSS fixes (10 Hz), in time order. */
  fixes: () => Iterable<DemoFix>;
  /** candump -L lines (without newlines), in time order. */
  candump: () => Iterable<string>;
  /** NMEA 0183 sentences (GGA + RMC at 10 Hz), in time order. */
  nmea: () => Iterable<string>;
  groundTruth: GroundTruth;
  states: VehicleState[];
}

/** Where the demo drives: a ring road south of Munich. */
const ORIGIN = { lat: 48.0675, lon: 11.5367, alt: 560 };
const EARTH_RADIUS = 6_378_137;
const WHEELBASE = 2.8;
const STEERING_RATIO = 15.5;
const HALF_TRACK = 0.8;

/**
 * Generates a synthetic drive from a seed: one clock for CAN and GPS, sensor noise, undocumented CAN ids,
 * and the true maneuver intervals as ground truth. Pure: the caller writes the files.
 */
export function generateDemoDrive(options: { seed?: number } = {}): DemoDrive {
  const seed = options.seed ?? 1;
  const random = seededRandom(seed);
  const route = simulateRoute(random);
  // A morning from 2024-06-14 on, a different day per seed, so drives land in distinct partitions.
  const startSeconds = 1_718_323_200 + (seed % 365) * 86_400 + 7 * 3600 + Math.floor(random.uniform(0, 3600));
  const startNs = BigInt(startSeconds) * NS_PER_S;
  const toNs = (seconds: number): bigint => startNs + BigInt(Math.round(seconds * 1e9));
  const iso = (seconds: number): string =>
    new Date(startSeconds * 1000 + Math.round(seconds * 1000)).toISOString();

  const groundTruth: GroundTruth = {
    generator: 'adlake demo',
    seed,
    start: iso(0),
    duration_s: route.duration,
    maneuvers: route.maneuvers.map((m) => ({
      type: m.type,
      start_ns: toNs(m.start).toString(),
      end_ns: toNs(m.end).toString(),
      start: iso(m.start),
      end: iso(m.end),
    })),
  };

  return {
    seed,
    vin: DEMO_VIN,
    startNs,
    dbc: demoDbcText(),
    frames: () => canFrames(route.states, route.dt, startSeconds, seed),
    fixes: () => gpsFixes(route.states, route.dt, startSeconds, seed),
    candump: () => candumpLines(canFrames(route.states, route.dt, startSeconds, seed)),
    nmea: () => nmeaLines(gpsFixes(route.states, route.dt, startSeconds, seed)),
    groundTruth,
    states: route.states,
  };
}

/** One CAN frame of the demo bus. */
export interface DemoFrame {
  micros: bigint;
  id: number;
  extended: boolean;
  data: Uint8Array;
}

/** One GNSS fix of the demo receiver, rounded to what NMEA carries (so every container holds the same). */
export interface DemoFix {
  micros: bigint;
  lat: number;
  lon: number;
  /** Metres above mean sea level; the geoid separation is `DEMO_GEOID_SEPARATION`. */
  alt: number;
  speed: number;
  course: number;
}

/** Geoid separation the demo receiver reports (metres, ellipsoid above geoid). */
export const DEMO_GEOID_SEPARATION = 47;

function* candumpLines(frames: Iterable<DemoFrame>): Iterable<string> {
  for (const f of frames) yield `(${formatMicros(f.micros)}) can0 ${formatId(f.id, f.extended)}#${hex(f.data)}`;
}

function* canFrames(states: VehicleState[], dt: number, startSeconds: number, seed: number): Iterable<DemoFrame> {
  const random = seededRandom(seed ^ 0x5eed);
  const temperature = random.uniform(8, 28);
  const sources = [
    ...DEMO_MESSAGES.map((m, index) => ({
      kind: 'dbc' as const,
      m,
      index,
      every: Math.round(m.period / dt),
    })),
    ...DEMO_UNKNOWN_IDS.map((u, i) => ({
      kind: 'raw' as const,
      u,
      index: DEMO_MESSAGES.length + i,
      every: Math.round(u.period / dt),
    })),
  ];
  const counters = new Map<number, number>();
  const startMicros = BigInt(startSeconds) * 1_000_000n;
  for (let k = 0; k < states.length; k++) {
    const state = states[k];
    if (!state) continue;
    for (const source of sources) {
      if (k % source.every !== source.index % source.every) continue;
      // Each id sits at its own offset within the 10 ms tick, with a little jitter, so order is stable.
      const micros = startMicros + BigInt(Math.round(k * dt * 1e6) + source.index * 370 + random.int(0, 40));
      let id: number;
      let extended: boolean;
      let data: Uint8Array;
      if (source.kind === 'dbc') {
        id = source.m.id;
        extended = source.m.extended;
        data = new Uint8Array(source.m.length);
        const count = counters.get(id) ?? 0;
        counters.set(id, count + 1);
        const values = physicalValues(source.m.name, state, random, temperature, count);
        for (const signal of source.m.signals) {
          const value = values[signal.name];
          if (value === undefined) continue;
          encode(data, signal, value);
        }
      } else {
        id = source.u.id;
        extended = false;
        data = new Uint8Array(source.u.length);
        for (let i = 0; i < data.length; i++) data[i] = random.int(0, 256);
      }
      yield { micros, id, extended, data };
    }
    if (k === VIN_TICK) yield* vinExchange(startMicros + BigInt(Math.round(k * dt * 1e6)));
  }
}

/** The tick (2 s in) at which a diagnostic tester asks for the VIN, as loggers with an OBD poller do. */
const VIN_TICK = 200;

/**
 * An OBD-II VIN request and its ISO-TP response (SAE J1979 service 09 InfoType 02; ISO 15765-2 first frame,
 * flow control, two consecutive frames) late in one 10 ms tick, after every periodic frame of the tick. No
 * random draws: the rest of the drive stays what it was for each seed.
 */
function* vinExchange(tickMicros: bigint): Iterable<DemoFrame> {
  const vin = [...DEMO_VIN].map((c) => c.charCodeAt(0));
  const frame = (offset: number, id: number, bytes: number[]): DemoFrame => ({
    micros: tickMicros + BigInt(offset),
    id,
    extended: false,
    data: Uint8Array.from(bytes),
  });
  yield frame(9000, 0x7df, [0x02, 0x09, 0x02, 0, 0, 0, 0, 0]);
  yield frame(9200, 0x7e8, [0x10, 0x14, 0x49, 0x02, 0x01, ...vin.slice(0, 3)]);
  yield frame(9300, 0x7e0, [0x30, 0, 0, 0, 0, 0, 0, 0]);
  yield frame(9400, 0x7e8, [0x21, ...vin.slice(3, 10)]);
  yield frame(9500, 0x7e8, [0x22, ...vin.slice(10, 17)]);
}

/** The physical value of every signal a message carries, from the true state plus sensor noise. */
function physicalValues(
  message: string,
  s: VehicleState,
  random: Random,
  temperature: number,
  count: number,
): Record<string, number> {
  const kmh = s.speed * 3.6;
  const moving = s.speed > 0.05;
  switch (message) {
    case 'WHEEL_SPEEDS': {
      const delta = s.yawRate * HALF_TRACK * 3.6;
      const noise = (): number => (moving ? random.gauss(0.05) : 0);
      return {
        WHEEL_SPEED_FL: Math.max(0, kmh + delta + noise()),
        WHEEL_SPEED_FR: Math.max(0, kmh - delta + noise()),
        WHEEL_SPEED_RL: Math.max(0, kmh + delta + noise()),
        WHEEL_SPEED_RR: Math.max(0, kmh - delta + noise()),
      };
    }
    case 'VEHICLE_SPEED':
      return {
        VEHICLE_SPEED: Math.max(0, kmh + (moving ? random.gauss(0.03) : 0)),
        GEAR: s.gear === 'P' ? 0 : 3,
      };
    case 'STEERING': {
      const wheelAngle = moving ? Math.atan((WHEELBASE * s.yawRate) / Math.max(s.speed, 0.1)) : 0;
      return {
        STEER_ANGLE: (wheelAngle * 180 * STEERING_RATIO) / Math.PI + random.gauss(0.1),
        STEER_RATE: 0,
      };
    }
    case 'IMU':
      return {
        LONG_ACCEL: s.accel + random.gauss(0.05),
        LAT_ACCEL: s.speed * s.yawRate + random.gauss(0.05),
        YAW_RATE: (s.yawRate * 180) / Math.PI + random.gauss(0.05),
      };
    case 'PEDALS': {
      const braking = s.accel < -0.3 || (!moving && s.gear === 'D');
      return {
        BRAKE_PRESSURE: s.accel < -0.3 ? -s.accel * 12 : braking ? 8 : 0,
        BRAKE_PRESSED: braking ? 1 : 0,
        THROTTLE_POS: s.accel > 0.05 ? Math.min(100, 15 + s.accel * 18) : moving ? 12 : 0,
      };
    }
    case 'BODY':
      return { TURN_SIGNAL: s.turnSignal, OUTSIDE_TEMP: temperature };
    case 'DIAG':
      return count % 2 === 0
        ? { DIAG_MUX: 0, BATTERY_VOLTAGE: 14.1 + random.gauss(0.05) }
        : { DIAG_MUX: 1, COOLANT_TEMP: Math.round(88 + random.gauss(1)) };
    case 'CCVS':
      return { WHEEL_BASED_SPEED: kmh };
    default:
      return {};
  }
}

function encode(data: Uint8Array, signal: DemoSignal, value: number): void {
  if (signal.float) {
    // Only little-endian float32 is used by the demo DBC.
    new DataView(data.buffer, data.byteOffset).setFloat32(signal.start >> 3, value, true);
    return;
  }
  const lo = signal.signed ? -(2 ** (signal.length - 1)) : 0;
  const hi = signal.signed ? 2 ** (signal.length - 1) - 1 : 2 ** signal.length - 1;
  const raw = Math.min(hi, Math.max(lo, Math.round((value - signal.offset) / signal.scale)));
  packSignal(data, raw, signal);
}

function* gpsFixes(states: VehicleState[], dt: number, startSeconds: number, seed: number): Iterable<DemoFix> {
  const random = seededRandom(seed ^ 0x6a5);
  const every = Math.round(0.1 / dt);
  const cosLat = Math.cos((ORIGIN.lat * Math.PI) / 180);
  for (let k = 0; k < states.length; k += every) {
    const s = states[k];
    if (!s) continue;
    const north = s.north + random.gauss(0.3);
    const east = s.east + random.gauss(0.3);
    const lat = ORIGIN.lat + (north / EARTH_RADIUS) * (180 / Math.PI);
    const lon = ORIGIN.lon + (east / (EARTH_RADIUS * cosLat)) * (180 / Math.PI);
    const alt = Math.round((ORIGIN.alt + random.gauss(0.5)) * 10) / 10;
    const knots = Math.round((Math.max(0, s.speed + random.gauss(0.05)) / 0.514444) * 100) / 100;
    yield {
      micros: BigInt(startSeconds) * 1_000_000n + BigInt(Math.round(k * dt * 1000)) * 1000n,
      lat: nmeaDegrees(lat),
      lon: nmeaDegrees(lon),
      alt,
      speed: knots * 0.514444,
      course: Math.round(((s.heading * 180) / Math.PI) * 10) / 10,
    };
  }
}

/** Degrees rounded as NMEA carries them (whole degrees + minutes to 6 decimals), as a reader computes them. */
function nmeaDegrees(degrees: number): number {
  const text = nmeaAngle(Math.abs(degrees), 1);
  const minutesAt = text.length - 9; // minutes are always `MM.mmmmmm`
  const value = Number(text.slice(0, minutesAt)) + Number(text.slice(minutesAt)) / 60;
  return degrees < 0 ? -value : value;
}

function* nmeaLines(fixes: Iterable<DemoFix>): Iterable<string> {
  for (const f of fixes) {
    const when = new Date(Number(f.micros / 1000n));
    const time = `${pad(when.getUTCHours())}${pad(when.getUTCMinutes())}${pad(when.getUTCSeconds())}.${pad(Math.round(when.getUTCMilliseconds() / 10))}`;
    const date = `${pad(when.getUTCDate())}${pad(when.getUTCMonth() + 1)}${pad(when.getUTCFullYear() % 100)}`;
    const latText = nmeaAngle(Math.abs(f.lat), 2);
    const lonText = nmeaAngle(Math.abs(f.lon), 3);
    const ns = f.lat >= 0 ? 'N' : 'S';
    const ew = f.lon >= 0 ? 'E' : 'W';
    yield sentence(
      `GPGGA,${time},${latText},${ns},${lonText},${ew},1,12,0.8,${f.alt.toFixed(1)},M,${DEMO_GEOID_SEPARATION.toFixed(1)},M,,`,
    );
    yield sentence(
      `GPRMC,${time},A,${latText},${ns},${lonText},${ew},${(f.speed / 0.514444).toFixed(2)},${f.course.toFixed(1)},${date},,,A`,
    );
  }
}

function nmeaAngle(degrees: number, width: number): string {
  const abs = Math.abs(degrees);
  let whole = Math.floor(abs);
  let minutes = Number(((abs - whole) * 60).toFixed(6));
  if (minutes >= 60) {
    whole += 1;
    minutes -= 60;
  }
  return `${String(whole).padStart(width, '0')}${minutes.toFixed(6).padStart(9, '0')}`;
}

function sentence(body: string): string {
  let checksum = 0;
  for (let i = 0; i < body.length; i++) checksum ^= body.charCodeAt(i);
  return `$${body}*${checksum.toString(16).toUpperCase().padStart(2, '0')}`;
}

function formatMicros(micros: bigint): string {
  return `${micros / 1_000_000n}.${(micros % 1_000_000n).toString().padStart(6, '0')}`;
}

function formatId(id: number, extended: boolean): string {
  return id
    .toString(16)
    .toUpperCase()
    .padStart(extended ? 8 : 3, '0');
}

function hex(data: Uint8Array): string {
  let text = '';
  for (const byte of data) text += byte.toString(16).toUpperCase().padStart(2, '0');
  return text;
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}
