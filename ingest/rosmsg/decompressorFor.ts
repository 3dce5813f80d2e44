import type { Decompress, Decompressors } from './LogMessage.js';

/** The codec named `name`, loaded first when it is a loader; undefined when there is none. */
export async function decompressorFor(
  decompressors: Decompressors,
  name: string,
): Promise<Decompress | undefined> {
  const codec = decompressors[name];
  return codec === undefined || typeof codec === 'function' ? codec : codec.load();
}
