import { DecodeError } from '../../core/errors.js';
import type { MdfFile } from './model.js';
import { type DataPiece, listDataPieces, readPiece } from './dataBlocks.js';

/** Pieces up to this size are cached whole; larger plain blocks are read value by value. */
const CACHE_LIMIT = 8 << 20;

/**
 * Random access to a VLSD channel's signal data (SD block or a DL/HL/DZ list of SD blocks, §6.23): each value
 * is a u32 length and that many bytes at the offset the record stores. One piece is cached at a time.
 */
export class SignalData {
  private pieces: DataPiece[] = [];
  private starts: number[] = [];
  private cached: { index: number; bytes: Uint8Array } | undefined;

  private constructor(private readonly file: MdfFile) {}

  static async open(file: MdfFile, link: number): Promise<SignalData> {
    const data = new SignalData(file);
    data.pieces = await listDataPieces(file, link);
    let start = 0;
    for (const piece of data.pieces) {
      data.starts.push(start);
      start += piece.length;
    }
    return data;
  }

  /** The value at `offset`, or undefined when the offset is outside the data (unfinalised files). */
  async value(offset: number): Promise<Uint8Array | undefined> {
    const index = this.pieceAt(offset);
    const piece = this.pieces[index];
    if (!piece) return undefined;
    const local = offset - this.starts[index]!;
    if (piece.zip !== 0 || piece.length <= CACHE_LIMIT) {
      if (this.cached?.index !== index) this.cached = { index, bytes: await readPiece(this.file, piece) };
      const bytes = this.cached.bytes;
      if (local + 4 > bytes.length) return undefined;
      const length = new DataView(bytes.buffer, bytes.byteOffset + local, 4).getUint32(0, true);
      if (local + 4 + length > bytes.length) return undefined;
      return bytes.subarray(local + 4, local + 4 + length);
    }
    const head = await this.file.source.read(piece.payloadOffset + local, 4);
    if (head.length < 4) return undefined;
    const length = new DataView(head.buffer, head.byteOffset, 4).getUint32(0, true);
    if (local + 4 + length > piece.length) {
      throw new DecodeError(`mdf4: VLSD value of ${length} bytes runs past its ##SD block`, {
        uri: this.file.uri,
        offset: piece.offset,
      });
    }
    return this.file.source.read(piece.payloadOffset + local + 4, length);
  }

  private pieceAt(offset: number): number {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }
}
