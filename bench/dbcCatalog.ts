import { readFile } from 'node:fs/promises';

/** What the generators need to know about one DBC message. */
export interface DbcMessageInfo {
  name: string;
  /** Payload length in bytes from the `BO_` line. */
  length: number;
  /** Number of `SG_` lines: the can_signals rows one frame decodes to (an upper bound if multiplexed). */
  signals: number;
  multiplexed: boolean;
}

/** Extended CAN ids are keyed with bit 31 set, the DBC convention (`BO_ 2147483648+id`). */
export const EXTENDED_FLAG = 0x80000000;

/**
 * The messages of a DBC keyed by DBC id (bit 31 = extended), from its `BO_` and `SG_` lines only.
 * A deliberately small scanner: the benchmark must not depend on adlake's own DBC parser, whose speed
 * and correctness it is there to judge.
 */
export async function readDbcCatalog(path: string): Promise<Map<number, DbcMessageInfo>> {
  const text = await readFile(path, 'latin1');
  const messages = new Map<number, DbcMessageInfo>();
  let current: DbcMessageInfo | undefined;
  for (const raw of text.split(/\r\n|\n|\r/)) {
    const line = raw.trim();
    if (line.startsWith('BO_ ')) {
      // BO_ <id> <name>[ ]: <length> <transmitter>   (DBC names may be followed by a space before ':')
      const match = /^BO_\s+(\d+)\s+(\w+)\s*:\s*(\d+)/.exec(line);
      current = undefined;
      if (match?.[1] === undefined || match[2] === undefined || match[3] === undefined) continue;
      current = { name: match[2], length: Number(match[3]), signals: 0, multiplexed: false };
      messages.set(Number(match[1]) >>> 0, current);
    } else if (line.startsWith('SG_ ') && current) {
      current.signals += 1;
      // SG_ <name> [M|m<n>] : ...  a multiplex marker sits between the name and the colon
      if (/^SG_\s+\w+\s+m\d+/.test(line)) current.multiplexed = true;
    } else if (line === '') {
      current = undefined;
    }
  }
  return messages;
}
