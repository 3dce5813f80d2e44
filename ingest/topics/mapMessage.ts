import type { CanFrame } from '../can/frame.js';
import type { GpsFix } from '../nmea/gpsFix.js';

/** What the topic mapping needs of a bag or MCAP message. */
export interface TopicMessage {
  topic: string;
  /** ROS type name, `pkg/Type` or `pkg/msg/Type`. */
  schemaName: string;
  /** Recording time, ns since the epoch. */
  logTime: bigint;
  /** Deserialised message: plain objects, numbers, strings, typed arrays. */
  message: unknown;
  /** `header.stamp` in ns when the reader already took it from the message (see `decodeMessages`). */
  headerStamp?: bigint;
}

export interface ImuRow {
  t: bigint;
  source: string;
  frameId: string | null;
  accel: [number, number, number] | null;
  gyro: [number, number, number] | null;
  orientation: [number, number, number, number] | null;
}

export interface EgoMotionRow {
  t: bigint;
  source: string;
  frameId: string | null;
  linear: [number, number, number] | null;
  angular: [number, number, number] | null;
  position: [number, number, number] | null;
}

/** Where one message goes in the curated tables. */
export type MappedMessage =
  | { table: 'gps'; row: GpsFix & { source: string } }
  | { table: 'imu'; row: ImuRow }
  | { table: 'ego_motion'; row: EgoMotionRow }
  | { table: 'can_frames'; row: CanFrame }
  | { table: 'topics'; topic: string };

/**
 * Maps a decoded ROS message to a curated table by its type: NavSatFix → gps, Imu → imu, Twist/TwistStamped
 * and Odometry → ego_motion, can_msgs/Frame → can_frames; anything else stays a topic table.
 *
 * Time: the header stamp when it is set (the sensor's measurement time), else the log time (when the
 * recorder received it). A header stamp of zero means "not set" in ROS.
 */
export function mapMessage(m: TopicMessage): MappedMessage {
  switch (curatedTable(m.schemaName)) {
    case 'gps':
      return { table: 'gps', row: gpsRow(m) };
    case 'imu':
      return { table: 'imu', row: imuRow(m) };
    case 'ego_motion':
      return { table: 'ego_motion', row: egoMotionRow(m) };
    case 'can_frames':
      return { table: 'can_frames', row: canFrameRow(m) };
    case undefined:
      return { table: 'topics', topic: m.topic };
  }
}

/** The curated table a ROS type goes to (see `mapMessage`), or undefined for a topic table. */
export function curatedTable(schemaName: string): 'gps' | 'imu' | 'ego_motion' | 'can_frames' | undefined {
  switch (normalisedTypes.get(schemaName) ?? cacheType(schemaName)) {
    case 'sensor_msgs/NavSatFix':
      return 'gps';
    case 'sensor_msgs/Imu':
      return 'imu';
    case 'geometry_msgs/TwistStamped':
    case 'geometry_msgs/Twist':
    case 'nav_msgs/Odometry':
      return 'ego_motion';
    case 'can_msgs/Frame':
      return 'can_frames';
    default:
      return undefined;
  }
}

/** The `gps` row of a sensor_msgs/NavSatFix. */
export function gpsRow(m: TopicMessage): GpsFix & { source: string } {
  return navSatFix(m, asRecord(m.message));
}

/** The `imu` row of a sensor_msgs/Imu. */
export function imuRow(m: TopicMessage): ImuRow {
  const msg = asRecord(m.message);
  return {
    t: timeOf(m, msg),
    source: m.topic,
    frameId: frameIdOf(msg),
    accel: vector3(msg.linear_acceleration),
    gyro: vector3(msg.angular_velocity),
    // ROS marks an unknown orientation with covariance[0] = -1.
    orientation: covarianceUnknown(msg.orientation_covariance) ? null : quaternion(msg.orientation),
  };
}

/** The `ego_motion` row of a geometry_msgs/Twist, TwistStamped or nav_msgs/Odometry. */
export function egoMotionRow(m: TopicMessage): EgoMotionRow {
  const msg = asRecord(m.message);
  const type = normalisedTypes.get(m.schemaName) ?? cacheType(m.schemaName);
  if (type === 'nav_msgs/Odometry') {
    const twist = asRecord(asRecord(msg.twist).twist);
    const position = vector3(asRecord(asRecord(msg.pose).pose).position);
    const child = typeof msg.child_frame_id === 'string' && msg.child_frame_id ? msg.child_frame_id : null;
    const row = egoRow(m, msg, twist, position);
    if (child) row.frameId = child;
    return row;
  }
  const twist = type === 'geometry_msgs/Twist' ? msg : asRecord(msg.twist);
  return egoRow(m, msg, twist, null);
}

/** The `can_frames` row of a can_msgs/Frame. */
export function canFrameRow(m: TopicMessage): CanFrame {
  return canFrame(m, asRecord(m.message));
}

/** Schema names per file are few; normalising each message's name again was a measurable cost. */
const normalisedTypes = new Map<string, string>();

function cacheType(name: string): string {
  const type = normaliseType(name);
  // Bounded: a pathological input with endless schema names must not grow the cache without end.
  if (normalisedTypes.size < 4096) normalisedTypes.set(name, type);
  return type;
}

/** `pkg/msg/Type` (ROS 2) → `pkg/Type`. */
export function normaliseType(name: string): string {
  const parts = name.split('/');
  return parts.length === 3 && parts[1] === 'msg' ? `${parts[0]}/${parts[2]}` : name;
}

function navSatFix(m: TopicMessage, msg: Record<string, unknown>): GpsFix & { source: string } {
  const status = asRecord(msg.status);
  // sensor_msgs/NavSatStatus: -1 no fix, 0 fix, 1 SBAS-augmented, 2 ground-based augmentation (RTK class).
  const code = typeof status.status === 'number' ? status.status : undefined;
  const fixQuality = code === undefined ? undefined : code < 0 ? 0 : code === 0 ? 1 : code === 1 ? 2 : 4;
  const fix: GpsFix & { source: string } = { t: timeOf(m, msg), line: 0, source: m.topic };
  if (fixQuality !== undefined) fix.fixQuality = fixQuality;
  if (fixQuality !== 0) {
    const lat = finite(msg.latitude);
    const lon = finite(msg.longitude);
    const alt = finite(msg.altitude);
    if (lat !== undefined && lon !== undefined) {
      fix.lat = lat;
      fix.lon = lon;
    }
    // NavSatFix altitude is above the WGS84 ellipsoid, not mean sea level.
    if (alt !== undefined) fix.altHae = alt;
  }
  return fix;
}

function egoRow(
  m: TopicMessage,
  msg: Record<string, unknown>,
  twist: Record<string, unknown>,
  position: [number, number, number] | null,
): EgoMotionRow {
  return {
    t: timeOf(m, msg),
    source: m.topic,
    frameId: frameIdOf(msg),
    linear: vector3(twist.linear),
    angular: vector3(twist.angular),
    position,
  };
}

function canFrame(m: TopicMessage, msg: Record<string, unknown>): CanFrame {
  const raw = msg.data;
  const bytes =
    raw instanceof Uint8Array ? raw : Uint8Array.from(Array.isArray(raw) ? (raw as number[]) : []);
  const dlc = typeof msg.dlc === 'number' ? msg.dlc : bytes.length;
  return {
    t: timeOf(m, msg),
    // CAN drivers name the channel in frame_id (e.g. `can0`); without one, the topic names the bus.
    bus: frameIdOf(msg) ?? m.topic,
    id: typeof msg.id === 'number' ? msg.id : 0,
    extended: msg.is_extended === true,
    dlc,
    // can_msgs/Frame always carries 8 bytes; the DLC says how many are payload.
    // (A subarray per frame is a measurable cost; the usual dlc 8 needs none.)
    data: dlc >= bytes.length ? bytes : bytes.subarray(0, dlc),
    fd: false,
    brs: false,
    esi: false,
    error: msg.is_error === true,
    remote: msg.is_rtr === true,
  };
}

/** The row time: the reader's header stamp when it took one, else `stampOf`. */
function timeOf(m: TopicMessage, msg: Record<string, unknown>): bigint {
  const stamp = m.headerStamp;
  if (stamp === undefined) return stampOf(msg, m.logTime);
  return stamp === 0n ? m.logTime : stamp;
}

/** Header stamp in ns when set, else the fallback. ROS 1 stamps are {sec, nsec}; ROS 2 {sec, nanosec}. */
export function stampOf(msg: Record<string, unknown>, fallback: bigint): bigint {
  const stamp = asRecord(asRecord(msg.header).stamp);
  const sec = finite(stamp.sec);
  const nsec = finite(stamp.nsec) ?? finite(stamp.nanosec);
  if (sec === undefined || nsec === undefined || (sec === 0 && nsec === 0)) return fallback;
  return BigInt(Math.trunc(sec)) * 1_000_000_000n + BigInt(Math.trunc(nsec));
}

function frameIdOf(msg: Record<string, unknown>): string | null {
  const id = asRecord(msg.header).frame_id;
  return typeof id === 'string' && id !== '' ? id : null;
}

function vector3(value: unknown): [number, number, number] | null {
  const v = asRecord(value);
  const x = finite(v.x);
  const y = finite(v.y);
  const z = finite(v.z);
  return x === undefined || y === undefined || z === undefined ? null : [x, y, z];
}

function quaternion(value: unknown): [number, number, number, number] | null {
  const v = asRecord(value);
  const xyz = vector3(v);
  const w = finite(v.w);
  return xyz === null || w === undefined ? null : [...xyz, w];
}

function covarianceUnknown(value: unknown): boolean {
  const first =
    Array.isArray(value) || value instanceof Float64Array ? (value as ArrayLike<number>)[0] : undefined;
  return first === -1;
}

function finite(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

function asRecord(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
}
