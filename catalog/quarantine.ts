/**
 * Quarantine: inputs that could not be decoded, kept with a machine-readable reason so nothing is dropped
 * silently. `quarantine/<sha256>/reason.json`, plus `quarantine/<sha256>/input/<file name>` when a copy of
 * the bytes is kept (for a raw zone that may be cleaned up, or inputs that did not come from the lake).
 */
import type { Provenance } from '../core/errors.js';
import type { ByteStream } from '../core/source.js';
import { QUARANTINE_PREFIX, quarantinePrefix } from './layout.js';
import { asRecord, getJson, putJson, stringField } from './jsonObject.js';
import { TEMP_SUFFIX } from './objectStore.js';
import type { ObjectStore } from './objectStore.js';

export interface QuarantineOptions {
  sha256: string;
  /** Where the input was found. */
  uri: string;
  /** Stable and machine-readable: `unknown_format`, `empty_file`, `decode_error`, `bad_dbc`... */
  reason: string;
  /** One human sentence: what is wrong and, when known, what to do. */
  message: string;
  /** Where in the input the problem is, when known. */
  where?: Provenance;
  runId?: string;
  /** A copy of the input to keep: its bytes, or a stream of them (for large inputs). */
  bytes?: Uint8Array;
  stream?: ByteStream;
}

export interface QuarantineRecord {
  sha256: string;
  uri: string;
  reason: string;
  message: string;
  where?: Provenance;
  runId?: string;
  /** ISO 8601. */
  quarantinedAt: string;
  /** Key of the kept copy, and its size. */
  copyKey?: string;
  copyBytes?: number;
}

const REASON_FILE = 'reason.json';

/**
 * Quarantines one input and returns the key of its `reason.json`. The copy (if any) is written first, so a
 * reason never points at a missing copy. Quarantining the same content again replaces the record.
 */
export async function quarantine(store: ObjectStore, options: QuarantineOptions): Promise<string> {
  const prefix = quarantinePrefix(options.sha256);
  const record: QuarantineRecord = {
    sha256: options.sha256,
    uri: options.uri,
    reason: options.reason,
    message: options.message,
    ...(options.where ? { where: options.where } : {}),
    ...(options.runId ? { runId: options.runId } : {}),
    quarantinedAt: new Date().toISOString(),
  };
  const body = options.bytes ?? options.stream;
  if (body !== undefined) {
    const copyKey = `${prefix}input/${copyName(options.uri)}`;
    let copyBytes = 0;
    if (body instanceof Uint8Array) {
      copyBytes = body.byteLength;
      await store.put(copyKey, body);
    } else {
      await store.put(
        copyKey,
        (async function* counted() {
          for await (const chunk of body) {
            copyBytes += chunk.byteLength;
            yield chunk;
          }
        })(),
      );
    }
    record.copyKey = copyKey;
    record.copyBytes = copyBytes;
  }
  const key = prefix + REASON_FILE;
  await putJson(store, key, record);
  return key;
}

/** Every quarantine record in the lake, by hash. */
export async function listQuarantine(store: ObjectStore): Promise<QuarantineRecord[]> {
  const records: QuarantineRecord[] = [];
  for await (const object of store.list(QUARANTINE_PREFIX)) {
    // Only `quarantine/<sha256>/reason.json`, not a copied input that happens to be named reason.json.
    if (object.key.split('/').length === 3 && object.key.endsWith(`/${REASON_FILE}`)) {
      records.push(await getJson(store, object.key, parseQuarantineRecord));
    }
  }
  return records;
}

/** The input's file name, reduced to characters safe in any store; `input` when nothing is left. */
function copyName(uri: string): string {
  const base = uri.split(/[/\\]/).pop() ?? '';
  let name = base.replace(/[^A-Za-z0-9._-]/g, '_');
  if (name === '' || /^\.+$/.test(name)) name = 'input';
  if (name.endsWith(TEMP_SUFFIX)) name += '_';
  return name;
}

function parseQuarantineRecord(value: unknown): QuarantineRecord {
  const record = asRecord(value, 'quarantine record');
  const out: QuarantineRecord = {
    sha256: stringField(record, 'sha256'),
    uri: stringField(record, 'uri'),
    reason: stringField(record, 'reason'),
    message: stringField(record, 'message'),
    quarantinedAt: stringField(record, 'quarantinedAt'),
  };
  if (record.where !== undefined) out.where = parseProvenance(asRecord(record.where, 'where'));
  if (typeof record.runId === 'string') out.runId = record.runId;
  if (typeof record.copyKey === 'string') out.copyKey = record.copyKey;
  if (typeof record.copyBytes === 'number') out.copyBytes = record.copyBytes;
  return out;
}

function parseProvenance(record: Record<string, unknown>): Provenance {
  const where: Provenance = {};
  if (typeof record.uri === 'string') where.uri = record.uri;
  for (const name of ['line', 'column', 'offset'] as const) {
    const value = record[name];
    if (typeof value === 'number') where[name] = value;
  }
  return where;
}
