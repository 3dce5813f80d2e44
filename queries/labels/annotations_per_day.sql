-- Answers and active workers per UTC day and job: the labeling progress.
CREATE OR REPLACE VIEW annotations_per_day AS
SELECT
  job,
  submission_day AS day,
  count(*) AS annotations,
  count(DISTINCT worker_id) AS workers
FROM annotations_view
GROUP BY job, submission_day
