/**
 * The `ARROW:schema` key-value of a Parquet file as arrow-rs (parquet-wasm) writes it: the Arrow IPC
 * schema message, base64. Readers that know it (arrow-rs, pyarrow) restore dictionary columns and the
 * fields' `doc`/`unit` metadata from it.
 */
import { Table as ArrowTable, tableToIPC } from 'apache-arrow';
import type { Schema } from 'apache-arrow';

const encoded = new WeakMap<Schema, string>();

export function arrowSchemaMetadata(schema: Schema): string {
  let value = encoded.get(schema);
  if (value === undefined) {
    const stream = tableToIPC(new ArrowTable(schema), 'stream');
    const view = new DataView(stream.buffer, stream.byteOffset, stream.byteLength);
    // Continuation marker 0xFFFFFFFF, then the metadata length; the schema message has no body.
    const length = view.getInt32(4, true);
    value = Buffer.from(stream.subarray(0, 8 + length)).toString('base64');
    encoded.set(schema, value);
  }
  return value;
}
