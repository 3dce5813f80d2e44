/**
 * The demo vehicle's CAN database, defined once here: the DBC text is generated from it and the demo
 * generator encodes frames with it. It mixes what real vehicle DBCs have: Intel and Motorola signals,
 * signed values, value tables, a float, a multiplexed message and a 29-bit (J1939-style) id.
 */
export interface DemoSignal {
  name: string;
  start: number;
  length: number;
  byteOrder: 'little_endian' | 'big_endian';
  signed: boolean;
  scale: number;
  offset: number;
  min: number;
  max: number;
  unit: string;
  float?: boolean;
  /** Multiplexer role: 'M' for the multiplexer, a number for the branch it belongs to. */
  mux?: 'M' | number;
  choices?: Record<number, string>;
}

export interface DemoMessage {
  id: number;
  extended: boolean;
  name: string;
  length: number;
  sender: string;
  /** Seconds between frames. */
  period: number;
  signals: DemoSignal[];
}

const le = 'little_endian' as const;
const be = 'big_endian' as const;

export const DEMO_MESSAGES: DemoMessage[] = [
  {
    id: 0x100,
    extended: false,
    name: 'WHEEL_SPEEDS',
    length: 8,
    sender: 'ABS',
    period: 0.01,
    signals: ['FL', 'FR', 'RL', 'RR'].map((w, i) => ({
      name: `WHEEL_SPEED_${w}`,
      start: i * 16,
      length: 16,
      byteOrder: le,
      signed: false,
      scale: 0.01,
      offset: 0,
      min: 0,
      max: 655.35,
      unit: 'km/h',
    })),
  },
  {
    id: 0x101,
    extended: false,
    name: 'VEHICLE_SPEED',
    length: 8,
    sender: 'ABS',
    period: 0.02,
    signals: [
      {
        name: 'VEHICLE_SPEED',
        start: 7,
        length: 16,
        byteOrder: be,
        signed: false,
        scale: 0.01,
        offset: 0,
        min: 0,
        max: 655.35,
        unit: 'km/h',
      },
      {
        name: 'GEAR',
        start: 19,
        length: 4,
        byteOrder: be,
        signed: false,
        scale: 1,
        offset: 0,
        min: 0,
        max: 15,
        unit: '',
        choices: { 0: 'P', 1: 'R', 2: 'N', 3: 'D' },
      },
    ],
  },
  {
    id: 0x120,
    extended: false,
    name: 'STEERING',
    length: 8,
    sender: 'EPS',
    period: 0.01,
    signals: [
      {
        name: 'STEER_ANGLE',
        start: 7,
        length: 16,
        byteOrder: be,
        signed: true,
        scale: 0.1,
        offset: 0,
        min: -780,
        max: 780,
        unit: 'deg',
      },
      {
        name: 'STEER_RATE',
        start: 23,
        length: 16,
        byteOrder: be,
        signed: true,
        scale: 1,
        offset: 0,
        min: -2000,
        max: 2000,
        unit: 'deg/s',
      },
    ],
  },
  {
    id: 0x130,
    extended: false,
    name: 'IMU',
    length: 8,
    sender: 'ACU',
    period: 0.01,
    signals: [
      {
        name: 'LONG_ACCEL',
        start: 0,
        length: 16,
        byteOrder: le,
        signed: true,
        scale: 0.001,
        offset: 0,
        min: -20,
        max: 20,
        unit: 'm/s^2',
      },
      {
        name: 'LAT_ACCEL',
        start: 16,
        length: 16,
        byteOrder: le,
        signed: true,
        scale: 0.001,
        offset: 0,
        min: -20,
        max: 20,
        unit: 'm/s^2',
      },
      {
        name: 'YAW_RATE',
        start: 32,
        length: 16,
        byteOrder: le,
        signed: true,
        scale: 0.01,
        offset: 0,
        min: -180,
        max: 180,
        unit: 'deg/s',
      },
    ],
  },
  {
    id: 0x140,
    extended: false,
    name: 'PEDALS',
    length: 4,
    sender: 'ECM',
    period: 0.02,
    signals: [
      {
        name: 'BRAKE_PRESSURE',
        start: 0,
        length: 12,
        byteOrder: le,
        signed: false,
        scale: 0.1,
        offset: 0,
        min: 0,
        max: 250,
        unit: 'bar',
      },
      {
        name: 'BRAKE_PRESSED',
        start: 12,
        length: 1,
        byteOrder: le,
        signed: false,
        scale: 1,
        offset: 0,
        min: 0,
        max: 1,
        unit: '',
      },
      {
        name: 'THROTTLE_POS',
        start: 16,
        length: 8,
        byteOrder: le,
        signed: false,
        scale: 0.5,
        offset: 0,
        min: 0,
        max: 100,
        unit: '%',
      },
    ],
  },
  {
    id: 0x150,
    extended: false,
    name: 'BODY',
    length: 8,
    sender: 'BCM',
    period: 0.1,
    signals: [
      {
        name: 'TURN_SIGNAL',
        start: 0,
        length: 2,
        byteOrder: le,
        signed: false,
        scale: 1,
        offset: 0,
        min: 0,
        max: 3,
        unit: '',
        choices: { 0: 'off', 1: 'left', 2: 'right', 3: 'hazard' },
      },
      {
        name: 'OUTSIDE_TEMP',
        start: 32,
        length: 32,
        byteOrder: le,
        signed: false,
        scale: 1,
        offset: 0,
        min: -50,
        max: 70,
        unit: 'degC',
        float: true,
      },
    ],
  },
  {
    id: 0x200,
    extended: false,
    name: 'DIAG',
    length: 8,
    sender: 'BCM',
    period: 0.5,
    signals: [
      {
        name: 'DIAG_MUX',
        start: 0,
        length: 8,
        byteOrder: le,
        signed: false,
        scale: 1,
        offset: 0,
        min: 0,
        max: 255,
        unit: '',
        mux: 'M',
      },
      {
        name: 'BATTERY_VOLTAGE',
        start: 8,
        length: 16,
        byteOrder: le,
        signed: false,
        scale: 0.001,
        offset: 0,
        min: 0,
        max: 20,
        unit: 'V',
        mux: 0,
      },
      {
        name: 'COOLANT_TEMP',
        start: 8,
        length: 8,
        byteOrder: le,
        signed: false,
        scale: 1,
        offset: -40,
        min: -40,
        max: 215,
        unit: 'degC',
        mux: 1,
      },
    ],
  },
  {
    id: 0x18fef100,
    extended: true,
    name: 'CCVS',
    length: 8,
    sender: 'ECM',
    period: 0.1,
    signals: [
      {
        name: 'WHEEL_BASED_SPEED',
        start: 8,
        length: 16,
        byteOrder: le,
        signed: false,
        scale: 1 / 256,
        offset: 0,
        min: 0,
        max: 250.996,
        unit: 'km/h',
      },
    ],
  },
];

/** Ids the demo DBC does not define: on a real bus most traffic is undocumented. */
/**
 * The demo vehicle's VIN: made up (WMI `1AD` is nobody's), with a valid check digit (49 CFR 565.15), so it
 * looks like a real one to every scanner. It is the demo's vehicle id and appears where real logs carry a VIN:
 * an OBD-II VIN request/response on the CAN bus, MCAP metadata and a `/vehicle/info` string topic.
 */
export const DEMO_VIN = '1ADLK7E20RM000042';

export const DEMO_UNKNOWN_IDS: { id: number; period: number; length: number }[] = [
  { id: 0x0a5, period: 0.01, length: 8 },
  { id: 0x1c4, period: 0.02, length: 8 },
  { id: 0x2e1, period: 0.05, length: 6 },
  { id: 0x3b7, period: 0.1, length: 8 },
  { id: 0x4f0, period: 1, length: 3 },
];

/** Renders the demo DBC file. */
export function demoDbcText(): string {
  const lines = [
    'VERSION "adlake demo 1"',
    '',
    'NS_ :',
    '\tVAL_',
    '\tSIG_VALTYPE_',
    '',
    'BS_:',
    '',
    'BU_: ABS EPS ACU ECM BCM LOGGER',
    '',
  ];
  for (const m of DEMO_MESSAGES) {
    const id = m.extended ? (m.id | 0x80000000) >>> 0 : m.id;
    lines.push(`BO_ ${id} ${m.name}: ${m.length} ${m.sender}`);
    for (const s of m.signals) {
      const mux = s.mux === undefined ? '' : s.mux === 'M' ? ' M' : ` m${s.mux}`;
      const order = s.byteOrder === 'little_endian' ? 1 : 0;
      lines.push(
        ` SG_ ${s.name}${mux} : ${s.start}|${s.length}@${order}${s.signed ? '-' : '+'} (${s.scale},${s.offset}) [${s.min}|${s.max}] "${s.unit}" LOGGER`,
      );
    }
    lines.push('');
  }
  lines.push('CM_ "Demo vehicle generated by adlake demo";');
  lines.push('BA_DEF_ BO_ "GenMsgCycleTime" INT 0 65535;');
  lines.push('BA_DEF_DEF_ "GenMsgCycleTime" 0;');
  for (const m of DEMO_MESSAGES) {
    const id = m.extended ? (m.id | 0x80000000) >>> 0 : m.id;
    lines.push(`BA_ "GenMsgCycleTime" BO_ ${id} ${Math.round(m.period * 1000)};`);
  }
  for (const m of DEMO_MESSAGES) {
    const id = m.extended ? (m.id | 0x80000000) >>> 0 : m.id;
    for (const s of m.signals) {
      if (s.choices) {
        const pairs = Object.entries(s.choices).map(([raw, text]) => `${raw} "${text}"`);
        lines.push(`VAL_ ${id} ${s.name} ${pairs.join(' ')} ;`);
      }
      if (s.float) lines.push(`SIG_VALTYPE_ ${id} ${s.name} : 1;`);
    }
  }
  lines.push('');
  return lines.join('\n');
}
