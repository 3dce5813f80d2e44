-- Athena DDL of the `gt_output_manifest` table: Consolidated labels of Ground Truth output manifests: one
-- row per data object and label attribute.
--
-- Generated from its TableDef (catalog/curatedTables.ts) by athenaDdlFile() in
-- catalog/tableCatalog/athenaDdl.ts; do not edit. tests/queries/athenaDdl.test.ts fails when this file and
-- the generator disagree; regenerate with `npx vitest run tests/queries/athenaDdl.test.ts -u`.
--
-- Athena only: DuckDB has no CREATE EXTERNAL TABLE (nor Hive SerDes), so this file is not run on the
-- embedded engine, which reads the lake's Parquet files as views instead (sql/duckdbEngine.ts).
-- Before running it, replace s3://LAKE_BUCKET/LAKE_PREFIX with the lake's S3 URI. Partitions (the
-- vehicle=/date= folders) then need registering: MSCK REPAIR TABLE `gt_output_manifest`, or the
-- `--catalog glue` option of the pipeline commands, which adds them as it writes them.
CREATE EXTERNAL TABLE IF NOT EXISTS `gt_output_manifest` (
  `job` string COMMENT 'Labeling job the row was imported under (also the vehicle partition value).',
  `manifest_path` string COMMENT 'URI of the manifest file.',
  `line` int COMMENT '1-based line in the manifest (line - 1 is usually the dataset object id).',
  `source_ref` string COMMENT 'source-ref: URI of the labeled object; null for inline text.',
  `source` string COMMENT 'source: the labeled text itself, for text tasks.',
  `label_attribute` string COMMENT 'The label attribute name (the key that has a <name>-metadata sibling; by default the job name).',
  `label` string COMMENT 'class-name when the metadata has one; class names (JSON) for multi-label; else the value as text/JSON.',
  `label_value` string COMMENT 'The label attribute’s value as JSON (class index, boxes, an s3:// ref).',
  `class_name` string COMMENT 'Metadata class-name (classification).',
  `confidence` double COMMENT 'Metadata confidence (classification).',
  `human_annotated` boolean COMMENT 'Metadata human-annotated: yes (true) or no (auto-labeled).',
  `creation_date` timestamp COMMENT 'Metadata creation-date, UTC.',
  `job_name` string COMMENT 'Metadata job-name as written (labeling-job/<name>).',
  `type` string COMMENT 'Metadata type (groundtruth/image-classification, ...).',
  `metadata` string COMMENT 'The <attribute>-metadata object as JSON.',
  `raw` string COMMENT 'The whole manifest line as JSON text.'
)
COMMENT 'Consolidated labels of Ground Truth output manifests: one row per data object and label attribute.'
PARTITIONED BY (
  `vehicle` string COMMENT 'Labeling job name (the job column), from the vehicle= folder.',
  `date` string COMMENT 'UTC date (YYYY-MM-DD) of creation_date, from the date= folder.'
)
ROW FORMAT SERDE 'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe'
WITH SERDEPROPERTIES ('serialization.format' = '1')
STORED AS INPUTFORMAT 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat'
OUTPUTFORMAT 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat'
LOCATION 's3://LAKE_BUCKET/LAKE_PREFIX/tables/gt_output_manifest/'
TBLPROPERTIES (
  'classification' = 'parquet',
  'parquet.compression' = 'ZSTD'
);
