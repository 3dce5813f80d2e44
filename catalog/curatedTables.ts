/**
 * Every table adlake writes with a fixed schema, by name: the ingest tables (`tables.ts`) and the ones the
 * transform and detection steps add. The catalog registers and the SQL engine types tables from here.
 * (`topics_<name>` tables take their schema from the topics of each drive and are not listed.)
 */
import { LABEL_TABLES } from '../labels/groundTruthTables.js';
import { QUALITY } from '../transforms/quality/qualityTable.js';
import { SCENARIOS } from '../transforms/scenarios/scenariosTable.js';
import { TIMESERIES } from '../transforms/sync/timeseriesTable.js';
import { WEATHER } from '../transforms/weather/weatherTable.js';
import { TABLES, type TableDef } from './tables.js';

export const CURATED_TABLES: Readonly<Record<string, TableDef<unknown>>> = {
  ...TABLES,
  timeseries: TIMESERIES,
  quality: QUALITY,
  weather: WEATHER,
  scenarios: SCENARIOS,
  ...LABEL_TABLES,
};
