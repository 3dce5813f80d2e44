import type { ChunkContents, RawMessage } from './RawMessage.js';

/** A chunk as the index describes it, before it is read. */
export interface ChunkPlan {
  startTime: bigint;
}

/**
 * Yields the messages of chunks in log-time order across chunks, reading each chunk once. Plans must be
 * sorted by `startTime`. Messages earlier than the next chunk's start time cannot be preceded by anything
 * still unread, so they are released; only chunks that overlap in time are held together (usually one),
 * plus the one chunk read ahead, which bounds memory by the chunk size. Ties keep file order (the merge is
 * stable).
 */
export async function* mergeChunks<P extends ChunkPlan>(
  plans: readonly P[],
  load: (plan: P) => Promise<ChunkContents>,
): AsyncIterable<ChunkContents> {
  let pending: RawMessage[] = [];
  // One chunk is loaded ahead: its read (a file or S3 request) runs while the caller works on the messages
  // just yielded. Loads stay one at a time and in plan order.
  let ahead = plans[0] === undefined ? undefined : started(load(plans[0]));
  for (let k = 0; k < plans.length; k++) {
    const plan = plans[k]!;
    const released = releaseBefore(pending, plan.startTime);
    pending = pending.slice(released.length);
    const contents = await ahead!;
    const next = plans[k + 1];
    ahead = next === undefined ? undefined : started(load(next));
    pending = mergeSorted(pending, contents.messages);
    if (released.length > 0 || contents.rejects.length > 0) {
      yield { messages: released, rejects: contents.rejects };
    }
  }
  if (pending.length > 0) yield { messages: pending, rejects: [] };
}

/** Marks a promise handled: a load abandoned by a caller that stopped early is no unhandled rejection. */
function started<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => undefined);
  return promise;
}

function releaseBefore(sorted: RawMessage[], time: bigint): RawMessage[] {
  // Usually chunks do not overlap in time: everything held goes.
  if (sorted.length === 0 || sorted[sorted.length - 1]!.logTime < time) return sorted;
  let end = 0;
  while (end < sorted.length && sorted[end]!.logTime < time) end++;
  return end === sorted.length ? sorted : sorted.slice(0, end);
}

function mergeSorted(a: RawMessage[], b: RawMessage[]): RawMessage[] {
  if (a.length === 0) return b;
  if (b.length === 0) return a;
  const out: RawMessage[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    // `<=` keeps messages of the earlier chunk first on equal times.
    if (a[i]!.logTime <= b[j]!.logTime) out.push(a[i++]!);
    else out.push(b[j++]!);
  }
  while (i < a.length) out.push(a[i++]!);
  while (j < b.length) out.push(b[j++]!);
  return out;
}

/** Sorts a chunk's messages by log time, keeping file order on ties. */
export function sortByLogTime(messages: RawMessage[]): RawMessage[] {
  for (let k = 1; k < messages.length; k++) {
    if (messages[k]!.logTime < messages[k - 1]!.logTime) {
      return messages.sort((x, y) => (x.logTime < y.logTime ? -1 : x.logTime > y.logTime ? 1 : 0));
    }
  }
  return messages;
}
