import type { Random } from './random.js';

/** The maneuvers the demo drive performs and labels as ground truth for scenario detection. */
export type ManeuverType =
  'accelerate' | 'high_velocity' | 'lane_change' | 'left_turn' | 'right_turn' | 'hard_brake' | 'stop';

export interface Maneuver {
  type: ManeuverType;
  /** Seconds from the start of the drive. */
  start: number;
  end: number;
}

/** The true vehicle state at one simulation tick (SI units; heading in radians clockwise from north). */
export interface VehicleState {
  time: number;
  speed: number;
  accel: number;
  yawRate: number;
  heading: number;
  east: number;
  north: number;
  turnSignal: 0 | 1 | 2;
  gear: 'P' | 'D';
}

export interface SimulatedRoute {
  dt: number;
  states: VehicleState[];
  maneuvers: Maneuver[];
  duration: number;
}

type Step =
  | { kind: 'hold'; seconds: number; label?: ManeuverType; gear?: 'P' | 'D' }
  | { kind: 'speed'; target: number; accel: number; label?: ManeuverType }
  | { kind: 'cruise'; seconds: number }
  | { kind: 'turn'; direction: 'left' | 'right'; radius: number }
  | { kind: 'lane_change'; direction: 'left' | 'right'; seconds: number; width: number };

const KMH = 1 / 3.6;

/**
 * Simulates the scripted demo route at `dt` seconds: standstill, a strong acceleration to motorway speed,
 * cruising above 120 km/h with a lane change, slowing for a left turn, a right turn, and a hard brake to a
 * stop. The seed varies speeds, durations and radii so that repeated drives differ but keep the same story.
 */
export function simulateRoute(random: Random, options: { dt?: number } = {}): SimulatedRoute {
  const dt = options.dt ?? 0.01;
  const cruise = random.uniform(126, 140) * KMH;
  const script: Step[] = [
    { kind: 'hold', seconds: random.uniform(3, 5), gear: 'P' },
    { kind: 'speed', target: cruise, accel: random.uniform(2.2, 2.8), label: 'accelerate' },
    { kind: 'cruise', seconds: random.uniform(12, 18) },
    {
      kind: 'lane_change',
      direction: random.next() < 0.5 ? 'left' : 'right',
      seconds: random.uniform(5, 7),
      width: 3.6,
    },
    { kind: 'cruise', seconds: random.uniform(8, 12) },
    { kind: 'speed', target: random.uniform(18, 24) * KMH, accel: -random.uniform(1.6, 2.2) },
    { kind: 'turn', direction: 'left', radius: random.uniform(12, 18) },
    {
      kind: 'speed',
      target: random.uniform(45, 55) * KMH,
      accel: random.uniform(2.0, 2.6),
      label: 'accelerate',
    },
    { kind: 'cruise', seconds: random.uniform(8, 12) },
    { kind: 'speed', target: random.uniform(18, 24) * KMH, accel: -random.uniform(1.6, 2.2) },
    { kind: 'turn', direction: 'right', radius: random.uniform(10, 15) },
    {
      kind: 'speed',
      target: random.uniform(55, 65) * KMH,
      accel: random.uniform(2.0, 2.6),
      label: 'accelerate',
    },
    { kind: 'cruise', seconds: random.uniform(6, 10) },
    { kind: 'speed', target: 0, accel: -random.uniform(6.5, 8), label: 'hard_brake' },
    { kind: 'hold', seconds: random.uniform(6, 9), label: 'stop', gear: 'D' },
  ];

  const states: VehicleState[] = [];
  const maneuvers: Maneuver[] = [];
  const state: VehicleState = {
    time: 0,
    speed: 0,
    accel: 0,
    yawRate: 0,
    heading: random.uniform(0, 2 * Math.PI),
    east: 0,
    north: 0,
    turnSignal: 0,
    gear: 'P',
  };
  // states[k] is the state at time k * dt: CAN and GPS stamp samples on that grid.
  states.push({ ...state });
  const tick = (accel: number, yawRate: number, turnSignal: 0 | 1 | 2): void => {
    state.accel = accel;
    state.yawRate = yawRate;
    state.turnSignal = turnSignal;
    state.speed = Math.max(0, state.speed + accel * dt);
    state.heading = normaliseAngle(state.heading + yawRate * dt);
    state.east += state.speed * Math.sin(state.heading) * dt;
    state.north += state.speed * Math.cos(state.heading) * dt;
    state.time += dt;
    states.push({ ...state });
  };
  const label = (type: ManeuverType, start: number): void => {
    maneuvers.push({ type, start, end: state.time });
  };

  for (const step of script) {
    const start = state.time;
    switch (step.kind) {
      case 'hold': {
        state.gear = step.gear ?? state.gear;
        const n = Math.round(step.seconds / dt);
        for (let i = 0; i < n; i++) tick(0, 0, 0);
        state.speed = 0;
        if (step.label) label(step.label, start);
        break;
      }
      case 'speed': {
        state.gear = 'D';
        // Ramp the acceleration in and out over 0.4 s, like a real driver, so jerk stays finite.
        const ramp = 0.4;
        while (Math.abs(step.target - state.speed) > 1e-3) {
          const remaining = step.target - state.speed;
          const direction = Math.sign(remaining);
          const sinceStart = state.time - start;
          const rampIn = Math.min(1, (sinceStart + dt) / ramp);
          const rampOut = Math.min(1, Math.abs(remaining) / (Math.abs(step.accel) * ramp) + 0.05);
          let accel = direction * Math.abs(step.accel) * Math.min(rampIn, rampOut);
          if (Math.abs(accel * dt) > Math.abs(remaining)) accel = remaining / dt;
          tick(accel, 0, 0);
        }
        state.speed = step.target;
        if (step.label) label(step.label, start);
        break;
      }
      case 'cruise': {
        const n = Math.round(step.seconds / dt);
        for (let i = 0; i < n; i++) tick(0, 0, 0);
        break;
      }
      case 'turn': {
        // Yaw rate follows a sin² profile whose integral is exactly ±90°.
        const peak = state.speed / step.radius;
        const seconds = (Math.PI / 2 / peak) * 2; // mean of sin² is 1/2
        const n = Math.round(seconds / dt);
        const sign = step.direction === 'left' ? -1 : 1; // heading is clockwise from north
        const signal = step.direction === 'left' ? 1 : 2;
        for (let i = 0; i < n; i++) {
          const s = (i + 0.5) / n;
          tick(0, sign * (Math.PI / 2) * (2 / seconds) * Math.sin(Math.PI * s) ** 2, signal);
        }
        label(step.direction === 'left' ? 'left_turn' : 'right_turn', start);
        break;
      }
      case 'lane_change': {
        // Lateral offset y(s) = W (s - sin(2πs)/2π): heading deviation ψ = W/(vT) (1 - cos 2πs).
        const n = Math.round(step.seconds / dt);
        const sign = step.direction === 'left' ? -1 : 1;
        const signal = step.direction === 'left' ? 1 : 2;
        const amplitude = step.width / (state.speed * step.seconds);
        for (let i = 0; i < n; i++) {
          const s = (i + 0.5) / n;
          const yawRate = sign * amplitude * ((2 * Math.PI) / step.seconds) * Math.sin(2 * Math.PI * s);
          tick(0, yawRate, signal);
        }
        label('lane_change', start);
        break;
      }
    }
  }
  maneuvers.push(...speedAbove(states, 120 * KMH, dt));
  maneuvers.sort((a, b) => a.start - b.start);
  return { dt, states, maneuvers, duration: state.time };
}

function speedAbove(states: VehicleState[], limit: number, dt: number): Maneuver[] {
  const out: Maneuver[] = [];
  let start: number | undefined;
  for (const s of states) {
    if (s.speed > limit && start === undefined) start = s.time - dt;
    if (s.speed <= limit && start !== undefined) {
      out.push({ type: 'high_velocity', start, end: s.time - dt });
      start = undefined;
    }
  }
  if (start !== undefined) out.push({ type: 'high_velocity', start, end: states.at(-1)?.time ?? start });
  return out;
}

function normaliseAngle(angle: number): number {
  const full = 2 * Math.PI;
  return ((angle % full) + full) % full;
}
