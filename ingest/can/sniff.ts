import { AscParser } from './ascParser.js';
import { CandumpParser } from './candumpParser.js';

/** The CAN log formats adlake reads. */
export type CanLogFormat = 'candump' | 'asc' | 'blf' | 'trc';

/** Bytes to pass to `sniffCanLog`: the first KiB is enough; more lets it skip long comment headers. */
export const SNIFF_BYTES = 4096;

/** True for gzip data (RFC 1952 magic 1f 8b, method 8 = deflate). */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes[0] === 0x1f && bytes[1] === 0x8b && bytes[2] === 0x08;
}

/** Alias of `isGzip`, named like the other sniffers. */
export const sniffGzip = isGzip;

const ASC_HEADERS = [
  'date ',
  'base hex',
  'base dec',
  'begin triggerblock',
  'internal events logged',
  'no internal events logged',
  '// version',
];

/**
 * Names the CAN log format of a file from its first bytes (decompressed: check `isGzip` first), by
 * content, never by file name: `LOGG` is BLF; ASC is known by its header lines or a first event line;
 * PCAN TRC by its `;$FILEVERSION` / `;   Start time` header; candump when the first line that is not
 * blank or a `#` comment parses as a candump frame. Undefined when nothing matches.
 */
export function sniffCanLog(head: Uint8Array): CanLogFormat | undefined {
  if (head[0] === 0x4c && head[1] === 0x4f && head[2] === 0x47 && head[3] === 0x47) return 'blf';
  const bytes = head.subarray(0, SNIFF_BYTES);
  let text = '';
  for (let i = 0; i < bytes.length; i++) text += String.fromCharCode(bytes[i] ?? 0);
  if (text.startsWith('\u00ef\u00bb\u00bf')) text = text.slice(3);
  const lines = text.split(/\r\n|\r|\n/);
  // The last line may be cut by the head's end: judge it only when it is the only one.
  if (lines.length > 1 && !/[\r\n]$/.test(text)) lines.pop();
  for (const line of lines.slice(0, 64)) {
    const trimmed = line.trim();
    if (trimmed === '') continue;
    const lower = trimmed.toLowerCase();
    if (ASC_HEADERS.some((prefix) => lower.startsWith(prefix))) return 'asc';
    if (
      lower.startsWith(';$fileversion') ||
      lower.startsWith(';$starttime') ||
      /^;\s*start time:/.test(lower)
    )
      return 'trc';
    if (trimmed.startsWith('#') || trimmed.startsWith('//') || trimmed.startsWith(';')) continue;
    if (isCandumpFrame(line)) return 'candump';
    if (isAscFrame(line)) return 'asc';
    return undefined;
  }
  return undefined;
}

/** A candump frame line; one whose only fault is a time past 2262 is one too (its line is a reject then). */
function isCandumpFrame(line: string): boolean {
  const parser = new CandumpParser({ uri: 'sniff' });
  const bytes = new Uint8Array(line.length);
  for (let i = 0; i < line.length; i++) bytes[i] = line.charCodeAt(i) & 0xff;
  const batches = [...parser.push(bytes), ...parser.flush()];
  const rejects = batches.flatMap((batch) => batch.rejects);
  if (rejects.length === 1 && rejects[0]?.reason === 'time_out_of_range') return true;
  return batches.some((batch) => batch.records.length > 0) && rejects.length === 0;
}

function isAscFrame(line: string): boolean {
  const parser = new AscParser({ uri: 'sniff' });
  parser.push(line, 2);
  const batches = [...parser.drain(), ...parser.flush()];
  return (
    batches.some((batch) => batch.records.length > 0) && batches.every((batch) => batch.rejects.length === 0)
  );
}
