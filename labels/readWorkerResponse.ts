/**
 * One Ground Truth worker-response file (`annotations/worker-response/iteration-N/<object>/<time>.json`):
 * the raw answers of the workers who labeled one data object in one iteration.
 *
 * ```json
 * {"answers": [{"answerContent": {"crowd-image-classifier": {"label": "Woodpecker"}},
 *               "submissionTime": "2019-04-18T16:10:53Z", "workerId": "public.us-east-1.PHMF…",
 *               "workerMetadata": {"identityData": {"identityProviderType": "Cognito", "issuer": "…", "sub": "…"}},
 *               "acceptanceTime": "…", "timeSpentInSeconds": 40.543}]}
 * ```
 * (SageMaker Developer Guide, "Output Data": worker response and worker metadata; `workerMetadata` and the
 * timing fields appear for private workforces only.)
 */
import type { Reject } from '../core/reject.js';
import { printable } from '../core/reject.js';
import { isRecord, numberOf, parseJson, stringOf, textOf } from './jsonFields.js';
import { parseIsoTimestampNs } from './parseIsoTimestamp.js';

/** One worker's answer, as a `gt_worker_responses` row takes it. */
export interface WorkerAnswer {
  answerIndex: number;
  submissionNs: bigint;
  workerId: string;
  identityProviderType: string | null;
  identityIssuer: string | null;
  identitySub: string | null;
  timeSpentS: number | null;
  /** answerContent's single key (the task element), or null when it has several. */
  task: string | null;
  /** The classification label, or the answer content as JSON. */
  label: string | null;
  /** The whole answer object as JSON text. */
  answer: string;
}

export interface WorkerResponseRead {
  answers: WorkerAnswer[];
  rejects: Reject[];
}

/**
 * Parses a worker-response file. Never throws: a file that is not JSON or has no `answers` array is one
 * reject (`invalid_json`, `no_answers`, also for an empty array); an answer without a worker id, a valid submission time or an
 * answer content is skipped with its own reject (`missing_worker_id`, `bad_submission_time`,
 * `missing_answer_content`), and the file's other answers are kept.
 */
export function readWorkerResponse(text: string, uri: string): WorkerResponseRead {
  const rejects: Reject[] = [];
  const parsed = parseJson(text);
  if ('error' in parsed) {
    rejects.push({
      uri,
      reason: 'invalid_json',
      message: `not valid JSON: ${parsed.error}`,
      text: printable(text, 80),
    });
    return { answers: [], rejects };
  }
  const doc = parsed.value;
  if (!isRecord(doc) || !Array.isArray(doc.answers)) {
    rejects.push({ uri, reason: 'no_answers', message: 'no "answers" array: not a worker-response file' });
    return { answers: [], rejects };
  }
  const answers: WorkerAnswer[] = [];
  const items: readonly unknown[] = doc.answers;
  if (items.length === 0) rejects.push({ uri, reason: 'no_answers', message: 'the answers array is empty' });
  for (let answerIndex = 0; answerIndex < items.length; answerIndex++) {
    const answer = readAnswer(items[answerIndex], answerIndex);
    if ('reason' in answer)
      rejects.push({ uri, ...answer, message: `answer ${answerIndex}: ${answer.message}` });
    else answers.push(answer);
  }
  return { answers, rejects };
}

function readAnswer(item: unknown, answerIndex: number): WorkerAnswer | { reason: string; message: string } {
  if (!isRecord(item)) return { reason: 'bad_answer', message: 'not an object' };
  const workerId = stringOf(item, 'workerId');
  if (workerId === undefined || workerId === '')
    return { reason: 'missing_worker_id', message: 'no workerId' };
  const submission = stringOf(item, 'submissionTime');
  if (submission === undefined) return { reason: 'missing_submission_time', message: 'no submissionTime' };
  const submissionNs = parseIsoTimestampNs(submission);
  if (submissionNs === undefined) {
    return {
      reason: 'bad_submission_time',
      message: `submissionTime ${JSON.stringify(submission)} is not ISO 8601`,
    };
  }
  const content = item.answerContent;
  if (content === undefined || content === null) {
    return { reason: 'missing_answer_content', message: 'no answerContent' };
  }
  const identity = identityOf(item.workerMetadata);
  const { task, label } = labelOf(content);
  return {
    answerIndex,
    submissionNs,
    workerId,
    identityProviderType: identity ? (stringOf(identity, 'identityProviderType') ?? null) : null,
    identityIssuer: identity ? (stringOf(identity, 'issuer') ?? null) : null,
    identitySub: identity ? (stringOf(identity, 'sub') ?? null) : null,
    timeSpentS: numberOf(item, 'timeSpentInSeconds') ?? null,
    task,
    label,
    answer: JSON.stringify(item),
  };
}

function identityOf(metadata: unknown): Record<string, unknown> | undefined {
  if (!isRecord(metadata)) return undefined;
  return isRecord(metadata.identityData) ? metadata.identityData : undefined;
}

/**
 * Built-in task templates answer under one key, the template element (`crowd-image-classifier`,
 * `crowd-bounding-box`, ...); classifiers give `{label}`. Custom templates answer with their form fields.
 */
function labelOf(content: unknown): { task: string | null; label: string | null } {
  if (!isRecord(content)) return { task: null, label: textOf(content) };
  const keys = Object.keys(content);
  const only = keys.length === 1 ? keys[0] : undefined;
  if (only === undefined) return { task: null, label: JSON.stringify(content) };
  const inner = content[only];
  if (isRecord(inner) && typeof inner.label === 'string') return { task: only, label: inner.label };
  return { task: only, label: textOf(inner) };
}
