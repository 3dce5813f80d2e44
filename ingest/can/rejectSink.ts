import type { Reject } from '../../core/reject.js';

/** Options shared by the CAN readers for reporting bad input. */
export interface RejectLimits {
  /** Rejects listed one by one per file; past this only counts are kept, reported in one summary. @default 1000 */
  maxRejects?: number;
}

/**
 * Collects a reader's rejects with a cap, so a binary file fed to a text reader yields a bounded report
 * (the first `maxRejects` lines, then one `too_many_rejects` summary with counts by reason) instead of
 * one reject per garbage line.
 */
export class RejectSink {
  private pending: Reject[] = [];
  private listed = 0;
  private readonly suppressed = new Map<string, number>();

  constructor(
    private readonly uri: string,
    private readonly maxRejects = 1000,
  ) {}

  add(reason: string, message: string, where: { line?: number; offset?: number }, text?: string): void {
    if (this.listed >= this.maxRejects) {
      this.suppressed.set(reason, (this.suppressed.get(reason) ?? 0) + 1);
      return;
    }
    this.listed += 1;
    const reject: Reject = { uri: this.uri, reason, message, ...where };
    if (text !== undefined) reject.text = printable(text);
    this.pending.push(reject);
  }

  get hasPending(): boolean {
    return this.pending.length > 0;
  }

  /** Rejects since the last call. */
  take(): Reject[] {
    const out = this.pending;
    this.pending = [];
    return out;
  }

  /** Call once at the end of input: adds the summary of suppressed rejects, if any. */
  finish(): void {
    if (this.suppressed.size === 0) return;
    let total = 0;
    const parts: string[] = [];
    for (const [reason, count] of this.suppressed) {
      total += count;
      parts.push(`${reason} ${count}`);
    }
    this.pending.push({
      uri: this.uri,
      reason: 'too_many_rejects',
      message: `${total} further bad records not listed (${parts.join(', ')}); is this the right format?`,
    });
    this.suppressed.clear();
  }
}

/** Makes reject text safe for reports: control and non-ASCII characters become `\xNN`; cut after `max`. */
export function printable(text: string, max = 160): string {
  let out = '';
  const end = Math.min(text.length, max);
  for (let i = 0; i < end; i++) {
    const code = text.charCodeAt(i);
    out += code < 0x20 || code > 0x7e ? `\\x${code.toString(16).padStart(2, '0')}` : text[i];
  }
  return text.length > max ? `${out}…` : out;
}

/** Latin-1 text of `bytes[start, end)`, at most `max` bytes: for reject text from byte scanners. */
export function latin1(bytes: Uint8Array, start: number, end: number, max = 161): string {
  const stop = Math.min(end, start + max);
  let out = '';
  for (let i = start; i < stop; i++) out += String.fromCharCode(bytes[i] ?? 0);
  return out;
}
