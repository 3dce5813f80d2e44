import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { S3ObjectStore } from '../../catalog/s3ObjectStore.js';
import { runCli } from '../../cli/run.js';
import { startS3rver, type S3rver } from './startS3rver.js';

const DRIVE = resolve('../shared/data/drives/comma2k19/derived');

describe('adlake ingest --lake s3://… (against s3rver on 127.0.0.1)', () => {
  let server: S3rver;
  beforeAll(async () => {
    server = await startS3rver();
    await server.createBucket('drives');
    // The CLI uses the SDK's default credential chain, as it would on AWS.
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'S3RVER');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'S3RVER');
  });
  afterAll(async () => {
    vi.unstubAllEnvs();
    await server?.close();
  });

  async function ingest(): Promise<{
    code: number;
    report: { status: string; tables: Record<string, { rows: number }>; runId: string };
  }> {
    let out = '';
    let err = '';
    const code = await runCli(
      [
        'ingest',
        `${DRIVE}/rav4_2018-08-02_seg40.nmea`,
        '--lake',
        's3://drives/lake/',
        '--vehicle',
        'rav4',
        '--json',
      ],
      {
        env: { ADLAKE_S3_ENDPOINT: server.endpoint },
        stdout: (t) => void (out += t),
        stderr: (t) => void (err += t),
        isTTY: false,
      },
    );
    expect(err).toBe('');
    return {
      code,
      report: JSON.parse(out) as { status: string; tables: Record<string, { rows: number }>; runId: string },
    };
  }

  it('writes partitioned Parquet, the ledger and the run record to the bucket, and skips the file the second time', async () => {
    const first = await ingest();
    expect(first.code).toBe(0);
    expect(first.report.status).toBe('ingested');
    expect(first.report.tables.gps?.rows).toBeGreaterThan(500);

    const store = await S3ObjectStore.open({ uri: 's3://drives/lake/', clientConfig: server.clientConfig });
    try {
      const keys: string[] = [];
      for await (const o of store.list('')) keys.push(o.key);
      expect(
        keys.some((k) => /^tables\/gps\/vehicle=rav4\/date=2018-08-02\/[0-9a-f]{16}-00000\.parquet$/.test(k)),
      ).toBe(true);
      expect(keys.some((k) => k.startsWith('tables/drives/vehicle=rav4/'))).toBe(true);
      expect(keys.some((k) => k.startsWith('_inputs/'))).toBe(true);
      expect(keys).toContain(`_runs/${first.report.runId}.json`);
      const part = keys.find((k) => k.startsWith('tables/gps/')) ?? '';
      const source = store.source(part);
      const size = await source.size();
      expect(new TextDecoder().decode(await source.read(size - 4, 4))).toBe('PAR1');
    } finally {
      store.close();
    }

    const second = await ingest();
    expect(second.code).toBe(0);
    expect(second.report.status).toBe('unchanged');
  });
});
