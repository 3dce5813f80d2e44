/**
 * One object of a perception array message, as the generic `topics_<name>` table keeps it (arrays of
 * messages are stored as JSON text, see `ingest/topics/flattenMessage.ts`), reduced to what the object
 * detectors need: a tracker id, a class name and a position.
 *
 * Two message families are read, told apart by their fields (the table does not always say which type it is):
 * - `derived_object_msgs/Object` (astuff_sensor_msgs; CARLA ROS bridge, AutonomouStuff drivers): `id`,
 *   `classification` (uint8 enum, mapped to names below), `pose.position` (or `pose.pose.position` in
 *   `ObjectWithCovariance`).
 * - `vision_msgs/Detection3D` (ROS 1 and ROS 2): the best-scoring `results[]` hypothesis gives the class
 *   (ROS 2 `hypothesis.class_id`; ROS 1 `id`, which may be a numeric class index with no name), the box
 *   centre `bbox.center.position` the position, and `id` (ROS 2) or `tracking_id` (ROS 1) the track.
 */

export type PerceptionFormat = 'derived_object_msgs' | 'vision_msgs';

export interface PerceptionObject {
  format: PerceptionFormat;
  /** Tracker id; undefined when the source gives none (untracked detections). */
  id: string | undefined;
  /** Class name, lower case. */
  class: string;
  x: number;
  y: number;
  /** The object's own header frame, when it has one and it is not empty. */
  frame: string | undefined;
}

/** Why an element was not read. */
export type PerceptionObjectProblem = 'unrecognised' | 'no_position';

/**
 * `derived_object_msgs/Object` CLASSIFICATION_* constants (Object.msg) as names the detector config lists
 * (`car`, `truck`, `motorcycle` are vehicles; `bicycle` a cyclist).
 */
const DERIVED_CLASSES: readonly string[] = [
  'unknown',
  'unknown_small',
  'unknown_medium',
  'unknown_big',
  'pedestrian',
  'bicycle',
  'car',
  'truck',
  'motorcycle',
  'vehicle',
  'barrier',
  'sign',
];

/** Reads one element of an `objects[]` / `detections[]` JSON array; a problem name when it cannot. */
export function parsePerceptionObject(element: unknown): PerceptionObject | PerceptionObjectProblem {
  if (!isRecord(element)) return 'unrecognised';
  const frame = frameOf(element);
  if (typeof element.classification === 'number' && isRecord(element.pose)) {
    const position =
      pointOf(element.pose.position) ??
      (isRecord(element.pose.pose) ? pointOf(element.pose.pose.position) : undefined);
    if (!position) return 'no_position';
    const id =
      typeof element.id === 'number' || typeof element.id === 'string' ? String(element.id) : undefined;
    const name = DERIVED_CLASSES[element.classification] ?? `class_${element.classification}`;
    return { format: 'derived_object_msgs', id, class: name, ...position, frame };
  }
  if (Array.isArray(element.results) && isRecord(element.bbox)) {
    const center = element.bbox.center;
    const position = isRecord(center) ? pointOf(center.position) : undefined;
    if (!position) return 'no_position';
    const trackId = nonEmptyString(element.id) ?? nonEmptyString(element.tracking_id);
    return { format: 'vision_msgs', id: trackId, class: bestClass(element.results), ...position, frame };
  }
  return 'unrecognised';
}

/** The class of the best-scoring hypothesis; `unknown` when there is none. */
function bestClass(results: readonly unknown[]): string {
  let best = 'unknown';
  let bestScore = -Infinity;
  for (const result of results) {
    if (!isRecord(result)) continue;
    // ROS 2 (vision_msgs >= 3): {hypothesis: {class_id, score}, pose}; ROS 1: {id, score, pose}.
    const hypothesis = isRecord(result.hypothesis) ? result.hypothesis : result;
    const label = hypothesis.class_id ?? hypothesis.id;
    const score = typeof hypothesis.score === 'number' ? hypothesis.score : 0;
    if (score <= bestScore) continue;
    if (typeof label === 'string' && label !== '') best = label.toLowerCase();
    // A numeric ROS 1 class index names a class in the publisher's VisionInfo database, which is not here.
    else if (typeof label === 'number') best = `class_${label}`;
    else continue;
    bestScore = score;
  }
  return best;
}

function pointOf(value: unknown): { x: number; y: number } | undefined {
  if (!isRecord(value)) return undefined;
  const { x, y } = value;
  if (typeof x !== 'number' || typeof y !== 'number' || !Number.isFinite(x) || !Number.isFinite(y))
    return undefined;
  return { x, y };
}

function frameOf(element: Record<string, unknown>): string | undefined {
  return isRecord(element.header) ? nonEmptyString(element.header.frame_id) : undefined;
}

function nonEmptyString(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
