-- Athena DDL of the `gps` table: GNSS fixes (NMEA and other sources).
--
-- Generated from its TableDef (catalog/curatedTables.ts) by athenaDdlFile() in
-- catalog/tableCatalog/athenaDdl.ts; do not edit. tests/queries/athenaDdl.test.ts fails when this file and
-- the generator disagree; regenerate with `npx vitest run tests/queries/athenaDdl.test.ts -u`.
--
-- Athena only: DuckDB has no CREATE EXTERNAL TABLE (nor Hive SerDes), so this file is not run on the
-- embedded engine, which reads the lake's Parquet files as views instead (sql/duckdbEngine.ts).
-- Before running it, replace s3://LAKE_BUCKET/LAKE_PREFIX with the lake's S3 URI. Partitions (the
-- vehicle=/date= folders) then need registering: MSCK REPAIR TABLE `gps`, or the
-- `--catalog glue` option of the pipeline commands, which adds them as it writes them.
CREATE EXTERNAL TABLE IF NOT EXISTS `gps` (
  `t` timestamp COMMENT 'Time of the record, UTC, microsecond precision.',
  `drive_id` string COMMENT 'The drive the row belongs to (see the drives table).',
  `lat` double COMMENT 'Latitude, WGS84; null without a position. Unit: deg.',
  `lon` double COMMENT 'Longitude, WGS84; null without a position. Unit: deg.',
  `alt` double COMMENT 'Altitude above mean sea level. Unit: m.',
  `alt_hae` double COMMENT 'Height above the WGS84 ellipsoid (NavSatFix altitude; NMEA MSL + geoid separation). Unit: m.',
  `speed` double COMMENT 'Speed over ground. Unit: m/s.',
  `course` double COMMENT 'Course over ground, true north. Unit: deg.',
  `fix_quality` tinyint COMMENT 'GGA fix quality (0 invalid, 1 GPS, 2 DGPS, 4 RTK fixed, 5 RTK float, ...).',
  `satellites` smallint COMMENT 'Satellites used in the fix.',
  `hdop` double COMMENT 'Horizontal dilution of precision.',
  `pdop` double COMMENT 'Position dilution of precision.',
  `vdop` double COMMENT 'Vertical dilution of precision.'
)
COMMENT 'GNSS fixes (NMEA and other sources).'
PARTITIONED BY (
  `vehicle` string COMMENT 'Vehicle id (pseudonymised), from the vehicle= folder.',
  `date` string COMMENT 'UTC date (YYYY-MM-DD) of t, from the date= folder.'
)
ROW FORMAT SERDE 'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe'
WITH SERDEPROPERTIES ('serialization.format' = '1')
STORED AS INPUTFORMAT 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat'
OUTPUTFORMAT 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat'
LOCATION 's3://LAKE_BUCKET/LAKE_PREFIX/tables/gps/'
TBLPROPERTIES (
  'classification' = 'parquet',
  'parquet.compression' = 'ZSTD'
);
