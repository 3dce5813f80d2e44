-- Answers per worker and job, with the worker's identity (private workforces) and activity span.
CREATE OR REPLACE VIEW annotations_per_user AS
SELECT
  job,
  worker_id,
  identity_provider_type,
  identity_issuer,
  identity_sub,
  count(*) AS annotations,
  count(DISTINCT data_record) AS data_records,
  min(submission_time) AS first_submission,
  max(submission_time) AS last_submission
FROM annotations_view
GROUP BY job, worker_id, identity_provider_type, identity_issuer, identity_sub
