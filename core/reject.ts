/**
 * A record a reader could not use. Readers never throw on one bad line: they report it and go on,
 * so the rest of the drive still lands. The ingest run counts rejects by reason and lists them.
 */
export interface Reject {
  uri: string;
  /** 1-based line for text formats. */
  line?: number;
  /** Byte offset for binary formats (and text, where known). */
  offset?: number;
  /** Machine-readable reason, e.g. `bad_checksum`, `truncated`, `non_hex`. Stable: used in reports. */
  reason: string;
  /** One human sentence naming what is wrong. */
  message: string;
  /** The offending text, cut to a reasonable length. */
  text?: string;
  /**
   * How many rejects of this reason this entry stands for; set on summary entries past the detail cap
   * (see `RejectTally`), so summing `count ?? 1` by `reason` over all rejects of a read gives exact counts.
   * @default 1
   */
  count?: number;
}

/** What streaming readers yield: records in order plus the rejects seen since the last batch. */
export interface Batch<T> {
  records: T[];
  rejects: Reject[];
}

/**
 * Makes reject text safe for reports and logs: control and non-ASCII characters become `\xNN` (binary
 * fed to a text reader must not put raw bytes or terminal escapes into a report), and the result is cut so
 * that it has at most `max` characters before the `…` that marks a cut.
 */
export function printable(text: string, max = 200): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    const piece = code < 0x20 || code > 0x7e ? `\\x${code.toString(16).padStart(2, '0')}` : text.charAt(i);
    if (out.length + piece.length > max) return `${out}…`;
    out += piece;
  }
  return out;
}
