-- Histogram of workers by how many answers they gave, per job: buckets of 25 answers, [0,25) [25,50)
-- [50,75) [75,100), and 100 or more (width_bucket gives 1..4 inside the range and 5 from 100 up).
CREATE OR REPLACE VIEW users_per_bucket_annotations AS
SELECT
  job,
  bucket,
  CASE bucket
    WHEN 1 THEN '[0,25)'
    WHEN 2 THEN '[25,50)'
    WHEN 3 THEN '[50,75)'
    WHEN 4 THEN '[75,100)'
    ELSE '100+'
  END AS annotations_range,
  (bucket - 1) * 25 AS min_annotations,
  count(*) AS users
FROM (
  SELECT job, width_bucket(annotations, 0, 100, 4) AS bucket
  FROM annotations_per_user
) AS per_user
GROUP BY job, bucket
