import { DecodeError } from '../../core/errors.js';
import type { MdfFile } from './model.js';
import { BLOCK_HEADER_SIZE, readBlock, readBlockHeader } from './readBlock.js';
import { warn } from './warn.js';

/** One leaf data block (DT/SD/RD or DZ) in the order its list gives it. */
export interface DataPiece {
  /** File offset of the block. */
  offset: number;
  /** Start of the payload in the file (after the header or DZ header). */
  payloadOffset: number;
  /** Bytes stored in the file (compressed size for DZ). */
  storedLength: number;
  /** Bytes of logical data this piece contributes (inflated size for DZ). */
  length: number;
  /** 0 for a plain block; 1 deflate, 2 transposed deflate (with `columns`). */
  zip: 0 | 1 | 2;
  columns: number;
}

/** Data block ids a data link may point to (§6.22-§6.28). */
const DATA_IDS = ['DT', 'SD', 'RD', 'DZ', 'DL', 'HL', 'DV', 'DI'];
const LEAF_IDS = ['DT', 'SD', 'RD'];

/** Bytes read from a plain data block per `read` call: bounds memory for big DT blocks. */
const READ_CHUNK = 1 << 20;

/**
 * Lists the leaf blocks behind a data link (a DT/SD/DZ block or a DL chain, possibly under an HL block),
 * §6.22-§6.28. Only headers and lists are read. Lengths past the end of the file are clipped with a warning
 * (truncated files); in unfinalised files (§6.2.3 bit 2) the last DT block's length is not trusted and it
 * is read to the end of the file.
 */
export async function listDataPieces(file: MdfFile, link: number): Promise<DataPiece[]> {
  let cache = pieceCache.get(file);
  if (!cache) pieceCache.set(file, (cache = new Map<number, DataPiece[]>()));
  let pieces = cache.get(link);
  if (!pieces) {
    pieces = await walkDataPieces(file, link);
    cache.set(link, pieces);
  }
  return pieces;
}

/** Lists are walked once per file and link: each group of a data group reads the same list. */
const pieceCache = new WeakMap<MdfFile, Map<number, DataPiece[]>>();

async function walkDataPieces(file: MdfFile, link: number): Promise<DataPiece[]> {
  const pieces: DataPiece[] = [];
  if (link === 0) return pieces;
  const { source, uri } = file;
  const seen = new Set<number>();
  const visit = async (offset: number): Promise<void> => {
    if (offset === 0) return;
    if (seen.has(offset)) throw new DecodeError('mdf4: data list links form a loop', { uri, offset });
    seen.add(offset);
    const header = await readBlockHeader(source, offset, DATA_IDS);
    switch (header.id) {
      case 'HL': {
        const hl = await readBlock(source, offset, ['HL']);
        await visit(hl.links[0] ?? 0);
        return;
      }
      case 'DL': {
        // A DL chain: each DL lists data blocks (links 1..n) and links the next DL (link 0), §6.24.
        for (let dl = offset; dl !== 0;) {
          if (dl !== offset) {
            if (seen.has(dl)) throw new DecodeError('mdf4: data list links form a loop', { uri, offset: dl });
            seen.add(dl);
          }
          const block = await readBlock(source, dl, ['DL']);
          for (const child of block.links.slice(1)) if (child !== 0) await visit(child);
          dl = block.links[0] ?? 0;
        }
        return;
      }
      case 'DZ': {
        // §6.26: dz_org_block_type (2 chars), zip type, reserved, zip parameter u32, org length u64, data length u64.
        const bytes = await source.read(offset + BLOCK_HEADER_SIZE, 24);
        if (bytes.length < 24) throw new DecodeError('mdf4: truncated ##DZ block header', { uri, offset });
        const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
        const zipType = view.getUint8(2);
        if (zipType > 1)
          throw new DecodeError(
            `mdf4: unsupported DZ zip type ${zipType} (only deflate and transposed deflate)`,
            { uri, offset },
          );
        const payloadOffset = offset + BLOCK_HEADER_SIZE + 24;
        const storedLength = Number(view.getBigUint64(16, true));
        if (payloadOffset + storedLength > file.size) {
          throw new DecodeError(`mdf4: ##DZ block runs past the end of the file (${storedLength} bytes)`, {
            uri,
            offset,
          });
        }
        pieces.push({
          offset,
          payloadOffset,
          storedLength,
          length: Number(view.getBigUint64(8, true)),
          zip: zipType === 0 ? 1 : 2,
          columns: view.getUint32(4, true),
        });
        return;
      }
      default: {
        if (header.id === 'DV' || header.id === 'DI') {
          throw new DecodeError(`mdf4: unsupported ##${header.id} block (MDF 4.2 column storage)`, {
            uri,
            offset,
          });
        }
        if (!LEAF_IDS.includes(header.id)) {
          throw new DecodeError(`mdf4: unexpected ##${header.id} data block`, { uri, offset });
        }
        const payloadOffset = offset + BLOCK_HEADER_SIZE + 8 * header.linkCount;
        let length = header.length - BLOCK_HEADER_SIZE - 8 * header.linkCount;
        const available = file.size - payloadOffset;
        if (length > available) {
          warn(
            file,
            `mdf4: ##${header.id} block at 0x${offset.toString(16)} declares ${length} bytes but the file ends after ${available}; reading what is there`,
          );
          length = available;
        }
        pieces.push({ offset, payloadOffset, storedLength: length, length, zip: 0, columns: 0 });
      }
    }
  };
  await visit(link);
  // §6.2.3 bit 2: the last DT block's length was never written back; its data runs to the end of the file.
  const last = pieces[pieces.length - 1];
  if (!file.finalized && (file.unfinalizedFlags & 4) !== 0 && last && last.zip === 0) {
    const toEnd = file.size - last.payloadOffset;
    if (toEnd > last.length) {
      warn(
        file,
        `mdf4: unfinalised last data block at 0x${last.offset.toString(16)}: reading ${toEnd} bytes to the end of the file instead of the ${last.length} declared`,
      );
      last.length = toEnd;
      last.storedLength = toEnd;
    }
  }
  return pieces;
}

/** Reads one piece's logical bytes at once (inflating DZ blocks). For SD lookups and DZ pieces. */
export async function readPiece(file: MdfFile, piece: DataPiece): Promise<Uint8Array> {
  const stored = await file.source.read(piece.payloadOffset, piece.storedLength);
  if (stored.length < piece.storedLength) {
    throw new DecodeError('mdf4: data block is cut off', { uri: file.uri, offset: piece.offset });
  }
  if (piece.zip === 0) return stored;
  let raw: Uint8Array;
  try {
    raw = file.inflate(stored, piece.length);
  } catch (cause) {
    throw new DecodeError(
      'mdf4: ##DZ block does not inflate',
      { uri: file.uri, offset: piece.offset },
      { cause },
    );
  }
  if (raw.length !== piece.length) {
    throw new DecodeError(`mdf4: ##DZ block inflates to ${raw.length} bytes, not ${piece.length}`, {
      uri: file.uri,
      offset: piece.offset,
    });
  }
  return piece.zip === 2 ? untranspose(raw, piece.columns) : raw;
}

/**
 * §6.26 transposed deflate: the first `rows * columns` bytes were stored column by column (byte 0 of every
 * record, then byte 1, ...); the remainder is stored as is.
 */
export function untranspose(bytes: Uint8Array, columns: number): Uint8Array {
  if (columns <= 1) return bytes;
  const rows = Math.floor(bytes.length / columns);
  const out = new Uint8Array(bytes.length);
  for (let c = 0; c < columns; c++) {
    const from = c * rows;
    for (let r = 0; r < rows; r++) out[r * columns + c] = bytes[from + r]!;
  }
  out.set(bytes.subarray(rows * columns), rows * columns);
  return out;
}

/** Streams the logical data behind a data link in chunks (bounded memory: one DZ block or `READ_CHUNK`). */
export async function* dataChunks(
  file: MdfFile,
  pieces: readonly DataPiece[],
): AsyncGenerator<{ bytes: Uint8Array; offset: number }> {
  for (const piece of pieces) {
    if (piece.zip !== 0) {
      yield { bytes: await readPiece(file, piece), offset: piece.offset };
      continue;
    }
    for (let done = 0; done < piece.length;) {
      const want = Math.min(READ_CHUNK, piece.length - done);
      const bytes = await file.source.read(piece.payloadOffset + done, want);
      if (bytes.length === 0) break;
      yield { bytes, offset: piece.payloadOffset + done };
      done += bytes.length;
    }
  }
}
