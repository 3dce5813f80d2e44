-- Athena DDL of the `can_frames` table: Raw CAN and CAN FD frames as logged.
--
-- Generated from its TableDef (catalog/curatedTables.ts) by athenaDdlFile() in
-- catalog/tableCatalog/athenaDdl.ts; do not edit. tests/queries/athenaDdl.test.ts fails when this file and
-- the generator disagree; regenerate with `npx vitest run tests/queries/athenaDdl.test.ts -u`.
--
-- Athena only: DuckDB has no CREATE EXTERNAL TABLE (nor Hive SerDes), so this file is not run on the
-- embedded engine, which reads the lake's Parquet files as views instead (sql/duckdbEngine.ts).
-- Before running it, replace s3://LAKE_BUCKET/LAKE_PREFIX with the lake's S3 URI. Partitions (the
-- vehicle=/date= folders) then need registering: MSCK REPAIR TABLE `can_frames`, or the
-- `--catalog glue` option of the pipeline commands, which adds them as it writes them.
CREATE EXTERNAL TABLE IF NOT EXISTS `can_frames` (
  `t` timestamp COMMENT 'Time of the record, UTC, microsecond precision.',
  `drive_id` string COMMENT 'The drive the row belongs to (see the drives table).',
  `bus` string COMMENT 'Bus/channel as the log names it (can0, 1, ...).',
  `id` int COMMENT 'Arbitration id (11 or 29 bit); 0 for error frames.',
  `extended` boolean COMMENT 'True for a 29-bit identifier.',
  `dlc` tinyint COMMENT 'Data length code as on the wire (0..15 for CAN FD).',
  `data` binary COMMENT 'Payload bytes.',
  `fd` boolean COMMENT 'CAN FD frame.',
  `brs` boolean COMMENT 'CAN FD bit-rate switch.',
  `esi` boolean COMMENT 'CAN FD error state indicator.',
  `error` boolean COMMENT 'Error frame.',
  `remote` boolean COMMENT 'Remote transmission request.',
  `direction` string COMMENT 'rx or tx where the log says so.'
)
COMMENT 'Raw CAN and CAN FD frames as logged.'
PARTITIONED BY (
  `vehicle` string COMMENT 'Vehicle id (pseudonymised), from the vehicle= folder.',
  `date` string COMMENT 'UTC date (YYYY-MM-DD) of t, from the date= folder.'
)
ROW FORMAT SERDE 'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe'
WITH SERDEPROPERTIES ('serialization.format' = '1')
STORED AS INPUTFORMAT 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat'
OUTPUTFORMAT 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat'
LOCATION 's3://LAKE_BUCKET/LAKE_PREFIX/tables/can_frames/'
TBLPROPERTIES (
  'classification' = 'parquet',
  'parquet.compression' = 'ZSTD'
);
