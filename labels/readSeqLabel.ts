/**
 * Sequence label files of video and 3D point-cloud jobs (`SeqLabel.json`, referenced from the output
 * manifest by `<attribute>-ref`; SageMaker Developer Guide, "Output Data", video frame and 3D point cloud
 * outputs):
 *
 * ```json
 * {"tracking-annotations": [{"frame-no": "0", "frame": "000001.jpg", "frame-attributes": {},
 *   "annotations": [{"object-id": "89b3e700-…", "object-name": "Pedestrian:1", "class-id": "1",
 *                    "left": 947, "top": 602, "width": 79, "height": 193, "label-category-attributes": {}}]}]}
 * ```
 * Video files write `frame-no` and `class-id` as strings; 3D files write `frame-number`/`frame-name` and a
 * cuboid (`center-x/y/z`, `length`, `width`, `height`, `roll`, `pitch`, `yaw`). Detection jobs have
 * `detection-annotations` and no object ids.
 */
import type { Reject } from '../core/reject.js';
import { isRecord, numberOf, stringOf } from './jsonFields.js';

export type SeqLabelKind = 'tracking' | 'detection';

/** One object in one frame: a `gt_seq_labels` row (without the job and time the importer adds). */
export interface SeqLabelBox {
  kind: SeqLabelKind;
  frameNo: number;
  frame: string | null;
  objectId: string | null;
  objectName: string | null;
  classId: number | null;
  label: string | null;
  left: number | null;
  top: number | null;
  width: number | null;
  height: number | null;
  length: number | null;
  centerX: number | null;
  centerY: number | null;
  centerZ: number | null;
  roll: number | null;
  pitch: number | null;
  yaw: number | null;
  attributes: string | null;
  frameAttributes: string | null;
}

export interface SeqLabelRead {
  kind: SeqLabelKind;
  frames: number;
  boxes: SeqLabelBox[];
  rejects: Reject[];
}

const KINDS: readonly [SeqLabelKind, string][] = [
  ['tracking', 'tracking-annotations'],
  ['detection', 'detection-annotations'],
];

/** Whether a parsed JSON document is a SeqLabel file, and which kind. */
export function seqLabelKind(doc: unknown): SeqLabelKind | undefined {
  if (!isRecord(doc)) return undefined;
  return KINDS.find(([, key]) => Array.isArray(doc[key]))?.[0];
}

/**
 * Reads a parsed SeqLabel document; undefined when it is not one. A frame without a usable frame number
 * (`bad_frame`) or an annotation that is not an object (`bad_annotation`) is rejected, the rest is kept.
 * @param classMap the job's class-map (class-id → name) from the manifest line that references the file;
 *   without it the label is the object name without its `:N` instance suffix (`Pedestrian:1` → `Pedestrian`).
 */
export function readSeqLabel(
  doc: unknown,
  uri: string,
  classMap?: Readonly<Record<string, string>> | null,
): SeqLabelRead | undefined {
  const kind = seqLabelKind(doc);
  if (kind === undefined || !isRecord(doc)) return undefined;
  const key = kind === 'tracking' ? 'tracking-annotations' : 'detection-annotations';
  const frames = doc[key] as unknown[];
  const boxes: SeqLabelBox[] = [];
  const rejects: Reject[] = [];
  frames.forEach((frame, index) => {
    if (!isRecord(frame)) {
      rejects.push({ uri, reason: 'bad_frame', message: `${key}[${index}] is not an object` });
      return;
    }
    const frameNo = numberOf(frame, 'frame-no', 'frame-number');
    if (frameNo === undefined || !Number.isInteger(frameNo)) {
      rejects.push({ uri, reason: 'bad_frame', message: `${key}[${index}] has no integer frame-no` });
      return;
    }
    const frameName = stringOf(frame, 'frame', 'frame-name') ?? null;
    const frameAttributes = isRecord(frame['frame-attributes'])
      ? JSON.stringify(frame['frame-attributes'])
      : null;
    const annotations = Array.isArray(frame.annotations) ? (frame.annotations as unknown[]) : [];
    annotations.forEach((annotation, a) => {
      if (!isRecord(annotation)) {
        rejects.push({
          uri,
          reason: 'bad_annotation',
          message: `frame ${frameNo} annotation ${a} is not an object`,
        });
        return;
      }
      const classIdNumber = numberOf(annotation, 'class-id');
      const classId = classIdNumber !== undefined && Number.isInteger(classIdNumber) ? classIdNumber : null;
      const objectName = stringOf(annotation, 'object-name') ?? null;
      const mapped = classId === null ? undefined : classMap?.[String(classId)];
      const attributes = annotation['label-category-attributes'];
      const num = (...keys: string[]) => numberOf(annotation, ...keys) ?? null;
      boxes.push({
        kind,
        frameNo,
        frame: frameName,
        objectId: stringOf(annotation, 'object-id') ?? null,
        objectName,
        classId,
        label: mapped ?? (objectName === null ? null : objectName.replace(/:\d+$/, '')),
        left: num('left'),
        top: num('top'),
        width: num('width'),
        height: num('height'),
        length: num('length'),
        centerX: num('center-x'),
        centerY: num('center-y'),
        centerZ: num('center-z'),
        roll: num('roll'),
        pitch: num('pitch'),
        yaw: num('yaw'),
        attributes: isRecord(attributes) ? JSON.stringify(attributes) : null,
        frameAttributes,
      });
    });
  });
  return { kind, frames: frames.length, boxes, rejects };
}
