/**
 * Splits a UTF-8 byte stream into lines, for JSON Lines files (Ground Truth manifests). `core/lines.ts`
 * decodes latin1 for binary-safe logs; manifests hold UTF-8 text (labels and sources in any language).
 */
import type { ByteStream } from '../core/source.js';

/** A line without its terminator (LF or CRLF) and its 1-based number. */
export interface NumberedLine {
  line: number;
  text: string;
}

/** Yields every line, the last one also without a trailing newline; invalid UTF-8 becomes U+FFFD. */
export async function* readUtf8Lines(stream: ByteStream): AsyncIterable<NumberedLine> {
  const decoder = new TextDecoder('utf-8');
  let carry = '';
  let line = 0;
  for await (const chunk of stream) {
    const text = carry + decoder.decode(chunk, { stream: true });
    let start = 0;
    for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', start)) {
      line += 1;
      yield { line, text: stripCr(text.slice(start, nl)) };
      start = nl + 1;
    }
    carry = text.slice(start);
  }
  carry += decoder.decode();
  if (carry !== '') yield { line: line + 1, text: stripCr(carry) };
}

function stripCr(text: string): string {
  return text.endsWith('\r') ? text.slice(0, -1) : text;
}
