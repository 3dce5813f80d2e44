import { describe, expect, test } from 'vitest';
import { DecodeError, UsageError } from '../../core/errors.js';
import { datasetNamespace, RUN_EVENT_SCHEMA_URL, RunRecorder, uuidV7 } from '../../catalog/runRecord.js';
import type { RunEvent } from '../../catalog/runRecord.js';
import type { WrittenFile } from '../../catalog/tableWriter.js';
import { tempLake } from './tempLake.js';

/**
 * The required fields and formats of an OpenLineage 2-0-2 RunEvent (spec/OpenLineage.json: BaseEvent
 * requires eventTime, producer, schemaURL; RunEvent run and job; Run runId (uuid); Job and datasets
 * namespace and name; every facet _producer and _schemaURL (BaseFacet)), plus the required fields of the
 * standard facets used: ErrorMessageRunFacet (message, programmingLanguage) and
 * OutputStatisticsOutputDatasetFacet (rowCount). Returns what is wrong.
 */
function runEventProblems(event: unknown): string[] {
  const problems: string[] = [];
  const isObject = (v: unknown): v is Record<string, unknown> =>
    typeof v === 'object' && v !== null && !Array.isArray(v);
  const isUri = (v: unknown) => typeof v === 'string' && /^[a-z][a-z0-9+.-]*:\S+$/i.test(v);
  const isDateTime = (v: unknown) =>
    typeof v === 'string' &&
    /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(v) &&
    !Number.isNaN(Date.parse(v));
  const isUuid = (v: unknown) =>
    typeof v === 'string' && /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(v);
  const facets = (where: string, value: unknown) => {
    if (value === undefined) return;
    if (!isObject(value)) return problems.push(`${where} is not an object`);
    for (const [name, facet] of Object.entries(value)) {
      if (!isObject(facet)) {
        problems.push(`${where}.${name} is not an object`);
        continue;
      }
      if (!isUri(facet._producer)) problems.push(`${where}.${name}._producer is not a URI`);
      if (!isUri(facet._schemaURL)) problems.push(`${where}.${name}._schemaURL is not a URI`);
    }
  };
  const dataset = (where: string, value: unknown, ownFacets: string) => {
    if (!isObject(value)) return problems.push(`${where} is not an object`);
    if (typeof value.namespace !== 'string') problems.push(`${where}.namespace is required`);
    if (typeof value.name !== 'string') problems.push(`${where}.name is required`);
    facets(`${where}.facets`, value.facets);
    facets(`${where}.${ownFacets}`, value[ownFacets]);
  };

  if (!isObject(event)) return ['event is not an object'];
  if (!isDateTime(event.eventTime)) problems.push('eventTime is not a date-time');
  if (!isUri(event.producer)) problems.push('producer is not a URI');
  if (!isUri(event.schemaURL)) problems.push('schemaURL is not a URI');
  if (!['START', 'RUNNING', 'COMPLETE', 'ABORT', 'FAIL', 'OTHER'].includes(event.eventType as string)) {
    problems.push('eventType is not one of the spec values');
  }
  if (!isObject(event.run)) problems.push('run is required');
  else {
    if (!isUuid(event.run.runId)) problems.push('run.runId is not a uuid');
    facets('run.facets', event.run.facets);
    const error = isObject(event.run.facets) ? event.run.facets.errorMessage : undefined;
    if (
      isObject(error) &&
      (typeof error.message !== 'string' || typeof error.programmingLanguage !== 'string')
    ) {
      problems.push('errorMessage needs message and programmingLanguage');
    }
  }
  if (!isObject(event.job)) problems.push('job is required');
  else {
    if (typeof event.job.namespace !== 'string') problems.push('job.namespace is required');
    if (typeof event.job.name !== 'string') problems.push('job.name is required');
    facets('job.facets', event.job.facets);
  }
  for (const [list, ownFacets] of [
    ['inputs', 'inputFacets'],
    ['outputs', 'outputFacets'],
  ] as const) {
    const value = event[list];
    if (value === undefined) continue;
    if (!Array.isArray(value)) problems.push(`${list} is not an array`);
    else value.forEach((d: unknown, i) => dataset(`${list}[${i}]`, d, ownFacets));
  }
  for (const [i, output] of ((event.outputs as unknown[] | undefined) ?? []).entries()) {
    const statistics =
      isObject(output) && isObject(output.outputFacets) ? output.outputFacets.outputStatistics : undefined;
    if (statistics !== undefined && (!isObject(statistics) || !Number.isInteger(statistics.rowCount))) {
      problems.push(`outputs[${i}].outputStatistics.rowCount must be an integer`);
    }
  }
  return problems;
}

const SHA = 'c'.repeat(64);
const file = (table: string, part: number, rows: number): WrittenFile => ({
  key: `tables/${table}/vehicle=v/date=2024-01-01/d-${String(part).padStart(5, '0')}.parquet`,
  table,
  vehicle: 'v',
  date: '2024-01-01',
  rows,
  bytes: rows * 2,
});

async function stored(store: Awaited<ReturnType<typeof tempLake>>, recorder: RunRecorder): Promise<RunEvent> {
  return JSON.parse(new TextDecoder().decode(await store.get(recorder.key))) as RunEvent;
}

describe('RunRecorder', () => {
  test('the validator catches what the spec requires (so the checks below can fail)', () => {
    expect(runEventProblems({})).toContain('producer is not a URI');
    expect(
      runEventProblems({
        eventTime: 'yesterday',
        producer: 'https://x',
        schemaURL: RUN_EVENT_SCHEMA_URL,
        eventType: 'DONE',
        run: { runId: 'r1', facets: { c: { n: 1 } } },
        job: { namespace: 'adlake' },
        outputs: [
          {
            namespace: 'n',
            name: 't',
            outputFacets: { outputStatistics: { _producer: 'https://x', _schemaURL: 'https://s' } },
          },
        ],
      }),
    ).toEqual([
      'eventTime is not a date-time',
      'eventType is not one of the spec values',
      'run.runId is not a uuid',
      'run.facets.c._producer is not a URI',
      'run.facets.c._schemaURL is not a URI',
      'job.name is required',
      'outputs[0].outputStatistics.rowCount must be an integer',
    ]);
  });

  test('START on start, COMPLETE on finish: inputs with hashes, outputs per table with statistics, counts', async () => {
    const store = await tempLake();
    let clock = Date.parse('2024-05-01T10:00:00.000Z');
    const recorder = await RunRecorder.start({
      store,
      job: 'ingest',
      args: ['ingest', 'drive/'],
      now: () => new Date((clock += 1500)),
    });
    expect(recorder.key).toBe(`_runs/${recorder.runId}.json`);
    const start = await stored(store, recorder);
    expect(runEventProblems(start)).toEqual([]);
    expect(start.eventType).toBe('START');

    recorder.addInput({ uri: '/raw/a.log', sha256: SHA, bytes: 10, format: 'candump' });
    recorder.addInput({ uri: '/raw/a.log', sha256: SHA, bytes: 10, format: 'candump' }); // recorded once
    recorder.addInput({
      uri: 's3://raw-bucket/drive/b.nmea',
      sha256: 'd'.repeat(64),
      bytes: 5,
      format: 'nmea',
    });
    for (const f of [file('can_signals', 0, 100), file('can_frames', 0, 40), file('can_signals', 1, 50)])
      recorder.addOutput(f);
    recorder.count('rows_in', 190);
    recorder.count('rows_rejected', 2);
    recorder.count('rows_rejected', 1);
    const event = await recorder.finish({ status: 'COMPLETE', summary: { status: 'ingested' } });
    expect(await stored(store, recorder)).toEqual(event);
    expect(runEventProblems(event)).toEqual([]);

    expect(event).toMatchObject({
      eventType: 'COMPLETE',
      eventTime: '2024-05-01T10:00:03.000Z',
      producer: 'https://github.com/adlake/adlake',
      schemaURL: 'https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent',
      job: { namespace: 'adlake', name: 'ingest' },
      run: {
        runId: recorder.runId,
        facets: {
          adlake_run: { args: ['ingest', 'drive/'], startedAt: '2024-05-01T10:00:01.500Z', durationMs: 1500 },
          adlake_counts: { rows_in: 190, rows_rejected: 3 },
          adlake_summary: { summary: { status: 'ingested' } },
        },
      },
    });
    expect(
      event.inputs.map((i) => [
        i.namespace,
        i.name,
        i.facets.adlake_file.sha256,
        i.facets.adlake_file.format,
      ]),
    ).toEqual([
      ['file', '/raw/a.log', SHA, 'candump'],
      ['s3://raw-bucket', 's3://raw-bucket/drive/b.nmea', 'd'.repeat(64), 'nmea'],
    ]);
    expect(event.outputs.map((o) => [o.namespace, o.name, o.outputFacets.outputStatistics])).toEqual([
      [store.uri, 'can_frames', expect.objectContaining({ rowCount: 40, size: 80, fileCount: 1 })],
      [store.uri, 'can_signals', expect.objectContaining({ rowCount: 150, size: 300, fileCount: 2 })],
    ]);
    expect(event.outputs[1]?.outputFacets.outputStatistics._schemaURL).toBe(
      'https://openlineage.io/spec/facets/1-0-2/OutputStatisticsOutputDatasetFacet.json#/$defs/OutputStatisticsOutputDatasetFacet',
    );
    expect(event.outputs[1]?.outputFacets.adlake_files.files.map((f) => f.key)).toEqual([
      file('can_signals', 0, 100).key,
      file('can_signals', 1, 50).key,
    ]);
    expect(event.run.facets.errorMessage).toBeUndefined();
  });

  test('FAIL carries the errorMessage facet and, for adlake errors, the code and position', async () => {
    const store = await tempLake();
    const recorder = await RunRecorder.start({
      store,
      job: 'ingest',
      runId: '0190f5a4-8a1b-7c3d-9e2f-0123456789ab',
    });
    const error = new DecodeError('dbc: signal overlaps', { uri: 'x.dbc', line: 12 });
    const event = await recorder.finish({ status: 'FAIL', error });
    expect(runEventProblems(event)).toEqual([]);
    expect(event.eventType).toBe('FAIL');
    expect(event.run.facets.errorMessage).toMatchObject({
      message: 'dbc: signal overlaps (at x.dbc:12)',
      programmingLanguage: 'JAVASCRIPT',
      _schemaURL:
        'https://openlineage.io/spec/facets/1-0-1/ErrorMessageRunFacet.json#/$defs/ErrorMessageRunFacet',
    });
    expect(event.run.facets.errorMessage?.stackTrace).toContain('DecodeError');
    expect(event.run.facets.adlake_error).toMatchObject({
      code: 'BAD_INPUT',
      where: { uri: 'x.dbc', line: 12 },
    });
    await expect(recorder.finish({ status: 'COMPLETE' })).rejects.toBeInstanceOf(UsageError);

    const other = await RunRecorder.start({ store, job: 'ingest' });
    const thrown = await other.finish({ status: 'FAIL', error: 'plain string' });
    expect(thrown.run.facets.errorMessage?.message).toBe('plain string');
    expect(() => other.count('Bad Name', 1)).toThrow(UsageError);
    await expect(RunRecorder.start({ store, job: 'x', runId: 'not-a-uuid' })).rejects.toBeInstanceOf(
      UsageError,
    );
  });

  test('run ids are UUID v7, ordered by time', () => {
    const a = uuidV7(Date.parse('2024-05-01T10:00:00Z'));
    const b = uuidV7(Date.parse('2024-05-01T10:00:00.001Z'));
    expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(a.slice(0, 13)).toBe('018f3398-c100'); // 1714557600000 ms = 0x018f3398c100
    expect(a < b).toBe(true);
    expect(datasetNamespace('s3a://bucket/key')).toBe('s3://bucket');
    expect(datasetNamespace('/local/path')).toBe('file');
  });
});
