/**
 * The one place ingest turns identifying vehicle data into pseudonyms before it reaches the curated zone:
 * the vehicle id, and every VIN found in strings, bytes and JSON (see `vin.ts` for what counts as a VIN).
 *
 * Without a key (no `ADLAKE_PSEUDONYM_KEY` or other source), VINs found in content are redacted to
 * `v_redacted` — nothing to join on, but nothing to leak either — and a vehicle id that is itself a VIN is
 * refused (see `vehicle`), because the partition path would otherwise be the clear VIN or a value no later
 * run could reproduce. A vehicle id that is not a VIN (a fleet label) is kept as given without a key.
 */
import { UsageError } from '../../core/errors.js';
import { isPseudonym, pseudonym } from './pseudonymise.js';
import type { PseudonymKey } from './pseudonymKey.js';
import { HOW_TO_SET_A_KEY } from './resolvePseudonymKey.js';
import { canonicalVin, isVin, replaceVinBytes, replaceVins, VIN_LENGTH } from './vin.js';

/** What a VIN found in content becomes when no key is set. */
export const REDACTED_VIN = 'v_redacted';

export class Pseudonymiser {
  /** The key's id, stored with each drive and run; undefined without a key. */
  readonly keyId: string | undefined;
  /** VINs replaced in content (not counting the vehicle id), for the run's counters. */
  vinsReplaced = 0;
  private readonly key: PseudonymKey | undefined;
  /** VIN → pseudonym: a drive repeats its few VINs, an HMAC per occurrence would be wasted. */
  private readonly cache = new Map<string, string>();
  private readonly encoder = new TextEncoder();

  constructor(key?: PseudonymKey) {
    this.key = key;
    this.keyId = key?.keyId;
  }

  /**
   * The vehicle id to partition and record a drive under: its pseudonym with a key (every id, VIN or not:
   * a fleet label can identify a person too), kept as is when it already is a pseudonym (re-ingesting under
   * the id the lake shows). Without a key a non-VIN id is kept and a VIN is refused with a `UsageError`
   * that says how to set a key (and does not repeat the VIN).
   */
  vehicle(id: string): string {
    if (isPseudonym(id)) return id;
    if (this.key) return this.pseudonymOf(id);
    if (isVin(id)) {
      throw new UsageError(
        `the vehicle id is a VIN, and adlake stores VINs only as keyed pseudonyms: ${HOW_TO_SET_A_KEY}`,
      );
    }
    return this.text(id);
  }

  /** True when the vehicle id will be replaced by a keyed pseudonym (so the drive records the key id). */
  pseudonymises(id: string): boolean {
    return this.key !== undefined && !isPseudonym(id);
  }

  /** `text` with each VIN token replaced by its pseudonym (or `v_redacted`); the same string when it has none. */
  readonly text = (text: string): string => replaceVins(text, this.replaceVin);

  /**
   * `bytes` with each ASCII VIN token replaced by the first 17 characters of its pseudonym (`v_` + 15 hex
   * digits; binary fields keep their length); the same array when it has none.
   */
  readonly bytes = (bytes: Uint8Array): Uint8Array =>
    replaceVinBytes(bytes, (vin) =>
      this.encoder.encode(this.replaceVin(vin).padEnd(VIN_LENGTH, '_').slice(0, VIN_LENGTH)),
    );

  /** A copy of a JSON-like value with VINs replaced in every string and object key (for reports and records). */
  json<T>(value: T): T {
    return this.walk(value, 0) as T;
  }

  private walk(value: unknown, depth: number): unknown {
    if (typeof value === 'string') return this.text(value);
    if (typeof value !== 'object' || value === null || depth > 64) return value;
    if (Array.isArray(value)) return value.map((v) => this.walk(v, depth + 1));
    if (ArrayBuffer.isView(value)) return value;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[this.text(k)] = this.walk(v, depth + 1);
    return out;
  }

  private readonly replaceVin = (vin: string): string => {
    this.vinsReplaced++;
    return this.key ? this.pseudonymOf(vin) : REDACTED_VIN;
  };

  private pseudonymOf(id: string): string {
    const canonical = canonicalVin(id);
    let value = this.cache.get(canonical);
    if (value === undefined) {
      value = pseudonym(canonical, this.key as PseudonymKey);
      this.cache.set(canonical, value);
    }
    return value;
  }
}
