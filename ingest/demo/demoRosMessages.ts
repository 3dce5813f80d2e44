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
  // derived_object_msgs (astuff_sensor_msgs, as the CARLA ROS bridge and AutonomouStuff drivers publish it).
  'derived_object_msgs/ObjectArray': [
    ['std_msgs/Header header', 'derived_object_msgs/Object[] objects'].join('\n'),
    HEADER,
    [
      'MSG: derived_object_msgs/Object',
      'std_msgs/Header header',
      'uint32 id',
      'uint8 OBJECT_DETECTED=0',
      'uint8 OBJECT_TRACKED=1',
      'uint8 detection_level',
      'bool object_classified',
      'geometry_msgs/Pose pose',
      'geometry_msgs/Twist twist',
      'geometry_msgs/Accel accel',
      'geometry_msgs/Polygon polygon',
      'shape_msgs/SolidPrimitive shape',
      'uint8 CLASSIFICATION_UNKNOWN=0',
      'uint8 CLASSIFICATION_UNKNOWN_SMALL=1',
      'uint8 CLASSIFICATION_UNKNOWN_MEDIUM=2',
      'uint8 CLASSIFICATION_UNKNOWN_BIG=3',
      'uint8 CLASSIFICATION_PEDESTRIAN=4',
      'uint8 CLASSIFICATION_BIKE=5',
      'uint8 CLASSIFICATION_CAR=6',
      'uint8 CLASSIFICATION_TRUCK=7',
      'uint8 CLASSIFICATION_MOTORCYCLE=8',
      'uint8 CLASSIFICATION_OTHER_VEHICLE=9',
      'uint8 CLASSIFICATION_BARRIER=10',
      'uint8 CLASSIFICATION_SIGN=11',
      'uint8 classification',
      'uint8 classification_certainty',
      'uint32 classification_age',
    ].join('\n'),
    ['MSG: geometry_msgs/Pose', 'geometry_msgs/Point position', 'geometry_msgs/Quaternion orientation'].join('\n'),
    ['MSG: geometry_msgs/Point', 'float64 x', 'float64 y', 'float64 z'].join('\n'),
    QUATERNION,
    ['MSG: geometry_msgs/Twist', 'geometry_msgs/Vector3 linear', 'geometry_msgs/Vector3 angular'].join('\n'),
    VECTOR3,
    ['MSG: geometry_msgs/Accel', 'geometry_msgs/Vector3 linear', 'geometry_msgs/Vector3 angular'].join('\n'),
    ['MSG: geometry_msgs/Polygon', 'geometry_msgs/Point32[] points'].join('\n'),
    ['MSG: geometry_msgs/Point32', 'float32 x', 'float32 y', 'float32 z'].join('\n'),
    [
      'MSG: shape_msgs/SolidPrimitive',
      'uint8 BOX=1',
      'uint8 SPHERE=2',
      'uint8 CYLINDER=3',
      'uint8 CONE=4',
      'uint8 type',
      'float64[] dimensions',
      'uint8 BOX_X=0',
      'uint8 BOX_Y=1',
      'uint8 BOX_Z=2',
    ].join('\n'),
  ],
} as const;

export type DemoType = keyof typeof DEMO_DEFINITIONS;

export const DEMO_TOPICS: Record<DemoType, string> = {
  'sensor_msgs/NavSatFix': '/gps/fix',
  'sensor_msgs/Imu': '/imu/data',
  'geometry_msgs/TwistStamped': '/vehicle/twist',
  'can_msgs/Frame': '/can/rx',
  'std_msgs/String': '/vehicle/info',
  'derived_object_msgs/ObjectArray': '/perception/objects',
};


/** The full definition text of a demo type, as a recorder embeds it (fields, then each dependency). */
export function demoDefinitionText(type: DemoType): string {
  return DEMO_DEFINITIONS[type].join(DEFINITION_SEPARATOR);
}

/**
 * The demo drive as ROS messages in log-time order, on the same clock as its candump and NMEA files:
 * NavSatFix from the same fixes as the NMEA log, can_msgs/Frame for every CAN frame (frame_id `can0`, so
 * the bus name matches), plus 100 Hz Imu and 50 Hz TwistStamped from the simulated state, and 10 Hz
 * perception objects (see `demoObjectScript`).
 */
export function* demoRosEvents(drive: DemoDrive): Iterable<DemoRosEvent> {
  // Merge the three time-ordered streams by time so the file is in log-time order, like a recorder's.
  const streams = [
    sensorEvents(drive),
    fixEvents(drive),
    frameEvents(drive),
    infoEvents(drive),
    objectEvents(drive),
  ].map((it) => it[Symbol.iterator]());
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

/** One scripted object of the demo's perception topic: where it is (ego frame) while it is published. */
export interface DemoObject {
  /** The tracker id (`derived_object_msgs/Object.id`). */
  id: number;
  /** `derived_object_msgs/Object.classification`: 4 pedestrian, 6 car, 7 truck. */
  classification: number;
  /** Published from this time to `to_s` (seconds from the drive's start, inclusive). */
  from_s: number;
  to_s: number;
  /** Position in base_link (x forward, y left, m) at `s` seconds from the drive's start. */
  at: (s: number) => { x: number; y: number };
  /** Box length, width, height (m). */
  size: readonly [number, number, number];
}

/**
 * The objects the demo's perception topic reports, from the drive's ground truth: a car ahead in the ego
 * lane and a truck in the next lane during the first cruise (from 2 s after the first acceleration ends
 * to 1 s before the lane change), and a pedestrian crossing 8 m ahead, right to left at 1.5 m/s from 6 m
 * right to 6 m left, starting 0.5 s into the final stop.
 */
export function demoObjectScript(drive: DemoDrive): DemoObject[] {
  const seconds = (ns: string): number => Number(BigInt(ns) - drive.startNs) / 1e9;
  const maneuvers = drive.groundTruth.maneuvers;
  const accelerate = maneuvers.find((m) => m.type === 'accelerate');
  const laneChange = maneuvers.find((m) => m.type === 'lane_change');
  const stop = maneuvers.find((m) => m.type === 'stop');
  const objects: DemoObject[] = [];
  if (accelerate && laneChange) {
    const from = seconds(accelerate.end_ns) + 2;
    const to = seconds(laneChange.start_ns) - 1;
    objects.push(
      {
        id: 1,
        classification: 6,
        from_s: from,
        to_s: to,
        // The car ahead drifts between 35 and 45 m and weaves a little inside the lane.
        at: (s) => ({ x: 40 + 5 * Math.sin((2 * Math.PI * (s - from)) / 8), y: 0.3 * Math.sin((2 * Math.PI * (s - from)) / 5) }),
        size: [4.6, 1.9, 1.5],
      },
      { id: 2, classification: 7, from_s: from, to_s: to, at: () => ({ x: 25, y: -3.6 }), size: [12, 2.5, 3.6] },
    );
  }
  if (stop) {
    const from = seconds(stop.start_ns) + 0.5;
    objects.push({
      id: 3,
      classification: 4,
      from_s: from,
      to_s: from + 12 / 1.5,
      at: (s) => ({ x: 8, y: -6 + 1.5 * (s - from) }),
      size: [0.5, 0.5, 1.75],
    });
  }
  return objects;
}

/** 10 Hz `derived_object_msgs/ObjectArray` in base_link over the whole drive (often with no objects). */
function* objectEvents(drive: DemoDrive): Iterable<DemoRosEvent> {
  const script = demoObjectScript(drive);
  const last = drive.states.at(-1)?.time ?? 0;
  const zero = { x: 0, y: 0, z: 0 };
  for (let k = 0; k * 0.1 <= last + 1e-9; k++) {
    const s = k / 10;
    const t = drive.startNs + BigInt(k) * 100_000_000n;
    const stamp = { sec: Number(t / 1_000_000_000n), nsec: Number(t % 1_000_000_000n) };
    const objects = script
      .filter((o) => s >= o.from_s - 1e-9 && s <= o.to_s + 1e-9)
      .map((o) => {
        const { x, y } = o.at(s);
        return {
          header: { seq: 0, stamp, frame_id: 'base_link' },
          id: o.id,
          detection_level: 1,
          object_classified: true,
          pose: { position: { x, y, z: 0 }, orientation: { x: 0, y: 0, z: 0, w: 1 } },
          twist: { linear: zero, angular: zero },
          accel: { linear: zero, angular: zero },
          polygon: { points: [] },
          shape: { type: 1, dimensions: [...o.size] },
          classification: o.classification,
          classification_certainty: 230,
          classification_age: Math.round((s - o.from_s) * 10),
        };
      });
    yield { type: 'derived_object_msgs/ObjectArray', t, frameId: 'base_link', body: { objects } };
  }
}
