-- Answers per label and job: how often workers chose each class (not the consolidated labels; those are
-- in gt_output_manifest).
CREATE OR REPLACE VIEW annotations_per_label AS
SELECT
  job,
  label,
  count(*) AS annotations,
  count(DISTINCT worker_id) AS workers,
  count(DISTINCT data_record) AS data_records
FROM annotations_view
GROUP BY job, label
