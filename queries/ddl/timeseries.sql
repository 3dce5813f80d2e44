-- Athena DDL of the `timeseries` table: One row per drive per tick (default 10 Hz): the synchronized signals
-- in canonical units, plus weather and sun.
--
-- Generated from its TableDef (catalog/curatedTables.ts) by athenaDdlFile() in
-- catalog/tableCatalog/athenaDdl.ts; do not edit. tests/queries/athenaDdl.test.ts fails when this file and
-- the generator disagree; regenerate with `npx vitest run tests/queries/athenaDdl.test.ts -u`.
--
-- Athena only: DuckDB has no CREATE EXTERNAL TABLE (nor Hive SerDes), so this file is not run on the
-- embedded engine, which reads the lake's Parquet files as views instead (sql/duckdbEngine.ts).
-- Before running it, replace s3://LAKE_BUCKET/LAKE_PREFIX with the lake's S3 URI. Partitions (the
-- vehicle=/date= folders) then need registering: MSCK REPAIR TABLE `timeseries`, or the
-- `--catalog glue` option of the pipeline commands, which adds them as it writes them.
CREATE EXTERNAL TABLE IF NOT EXISTS `timeseries` (
  `t` timestamp COMMENT 'Tick time, UTC: a whole multiple of the tick period since the epoch.',
  `drive_id` string COMMENT 'The drive the row belongs to (see the drives table).',
  `speed` double COMMENT 'Vehicle speed over ground, m/s (>= 0). Null when no source had a value close enough. Unit: m/s.',
  `accel_long` double COMMENT 'Longitudinal acceleration, m/s^2; positive speeds up, negative brakes. Null when no source had a value close enough. Unit: m/s^2.',
  `accel_lat` double COMMENT 'Lateral acceleration, m/s^2; positive to the left. Null when no source had a value close enough. Unit: m/s^2.',
  `yaw_rate` double COMMENT 'Yaw rate, deg/s; positive counter-clockwise seen from above (turning left). Null when no source had a value close enough. Unit: deg/s.',
  `heading` double COMMENT 'Course over ground, degrees clockwise from true north, [0, 360). Null when no source had a value close enough. Unit: deg.',
  `steering_angle` double COMMENT 'Steering wheel angle, degrees; positive to the left. Null when no source had a value close enough. Unit: deg.',
  `brake` double COMMENT 'Brake pedal: 0 released .. 1 fully applied (a pressed switch gives 0 or 1). Null when no source had a value close enough. Unit: 1.',
  `throttle` double COMMENT 'Accelerator pedal: 0 .. 1. Null when no source had a value close enough. Unit: 1.',
  `lat` double COMMENT 'WGS84 latitude, degrees. Null when no source had a value close enough. Unit: deg.',
  `lon` double COMMENT 'WGS84 longitude, degrees. Null when no source had a value close enough. Unit: deg.',
  `alt` double COMMENT 'Altitude, metres (as the source gives it: above mean sea level for NMEA). Null when no source had a value close enough. Unit: m.',
  `outside_temp` double COMMENT 'Outside air temperature the vehicle measures, degrees Celsius. Null when no source had a value close enough. Unit: degC.',
  `wiper` double COMMENT 'Wiper activity the vehicle reports: 0 off, 1 intermittent/slow, 2 fast (rain sensor level when given). Null when no source had a value close enough.',
  `gear` string COMMENT 'Gear selector: \'P\', \'R\', \'N\', \'D\', or a forward gear number as text.',
  `turn_signal` string COMMENT 'Turn indicator: \'off\', \'left\', \'right\' or \'hazard\'.',
  `sun_elevation` double COMMENT 'Sun elevation above the horizon at the tick position and time; null without a position. Unit: deg.',
  `air_temp` double COMMENT 'Observed air temperature (weather observation). Unit: degC.',
  `precipitation` double COMMENT 'Observed precipitation rate (weather observation). Unit: mm/h.',
  `visibility` double COMMENT 'Observed visibility (weather observation). Unit: m.',
  `wind_speed` double COMMENT 'Observed wind speed (weather observation). Unit: m/s.',
  `light` string COMMENT '\'day\', \'twilight\' or \'night\' from the sun elevation; null without a position.',
  `weather_condition` string COMMENT 'Observed weather: \'clear\', \'cloudy\', \'rain\', \'snow\', \'fog\' or \'thunderstorm\'; null when unknown.'
)
COMMENT 'One row per drive per tick (default 10 Hz): the synchronized signals in canonical units, plus weather and sun.'
PARTITIONED BY (
  `vehicle` string COMMENT 'Vehicle id (pseudonymised), from the vehicle= folder.',
  `date` string COMMENT 'UTC date (YYYY-MM-DD) of t, from the date= folder.'
)
ROW FORMAT SERDE 'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe'
WITH SERDEPROPERTIES ('serialization.format' = '1')
STORED AS INPUTFORMAT 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat'
OUTPUTFORMAT 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat'
LOCATION 's3://LAKE_BUCKET/LAKE_PREFIX/tables/timeseries/'
TBLPROPERTIES (
  'classification' = 'parquet',
  'parquet.compression' = 'ZSTD'
);
