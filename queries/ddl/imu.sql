-- Athena DDL of the `imu` table: Inertial measurements (sensor_msgs/Imu and similar): linear acceleration,
-- angular velocity, orientation.
--
-- Generated from its TableDef (catalog/curatedTables.ts) by athenaDdlFile() in
-- catalog/tableCatalog/athenaDdl.ts; do not edit. tests/queries/athenaDdl.test.ts fails when this file and
-- the generator disagree; regenerate with `npx vitest run tests/queries/athenaDdl.test.ts -u`.
--
-- Athena only: DuckDB has no CREATE EXTERNAL TABLE (nor Hive SerDes), so this file is not run on the
-- embedded engine, which reads the lake's Parquet files as views instead (sql/duckdbEngine.ts).
-- Before running it, replace s3://LAKE_BUCKET/LAKE_PREFIX with the lake's S3 URI. Partitions (the
-- vehicle=/date= folders) then need registering: MSCK REPAIR TABLE `imu`, or the
-- `--catalog glue` option of the pipeline commands, which adds them as it writes them.
CREATE EXTERNAL TABLE IF NOT EXISTS `imu` (
  `t` timestamp COMMENT 'Time of the record, UTC, microsecond precision.',
  `drive_id` string COMMENT 'The drive the row belongs to (see the drives table).',
  `source` string COMMENT 'Where the samples came from: a topic, an MDF channel group, a CAN message.',
  `frame_id` string COMMENT 'Coordinate frame of the sensor, when given.',
  `accel_x` double COMMENT 'Linear acceleration, x axis. Unit: m/s^2.',
  `accel_y` double COMMENT 'Linear acceleration, y axis. Unit: m/s^2.',
  `accel_z` double COMMENT 'Linear acceleration, z axis. Unit: m/s^2.',
  `gyro_x` double COMMENT 'Angular velocity about the x axis. Unit: rad/s.',
  `gyro_y` double COMMENT 'Angular velocity about the y axis. Unit: rad/s.',
  `gyro_z` double COMMENT 'Angular velocity about the z axis. Unit: rad/s.',
  `orientation_x` double COMMENT 'Orientation quaternion, x; null when unknown.',
  `orientation_y` double COMMENT 'Orientation quaternion, y; null when unknown.',
  `orientation_z` double COMMENT 'Orientation quaternion, z; null when unknown.',
  `orientation_w` double COMMENT 'Orientation quaternion, w; null when unknown.'
)
COMMENT 'Inertial measurements (sensor_msgs/Imu and similar): linear acceleration, angular velocity, orientation.'
PARTITIONED BY (
  `vehicle` string COMMENT 'Vehicle id (pseudonymised), from the vehicle= folder.',
  `date` string COMMENT 'UTC date (YYYY-MM-DD) of t, from the date= folder.'
)
ROW FORMAT SERDE 'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe'
WITH SERDEPROPERTIES ('serialization.format' = '1')
STORED AS INPUTFORMAT 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat'
OUTPUTFORMAT 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat'
LOCATION 's3://LAKE_BUCKET/LAKE_PREFIX/tables/imu/'
TBLPROPERTIES (
  'classification' = 'parquet',
  'parquet.compression' = 'ZSTD'
);
