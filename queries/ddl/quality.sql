-- Athena DDL of the `quality` table: Quality gates per drive and signal: rates, gaps, time order, epoch
-- sanity, GNSS fix quality, decode errors; status and reasons.
--
-- Generated from its TableDef (catalog/curatedTables.ts) by athenaDdlFile() in
-- catalog/tableCatalog/athenaDdl.ts; do not edit. tests/queries/athenaDdl.test.ts fails when this file and
-- the generator disagree; regenerate with `npx vitest run tests/queries/athenaDdl.test.ts -u`.
--
-- Athena only: DuckDB has no CREATE EXTERNAL TABLE (nor Hive SerDes), so this file is not run on the
-- embedded engine, which reads the lake's Parquet files as views instead (sql/duckdbEngine.ts).
-- Before running it, replace s3://LAKE_BUCKET/LAKE_PREFIX with the lake's S3 URI. Partitions (the
-- vehicle=/date= folders) then need registering: MSCK REPAIR TABLE `quality`, or the
-- `--catalog glue` option of the pipeline commands, which adds them as it writes them.
CREATE EXTERNAL TABLE IF NOT EXISTS `quality` (
  `start_time` timestamp COMMENT 'Start of the drive (drives.start_time), UTC: partitions the rows.',
  `drive_id` string COMMENT 'The drive the row belongs to (see the drives table).',
  `signal` string COMMENT 'Canonical signal, or _gps (the GNSS track) or _drive (the verdict of the drive).',
  `source` string COMMENT 'Where the samples came from (table:message.signal, gps...).',
  `samples` bigint COMMENT 'Samples recorded (for _drive: of all signal series).',
  `rate_hz` double COMMENT 'Samples per second over the intervals that are not gaps. Unit: Hz.',
  `nominal_hz` double COMMENT 'The rate judged against: expected (configured) or 1 / median interval. Unit: Hz.',
  `nominal_from` string COMMENT '\'expected\' or \'median\'.',
  `drift_pct` double COMMENT '(rate_hz - nominal_hz) / nominal_hz; negative when slower. Unit: %.',
  `max_gap_s` double COMMENT 'Longest interval between consecutive samples. Unit: s.',
  `gaps` int COMMENT 'Intervals longer than the gap threshold.',
  `duplicates` int COMMENT 'Samples whose time equals the previous one.',
  `non_monotonic` int COMMENT 'Samples whose time is before the previous one.',
  `first_time` timestamp COMMENT 'Earliest sample time, UTC.',
  `last_time` timestamp COMMENT 'Latest sample time, UTC.',
  `epoch_ok` boolean COMMENT 'Times fall between the plausible epoch and now (plus a margin).',
  `gps_low_quality_share` double COMMENT 'Share of fixes below the minimum fix quality.',
  `gps_hdop_max` double COMMENT 'Largest HDOP.',
  `gps_hdop_median` double COMMENT 'Median HDOP.',
  `gps_high_hdop_share` double COMMENT 'Share of fixes with HDOP above the limit.',
  `gps_low_satellites_share` double COMMENT 'Share of fixes with fewer satellites than the minimum.',
  `gps_jumps` int COMMENT 'Consecutive valid fixes further apart than a vehicle can travel.',
  `gps_max_jump_mps` double COMMENT 'Implied speed of the largest jump. Unit: m/s.',
  `decode_frames` bigint COMMENT 'CAN frames read plus unreadable log lines (_drive row).',
  `decode_errors` bigint COMMENT 'Unreadable lines and frames shorter than their DBC message.',
  `decode_error_rate` double COMMENT 'decode_errors / decode_frames.',
  `clock_offset_s` double COMMENT 'GNSS clock minus logger clock, as time sync estimated it. Unit: s.',
  `status` string COMMENT 'pass, warn or fail (for _drive: the drive).',
  `reasons` array<string> COMMENT 'Machine-readable reason codes (gap:speed, gps_jump, epoch_1970...).',
  `messages` array<string> COMMENT 'The reasons for people, in the same order.'
)
COMMENT 'Quality gates per drive and signal: rates, gaps, time order, epoch sanity, GNSS fix quality, decode errors; status and reasons.'
PARTITIONED BY (
  `vehicle` string COMMENT 'Vehicle id (pseudonymised), from the vehicle= folder.',
  `date` string COMMENT 'UTC date (YYYY-MM-DD) of start_time, from the date= folder.'
)
ROW FORMAT SERDE 'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe'
WITH SERDEPROPERTIES ('serialization.format' = '1')
STORED AS INPUTFORMAT 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat'
OUTPUTFORMAT 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat'
LOCATION 's3://LAKE_BUCKET/LAKE_PREFIX/tables/quality/'
TBLPROPERTIES (
  'classification' = 'parquet',
  'parquet.compression' = 'ZSTD'
);
