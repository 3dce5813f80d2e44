import { sniffCanLog } from './can/sniff.js';
export { isGzip } from './can/sniff.js';
import { sniffNmea } from './nmea/sniff.js';

/** Input formats the ingest worker knows. */
export type InputFormat = 'dbc' | 'candump' | 'asc' | 'blf' | 'trc' | 'nmea';

/** How many leading bytes format detection looks at. */
export const SNIFF_BYTES = 64 * 1024;

/**
 * Detects a format from the first bytes of an input (already gunzipped), by content, never by file name:
 * loggers name files `.log`, `.txt` or nothing at all.
 */
export function detectFormat(head: Uint8Array): InputFormat | undefined {
  if (head.byteLength === 0) return undefined;
  const can = sniffCanLog(head);
  if (can) return can;
  if (sniffNmea(head)) return 'nmea';
  if (sniffDbc(head)) return 'dbc';
  return undefined;
}

/** A DBC starts with `VERSION`, `NS_` or `BU_`, or has a `BO_ <id> <name>:` line early on. */
export function sniffDbc(head: Uint8Array): boolean {
  const text = new TextDecoder('latin1').decode(head.subarray(0, SNIFF_BYTES));
  return /^\s*(VERSION\s+"|NS_\s*:|BU_\s*:|CM_\s+")/.test(text) || /^BO_\s+\d+\s+\w+\s*:/m.test(text);
}
