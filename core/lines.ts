import type { ByteStream } from './source.js';

/** A batch of text lines with the 1-based number of its first line. */
export interface LineBatch {
  firstLine: number;
  lines: string[];
  /** Byte offset of the first line in the stream. */
  firstOffset: number;
}

/**
 * Splits a byte stream into lines (LF, CRLF or lone CR), decoding single-byte (WHATWG 'latin1', which is
 * windows-1252) so that garbage bytes never throw and every byte maps to one character (offsets stay exact). Yields batches to keep per-line
 * overhead low on multi-million-line logs.
 */
export async function* readLines(
  stream: ByteStream,
  options: { batchLines?: number } = {},
): AsyncIterable<LineBatch> {
  const batchLines = options.batchLines ?? 8192;
  const decoder = new TextDecoder('latin1');
  let carry = '';
  let lineNo = 1;
  let offset = 0;
  let batch: string[] = [];
  let batchFirst = 1;
  let batchOffset = 0;
  let pendingCR = false;

  for await (const chunk of stream) {
    let text = carry + decoder.decode(chunk, { stream: true });
    if (pendingCR && text.startsWith('\n')) {
      text = text.slice(1);
      offset += 1;
    }
    pendingCR = false;
    let start = 0;
    for (;;) {
      const nl = nextBreak(text, start);
      if (nl < 0) break;
      batch.push(text.slice(start, nl));
      let next = nl + 1;
      if (text.charCodeAt(nl) === 13) {
        if (next < text.length) {
          if (text.charCodeAt(next) === 10) next += 1;
        } else {
          pendingCR = true;
        }
      }
      offset += next - start;
      start = next;
      lineNo += 1;
      if (batch.length >= batchLines) {
        yield { firstLine: batchFirst, lines: batch, firstOffset: batchOffset };
        batch = [];
        batchFirst = lineNo;
        batchOffset = offset;
      }
    }
    carry = text.slice(start);
  }
  if (carry.length > 0) batch.push(carry);
  if (batch.length > 0) yield { firstLine: batchFirst, lines: batch, firstOffset: batchOffset };
}

/** Index of the next CR or LF at or after `from`, or -1: one pass, whatever the line endings. */
function nextBreak(text: string, from: number): number {
  for (let i = from; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 || c === 13) return i;
  }
  return -1;
}
