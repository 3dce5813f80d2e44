import { clip, type Reject } from '../../core/reject.js';

/**
 * Counts rejects by reason and keeps the first `maxDetailedPerReason` of each reason in detail.
 *
 * Why a cap: a binary file or a receiver with a broken checksum routine yields one reject per line, and a
 * multi-million-line log must not turn into a multi-million-entry reject list. Past the cap a reason is only
 * counted; `summary()` then reports the remainder as one reject per reason (first omitted line, count and
 * line range in the message), so nothing is dropped silently and `counts` stays exact.
 */
export class RejectTally {
  /** Rejects per reason, including those not kept in detail. */
  readonly counts: Record<string, number> = {};
  private pending: Reject[] = [];
  private readonly omitted = new Map<string, { count: number; firstLine?: number; lastLine?: number }>();

  constructor(
    private readonly uri: string,
    private readonly maxDetailedPerReason = 100,
  ) {}

  add(reason: string, line: number | undefined, message: string, text?: string): void {
    const count = (this.counts[reason] ?? 0) + 1;
    this.counts[reason] = count;
    if (count <= this.maxDetailedPerReason) {
      const reject: Reject = { uri: this.uri, reason, message };
      if (line !== undefined) reject.line = line;
      if (text !== undefined) reject.text = clip(text);
      this.pending.push(reject);
      return;
    }
    const gap = this.omitted.get(reason);
    if (gap === undefined) this.omitted.set(reason, { count: 1, firstLine: line, lastLine: line });
    else {
      gap.count += 1;
      gap.lastLine = line ?? gap.lastLine;
    }
  }

  hasPending(): boolean {
    return this.pending.length > 0;
  }

  /** The detailed rejects added since the last call. */
  take(): Reject[] {
    const taken = this.pending;
    this.pending = [];
    return taken;
  }

  /** One reject per reason that went past the cap, saying how many were not listed. Call once, at the end. */
  summary(): Reject[] {
    const rejects: Reject[] = [];
    for (const [reason, gap] of this.omitted) {
      const range =
        gap.firstLine === undefined ? '' : ` (lines ${gap.firstLine}–${gap.lastLine ?? gap.firstLine})`;
      const reject: Reject = {
        uri: this.uri,
        reason,
        message: `${gap.count} more '${reason}' rejects not listed${range}; only the first ${this.maxDetailedPerReason} of each reason are kept in detail`,
      };
      if (gap.firstLine !== undefined) reject.line = gap.firstLine;
      rejects.push(reject);
    }
    return rejects;
  }
}
