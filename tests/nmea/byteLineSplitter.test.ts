import { describe, expect, it } from 'vitest';
import { ByteLineSplitter } from '../../ingest/nmea/byteLineSplitter.js';
import { latin1, latin1Bytes } from '../../core/latin1.js';

/** Feeds `parts` as chunks and returns `[line number, text]` for every line handed out. */
function split(parts: string[], maxCarry?: number): [number, string][] {
  const splitter = new ByteLineSplitter(maxCarry);
  const lines: [number, string][] = [];
  const onLine = (bytes: Uint8Array, start: number, end: number, line: number): void => {
    lines.push([line, latin1(bytes, start, end)]);
  };
  for (const part of parts) splitter.push(latin1Bytes(part), onLine);
  splitter.end(onLine);
  return lines;
}

describe('ByteLineSplitter', () => {
  it('splits LF, CRLF and lone CR, and numbers lines', () => {
    expect(split(['a\nb\r\nc\rd'])).toEqual([
      [1, 'a'],
      [2, 'b'],
      [3, 'c'],
      [4, 'd'],
    ]);
  });

  it('joins lines across chunks, including a CRLF split between two chunks', () => {
    expect(split(['ab', 'c\r', '\nde', 'f\r', 'g\n'])).toEqual([
      [1, 'abc'],
      [2, 'def'],
      [3, 'g'],
    ]);
  });

  it('keeps empty lines and does not invent one after a final line break', () => {
    expect(split(['a\n\n', '\r\nb\n'])).toEqual([
      [1, 'a'],
      [2, ''],
      [3, ''],
      [4, 'b'],
    ]);
  });

  it('hands out an endless line in bounded pieces with one line number', () => {
    const lines = split(['x'.repeat(10), 'y'.repeat(10), 'z'.repeat(10), '\nend'], 16);
    expect(lines.map(([line]) => line)).toEqual([1, 1, 2]);
    expect(lines.map(([, text]) => text).join('')).toBe(
      `${'x'.repeat(10)}${'y'.repeat(10)}${'z'.repeat(10)}end`,
    );
    expect(Math.max(...lines.map(([, text]) => text.length))).toBeLessThanOrEqual(30);
  });
});
