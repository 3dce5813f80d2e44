/**
 * Splits a UTF-8 byte stream into lines, for JSON Lines files (Ground Truth manifests). `core/lines.ts`
 * decodes latin1 for binary-safe logs; manifests hold UTF-8 text (labels and sources in any language).
 */
import type { ByteStream } from '../core/source.js';

/** Consecutive lines without their terminators (LF or CRLF); `firstLine` is the 1-based number of the first. */
export interface Utf8LineBatch {
  firstLine: number;
  lines: string[];
}

/**
 * Yields every line in batches (one async step per line would cost more than parsing a short line); the
 * last line also without a trailing newline. Invalid UTF-8 becomes U+FFFD.
 */
export async function* readUtf8Lines(
  stream: ByteStream,
  options: { batchLines?: number } = {},
): AsyncIterable<Utf8LineBatch> {
  const batchLines = options.batchLines ?? 4096;
  const decoder = new TextDecoder('utf-8');
  let carry = '';
  let batch: string[] = [];
  let firstLine = 1;
  for await (const chunk of stream) {
    const text = carry + decoder.decode(chunk, { stream: true });
    let start = 0;
    for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', start)) {
      batch.push(stripCr(text.slice(start, nl)));
      start = nl + 1;
      if (batch.length >= batchLines) {
        yield { firstLine, lines: batch };
        firstLine += batch.length;
        batch = [];
      }
    }
    carry = text.slice(start);
  }
  carry += decoder.decode();
  if (carry !== '') batch.push(stripCr(carry));
  if (batch.length > 0) yield { firstLine, lines: batch };
}

function stripCr(text: string): string {
  return text.endsWith('\r') ? text.slice(0, -1) : text;
}
