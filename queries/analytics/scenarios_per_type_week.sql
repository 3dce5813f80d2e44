-- Detected scenarios per type, ISO week and vehicle: how many, and how long in total.
-- Athena SQL; runs unchanged on DuckDB with the Athena macros (`adlake sql --views queries/analytics`).
-- week is the Monday the ISO week starts on (date_trunc('week') truncates to Monday, ISO 8601 §3.2.2), in
-- UTC, Athena's session zone; iso_year/iso_week number it (the year of a week's Thursday, 2024-12-30 is
-- 2025-W01). A scenario counts in the week it starts.
CREATE OR REPLACE VIEW scenarios_per_type_week AS
SELECT
  type,
  CAST(date_trunc('week', start_time) AS date) AS week,
  year_of_week(start_time) AS iso_year,
  week_of_year(start_time) AS iso_week,
  vehicle,
  count(*) AS scenarios,
  sum(duration_s) AS total_duration_s,
  count(DISTINCT drive_id) AS drives
FROM scenarios
GROUP BY
  type,
  CAST(date_trunc('week', start_time) AS date),
  year_of_week(start_time),
  week_of_year(start_time),
  vehicle
