import { readLines } from '../../core/lines.js';
import type { ByteStream } from '../../core/source.js';
import { AscParser } from './ascParser.js';
import type { AscBatch, AscOptions } from './ascParser.js';

export type { AscBatch, AscOptions } from './ascParser.js';

/**
 * Reads a Vector ASC log as batches of frames in file order, with absolute times when the log has a
 * `date` header (see `AscBatch.measurementStart` for the file's own relative timestamps). Gzip-compressed
 * ASC is the caller's job (`fileStream(path, { gzip: true })`, `isGzip` in `sniff.ts`).
 * Bad lines become rejects (`truncated`, `non_hex`, `bad_id`, `bad_dlc`, `bad_length`, `dlc_mismatch`,
 * `bad_frame`, `bad_timestamp`, `bad_date`, `bad_header`, `unknown_line`; past `maxDetailedRejects` per
 * reason, one summary per reason with `count`, see `RejectTally`).
 */
export async function* readAsc(stream: ByteStream, options: AscOptions): AsyncIterable<AscBatch> {
  const parser = new AscParser(options);
  for await (const batch of readLines(stream)) {
    let lineNo = batch.firstLine;
    for (const line of batch.lines) {
      parser.push(line, lineNo);
      lineNo += 1;
      if (parser.hasReady) yield* parser.drain();
    }
  }
  yield* parser.flush();
}
