import { resolve } from 'node:path';
import { UsageError } from '../../core/errors.js';
import { DEFAULT_ROWS_PER_PART } from '../../ingest/ingestDefaults.js';
import { formatIngestReport } from '../formatIngestReport.js';
import type { Command } from '../command.js';
import { catalogOption, registerOutputs } from '../catalogOption.js';
import {
  lakeOption,
  openLake,
  pseudonymKeyFrom,
  pseudonymKeyOptions,
  s3ClientConfig,
  stringList,
} from '../lakeOption.js';

export const ingestCommand: Command = {
  name: 'ingest',
  summary: 'Decode drive recordings (CAN logs + DBC, NMEA) into the lake',
  usage:
    'adlake ingest <paths or s3:// URIs…> [--dbc [bus=]<file>]… [--expect-topic <topic>]… [--vehicle <id>] [--lake <dir>]',
  description: [
    'Ingests the given files and folders (folders are walked) as one drive; an s3://bucket/prefix URI stands',
    'for every object under the prefix (or the one object it names; ADLAKE_S3_ENDPOINT as for --lake).',
    'Formats are detected by content:',
    'candump (-L and console), Vector ASC and BLF, PCAN TRC (text logs also gzipped), NMEA 0183, DBC. DBC files found among the',
    'inputs are used for decoding like --dbc ones. Files already in the lake (same sha256) are skipped, so',
    're-running adds nothing. Files that cannot be decoded go to quarantine/ with a reason; bad lines are',
    'counted by reason and listed with their line numbers. The run is recorded under _runs/.',
    '',
    'VINs never reach the lake in clear. With a pseudonym key (ADLAKE_PSEUDONYM_KEY, or one of the',
    '--pseudonym-* options) the vehicle id and every VIN found in the inputs become v_<HMAC-SHA256, 20 hex>,',
    'the same for the same key, and each drive records the key id. Without a key VINs found in the inputs',
    'are redacted and a --vehicle that is a VIN is refused.',
  ].join('\n'),
  options: {
    dbc: {
      type: 'string',
      multiple: true,
      valueName: '[bus=]file',
      description:
        'DBC file or s3:// URI to decode CAN frames with; prefix a bus name (can0=pt.dbc) to limit it to that bus',
    },
    vehicle: {
      type: 'string',
      description: 'Vehicle id or VIN for partitioning (stored as its pseudonym when a key is set)',
      default: 'unknown',
      valueName: 'id',
    },
    lake: lakeOption,
    catalog: catalogOption,
    'expect-topic': {
      type: 'string',
      multiple: true,
      valueName: 'topic',
      description:
        'A bag/MCAP topic the drive must have; if it is missing the drive is flagged (quality warn)',
    },
    ...pseudonymKeyOptions,
    'rows-per-file': {
      type: 'string',
      description: 'Rows per Parquet part file',
      default: String(DEFAULT_ROWS_PER_PART),
      valueName: 'n',
    },
  },
  examples: [
    'adlake ingest drives/2024-06-14 --dbc vehicle.dbc --vehicle test-car-7',
    'adlake ingest can0.log gps.nmea --dbc can0=powertrain.dbc --json',
    'adlake ingest s3://raw/drives/2024-06-14/ --lake s3://lake/',
    'adlake ingest drive/ --vehicle 1ADLK7E20RM000042 --pseudonym-key-file ~/.adlake/pseudonym-key.json',
  ],
  async run(ctx, { positionals, options }) {
    if (positionals.length === 0) throw new UsageError('ingest: give at least one file or folder');
    const rowsPerFile = Number(options['rows-per-file'] ?? DEFAULT_ROWS_PER_PART);
    if (!Number.isInteger(rowsPerFile) || rowsPerFile < 1) {
      throw new UsageError(
        `ingest: --rows-per-file must be a positive integer, got '${String(options['rows-per-file'])}'`,
      );
    }
    const paths = positionals.map((p) => localOrS3(ctx.cwd, p));
    // Large local files are hashed on another core while the readers and the lake code load.
    const { digestEarly } = await import('../../ingest/inputs/digestFile.js');
    digestEarly(paths.filter((p) => !p.startsWith('s3://')));
    const pseudonymKey = await pseudonymKeyFrom(ctx, options);
    const vehicle = typeof options.vehicle === 'string' ? options.vehicle : 'unknown';
    const store = await openLake(ctx, options);
    // Loaded on use, so `--help` does not pay for every format reader and the Parquet engine.
    const { ingestPaths } = await import('../../ingest/ingestPaths.js');
    const report = await ingestPaths({
      store,
      paths,
      dbcs: stringList(options.dbc).map((spec) => parseDbcSpec(spec, ctx.cwd)),
      vehicle,
      ...(pseudonymKey ? { pseudonymKey } : {}),
      rowsPerFile,
      expectedTopics: stringList(options['expect-topic']),
      progress: ctx.progress,
      // The vehicle id is recorded as its pseudonym (ingestPaths redacts the args).
      argv: ['ingest', ...positionals, '--vehicle', vehicle],
      s3: { clientConfig: s3ClientConfig(ctx.env) },
    });
    const { files = [], ...summary } = report;
    const catalog = files.length > 0 ? await registerOutputs(ctx, options, store, files) : undefined;
    return {
      data: { ...summary, ...(catalog ? { catalog } : {}) },
      text: formatIngestReport(report),
      exitCode: report.status === 'failed' ? 65 : 0,
    };
  },
};

function parseDbcSpec(spec: string, cwd: string): { path: string; bus?: string } {
  const eq = spec.indexOf('=');
  // A Windows drive letter or a path with '=' in it is unlikely; a bus name never holds '/' or '.'.
  if (eq > 0 && /^[A-Za-z0-9_-]+$/.test(spec.slice(0, eq))) {
    return { bus: spec.slice(0, eq), path: localOrS3(cwd, spec.slice(eq + 1)) };
  }
  return { path: localOrS3(cwd, spec) };
}

/** An `s3://` URI as given (resolving it as a path would make it `cwd/s3:/…`); a path made absolute. */
function localOrS3(cwd: string, path: string): string {
  return path.startsWith('s3://') ? path : resolve(cwd, path);
}
