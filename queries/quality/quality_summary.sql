-- Drives per quality status and reason code, per ISO week (Monday, UTC) and vehicle: the drives table's
-- final verdict (the transform step's gates plus what ingest flagged), not the per-signal rows of quality.
-- Athena SQL; runs unchanged on DuckDB with the Athena macros (`adlake sql --views queries/quality`).
--
-- - A drive with several reasons counts once under each; a drive without any under reason 'none'.
--   status_drives counts each drive once per week, vehicle and status, whatever its reasons.
-- - reason_group is the code before ':' (gap:speed → gap, missing:wiper → missing).
-- - status 'not_judged': the transform step has not run on the drive yet.
CREATE OR REPLACE VIEW quality_summary AS
WITH
judged AS (
  SELECT
    drive_id,
    CAST(date_trunc('week', start_time) AS date) AS week,
    vehicle,
    coalesce(quality_status, 'not_judged') AS status,
    duration_s,
    CASE
      WHEN coalesce(cardinality(quality_issues), 0) = 0 THEN ARRAY['none']
      ELSE quality_issues
    END AS reasons
  FROM drives
),
per_status AS (
  SELECT week, vehicle, status, count(*) AS status_drives
  FROM judged
  GROUP BY week, vehicle, status
)
SELECT
  j.week,
  j.vehicle,
  j.status,
  r.reason,
  split_part(r.reason, ':', 1) AS reason_group,
  count(*) AS drives,
  sum(j.duration_s) AS duration_s,
  max(s.status_drives) AS status_drives
FROM judged j
CROSS JOIN UNNEST(j.reasons) AS r (reason)
JOIN per_status s ON s.week = j.week AND s.vehicle = j.vehicle AND s.status = j.status
GROUP BY j.week, j.vehicle, j.status, r.reason
