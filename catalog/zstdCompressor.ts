/**
 * Node adapter: zstd compression with `@foxglove/wasm-zstd` (the zstd reference library in
 * WebAssembly, already used to read MCAP). Its `compress()` allocates input and output in WebAssembly
 * memory and copies the result out on every call; pages are compressed here through two buffers kept in
 * WebAssembly memory instead, and the caller copies the result where it goes.
 */
import { createRequire } from 'node:module';
import { InternalError } from '../core/errors.js';

interface ZstdModule {
  HEAPU8: Uint8Array;
  _malloc(size: number): number;
  _free(pointer: number): void;
  _compressBound(size: number): number;
  _compress(dst: number, dstCapacity: number, src: number, srcSize: number, level: number): number;
  _decompress(dst: number, dstCapacity: number, src: number, srcSize: number): number;
  ready: Promise<unknown>;
}

type ZstdFactory = () => Promise<ZstdModule>;

/**
 * zstd level 3 (zstd's own default): smaller files than level 1 (`timeseries`: 2.4% smaller) for ~15%
 * more encoding time; tables written on the critical path of a step may ask for less (`TableDef.zstdLevel`).
 */
export const DEFAULT_ZSTD_LEVEL = 3;

export class ZstdCompressor {
  private input = { pointer: 0, capacity: 0 };
  private output = { pointer: 0, capacity: 0 };

  private constructor(
    private readonly module: ZstdModule,
    private readonly level: number,
  ) {}

  /** Instantiates the WebAssembly module (one per compressor: a thread uses one). */
  static async open(options: { level?: number } = {}): Promise<ZstdCompressor> {
    const factory = createRequire(import.meta.url)('@foxglove/wasm-zstd/dist/wasm-zstd.js') as ZstdFactory;
    const module = await factory();
    await module.ready;
    return new ZstdCompressor(module, options.level ?? DEFAULT_ZSTD_LEVEL);
  }

  /**
   * Compresses `bytes` into one zstd frame. The result views WebAssembly memory: copy it before the
   * next call.
   */
  compress(bytes: Uint8Array, level = this.level): Uint8Array {
    const module = this.module;
    this.input = this.ensure(this.input, bytes.length);
    this.output = this.ensure(this.output, module._compressBound(bytes.length));
    module.HEAPU8.set(bytes, this.input.pointer);
    const size = module._compress(
      this.output.pointer,
      this.output.capacity,
      this.input.pointer,
      bytes.length,
      level,
    );
    if (size < 0) throw new InternalError(`zstd could not compress ${bytes.length} bytes`);
    // HEAPU8 is replaced when the memory grows: read it after the call.
    return module.HEAPU8.subarray(this.output.pointer, this.output.pointer + size);
  }

  /**
   * Decompresses one zstd frame that holds `size` bytes (Parquet page headers say how many). The result
   * views WebAssembly memory: use or copy it before the next call.
   */
  decompress(bytes: Uint8Array, size: number): Uint8Array {
    const module = this.module;
    this.input = this.ensure(this.input, bytes.length);
    this.output = this.ensure(this.output, size);
    module.HEAPU8.set(bytes, this.input.pointer);
    const got = module._decompress(this.output.pointer, size, this.input.pointer, bytes.length);
    if (got !== size)
      throw new RangeError(
        `a zstd frame of ${bytes.length} bytes gave ${got < 0 ? 'an error' : `${got} bytes`}, not ${size}`,
      );
    return module.HEAPU8.subarray(this.output.pointer, this.output.pointer + size);
  }

  private ensure(buffer: { pointer: number; capacity: number }, size: number) {
    if (size <= buffer.capacity) return buffer;
    if (buffer.pointer !== 0) this.module._free(buffer.pointer);
    const capacity = Math.max(size, buffer.capacity * 2, 1 << 16);
    const pointer = this.module._malloc(capacity);
    if (pointer === 0) throw new InternalError(`zstd could not allocate ${capacity} bytes`);
    return { pointer, capacity };
  }
}
