/**
 * Where things are in a Ground Truth job's output tree (SageMaker Developer Guide, "Output Data", output
 * directories):
 *
 * ```
 * <output prefix>/<job name>/
 *   annotations/worker-response/iteration-N/<dataset object id>/<time>.json    raw answers
 *   annotations/consolidated-annotation/output/<id>/SeqLabel.json              video / 3D labels
 *   annotations/consolidated-annotation/consolidation-request|response/…       consolidation Lambda payloads
 *   annotations/intermediate/…, manifests/intermediate/<iteration>/…           per-iteration snapshots
 *   manifests/output/output.manifest                                           consolidated labels
 *   activelearning/ inference/ training/                                       automated labeling
 * ```
 * Copies of a job often come flattened (`worker-response/iteration-1/…` and `output.manifest` side by side),
 * so files are recognised by the end of their path and by content, never by the full layout.
 */

export type JobFile =
  | { kind: 'worker-response'; iteration: number; dataObjectId: string }
  | { kind: 'manifest' }
  /** A JSON file that may be a SeqLabel file; decided by its content. */
  | { kind: 'json'; dataObjectId: string | null }
  /** macOS AppleDouble (`._name`) and other dot files: never data. */
  | { kind: 'hidden' }
  | { kind: 'ignored'; reason: string };

const ITERATION = /^iteration-(\d+)$/;
/**
 * Folders whose files restate what the final files hold, or are not labels. Names Ground Truth alone uses;
 * `activelearning/`, `inference/` and `training/` are common words in user paths and are not skipped.
 */
const SKIPPED_FOLDERS: Readonly<Record<string, string>> = {
  intermediate: 'an intermediate (per-iteration) snapshot',
  'consolidation-request': 'a consolidation Lambda request',
  'consolidation-response': 'a consolidation Lambda response',
};

/** What a file of a job's output tree is, from its key (or any `/`-separated path). */
export function classifyJobKey(key: string): JobFile {
  const segments = key.split('/');
  if (segments.some((s) => s.startsWith('.'))) return { kind: 'hidden' };
  for (const segment of segments.slice(0, -1)) {
    const reason = SKIPPED_FOLDERS[segment];
    if (reason !== undefined) return { kind: 'ignored', reason };
  }
  const file = segments[segments.length - 1] ?? '';
  const at = segments.lastIndexOf('worker-response');
  if (at >= 0) {
    const iteration = ITERATION.exec(segments[at + 1] ?? '');
    const dataObjectId = segments[at + 2];
    if (iteration && dataObjectId !== undefined && at + 4 === segments.length && file.endsWith('.json')) {
      return { kind: 'worker-response', iteration: Number(iteration[1]), dataObjectId };
    }
    return { kind: 'ignored', reason: 'not a worker-response/iteration-N/<object>/<file>.json path' };
  }
  if (file.endsWith('.manifest')) return { kind: 'manifest' };
  if (file.endsWith('.json')) {
    const parent = segments.length >= 3 ? segments[segments.length - 3] : undefined;
    const dataObjectId = parent === 'output' ? (segments[segments.length - 2] ?? null) : null;
    return { kind: 'json', dataObjectId };
  }
  return { kind: 'ignored', reason: 'not a Ground Truth output file (.json, .manifest)' };
}

/**
 * Where the job-relative part of a file's path starts (an index into `segments`), so that a single file
 * named on its own keeps the folders that say what it is: `…/<job>/annotations/worker-response/…` → the
 * `annotations` segment, a flattened `…/worker-response/iteration-1/7/x.json` → `worker-response`,
 * `…/manifests/output/output.manifest` → `manifests`; otherwise the file itself (its folder is the root).
 */
export function jobRelativeStart(segments: readonly string[]): number {
  const response = segments.lastIndexOf('worker-response');
  if (response >= 0) return segments[response - 1] === 'annotations' ? response - 1 : response;
  const annotations = segments.lastIndexOf('annotations');
  if (annotations >= 0 && segments[annotations + 1] === 'consolidated-annotation') return annotations;
  const manifests = segments.lastIndexOf('manifests');
  if (manifests >= 0 && segments[manifests + 1] === 'output') return manifests;
  return segments.length - 1;
}

/** SageMaker labeling job names: 1-63 letters, digits and single hyphens inside. */
const JOB_NAME = /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/;

/**
 * The job name a URI's path gives: the folder that holds `annotations/` or `manifests/` in Ground Truth's
 * own layout (`…/<job>/annotations/worker-response/…`, `…/<job>/manifests/output/…`). Undefined for flattened
 * copies and anything else.
 */
export function jobFromLayout(uri: string): string | undefined {
  const segments = uri.split('/').map(decodeSegment);
  for (let i = segments.length - 2; i >= 1; i--) {
    const segment = segments[i];
    const next = segments[i + 1];
    const isJobFolder =
      (segment === 'annotations' &&
        (next === 'worker-response' || next === 'consolidated-annotation' || next === 'intermediate')) ||
      (segment === 'manifests' && (next === 'output' || next === 'intermediate'));
    const job = segments[i - 1];
    if (isJobFolder && job !== undefined && JOB_NAME.test(job)) return job;
  }
  return undefined;
}

/** Whether a name can be a SageMaker labeling job name. */
export function isJobName(name: string): boolean {
  return JOB_NAME.test(name);
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
