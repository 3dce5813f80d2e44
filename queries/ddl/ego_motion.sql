-- Athena DDL of the `ego_motion` table: Vehicle motion from twist and odometry messages: linear and angular
-- velocity, and position when given.
--
-- Generated from its TableDef (catalog/curatedTables.ts) by athenaDdlFile() in
-- catalog/tableCatalog/athenaDdl.ts; do not edit. tests/queries/athenaDdl.test.ts fails when this file and
-- the generator disagree; regenerate with `npx vitest run tests/queries/athenaDdl.test.ts -u`.
--
-- Athena only: DuckDB has no CREATE EXTERNAL TABLE (nor Hive SerDes), so this file is not run on the
-- embedded engine, which reads the lake's Parquet files as views instead (sql/duckdbEngine.ts).
-- Before running it, replace s3://LAKE_BUCKET/LAKE_PREFIX with the lake's S3 URI. Partitions (the
-- vehicle=/date= folders) then need registering: MSCK REPAIR TABLE `ego_motion`, or the
-- `--catalog glue` option of the pipeline commands, which adds them as it writes them.
CREATE EXTERNAL TABLE IF NOT EXISTS `ego_motion` (
  `t` timestamp COMMENT 'Time of the record, UTC, microsecond precision.',
  `drive_id` string COMMENT 'The drive the row belongs to (see the drives table).',
  `source` string COMMENT 'Where the samples came from (topic).',
  `frame_id` string COMMENT 'Coordinate frame (child frame for odometry twist), when given.',
  `linear_x` double COMMENT 'Linear velocity, x axis. Unit: m/s.',
  `linear_y` double COMMENT 'Linear velocity, y axis. Unit: m/s.',
  `linear_z` double COMMENT 'Linear velocity, z axis. Unit: m/s.',
  `angular_x` double COMMENT 'Angular velocity about the x axis. Unit: rad/s.',
  `angular_y` double COMMENT 'Angular velocity about the y axis. Unit: rad/s.',
  `angular_z` double COMMENT 'Angular velocity about the z axis. Unit: rad/s.',
  `position_x` double COMMENT 'Odometry position, x, in the odometry frame. Unit: m.',
  `position_y` double COMMENT 'Odometry position, y, in the odometry frame. Unit: m.',
  `position_z` double COMMENT 'Odometry position, z, in the odometry frame. Unit: m.'
)
COMMENT 'Vehicle motion from twist and odometry messages: linear and angular velocity, and position when given.'
PARTITIONED BY (
  `vehicle` string COMMENT 'Vehicle id (pseudonymised), from the vehicle= folder.',
  `date` string COMMENT 'UTC date (YYYY-MM-DD) of t, from the date= folder.'
)
ROW FORMAT SERDE 'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe'
WITH SERDEPROPERTIES ('serialization.format' = '1')
STORED AS INPUTFORMAT 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat'
OUTPUTFORMAT 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat'
LOCATION 's3://LAKE_BUCKET/LAKE_PREFIX/tables/ego_motion/'
TBLPROPERTIES (
  'classification' = 'parquet',
  'parquet.compression' = 'ZSTD'
);
