-- Athena DDL of the `gt_worker_responses` table: One row per worker answer in a Ground Truth job
-- (annotations/worker-response/iteration-N/<object>/*.json).
--
-- Generated from its TableDef (catalog/curatedTables.ts) by athenaDdlFile() in
-- catalog/tableCatalog/athenaDdl.ts; do not edit. tests/queries/athenaDdl.test.ts fails when this file and
-- the generator disagree; regenerate with `npx vitest run tests/queries/athenaDdl.test.ts -u`.
--
-- Athena only: DuckDB has no CREATE EXTERNAL TABLE (nor Hive SerDes), so this file is not run on the
-- embedded engine, which reads the lake's Parquet files as views instead (sql/duckdbEngine.ts).
-- Before running it, replace s3://LAKE_BUCKET/LAKE_PREFIX with the lake's S3 URI. Partitions (the
-- vehicle=/date= folders) then need registering: MSCK REPAIR TABLE `gt_worker_responses`, or the
-- `--catalog glue` option of the pipeline commands, which adds them as it writes them.
CREATE EXTERNAL TABLE IF NOT EXISTS `gt_worker_responses` (
  `job` string COMMENT 'Labeling job the row was imported under (also the vehicle partition value).',
  `iteration` int COMMENT 'N of the iteration-N folder; null when the path has none.',
  `data_object_id` string COMMENT 'Dataset object id: the folder under iteration-N (the 0-based line of the input manifest).',
  `object_path` string COMMENT 'URI (s3:// or file://) of the worker-response file.',
  `answer_index` int COMMENT '0-based position of the answer in the file’s answers array.',
  `submission_time` timestamp COMMENT 'submissionTime of the answer, UTC.',
  `worker_id` string COMMENT 'workerId (public.<region>.<id> for the public workforce).',
  `identity_provider_type` string COMMENT 'workerMetadata.identityData.identityProviderType (Cognito, Oidc); private workforces only.',
  `identity_issuer` string COMMENT 'workerMetadata.identityData.issuer.',
  `identity_sub` string COMMENT 'workerMetadata.identityData.sub: the worker in the identity provider.',
  `time_spent_s` double COMMENT 'timeSpentInSeconds, when given. Unit: s.',
  `task` string COMMENT 'The task template element the answer came from (crowd-image-classifier, ...): answerContent’s single key.',
  `label` string COMMENT 'The label for classification tasks; for other tasks the answer content as JSON.',
  `answer` string COMMENT 'The whole answer object as JSON text, as the worker-response file holds it.'
)
COMMENT 'One row per worker answer in a Ground Truth job (annotations/worker-response/iteration-N/<object>/*.json).'
PARTITIONED BY (
  `vehicle` string COMMENT 'Labeling job name (the job column), from the vehicle= folder.',
  `date` string COMMENT 'UTC date (YYYY-MM-DD) of submission_time, from the date= folder.'
)
ROW FORMAT SERDE 'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe'
WITH SERDEPROPERTIES ('serialization.format' = '1')
STORED AS INPUTFORMAT 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat'
OUTPUTFORMAT 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat'
LOCATION 's3://LAKE_BUCKET/LAKE_PREFIX/tables/gt_worker_responses/'
TBLPROPERTIES (
  'classification' = 'parquet',
  'parquet.compression' = 'ZSTD'
);
