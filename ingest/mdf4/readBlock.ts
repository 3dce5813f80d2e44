import { DecodeError } from '../../core/errors.js';
import type { RandomAccessSource } from '../../core/source.js';

/** MDF4 §5.2: every block starts with a 24-byte header: `##XX`, 4 reserved bytes, u64 length, u64 link count. */
export const BLOCK_HEADER_SIZE = 24;

/** Metadata blocks larger than this are refused rather than allocated (a corrupt length must not OOM). */
const MAX_META_BLOCK = 64 << 20;

export interface BlockHeader {
  /** Two-letter id without `##`: `HD`, `DG`, `DT`, ... */
  id: string;
  offset: number;
  length: number;
  linkCount: number;
}

export interface Block extends BlockHeader {
  links: number[];
  /** The data section (after header and links). */
  data: Uint8Array;
  view: DataView;
}

/** Reads and checks a block header; `expected` lists the ids allowed at this link. */
export async function readBlockHeader(
  source: RandomAccessSource,
  offset: number,
  expected: readonly string[],
): Promise<BlockHeader> {
  const bytes = await source.read(offset, BLOCK_HEADER_SIZE);
  if (bytes.length < BLOCK_HEADER_SIZE) {
    throw new DecodeError(`mdf4: truncated block header (wanted ${expected.join('/')})`, {
      uri: source.uri,
      offset,
    });
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const id = String.fromCharCode(bytes[2] ?? 0, bytes[3] ?? 0);
  if (bytes[0] !== 0x23 || bytes[1] !== 0x23 || !expected.includes(id)) {
    throw new DecodeError(
      `mdf4: expected a ${expected.map((e) => `##${e}`).join('/')} block, found ${JSON.stringify(
        String.fromCharCode(...bytes.subarray(0, 4)),
      )}`,
      { uri: source.uri, offset },
    );
  }
  const length = Number(view.getBigUint64(8, true));
  const linkCount = Number(view.getBigUint64(16, true));
  if (length < BLOCK_HEADER_SIZE + 8 * linkCount) {
    throw new DecodeError(`mdf4: ##${id} block length ${length} is shorter than its ${linkCount} links`, {
      uri: source.uri,
      offset,
    });
  }
  return { id, offset, length, linkCount };
}

/** Reads a whole metadata block (header, links, data). Not for DT/SD/DZ: those are streamed. */
export async function readBlock(
  source: RandomAccessSource,
  offset: number,
  expected: readonly string[],
): Promise<Block> {
  const header = await readBlockHeader(source, offset, expected);
  if (header.length > MAX_META_BLOCK) {
    throw new DecodeError(`mdf4: ##${header.id} block length ${header.length} is implausible`, {
      uri: source.uri,
      offset,
    });
  }
  const bytes = await source.read(offset, header.length);
  if (bytes.length < header.length) {
    throw new DecodeError(
      `mdf4: ##${header.id} block is cut off (${bytes.length} of ${header.length} bytes)`,
      {
        uri: source.uri,
        offset,
      },
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const links: number[] = [];
  for (let i = 0; i < header.linkCount; i++)
    links.push(Number(view.getBigUint64(BLOCK_HEADER_SIZE + 8 * i, true)));
  const dataStart = BLOCK_HEADER_SIZE + 8 * header.linkCount;
  const data = bytes.subarray(dataStart);
  return { ...header, links, data, view: new DataView(data.buffer, data.byteOffset, data.byteLength) };
}

/** Reads a TX or MD block's text (§6.4/§6.5: UTF-8, zero-terminated); `undefined` for a nil link. */
export async function readText(source: RandomAccessSource, link: number): Promise<string | undefined> {
  if (link === 0) return undefined;
  const block = await readBlock(source, link, ['TX', 'MD']);
  let end = block.data.indexOf(0);
  if (end < 0) end = block.data.length;
  return utf8.decode(block.data.subarray(0, end));
}

const utf8 = new TextDecoder('utf-8');

/** For MD blocks: the `<TX>` element's text, which is what tools show as the comment; else the text itself. */
export function plainComment(text: string): string {
  const match = /<TX>([\s\S]*?)<\/TX>/.exec(text);
  return (match?.[1] ?? text).trim();
}
