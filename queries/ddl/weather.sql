-- Athena DDL of the `weather` table: Weather observations joined to each drive: source, station, distance
-- and time offset, condition and measurements.
--
-- Generated from its TableDef (catalog/curatedTables.ts) by athenaDdlFile() in
-- catalog/tableCatalog/athenaDdl.ts; do not edit. tests/queries/athenaDdl.test.ts fails when this file and
-- the generator disagree; regenerate with `npx vitest run tests/queries/athenaDdl.test.ts -u`.
--
-- Athena only: DuckDB has no CREATE EXTERNAL TABLE (nor Hive SerDes), so this file is not run on the
-- embedded engine, which reads the lake's Parquet files as views instead (sql/duckdbEngine.ts).
-- Before running it, replace s3://LAKE_BUCKET/LAKE_PREFIX with the lake's S3 URI. Partitions (the
-- vehicle=/date= folders) then need registering: MSCK REPAIR TABLE `weather`, or the
-- `--catalog glue` option of the pipeline commands, which adds them as it writes them.
CREATE EXTERNAL TABLE IF NOT EXISTS `weather` (
  `t` timestamp COMMENT 'Time of the observation, UTC, microsecond precision.',
  `drive_id` string COMMENT 'The drive the row belongs to (see the drives table).',
  `source` string COMMENT 'Where the observation comes from: \'isd\', \'metar\', \'open-meteo\'.',
  `station` string COMMENT 'Station id (USAF-WBAN for ISD, ICAO for METAR, open-meteo:<lat>,<lon> for a grid cell).',
  `station_lat` double COMMENT 'Station latitude, WGS84. Unit: deg.',
  `station_lon` double COMMENT 'Station longitude, WGS84. Unit: deg.',
  `distance_km` double COMMENT 'Distance from the station to the nearest drive position the observation served. Unit: km.',
  `offset_s` double COMMENT 'Time from the drive to the observation: 0 during the drive, negative before, positive after. Unit: s.',
  `condition` string COMMENT 'Normalised condition: clear, cloudy, rain, snow, fog or thunderstorm; null when not reported.',
  `temperature` double COMMENT 'Air temperature. Unit: degC.',
  `dewpoint` double COMMENT 'Dew point temperature. Unit: degC.',
  `precipitation` double COMMENT 'Precipitation rate (amounts over several hours are averaged). Unit: mm/h.',
  `visibility` double COMMENT 'Horizontal visibility. Unit: m.',
  `wind_speed` double COMMENT 'Mean wind speed. Unit: m/s.',
  `wind_direction` double COMMENT 'Direction the wind blows from, true north. Unit: deg.'
)
COMMENT 'Weather observations joined to each drive: source, station, distance and time offset, condition and measurements.'
PARTITIONED BY (
  `vehicle` string COMMENT 'Vehicle id (pseudonymised), from the vehicle= folder.',
  `date` string COMMENT 'UTC date (YYYY-MM-DD) of t, from the date= folder.'
)
ROW FORMAT SERDE 'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe'
WITH SERDEPROPERTIES ('serialization.format' = '1')
STORED AS INPUTFORMAT 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat'
OUTPUTFORMAT 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat'
LOCATION 's3://LAKE_BUCKET/LAKE_PREFIX/tables/weather/'
TBLPROPERTIES (
  'classification' = 'parquet',
  'parquet.compression' = 'ZSTD'
);
