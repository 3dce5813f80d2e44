-- Per recorded signal over every judged drive: how often it was sampled, how far its rate drifted from the
-- nominal rate, its gaps and time-order faults, and the gates' verdicts (quality table rows; the `_gps` row
-- is the GNSS track, the per-drive `_drive` verdict rows are left out).
-- Athena SQL; runs unchanged on DuckDB with the Athena macros (`adlake sql --views queries/quality`).
--
-- - drift_pct is (rate_hz - nominal_hz) / nominal_hz as the quality table stores it; max_abs_drift_pct is
--   the largest deviation either way.
-- - Rates are averaged over drives (each drive weighs the same), not over samples.
-- - reasons: the distinct reason codes the signal's rows carry, sorted.
CREATE OR REPLACE VIEW signal_quality AS
SELECT
  signal,
  count(DISTINCT drive_id) AS drives,
  count(DISTINCT vehicle) AS vehicles,
  sum(samples) AS samples,
  avg(rate_hz) AS mean_rate_hz,
  min(rate_hz) AS min_rate_hz,
  max(rate_hz) AS max_rate_hz,
  avg(nominal_hz) AS mean_nominal_hz,
  avg(drift_pct) AS mean_drift_pct,
  max(abs(drift_pct)) AS max_abs_drift_pct,
  sum(gaps) AS gaps,
  max(max_gap_s) AS max_gap_s,
  sum(duplicates) AS duplicates,
  sum(non_monotonic) AS non_monotonic,
  count_if(status = 'pass') AS drives_pass,
  count_if(status = 'warn') AS drives_warn,
  count_if(status = 'fail') AS drives_fail,
  array_sort(array_distinct(flatten(array_agg(reasons)))) AS reasons
FROM quality
WHERE signal <> '_drive'
GROUP BY signal
