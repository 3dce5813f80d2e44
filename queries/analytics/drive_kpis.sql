-- One row per drive: distance, duration, quality verdict, and what was detected in it: scenarios by type
-- (counts and the share of the drive's time each type covers).
-- Athena SQL; runs unchanged on DuckDB with the Athena macros (`adlake sql --views queries/analytics`).
--
-- - distance_m and duration_s are the drives table's (distance from GPS; duration first to last sample).
-- - scenario_counts / scenario_time_share are maps keyed by scenario type, holding only the types found.
--   A type's time share is the sum of its scenarios' durations over the drive's duration, capped at 1:
--   scenario bounds fall on timeline ticks, so one spanning the whole drive (adverse_weather) can exceed the
--   drive's first-to-last-sample duration by part of a tick. Scenarios of different types overlap, so the
--   shares of a drive do not add up to 1.
-- - scenarios_per_hour and scenarios_per_100km are null for drives of zero duration or distance.
CREATE OR REPLACE VIEW drive_kpis AS
WITH
per_type AS (
  SELECT drive_id, type, count(*) AS n, sum(duration_s) AS duration_s
  FROM scenarios
  GROUP BY drive_id, type
),
per_drive AS (
  SELECT
    p.drive_id,
    sum(p.n) AS scenarios,
    count(*) AS scenario_types,
    map_from_entries(array_agg(ROW(p.type, p.n) ORDER BY p.type)) AS scenario_counts,
    map_from_entries(
      array_agg(
        ROW(p.type, CASE WHEN d.duration_s > 0 THEN least(p.duration_s / d.duration_s, CAST(1 AS double)) END)
        ORDER BY p.type
      )
    ) AS scenario_time_share
  FROM per_type p
  JOIN drives d ON d.drive_id = p.drive_id
  GROUP BY p.drive_id
)
SELECT
  d.drive_id,
  d.vehicle,
  d.date,
  d.start_time,
  d.end_time,
  d.duration_s,
  d.distance_m,
  CASE WHEN d.duration_s > 0 THEN d.distance_m / d.duration_s * 3.6 END AS mean_speed_kmh,
  d.quality_status,
  d.quality_issues,
  d.weather_summary,
  coalesce(s.scenarios, 0) AS scenarios,
  coalesce(s.scenario_types, 0) AS scenario_types,
  s.scenario_counts,
  s.scenario_time_share,
  CASE WHEN d.duration_s > 0 THEN coalesce(s.scenarios, 0) / (d.duration_s / 3600.0) END AS scenarios_per_hour,
  CASE WHEN d.distance_m > 0 THEN coalesce(s.scenarios, 0) / (d.distance_m / 100000.0) END AS scenarios_per_100km
FROM drives d
LEFT JOIN per_drive s ON s.drive_id = d.drive_id
