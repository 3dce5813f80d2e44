-- How much driving the lake holds per speed band x observed weather x light, and how many scenarios were
-- detected there: the "operational design domain" coverage of the data.
-- Athena SQL; runs unchanged on DuckDB with the Athena macros (`adlake sql --views queries/analytics`).
--
-- - Time comes from the timeseries ticks: each tick stands for one tick period of its drive, taken as the
--   drive's span over its ticks less one ((last t - first t) / (ticks - 1), 0.1 s at the default 10 Hz).
--   time_share is the cell's share of all ticked time in the lake.
-- - Speed bands are of |speed| in km/h: [0,30) [30,60) [60,90) [90,120) and 120+ (width_bucket gives 1..4
--   inside [0,120) and 5 from 120 up; speed_band_order is that number, 6 for 'unknown': a tick without
--   speed). weather is the tick's weather_condition, light its light ('day', 'twilight', 'night');
--   'unknown' where missing.
-- - time_s / ticks: 0 for a cell that only scenarios fall in; scenarios_per_hour is null there.
-- - A scenario counts in the cell of its mean speed and of its dominant weather and light (the scenarios
--   table's weather and light columns), since a scenario spans many ticks.
CREATE OR REPLACE VIEW scenario_coverage AS
WITH
tick_period AS (
  SELECT
    drive_id,
    CASE
      WHEN count(*) > 1 THEN (to_unixtime(max(t)) - to_unixtime(min(t))) / CAST(count(*) - 1 AS double)
      ELSE 0.0
    END AS tick_s
  FROM timeseries
  GROUP BY drive_id
),
ticks AS (
  SELECT
    CASE WHEN ts.speed IS NULL THEN 6 ELSE width_bucket(abs(ts.speed) * 3.6, 0, 120, 4) END AS band,
    coalesce(ts.weather_condition, 'unknown') AS weather,
    coalesce(ts.light, 'unknown') AS light,
    count(*) AS ticks,
    sum(p.tick_s) AS time_s,
    count(DISTINCT ts.drive_id) AS drives
  FROM timeseries ts
  JOIN tick_period p ON p.drive_id = ts.drive_id
  GROUP BY 1, 2, 3
),
found AS (
  SELECT
    CASE WHEN mean_speed IS NULL THEN 6 ELSE width_bucket(abs(mean_speed) * 3.6, 0, 120, 4) END AS band,
    coalesce(weather, 'unknown') AS weather,
    coalesce(light, 'unknown') AS light,
    count(*) AS scenarios
  FROM scenarios
  GROUP BY 1, 2, 3
),
cells AS (
  SELECT
    coalesce(ticks.band, found.band) AS band,
    coalesce(ticks.weather, found.weather) AS weather,
    coalesce(ticks.light, found.light) AS light,
    coalesce(ticks.ticks, 0) AS ticks,
    coalesce(ticks.time_s, 0.0) AS time_s,
    coalesce(ticks.drives, 0) AS drives,
    coalesce(found.scenarios, 0) AS scenarios
  FROM ticks
  FULL OUTER JOIN found
    ON found.band = ticks.band AND found.weather = ticks.weather AND found.light = ticks.light
)
SELECT
  CASE band
    WHEN 1 THEN '0-30'
    WHEN 2 THEN '30-60'
    WHEN 3 THEN '60-90'
    WHEN 4 THEN '90-120'
    WHEN 5 THEN '120+'
    ELSE 'unknown'
  END AS speed_band,
  band AS speed_band_order,
  weather,
  light,
  ticks,
  time_s,
  time_s / nullif(sum(time_s) OVER (), 0.0) AS time_share,
  drives,
  scenarios,
  CASE WHEN time_s > 0 THEN scenarios / (time_s / 3600.0) END AS scenarios_per_hour
FROM cells
