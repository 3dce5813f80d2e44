-- Athena DDL of the `drives` table: One row per drive: when, how long, from which source files, and its
-- quality verdict.
--
-- Generated from its TableDef (catalog/curatedTables.ts) by athenaDdlFile() in
-- catalog/tableCatalog/athenaDdl.ts; do not edit. tests/queries/athenaDdl.test.ts fails when this file and
-- the generator disagree; regenerate with `npx vitest run tests/queries/athenaDdl.test.ts -u`.
--
-- Athena only: DuckDB has no CREATE EXTERNAL TABLE (nor Hive SerDes), so this file is not run on the
-- embedded engine, which reads the lake's Parquet files as views instead (sql/duckdbEngine.ts).
-- Before running it, replace s3://LAKE_BUCKET/LAKE_PREFIX with the lake's S3 URI. Partitions (the
-- vehicle=/date= folders) then need registering: MSCK REPAIR TABLE `drives`, or the
-- `--catalog glue` option of the pipeline commands, which adds them as it writes them.
CREATE EXTERNAL TABLE IF NOT EXISTS `drives` (
  `drive_id` string COMMENT 'Drive id, unique within the lake.',
  `start_time` timestamp COMMENT 'First timestamp of the drive, UTC.',
  `end_time` timestamp COMMENT 'Last timestamp of the drive, UTC.',
  `duration_s` double COMMENT 'end_time - start_time. Unit: s.',
  `distance_m` double COMMENT 'Distance driven (from GPS); null without GPS. Unit: m.',
  `source_files` array<struct<uri:string,sha256:string,format:string,bytes:bigint>> COMMENT 'The raw files the drive was ingested from: URI, content hash, detected format, size in bytes.',
  `formats` array<string> COMMENT 'Distinct formats among the source files.',
  `quality_status` string COMMENT 'pass, warn or fail; null until the quality step has run.',
  `quality_issues` array<string> COMMENT 'Machine-readable reasons for warn/fail.',
  `weather_summary` string COMMENT 'Short weather description for the drive, when known.',
  `vehicle_key_id` string COMMENT 'Id of the key the vehicle partition value is a pseudonym under (HMAC-SHA256, see transforms/pseudonym); null when the vehicle id was kept as given.'
)
COMMENT 'One row per drive: when, how long, from which source files, and its quality verdict.'
PARTITIONED BY (
  `vehicle` string COMMENT 'Vehicle id (pseudonymised), from the vehicle= folder.',
  `date` string COMMENT 'UTC date (YYYY-MM-DD) of start_time, from the date= folder.'
)
ROW FORMAT SERDE 'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe'
WITH SERDEPROPERTIES ('serialization.format' = '1')
STORED AS INPUTFORMAT 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat'
OUTPUTFORMAT 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat'
LOCATION 's3://LAKE_BUCKET/LAKE_PREFIX/tables/drives/'
TBLPROPERTIES (
  'classification' = 'parquet',
  'parquet.compression' = 'ZSTD'
);
