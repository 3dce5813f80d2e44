/**
 * parquet-wasm, loaded on first use through `require`: its Node build compiles the WebAssembly when it is
 * loaded (~0.1 s of a process's start, so not at start-up), and an ESM `import` of this CommonJS module
 * first runs Node's CommonJS lexer over its 100 KB of glue (JIT-compiled at ~0.1 s of CPU on its own).
 */
import { createRequire } from 'node:module';

export type ParquetWasm = typeof import('parquet-wasm');

let loaded: ParquetWasm | undefined;

export function parquetWasm(): ParquetWasm {
  loaded ??= createRequire(import.meta.url)('parquet-wasm') as ParquetWasm;
  return loaded;
}
