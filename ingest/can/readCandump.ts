import type { Batch } from '../../core/reject.js';
import type { ByteStream } from '../../core/source.js';
import { CandumpParser } from './candumpParser.js';
import type { CandumpOptions } from './candumpParser.js';
import type { CanFrame } from './frame.js';

export type { CandumpOptions } from './candumpParser.js';

/**
 * Reads a candump log (`candump -l/-L`) or candump console output as batches of frames, in file order.
 * Bad lines become rejects (`truncated`, `non_hex`, `odd_nibbles`, `bad_id`, `bad_dlc`, `bad_length`,
 * `too_long`, `dlc_mismatch`, `bad_timestamp`, `trailing_text`, `unknown_line`, `unsupported`,
 * `line_too_long`; past `maxDetailedRejects` per reason, one summary per reason with `count`, see
 * `RejectTally`); blank lines and `#` comments are skipped.
 * Memory is bounded by one chunk plus one batch. See `CandumpParser` for formats and for who owns `data`.
 */
export async function* readCandump(
  stream: ByteStream,
  options: CandumpOptions,
): AsyncIterable<Batch<CanFrame>> {
  const parser = new CandumpParser(options);
  for await (const chunk of stream) {
    yield* parser.push(chunk);
  }
  yield* parser.flush();
}
