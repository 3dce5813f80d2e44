import { sniffCanLog } from './can/sniff.js';
export { isGzip } from './can/sniff.js';
import { sniffMdf } from './mdf4/sniffMdf.js';
import { sniffNmea } from './nmea/sniff.js';

/** Input formats the ingest worker knows. */
export type InputFormat =
  | 'dbc'
  | 'candump'
  | 'asc'
  | 'blf'
  | 'trc'
  | 'nmea'
  | 'rosbag'
  | 'mcap'
  | 'mdf4'
  /** A ROS 2 bag folder's `metadata.yaml`: recorded as an input, not decoded (the MCAP files are). */
  | 'rosbag2_metadata';

/** How many leading bytes format detection looks at. */
export const SNIFF_BYTES = 64 * 1024;

/**
 * Detects a format from the first bytes of an input (already gunzipped), by content, never by file name:
 * loggers name files `.log`, `.txt` or nothing at all.
 */
export function detectFormat(head: Uint8Array): InputFormat | undefined {
  if (head.byteLength === 0) return undefined;
  if (startsWith(head, ROSBAG_MAGIC)) return 'rosbag';
  if (startsWith(head, MCAP_MAGIC)) return 'mcap';
  if (sniffMdf(head)) return 'mdf4';
  const can = sniffCanLog(head);
  if (can) return can;
  if (sniffNmea(head)) return 'nmea';
  if (sniffDbc(head)) return 'dbc';
  if (/^\s*rosbag2_bagfile_information\s*:/m.test(new TextDecoder('latin1').decode(head.subarray(0, 4096)))) {
    return 'rosbag2_metadata';
  }
  return undefined;
}

/** A DBC starts with `VERSION`, `NS_` or `BU_`, or has a `BO_ <id> <name>:` line early on. */
export function sniffDbc(head: Uint8Array): boolean {
  const text = new TextDecoder('latin1').decode(head.subarray(0, SNIFF_BYTES));
  return /^\s*(VERSION\s+"|NS_\s*:|BU_\s*:|CM_\s+")/.test(text) || /^BO_\s+\d+\s+\w+\s*:/m.test(text);
}

/** ROS 1 bag format 2.0 (ROS wiki, Bags/Format/2.0). */
const ROSBAG_MAGIC = new TextEncoder().encode('#ROSBAG V2.0\n');
/** MCAP magic: 0x89 "MCAP0" CR LF (MCAP spec, Magic). */
const MCAP_MAGIC = Uint8Array.of(0x89, 0x4d, 0x43, 0x41, 0x50, 0x30, 0x0d, 0x0a);

function startsWith(head: Uint8Array, magic: Uint8Array): boolean {
  if (head.length < magic.length) return false;
  for (let i = 0; i < magic.length; i++) if (head[i] !== magic[i]) return false;
  return true;
}
