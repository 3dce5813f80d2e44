/**
 * Scores detected scenarios against labelled ones: per type, detections and labels are matched one to
 * one, best interval IoU first; a match needs IoU >= `minIoU`. Unmatched detections are false positives,
 * unmatched labels false negatives.
 */
import { iou } from './intervals.js';

export interface LabelledInterval {
  type: string;
  start_ns: bigint;
  end_ns: bigint;
}

export interface TypeScore {
  type: string;
  tp: number;
  fp: number;
  fn: number;
  /** tp / (tp + fp); 1 when nothing was detected and nothing was labelled, 0 when only labels. */
  precision: number;
  /** tp / (tp + fn); 1 when there were no labels. */
  recall: number;
  /** Mean IoU of the matched pairs; NaN without matches. */
  meanIoU: number;
}

/**
 * Matches `detected` to `truth` per type. Types are those of `truth` plus those of `detected`, sorted.
 * @param minIoU least overlap for a match. @default 0.5
 */
export function scoreScenarios(
  truth: readonly LabelledInterval[],
  detected: readonly LabelledInterval[],
  options: { minIoU?: number } = {},
): TypeScore[] {
  const minIoU = options.minIoU ?? 0.5;
  const types = [...new Set([...truth.map((x) => x.type), ...detected.map((x) => x.type)])].sort();
  return types.map((type) => {
    const t = truth.filter((x) => x.type === type);
    const d = detected.filter((x) => x.type === type);
    const pairs: { i: number; j: number; iou: number }[] = [];
    for (let i = 0; i < t.length; i++) {
      for (let j = 0; j < d.length; j++) {
        const overlap = iou(seconds(t[i] as LabelledInterval), seconds(d[j] as LabelledInterval));
        if (overlap >= minIoU) pairs.push({ i, j, iou: overlap });
      }
    }
    pairs.sort((a, b) => b.iou - a.iou);
    const usedT = new Set<number>();
    const usedD = new Set<number>();
    let sum = 0;
    for (const p of pairs) {
      if (usedT.has(p.i) || usedD.has(p.j)) continue;
      usedT.add(p.i);
      usedD.add(p.j);
      sum += p.iou;
    }
    const tp = usedT.size;
    const fp = d.length - tp;
    const fn = t.length - tp;
    return {
      type,
      tp,
      fp,
      fn,
      precision: tp + fp > 0 ? tp / (tp + fp) : fn > 0 ? 0 : 1,
      recall: tp + fn > 0 ? tp / (tp + fn) : 1,
      meanIoU: tp > 0 ? sum / tp : NaN,
    };
  });
}

/** Seconds since the epoch as doubles: ~0.25 µs resolution today, plenty for IoU. */
function seconds(x: LabelledInterval): { start: number; end: number } {
  return { start: Number(x.start_ns) / 1e9, end: Number(x.end_ns) / 1e9 };
}
