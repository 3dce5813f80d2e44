/**
 * Reads `scenarios` rows back as Scenario records: for export, search indexing and label manifests.
 */
import type { Table as ArrowTable } from 'apache-arrow';
import type { ObjectStore } from '../catalog/objectStore.js';
import { listTableParts, readPart } from '../catalog/readTable.js';
import { NotFoundError, UsageError } from '../core/errors.js';
import { SCENARIO_TYPES, type Scenario, type ScenarioMetrics, type ScenarioType } from './scenario.js';
import { SCENARIOS } from './scenarios/scenariosTable.js';

const METRICS: readonly (keyof ScenarioMetrics)[] = [
  'max_speed',
  'min_speed',
  'mean_speed',
  'min_accel',
  'max_accel',
  'max_lat_accel',
  'yaw_change',
  'distance',
];

/** Every scenario in the lake, or of one drive, in key order (vehicle, date, drive), then start. */
export async function readScenarios(
  store: ObjectStore,
  filter: { driveId?: string } = {},
): Promise<Scenario[]> {
  const out: Scenario[] = [];
  for (const part of await listTableParts(store, SCENARIOS.name, filter)) {
    const rows = await readPart(store, part.key);
    for (let i = 0; i < rows.numRows; i++) out.push(scenarioAt(rows, i, part.vehicle));
  }
  return out;
}

/** The scenario with this id (or unique id prefix). */
export async function findScenario(store: ObjectStore, id: string): Promise<Scenario> {
  if (id.length < 4) throw new UsageError(`scenario id '${id}' is too short: give at least 4 characters`);
  const all = await readScenarios(store);
  const matches = all.filter((s) => s.id === id || s.id.startsWith(id));
  const exact = matches.find((s) => s.id === id);
  if (exact) return exact;
  if (matches.length === 1 && matches[0]) return matches[0];
  if (matches.length > 1)
    throw new UsageError(
      `scenario id prefix '${id}' matches ${matches.length} scenarios; give more characters`,
    );
  throw new NotFoundError(
    `no scenario '${id}' in ${store.uri}` +
      (all.length === 0
        ? ': the lake has no scenarios yet (run `adlake detect --all`)'
        : ` (${all.length} scenarios)`),
  );
}

function scenarioAt(rows: ArrowTable, i: number, vehicle: string): Scenario {
  const get = (name: string): unknown => rows.getChild(name)?.get(i) as unknown;
  const num = (name: string): number | null => {
    const v = get(name);
    return typeof v === 'number' && Number.isFinite(v) ? v : null;
  };
  const str = (name: string): string | null => {
    const v = get(name);
    return typeof v === 'string' ? v : null;
  };
  const type = str('type') ?? '';
  if (!(SCENARIO_TYPES as readonly string[]).includes(type))
    throw new UsageError(`scenarios row ${i} has unknown type '${type}'`);
  const metrics = Object.fromEntries(METRICS.map((m) => [m, num(m)])) as unknown as ScenarioMetrics;
  const tagsValue = get('tags');
  const tags = tagsValue
    ? [...(tagsValue as Iterable<unknown>)].filter((x): x is string => typeof x === 'string')
    : [];
  return {
    id: str('scenario_id') ?? '',
    drive_id: str('drive_id') ?? '',
    vehicle,
    type: type as ScenarioType,
    start_ns: micros(rows, 'start_time', i) * 1000n,
    end_ns: micros(rows, 'end_time', i) * 1000n,
    duration_s: num('duration_s') ?? 0,
    metrics,
    start_lat: num('start_lat'),
    start_lon: num('start_lon'),
    end_lat: num('end_lat'),
    end_lon: num('end_lon'),
    min_lat: num('min_lat'),
    min_lon: num('min_lon'),
    max_lat: num('max_lat'),
    max_lon: num('max_lon'),
    weather: str('weather'),
    light: str('light'),
    tags,
    description: str('description') ?? '',
    detector_version: str('detector_version') ?? '',
  };
}

/** Exact microseconds of a timestamp cell (Arrow JS `get` returns rounded milliseconds). */
function micros(rows: ArrowTable, name: string, index: number): bigint {
  const column = rows.getChild(name);
  let offset = index;
  for (const data of column?.data ?? []) {
    if (offset < data.length) return (data.values as BigInt64Array)[offset] ?? 0n;
    offset -= data.length;
  }
  return 0n;
}
