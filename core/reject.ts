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
}

/** What streaming readers yield: records in order plus the rejects seen since the last batch. */
export interface Batch<T> {
  records: T[];
  rejects: Reject[];
}

export function clip(text: string, max = 200): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}
