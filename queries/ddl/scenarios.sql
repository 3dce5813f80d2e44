-- Athena DDL of the `scenarios` table: Detected driving scenarios (maneuvers, events, conditions): one row
-- each, with metrics and place.
--
-- Generated from its TableDef (catalog/curatedTables.ts) by athenaDdlFile() in
-- catalog/tableCatalog/athenaDdl.ts; do not edit. tests/queries/athenaDdl.test.ts fails when this file and
-- the generator disagree; regenerate with `npx vitest run tests/queries/athenaDdl.test.ts -u`.
--
-- Athena only: DuckDB has no CREATE EXTERNAL TABLE (nor Hive SerDes), so this file is not run on the
-- embedded engine, which reads the lake's Parquet files as views instead (sql/duckdbEngine.ts).
-- Before running it, replace s3://LAKE_BUCKET/LAKE_PREFIX with the lake's S3 URI. Partitions (the
-- vehicle=/date= folders) then need registering: MSCK REPAIR TABLE `scenarios`, or the
-- `--catalog glue` option of the pipeline commands, which adds them as it writes them.
CREATE EXTERNAL TABLE IF NOT EXISTS `scenarios` (
  `scenario_id` string COMMENT 'Deterministic id: hash of drive, type, start and detector version.',
  `drive_id` string COMMENT 'The drive the row belongs to (see the drives table).',
  `type` string COMMENT 'Scenario type (high_velocity, hard_braking, left_turn, ...).',
  `start_time` timestamp COMMENT 'Start of the scenario, UTC.',
  `end_time` timestamp COMMENT 'End of the scenario, UTC.',
  `duration_s` double COMMENT 'end_time - start_time. Unit: s.',
  `max_speed` double COMMENT 'Highest speed; null when the signal is missing. Unit: m/s.',
  `min_speed` double COMMENT 'Lowest speed; null when the signal is missing. Unit: m/s.',
  `mean_speed` double COMMENT 'Mean speed; null when the signal is missing. Unit: m/s.',
  `min_accel` double COMMENT 'Most negative longitudinal acceleration (strongest braking); null when the signal is missing. Unit: m/s^2.',
  `max_accel` double COMMENT 'Largest longitudinal acceleration; null when the signal is missing. Unit: m/s^2.',
  `max_lat_accel` double COMMENT 'Largest absolute lateral acceleration; null when the signal is missing. Unit: m/s^2.',
  `yaw_change` double COMMENT 'Heading change, positive counter-clockwise (left); null when the signal is missing. Unit: deg.',
  `distance` double COMMENT 'Distance travelled; null when the signal is missing. Unit: m.',
  `start_lat` double COMMENT 'Latitude at the start, WGS84; null without a position. Unit: deg.',
  `start_lon` double COMMENT 'Longitude at the start, WGS84; null without a position. Unit: deg.',
  `end_lat` double COMMENT 'Latitude at the end, WGS84; null without a position. Unit: deg.',
  `end_lon` double COMMENT 'Longitude at the end, WGS84; null without a position. Unit: deg.',
  `min_lat` double COMMENT 'Bounding box of the positions: south, WGS84; null without a position. Unit: deg.',
  `min_lon` double COMMENT 'Bounding box: west, WGS84; null without a position. Unit: deg.',
  `max_lat` double COMMENT 'Bounding box: north, WGS84; null without a position. Unit: deg.',
  `max_lon` double COMMENT 'Bounding box: east, WGS84; null without a position. Unit: deg.',
  `weather` string COMMENT 'Dominant observed weather condition; null when unknown.',
  `light` string COMMENT 'Dominant light: day, twilight or night; null when unknown.',
  `tags` array<string> COMMENT 'Qualifiers: direction, signalled, weather conditions, object class and id.',
  `description` string COMMENT 'One line for a person, e.g. "Hard braking from 62 km/h to 0 at −7.1 m/s² (2.3 s)".',
  `detector_version` string COMMENT 'Version of the detector definitions that found it.'
)
COMMENT 'Detected driving scenarios (maneuvers, events, conditions): one row each, with metrics and place.'
PARTITIONED BY (
  `vehicle` string COMMENT 'Vehicle id (pseudonymised), from the vehicle= folder.',
  `date` string COMMENT 'UTC date (YYYY-MM-DD) of start_time, from the date= folder.'
)
ROW FORMAT SERDE 'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe'
WITH SERDEPROPERTIES ('serialization.format' = '1')
STORED AS INPUTFORMAT 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat'
OUTPUTFORMAT 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat'
LOCATION 's3://LAKE_BUCKET/LAKE_PREFIX/tables/scenarios/'
TBLPROPERTIES (
  'classification' = 'parquet',
  'parquet.compression' = 'ZSTD'
);
