/**
 * DBC (CAN database) support: a parser for real-world DBC files and a compiled signal decoder.
 * Pure (no `node:*`); the Node adapter that reads files and resolves IMPORTs is `./loadDbcFile.js`.
 */
export { compileDecoder } from './compileDecoder.js';
export type {
  CanDecoder,
  CompileDecoderOptions,
  CompiledMessage,
  DecodedSignalSink,
} from './compileDecoder.js';
export { decodeDbcBytes } from './decodeDbcBytes.js';
export type { DecodedDbcText } from './decodeDbcBytes.js';
export type {
  DbcAttributeDefinition,
  DbcAttributeObject,
  DbcAttributeValue,
  DbcByteOrder,
  DbcDatabase,
  DbcEnvironmentVariable,
  DbcMessage,
  DbcMuxRange,
  DbcNode,
  DbcSignal,
  DbcSignalGroup,
  DbcValueType,
  DbcWarning,
} from './model.js';
export { parseDbc } from './parseDbc.js';
export type { ParseDbcOptions } from './parseDbc.js';
export { signalBits, signalEndByte } from './signalBits.js';
