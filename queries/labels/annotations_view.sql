-- One row per Ground Truth worker answer (table gt_worker_responses, written by `adlake labels import`).
-- Modelled on the views of the AWS sample "Field Notes: Gaining Insights into Labeling Jobs for Machine
-- Learning" (AWS Architecture Blog, 2020, https://aws.amazon.com/blogs/architecture/field-notes-gaining-insights-into-labeling-jobs-for-machine-learning/),
-- which read the worker-response files directly: the iteration and the data record (dataset object id) come
-- from the response file's path, the submission time from the answer's ISO 8601 text.
-- Athena SQL; runs unchanged on DuckDB with the Athena macros (`adlake sql --views queries/labels`).
-- submission_day is the UTC date (at_timezone first: Trino would otherwise take the date in the zone the
-- text gave).
CREATE OR REPLACE VIEW annotations_view AS
SELECT
  job,
  CAST(regexp_extract(object_path, '/iteration-([0-9]+)/', 1) AS integer) AS iteration,
  regexp_extract(object_path, '/iteration-[0-9]+/([^/]+)/', 1) AS data_record,
  label,
  from_iso8601_timestamp(json_extract_scalar(answer, '$.submissionTime')) AS submission_time,
  CAST(at_timezone(from_iso8601_timestamp(json_extract_scalar(answer, '$.submissionTime')), 'UTC') AS date)
    AS submission_day,
  worker_id,
  identity_provider_type,
  identity_issuer,
  identity_sub,
  object_path
FROM gt_worker_responses
