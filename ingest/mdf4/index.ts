/** ASAM MDF 4.x reader: a pure core over `RandomAccessSource`; inflate is passed in (`nodeInflate` in Node). */
export { openMdf } from './openMdf.js';
export type { OpenMdfOptions } from './openMdf.js';
export { readGroup } from './readGroup.js';
export type { ReadGroupOptions } from './readGroup.js';
export { readCanFrames, isCanFrameGroup } from './readCanFrames.js';
export { sniffMdf } from './sniffMdf.js';
export { parseFormula } from './parseFormula.js';
export type { Conversion, PhysicalValue } from './compileConversion.js';
export type { MdfColumn, MdfGroupChunk, MdfValue } from './GroupDecoder.js';
export type {
  Inflate,
  MdfChannel,
  MdfChannelGroup,
  MdfChannelKind,
  MdfDataGroup,
  MdfDataType,
  MdfFile,
} from './model.js';
