/**
 * Run records: one OpenLineage RunEvent per run at `_runs/<runId>.json` (OpenLineage spec 2-0-2). A START
 * event is written when the run starts and replaced by COMPLETE or FAIL when it finishes, so a run that
 * was killed is visible as a START without an end. The lineage graph is built from these files.
 *
 * Standard facets follow their published schemas: `errorMessage` (ErrorMessageRunFacet 1-0-1: message and
 * programmingLanguage required) on the run, `outputStatistics` (OutputStatisticsOutputDatasetFacet 1-0-2:
 * rowCount required) in each output's `outputFacets`, where the spec puts output-dataset facets. adlake's
 * own facets are custom facets: prefixed `adlake_`, each with `_producer` and `_schemaURL`.
 */
import { AdlakeError, UsageError } from '../core/errors.js';
import type { Provenance } from '../core/errors.js';
import { runKey } from './layout.js';
import { putJson } from './jsonObject.js';
import type { ObjectStore } from './objectStore.js';
import type { WrittenFile } from './tableWriter.js';

export const PRODUCER = 'https://github.com/adlake/adlake';
export const RUN_EVENT_SCHEMA_URL = 'https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent';
const ERROR_MESSAGE_SCHEMA_URL =
  'https://openlineage.io/spec/facets/1-0-1/ErrorMessageRunFacet.json#/$defs/ErrorMessageRunFacet';
const OUTPUT_STATISTICS_SCHEMA_URL =
  'https://openlineage.io/spec/facets/1-0-2/OutputStatisticsOutputDatasetFacet.json#/$defs/OutputStatisticsOutputDatasetFacet';
/** Where adlake's custom facet schemas are published (`<base>/<Name>.json#/$defs/<Name>`). */
const ADLAKE_FACETS = `${PRODUCER}/blob/main/spec/facets`;
export const JOB_NAMESPACE = 'adlake';

export type RunEventType = 'START' | 'COMPLETE' | 'FAIL';

/** Every facet carries who produced it and the schema it follows (OpenLineage BaseFacet). */
export interface Facet {
  _producer: string;
  _schemaURL: string;
}

export interface ErrorMessageRunFacet extends Facet {
  message: string;
  programmingLanguage: string;
  stackTrace?: string;
}

export interface OutputStatisticsFacet extends Facet {
  rowCount: number;
  size?: number;
  fileCount?: number;
}

export interface AdlakeFileFacet extends Facet {
  sha256: string;
  bytes: number;
  format: string;
}

export interface AdlakeFilesFacet extends Facet {
  files: { key: string; rows: number; bytes: number; vehicle: string; date: string }[];
}

export interface RunEvent {
  eventType: RunEventType;
  /** ISO 8601. */
  eventTime: string;
  producer: string;
  schemaURL: string;
  run: {
    runId: string;
    facets: {
      adlake_run: Facet & {
        args: string[];
        startedAt: string;
        finishedAt?: string;
        durationMs?: number;
        /** Id of the key the run's vehicle pseudonyms were made with (see `transforms/pseudonym`). */
        pseudonymKeyId?: string;
      };
      adlake_counts: Facet & Record<string, number | string>;
      adlake_summary?: Facet & { summary: unknown };
      adlake_error?: Facet & { code: string; where?: Provenance };
      errorMessage?: ErrorMessageRunFacet;
    };
  };
  job: { namespace: string; name: string };
  inputs: { namespace: string; name: string; facets: { adlake_file: AdlakeFileFacet } }[];
  outputs: {
    namespace: string;
    name: string;
    outputFacets: { outputStatistics: OutputStatisticsFacet; adlake_files: AdlakeFilesFacet };
  }[];
}

export interface RunInput {
  uri: string;
  sha256: string;
  bytes: number;
  format: string;
}

export interface RunRecorderOptions {
  store: ObjectStore;
  /** Job name within the `adlake` namespace: `ingest`, `transform`... */
  job: string;
  /** The command line or step arguments, for reproducing the run. */
  args?: readonly string[];
  /** A lowercase UUID. @default a new UUID v7 (time-ordered, so `_runs/` lists in start order) */
  runId?: string;
  /** Clock, for tests. @default () => new Date() */
  now?: () => Date;
  /**
   * Applied to every text the record takes from the run before it is stored: args, input URIs, the error
   * message, stack and position (e.g. to replace VINs by pseudonyms). The `summary` is stored as given:
   * redact it before. @default no change
   */
  redact?: (text: string) => string;
  /** Id of the key the run's vehicle pseudonyms were made with, kept in the `adlake_run` facet. */
  pseudonymKeyId?: string;
}

/**
 * Builds a run's RunEvent: `RunRecorder.start(...)` writes START; `addInput`, `addOutput` and `count`
 * collect; `finish(...)` writes COMPLETE or FAIL.
 */
export class RunRecorder {
  readonly runId: string;
  readonly key: string;
  private readonly store: ObjectStore;
  private readonly job: string;
  private readonly args: string[];
  private readonly now: () => Date;
  private readonly redact: (text: string) => string;
  private readonly pseudonymKeyId: string | undefined;
  private readonly started: Date;
  private readonly inputs = new Map<string, RunInput>();
  private readonly outputs = new Map<string, WrittenFile[]>();
  private readonly counts: Record<string, number> = {};
  private finished = false;

  private constructor(options: RunRecorderOptions) {
    this.store = options.store;
    this.job = options.job;
    this.redact = options.redact ?? ((text) => text);
    this.pseudonymKeyId = options.pseudonymKeyId;
    this.args = (options.args ?? []).map(this.redact);
    this.now = options.now ?? (() => new Date());
    this.started = this.now();
    this.runId = options.runId ?? uuidV7(this.started.getTime());
    this.key = runKey(this.runId);
  }

  /** Starts recording a run and writes its START event. */
  static async start(options: RunRecorderOptions): Promise<RunRecorder> {
    const recorder = new RunRecorder(options);
    await putJson(recorder.store, recorder.key, recorder.event('START'));
    return recorder;
  }

  /** Records an input (once per uri and content hash). */
  addInput(input: RunInput): void {
    const uri = this.redact(input.uri);
    this.inputs.set(`${input.sha256} ${uri}`, { ...input, uri });
  }

  /** Records a part file the run wrote; outputs are grouped per table. */
  addOutput(file: WrittenFile): void {
    let files = this.outputs.get(file.table);
    if (!files) this.outputs.set(file.table, (files = []));
    files.push({ ...file });
  }

  /** Adds `n` to a named counter (`rows_in`, `rejected_bad_checksum`...). */
  count(name: string, n: number): void {
    if (!/^[a-z][a-z0-9_]*$/.test(name))
      throw new UsageError(`counter name ${JSON.stringify(name)} must be snake_case`);
    this.counts[name] = (this.counts[name] ?? 0) + n;
  }

  /**
   * Writes the final event. With an `error`, the run carries the OpenLineage `errorMessage` facet (and
   * `adlake_error` with the error code and position for adlake errors). `summary` is kept as-is in a
   * custom facet (the run's report). Returns the event.
   */
  async finish(options: {
    status: 'COMPLETE' | 'FAIL';
    error?: unknown;
    summary?: unknown;
  }): Promise<RunEvent> {
    if (this.finished) throw new UsageError(`run ${this.runId} is already finished`);
    this.finished = true;
    const event = this.event(options.status, options);
    await putJson(this.store, this.key, event);
    return event;
  }

  private event(eventType: RunEventType, end?: { error?: unknown; summary?: unknown }): RunEvent {
    const eventTime = end ? this.now() : this.started;
    const facets: RunEvent['run']['facets'] = {
      adlake_run: {
        ...facet('AdlakeRunRunFacet'),
        args: this.args,
        startedAt: this.started.toISOString(),
        ...(this.pseudonymKeyId !== undefined ? { pseudonymKeyId: this.pseudonymKeyId } : {}),
        ...(end
          ? { finishedAt: eventTime.toISOString(), durationMs: eventTime.getTime() - this.started.getTime() }
          : {}),
      },
      adlake_counts: { ...facet('AdlakeCountsRunFacet'), ...this.counts },
    };
    if (end?.summary !== undefined)
      facets.adlake_summary = { ...facet('AdlakeSummaryRunFacet'), summary: end.summary };
    if (end?.error !== undefined) {
      const error = end.error;
      facets.errorMessage = {
        _producer: PRODUCER,
        _schemaURL: ERROR_MESSAGE_SCHEMA_URL,
        message: this.redact(errorText(error)),
        programmingLanguage: 'JAVASCRIPT',
        ...(error instanceof Error && error.stack ? { stackTrace: this.redact(error.stack) } : {}),
      };
      if (error instanceof AdlakeError) {
        facets.adlake_error = {
          ...facet('AdlakeErrorRunFacet'),
          code: error.code,
          ...(Object.keys(error.where).length > 0
            ? {
                where: {
                  ...error.where,
                  ...(error.where.uri !== undefined ? { uri: this.redact(error.where.uri) } : {}),
                },
              }
            : {}),
        };
      }
    }
    return {
      eventType,
      eventTime: eventTime.toISOString(),
      producer: PRODUCER,
      schemaURL: RUN_EVENT_SCHEMA_URL,
      run: { runId: this.runId, facets },
      job: { namespace: JOB_NAMESPACE, name: this.job },
      inputs: [...this.inputs.values()].map((input) => ({
        namespace: datasetNamespace(input.uri),
        name: input.uri,
        facets: {
          adlake_file: {
            ...facet('AdlakeFileDatasetFacet'),
            sha256: input.sha256,
            bytes: input.bytes,
            format: input.format,
          },
        },
      })),
      outputs: [...this.outputs.entries()]
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([table, files]) => ({
          namespace: this.store.uri,
          name: table,
          outputFacets: {
            outputStatistics: {
              _producer: PRODUCER,
              _schemaURL: OUTPUT_STATISTICS_SCHEMA_URL,
              rowCount: files.reduce((sum, f) => sum + f.rows, 0),
              size: files.reduce((sum, f) => sum + f.bytes, 0),
              fileCount: files.length,
            },
            adlake_files: {
              ...facet('AdlakeFilesOutputDatasetFacet'),
              files: files.map(({ key, rows, bytes, vehicle, date }) => ({
                key,
                rows,
                bytes,
                vehicle,
                date,
              })),
            },
          },
        })),
    };
  }
}

function errorText(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (typeof error === 'string') return error;
  try {
    return JSON.stringify(error) ?? typeof error;
  } catch {
    return typeof error;
  }
}

function facet(name: string): Facet {
  return { _producer: PRODUCER, _schemaURL: `${ADLAKE_FACETS}/${name}.json#/$defs/${name}` };
}

/**
 * OpenLineage dataset namespace of an input URI (spec `Naming.md`): `s3://<bucket>` for S3 objects,
 * `file` for local files.
 */
export function datasetNamespace(uri: string): string {
  const s3 = /^s3a?:\/\/([^/]+)/.exec(uri);
  if (s3) return `s3://${s3[1]}`;
  return 'file';
}

/** A UUID version 7 (RFC 9562 §5.7): 48-bit Unix milliseconds, then random bits; sorts by time. */
export function uuidV7(unixMs: number = Date.now()): string {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  let ms = unixMs;
  for (let i = 5; i >= 0; i--) {
    bytes[i] = ms % 256;
    ms = Math.floor(ms / 256);
  }
  bytes[6] = ((bytes[6] as number) & 0x0f) | 0x70;
  bytes[8] = ((bytes[8] as number) & 0x3f) | 0x80;
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
