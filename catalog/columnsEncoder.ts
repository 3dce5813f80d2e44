/**
 * adlake's own Parquet encoder (`columnsParquet.ts`) as a `ParquetEncoder` on the calling thread: flat
 * parts are encoded from their column buffers; parts it does not take and Arrow IPC parts go to the
 * fallback (parquet-wasm).
 */
import { ColumnsParquetEncoder } from './columnsParquet.js';
import { planColumnsPart } from './columnsPart.js';
import { inThreadEncoder } from './parquetWriter.js';
import type { ColumnarPart, ParquetEncoder, StagedPart, WriterPlan } from './parquetWriter.js';
import { ZstdCompressor } from './zstdCompressor.js';

export interface ColumnsEncoderOptions {
  /** Encodes what the columns encoder does not take. */
  fallback: ParquetEncoder;
}

export class ColumnsEncoder implements ParquetEncoder {
  private constructor(
    private readonly encoder: ColumnsParquetEncoder,
    private readonly fallback: ParquetEncoder,
  ) {}

  /** Loads zstd (WebAssembly) and returns the encoder. */
  static async open(options: ColumnsEncoderOptions): Promise<ColumnsEncoder> {
    return new ColumnsEncoder(new ColumnsParquetEncoder(await ZstdCompressor.open()), options.fallback);
  }

  /**
   * The process's in-thread encoder (parquet-wasm in this thread as the fallback), opened on first use:
   * a transform of many drives instantiates zstd once and reuses the encoder's buffers.
   */
  static shared(): Promise<ColumnsEncoder> {
    shared ??= ColumnsEncoder.open({ fallback: inThreadEncoder }).catch((error: unknown) => {
      shared = undefined;
      throw error;
    });
    return shared;
  }

  encode(ipc: Uint8Array, plan: WriterPlan): Promise<Uint8Array> {
    return this.fallback.encode(ipc, plan);
  }

  stageColumns(part: ColumnarPart, plan: WriterPlan): Promise<StagedPart | undefined> {
    try {
      const planned = planColumnsPart(part, plan);
      if (!planned) return Promise.resolve(undefined);
      return Promise.resolve({ bytes: Promise.resolve(this.encoder.encode(planned)) });
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
  }
}

let shared: Promise<ColumnsEncoder> | undefined;
