-- Athena DDL of the `gt_seq_labels` table: Video and 3D point-cloud sequence labels (SeqLabel.json): one row
-- per object per frame.
--
-- Generated from its TableDef (catalog/curatedTables.ts) by athenaDdlFile() in
-- catalog/tableCatalog/athenaDdl.ts; do not edit. tests/queries/athenaDdl.test.ts fails when this file and
-- the generator disagree; regenerate with `npx vitest run tests/queries/athenaDdl.test.ts -u`.
--
-- Athena only: DuckDB has no CREATE EXTERNAL TABLE (nor Hive SerDes), so this file is not run on the
-- embedded engine, which reads the lake's Parquet files as views instead (sql/duckdbEngine.ts).
-- Before running it, replace s3://LAKE_BUCKET/LAKE_PREFIX with the lake's S3 URI. Partitions (the
-- vehicle=/date= folders) then need registering: MSCK REPAIR TABLE `gt_seq_labels`, or the
-- `--catalog glue` option of the pipeline commands, which adds them as it writes them.
CREATE EXTERNAL TABLE IF NOT EXISTS `gt_seq_labels` (
  `job` string COMMENT 'Labeling job the row was imported under (also the vehicle partition value).',
  `object_path` string COMMENT 'URI of the SeqLabel file.',
  `data_object_id` string COMMENT 'Dataset object id (the folder the file is in, under consolidated-annotation/output/); null elsewhere.',
  `kind` string COMMENT 'tracking or detection (the file’s tracking-annotations / detection-annotations).',
  `frame_no` int COMMENT 'frame-no (video, written as a string) or frame-number (3D).',
  `frame` string COMMENT 'frame or frame-name: the frame’s file name.',
  `object_id` string COMMENT 'object-id: the same object across frames (tracking).',
  `object_name` string COMMENT 'object-name, e.g. Pedestrian:1.',
  `class_id` int COMMENT 'class-id.',
  `label` string COMMENT 'Class name: the job’s class-map entry for class-id, else object-name without its :N suffix.',
  `box_left` double COMMENT '2D box left edge, pixels; null when the annotation has none.',
  `box_top` double COMMENT '2D box top edge, pixels; null when the annotation has none.',
  `box_width` double COMMENT 'Box width: pixels (2D) or metres (3D); null when the annotation has none.',
  `box_height` double COMMENT 'Box height: pixels (2D) or metres (3D); null when the annotation has none.',
  `box_length` double COMMENT '3D box length, metres; null when the annotation has none.',
  `center_x` double COMMENT '3D box centre x, metres; null when the annotation has none.',
  `center_y` double COMMENT '3D box centre y, metres; null when the annotation has none.',
  `center_z` double COMMENT '3D box centre z, metres; null when the annotation has none.',
  `roll` double COMMENT '3D box roll, radians; null when the annotation has none.',
  `pitch` double COMMENT '3D box pitch, radians; null when the annotation has none.',
  `yaw` double COMMENT '3D box yaw, radians; null when the annotation has none.',
  `attributes` string COMMENT 'label-category-attributes as JSON.',
  `frame_attributes` string COMMENT 'frame-attributes as JSON.',
  `creation_time` timestamp COMMENT 'creation-date of the manifest line referencing the file; the import time when no manifest names it.'
)
COMMENT 'Video and 3D point-cloud sequence labels (SeqLabel.json): one row per object per frame.'
PARTITIONED BY (
  `vehicle` string COMMENT 'Labeling job name (the job column), from the vehicle= folder.',
  `date` string COMMENT 'UTC date (YYYY-MM-DD) of creation_time, from the date= folder.'
)
ROW FORMAT SERDE 'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe'
WITH SERDEPROPERTIES ('serialization.format' = '1')
STORED AS INPUTFORMAT 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat'
OUTPUTFORMAT 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat'
LOCATION 's3://LAKE_BUCKET/LAKE_PREFIX/tables/gt_seq_labels/'
TBLPROPERTIES (
  'classification' = 'parquet',
  'parquet.compression' = 'ZSTD'
);
