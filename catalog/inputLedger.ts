/**
 * The input ledger: which raw inputs (by content hash) are already in the lake, from which run and drive.
 * One small JSON object per input at `_inputs/<sha256>.json`, so checks are one `exists` and concurrent
 * runs on different inputs never contend for one file.
 */
import { NotFoundError } from '../core/errors.js';
import { inputKey, INPUTS_PREFIX } from './layout.js';
import { asRecord, getJson, numberField, putJson, stringField } from './jsonObject.js';
import type { ObjectStore } from './objectStore.js';

export interface LedgerEntry {
  /** Lowercase hex SHA-256 of the input's bytes (as stored, before any gunzip). */
  sha256: string;
  /** Where the input was read from when it was recorded. The same content elsewhere is the same input. */
  uri: string;
  bytes: number;
  format: string;
  driveId: string;
  runId: string;
  /** ISO 8601 time of recording. */
  recordedAt: string;
}

export class InputLedger {
  constructor(private readonly store: ObjectStore) {}

  /** True when an input with this content hash has been recorded. */
  async has(sha256: string): Promise<boolean> {
    return this.store.exists(inputKey(sha256));
  }

  /**
   * Records an input as ingested; recording the same hash again replaces the entry (last run wins).
   * Returns the entry's key.
   */
  async record(entry: Omit<LedgerEntry, 'recordedAt'> & { recordedAt?: string }): Promise<string> {
    const key = inputKey(entry.sha256);
    const value: LedgerEntry = {
      sha256: entry.sha256,
      uri: entry.uri,
      bytes: entry.bytes,
      format: entry.format,
      driveId: entry.driveId,
      runId: entry.runId,
      recordedAt: entry.recordedAt ?? new Date().toISOString(),
    };
    await putJson(this.store, key, value);
    return key;
  }

  /** The entry for a hash, or undefined when the input is not in the ledger. */
  async get(sha256: string): Promise<LedgerEntry | undefined> {
    try {
      return await getJson(this.store, inputKey(sha256), parseLedgerEntry);
    } catch (error) {
      if (error instanceof NotFoundError) return undefined;
      throw error;
    }
  }

  /** Every entry, in hash order. */
  async *entries(): AsyncIterable<LedgerEntry> {
    for await (const object of this.store.list(INPUTS_PREFIX)) {
      if (object.key.endsWith('.json')) yield await getJson(this.store, object.key, parseLedgerEntry);
    }
  }
}

function parseLedgerEntry(value: unknown): LedgerEntry {
  const record = asRecord(value, 'ledger entry');
  return {
    sha256: stringField(record, 'sha256'),
    uri: stringField(record, 'uri'),
    bytes: numberField(record, 'bytes'),
    format: stringField(record, 'format'),
    driveId: stringField(record, 'driveId'),
    runId: stringField(record, 'runId'),
    recordedAt: stringField(record, 'recordedAt'),
  };
}
