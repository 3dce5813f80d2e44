import { seededRandom } from './random.js';
import { DEMO_GEOID_SEPARATION, type DemoDrive } from './generateDemoDrive.js';

const HEADER = ['MSG: std_msgs/Header', 'uint32 seq', 'time stamp', 'string frame_id'].join('\n');
const VECTOR3 = ['MSG: geometry_msgs/Vector3', 'float64 x', 'float64 y', 'float64 z'].join('\n');
const QUATERNION = ['MSG: geometry_msgs/Quaternion', 'float64 x', 'float64 y', 'float64 z', 'float64 w'].join('\n');
export const DEFINITION_SEPARATOR = `\n${'='.repeat(80)}\n`;

/**
 * The demo drive's ROS 1 message definitions (shared by its MCAP and bag writers), as recorders embed them:
 * the type's fields, then each dependency.
 */
export const DEMO_DEFINITIONS = {
  'sensor_msgs/NavSatFix': [
    [
      'std_msgs/Header header',
      'sensor_msgs/NavSatStatus status',
      'float64 latitude',
      'float64 longitude',
      'float64 altitude',
      'float64[9] position_covariance',
      'uint8 position_covariance_type',
    ].join('\n'),
    HEADER,
    ['MSG: sensor_msgs/NavSatStatus', 'int8 status', 'uint16 service'].join('\n'),
  ],
  'sensor_msgs/Imu': [
    [
      'std_msgs/Header header',
      'geometry_msgs/Quaternion orientation',
      'float64[9] orientation_covariance',
      'geometry_msgs/Vector3 angular_velocity',
      'float64[9] angular_velocity_covariance',
      'geometry_msgs/Vector3 linear_acceleration',
      'float64[9] linear_acceleration_covariance',
    ].join('\n'),
    HEADER,
    QUATERNION,
    VECTOR3,
  ],
  'geometry_msgs/TwistStamped': [
    ['std_msgs/Header header', 'geometry_msgs/Twist twist'].join('\n'),
    HEADER,
    ['MSG: geometry_msgs/Twist', 'geometry_msgs/Vector3 linear', 'geometry_msgs/Vector3 angular'].join('\n'),
    VECTOR3,
  ],
  'can_msgs/Frame': [
    ['std_msgs/Header header', 'uint32 id', 'bool is_rtr', 'bool is_extended', 'bool is_error', 'uint8 dlc', 'uint8[8] data'].join(
      '\n',
    ),
    HEADER,
  ],
  'std_msgs/String': ['string data'],
} as const;

export type DemoType = keyof typeof DEMO_DEFINITIONS;

export const DEMO_TOPICS: Record<DemoType, string> = {
  'sensor_msgs/NavSatFix': '/gps/fix',
  'sensor_msgs/Imu': '/imu/data',
  'geometry_msgs/TwistStamped': '/vehicle/twist',
  'can_msgs/Frame': '/can/rx',
  'std_msgs/String': '/vehicle/info',
};


/** The full definition text of a demo type, as a recorder embeds it (fields, then each dependency). */
export function demoDefinitionText(type: DemoType): string {
  return DEMO_DEFINITIONS[type].join(DEFINITION_SEPARATOR);
}

/**
 * The demo drive as ROS messages in log-time order, on the same clock as its candump and NMEA files:
 * NavSatFix from the same fixes as the NMEA log, can_msgs/Frame for every CAN frame (frame_id `can0`, so
 * the bus name matches), plus 100 Hz Imu and 50 Hz TwistStamped from the simulated state.
 */
export function* demoRosEvents(drive: DemoDrive): Iterable<DemoRosEvent> {
  // Merge the three time-ordered streams by time so the file is in log-time order, like a recorder's.
  const streams = [sensorEvents(drive), fixEvents(drive), frameEvents(drive), infoEvents(drive)].map((it) =>
    it[Symbol.iterator](),
  );
  const heads = streams.map((it) => it.next());
  for (;;) {
    let best = -1;
    heads.forEach((h, i) => {
      if (!h.done && (best < 0 || h.value.t < (heads[best]?.value as DemoRosEvent).t)) best = i;
    });
    if (best < 0) break;
    yield heads[best]?.value as DemoRosEvent;
    heads[best] = streams[best]?.next() as IteratorResult<DemoRosEvent>;
  }
}

/** One demo message: its type, log time (ns), header frame_id and the fields after the header. */
export interface DemoRosEvent {
  type: DemoType;
  t: bigint;
  frameId: string;
  body: Record<string, unknown>;
}

function* fixEvents(drive: DemoDrive): Iterable<DemoRosEvent> {
  for (const f of drive.fixes()) {
    yield {
      type: 'sensor_msgs/NavSatFix',
      t: f.micros * 1000n,
      frameId: 'gps',
      body: {
        status: { status: 0, service: 1 },
        latitude: f.lat,
        longitude: f.lon,
        // NavSatFix altitude is above the ellipsoid: MSL + geoid separation.
        altitude: f.alt + DEMO_GEOID_SEPARATION,
        position_covariance: new Float64Array(9),
        position_covariance_type: 0,
      },
    };
  }
}

/** What a vehicle gateway publishes about itself every 10 s: a free-text line that includes the VIN. */
function* infoEvents(drive: DemoDrive): Iterable<DemoRosEvent> {
  const last = drive.states.at(-1)?.time ?? 0;
  for (let s = 0; s <= last; s += 10) {
    yield {
      type: 'std_msgs/String',
      t: drive.startNs + BigInt(s) * 1_000_000_000n,
      frameId: '',
      body: { data: `VIN:${drive.vin} model:adlake-demo sw:1.4.2` },
    };
  }
}

function* frameEvents(drive: DemoDrive): Iterable<DemoRosEvent> {
  for (const f of drive.frames()) {
    const data = new Uint8Array(8);
    data.set(f.data.subarray(0, 8));
    yield {
      type: 'can_msgs/Frame',
      t: f.micros * 1000n,
      frameId: 'can0',
      body: { id: f.id, is_rtr: false, is_extended: f.extended, is_error: false, dlc: f.data.length, data },
    };
  }
}

function* sensorEvents(drive: DemoDrive): Iterable<DemoRosEvent> {
  const random = seededRandom(drive.seed ^ 0x1b0);
  const zeros = new Float64Array(9);
  for (let k = 0; k < drive.states.length; k++) {
    const s = drive.states[k];
    if (!s) continue;
    const t = drive.startNs + BigInt(Math.round(s.time * 1e6)) * 1000n;
    // Vehicle frame (REP 103): x forward, y left, z up; yaw rate positive to the left.
    const yaw = -s.yawRate;
    yield {
      type: 'sensor_msgs/Imu',
      t,
      frameId: 'imu_link',
      body: {
        // ENU yaw (REP 103) is counter-clockwise from east; the simulated heading is clockwise from north.
        orientation: { x: 0, y: 0, z: Math.sin((Math.PI / 2 - s.heading) / 2), w: Math.cos((Math.PI / 2 - s.heading) / 2) },
        orientation_covariance: zeros,
        angular_velocity: { x: random.gauss(0.002), y: random.gauss(0.002), z: yaw + random.gauss(0.002) },
        angular_velocity_covariance: zeros,
        linear_acceleration: {
          x: s.accel + random.gauss(0.05),
          y: s.speed * yaw + random.gauss(0.05),
          z: 9.81 + random.gauss(0.05),
        },
        linear_acceleration_covariance: zeros,
      },
    };
    if (k % 2 === 0) {
      yield {
        type: 'geometry_msgs/TwistStamped',
        t,
        frameId: 'base_link',
        body: { twist: { linear: { x: s.speed, y: 0, z: 0 }, angular: { x: 0, y: 0, z: yaw } } },
      };
    }
  }
}
