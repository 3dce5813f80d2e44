/**
 * Export of one stored scenario: finds it, cuts its drive's stored timeline to the scenario window and
 * renders OpenSCENARIO with the weather and sun at its start.
 */
import type { ObjectStore } from '../catalog/objectStore.js';
import { scenarioToOpenScenario, type OpenScenarioOptions } from './openscenario/scenarioToOpenScenario.js';
import type { EnvironmentInput } from './openscenario/openScenarioWeather.js';
import { findScenario } from './readScenarios.js';
import { readTimeline } from './readTimeline.js';
import type { Scenario } from './scenario.js';
import { solarPosition } from './sun.js';
import type { Timeline } from './timeline.js';

export interface ExportedScenario {
  scenario: Scenario;
  xml: string;
  /** Trajectory vertices in the file. */
  vertices: number;
}

export async function exportScenario(
  store: ObjectStore,
  id: string,
  options: OpenScenarioOptions = {},
): Promise<ExportedScenario> {
  const scenario = await findScenario(store, id);
  const timeline = await readTimeline(store, scenario.drive_id);
  const nan = new Float64Array(timeline.t.length).fill(Number.NaN);
  const track = {
    t: timeline.t,
    lat: timeline.numeric.lat ?? nan,
    lon: timeline.numeric.lon ?? nan,
    ...(timeline.numeric.alt ? { alt: timeline.numeric.alt } : {}),
    ...(timeline.numeric.heading ? { heading: timeline.numeric.heading } : {}),
    ...(timeline.numeric.speed ? { speed: timeline.numeric.speed } : {}),
  };
  const xml = scenarioToOpenScenario({
    scenario,
    track,
    environment: environmentAt(timeline, scenario),
    options,
  });
  const vertices = xml.match(/<Vertex\b/g)?.length ?? 0;
  return { scenario, xml, vertices };
}

/** Weather and sun at the scenario's start, from the stored enrichment (and the sun computed anew for azimuth). */
function environmentAt(timeline: Timeline, scenario: Scenario): EnvironmentInput {
  let i = 0;
  while (i < timeline.t.length - 1 && (timeline.t[i] ?? 0n) < scenario.start_ns) i++;
  const at = (values: Float64Array | undefined): number | undefined => {
    const v = values?.[i];
    return v === undefined || Number.isNaN(v) ? undefined : v;
  };
  const env: EnvironmentInput = { weather: scenario.weather };
  const airTemp = at(timeline.enrichment.air_temp);
  if (airTemp !== undefined) env.airTempC = airTemp;
  const precipitation = at(timeline.enrichment.precipitation);
  if (precipitation !== undefined) env.precipitationMmH = precipitation;
  const visibility = at(timeline.enrichment.visibility);
  if (visibility !== undefined) env.visibilityM = visibility;
  const lat = scenario.start_lat ?? at(timeline.numeric.lat);
  const lon = scenario.start_lon ?? at(timeline.numeric.lon);
  if (lat !== undefined && lon !== undefined) {
    const sun = solarPosition(scenario.start_ns, lat, lon);
    env.sunElevationDeg = sun.elevation;
    env.sunAzimuthDeg = sun.azimuth;
  }
  return env;
}
