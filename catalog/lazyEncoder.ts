import type { ColumnarPart, ParquetEncoder, StagedPart, WriterPlan } from './parquetWriter.js';

/** A `ParquetEncoder` that holds resources until `close()` (threads, a DuckDB instance). */
export interface ClosableEncoder extends ParquetEncoder {
  close(): Promise<void>;
}

/**
 * Starts an encoder on its first part, not before: an ingest that writes no part of a table does not pay
 * for its encoder's threads (parquet-wasm workers instantiate their WebAssembly, ~40 MB each; DuckDB loads
 * its library). A failed start fails the parts that asked for it.
 */
export class LazyEncoder implements ClosableEncoder {
  private starting: Promise<ClosableEncoder> | undefined;

  constructor(private readonly start: () => Promise<ClosableEncoder>) {}

  async encode(ipc: Uint8Array, plan: WriterPlan): Promise<Uint8Array> {
    return (await this.encoder()).encode(ipc, plan);
  }

  async stageColumns(part: ColumnarPart, plan: WriterPlan): Promise<StagedPart | undefined> {
    const encoder = await this.encoder();
    return encoder.stageColumns ? encoder.stageColumns(part, plan) : undefined;
  }

  /**
   * Starts the encoder now, without waiting for it, so its start overlaps the caller's work; a failed start
   * is reported by the part that needs the encoder.
   */
  warm(): void {
    this.encoder().catch(() => undefined);
  }

  /** Whether the encoder was asked to start (by a part or by `warm`). */
  get started(): boolean {
    return this.starting !== undefined;
  }

  /** Closes the encoder if it was started. */
  async close(): Promise<void> {
    const starting = this.starting;
    this.starting = undefined;
    if (starting) await (await starting).close();
  }

  private encoder(): Promise<ClosableEncoder> {
    this.starting ??= this.start();
    return this.starting;
  }
}
