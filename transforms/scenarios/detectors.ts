/**
 * Every scenario detector, one per scenario type. The record type makes the compiler check that each
 * type in SCENARIO_TYPES has a detector.
 */
import type { ScenarioType } from '../scenario.js';
import { adverseWeather, nightDriving } from './contextDetectors.js';
import type { Detector } from './detector.js';
import { laneChange, leftTurn, rightTurn, uTurn } from './headingDetectors.js';
import {
  hardAcceleration,
  hardBraking,
  highVelocity,
  reversing,
  standstill,
  stop,
  stopAndGo,
} from './motionDetectors.js';
import { cyclist, pedestrian, vehicleInLane } from './objectDetectors.js';

export const DETECTORS: Readonly<Record<ScenarioType, Detector>> = {
  high_velocity: highVelocity,
  hard_braking: hardBraking,
  hard_acceleration: hardAcceleration,
  left_turn: leftTurn,
  right_turn: rightTurn,
  u_turn: uTurn,
  lane_change: laneChange,
  stop,
  stop_and_go: stopAndGo,
  standstill,
  reversing,
  night_driving: nightDriving,
  adverse_weather: adverseWeather,
  pedestrian,
  cyclist,
  vehicle_in_lane: vehicleInLane,
};
