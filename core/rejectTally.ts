import { printable, type Reject } from './reject.js';

/** Options of readers that report bad input through a `RejectTally`. */
export interface RejectLimits {
  /**
   * Rejects listed one by one per reason; past this a reason is only counted, and reported at the end in
   * one summary reject that carries the number not listed in `count`.
   * @default 100
   */
  maxDetailedRejects?: number;
}

/** Where a reject was found: 1-based line for text formats, byte offset for binary ones (or both). */
export interface RejectPlace {
  line?: number;
  offset?: number;
}

/** What was left out of the detailed list for one reason. */
interface Omitted {
  count: number;
  firstLine?: number;
  lastLine?: number;
  firstOffset?: number;
}

/**
 * Counts a reader's rejects by reason and lists the first `maxDetailedRejects` of each reason in detail.
 *
 * Why a cap: a binary file fed to a text reader, or a receiver with a broken checksum routine, yields one
 * reject per line, and a multi-million-line log must not turn into a multi-million-entry reject list. Why
 * per reason: a rare reason (one truncated last line) stays visible behind a flood of another. Past the cap
 * a reason is only counted; `finish()` then queues one summary reject per such reason, with the real
 * `reason`, the first omitted line or offset and `count` = the number not listed. So summing
 * `count ?? 1` by reason over everything a reader yields gives exact counts, from the batches alone.
 * Reject text is made `printable`.
 */
export class RejectTally {
  /** Rejects per reason, including those not listed in detail. Exact at any time. */
  readonly counts: Record<string, number> = {};
  private pending: Reject[] = [];
  private readonly omitted = new Map<string, Omitted>();
  private readonly maxDetailed: number;

  constructor(
    private readonly uri: string,
    options: RejectLimits = {},
  ) {
    this.maxDetailed = Math.max(0, options.maxDetailedRejects ?? 100);
  }

  /** Records one reject; `text` is the offending input (made printable and cut here). */
  add(reason: string, message: string, where: RejectPlace, text?: string): void {
    const count = (this.counts[reason] ?? 0) + 1;
    this.counts[reason] = count;
    if (count <= this.maxDetailed) {
      const reject: Reject = { uri: this.uri, reason, message };
      if (where.line !== undefined) reject.line = where.line;
      if (where.offset !== undefined) reject.offset = where.offset;
      if (text !== undefined) reject.text = printable(text);
      this.pending.push(reject);
      return;
    }
    const gap = this.omitted.get(reason);
    if (gap === undefined) {
      this.omitted.set(reason, {
        count: 1,
        firstLine: where.line,
        lastLine: where.line,
        firstOffset: where.offset,
      });
    } else {
      gap.count += 1;
      gap.lastLine = where.line ?? gap.lastLine;
    }
  }

  /** Whether `take()` has rejects to hand over. */
  get hasPending(): boolean {
    return this.pending.length > 0;
  }

  /** The rejects queued since the last call. */
  take(): Reject[] {
    const taken = this.pending;
    this.pending = [];
    return taken;
  }

  /**
   * Ends the input: queues one summary reject per reason that went past the cap, for the next `take()`.
   * Later calls add nothing (until more rejects go past the cap).
   */
  finish(): void {
    for (const [reason, gap] of this.omitted) {
      const reject: Reject = {
        uri: this.uri,
        reason,
        message: `${gap.count} more '${reason}' rejects not listed${span(gap)}; only the first ${this.maxDetailed} of each reason are listed`,
        count: gap.count,
      };
      if (gap.firstLine !== undefined) reject.line = gap.firstLine;
      if (gap.firstOffset !== undefined) reject.offset = gap.firstOffset;
      this.pending.push(reject);
    }
    this.omitted.clear();
  }
}

/** Where the omitted rejects of one reason lie, for the summary's message. */
function span(gap: Omitted): string {
  if (gap.firstLine !== undefined) {
    const last = gap.lastLine ?? gap.firstLine;
    return last === gap.firstLine ? ` (line ${gap.firstLine})` : ` (lines ${gap.firstLine}–${last})`;
  }
  return gap.firstOffset === undefined ? '' : ` (from byte ${gap.firstOffset})`;
}
