import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { describe, expect, test } from 'vitest';
import { DecodeError, UsageError } from '../../core/errors.js';
import { hashStream } from '../../catalog/hash.js';
import { InputLedger } from '../../catalog/inputLedger.js';
import type { LedgerEntry } from '../../catalog/inputLedger.js';
import { tempLake } from './tempLake.js';

const ABC_SHA256 = 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'; // FIPS 180-2 test vector
const text = (s: string) => new TextEncoder().encode(s);

describe('hashStream', () => {
  test('matches the FIPS 180-2 vector whatever the chunking', async () => {
    expect(await hashStream(Readable.from([text('abc')]))).toEqual({ sha256: ABC_SHA256, bytes: 3 });
    expect(await hashStream(Readable.from([text('a'), text(''), text('bc')]))).toEqual({
      sha256: ABC_SHA256,
      bytes: 3,
    });
    expect((await hashStream(Readable.from([]))).sha256).toBe(
      'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    );
  });

  test('hashes a real file streamed in small chunks', async () => {
    // Oracle: size from shared/data/PROVENANCE.md, digest from coreutils sha256sum.
    const path = '../shared/data/can/icsim/sample-can.log';
    expect(await hashStream(createReadStream(path, { highWaterMark: 4096 }))).toEqual({
      bytes: 266_264,
      sha256: '6fbaf2f78e4d9eef30cafc8c39c837390ae9534771cd3cb74768d4594641270c',
    });
  });
});

describe('InputLedger', () => {
  test('records inputs by content hash and reads them back', async () => {
    const store = await tempLake();
    const ledger = new InputLedger(store);
    expect(await ledger.has(ABC_SHA256)).toBe(false);
    expect(await ledger.get(ABC_SHA256)).toBeUndefined();
    const entry: Omit<LedgerEntry, 'recordedAt'> = {
      sha256: ABC_SHA256,
      uri: '/raw/drive/a.log',
      bytes: 3,
      format: 'candump',
      driveId: 'drive-1',
      runId: '0190f5a4-8a1b-7c3d-9e2f-0123456789ab',
    };
    const key = await ledger.record(entry);
    expect(key).toBe(`_inputs/${ABC_SHA256}.json`);
    expect(await ledger.has(ABC_SHA256)).toBe(true);
    const got = await ledger.get(ABC_SHA256);
    expect(got).toMatchObject(entry);
    expect(new Date(got?.recordedAt ?? '').getTime()).not.toBeNaN();

    // Recording again (a re-run, or the same bytes under another name) replaces the entry.
    await ledger.record({ ...entry, uri: '/raw/copy/a.log', recordedAt: '2024-01-01T00:00:00.000Z' });
    const all: LedgerEntry[] = [];
    for await (const e of ledger.entries()) all.push(e);
    expect(all).toEqual([{ ...entry, uri: '/raw/copy/a.log', recordedAt: '2024-01-01T00:00:00.000Z' }]);
  });

  test('bad hashes are UsageErrors; a corrupt entry is a DecodeError naming the object', async () => {
    const store = await tempLake();
    const ledger = new InputLedger(store);
    await expect(ledger.has('abc')).rejects.toBeInstanceOf(UsageError);
    await store.put(`_inputs/${ABC_SHA256}.json`, text('{"sha256": 1'));
    const error: unknown = await ledger.get(ABC_SHA256).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DecodeError);
    expect((error as DecodeError).where.uri).toBe(store.uriOf(`_inputs/${ABC_SHA256}.json`));
    await store.put(`_inputs/${ABC_SHA256}.json`, text('{"sha256": "x"}'));
    await expect(ledger.get(ABC_SHA256)).rejects.toThrow(/uri is not a string/);
  });
});
