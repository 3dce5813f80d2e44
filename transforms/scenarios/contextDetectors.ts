/**
 * Detectors of driving context from the timeline's enrichment: night driving and adverse weather.
 */
import type { Detection, Detector } from './detector.js';
import { mergeGaps, minDuration, ticksOf, where } from './intervals.js';
import { codeOf, textAt } from '../timeline.js';

/** Night driving: the sun-derived light is 'night' while the vehicle moves (any speed when unknown). */
export const nightDriving: Detector = {
  type: 'night_driving',
  detect({ timeline, motion, config }) {
    const light = timeline.enrichment.light;
    if (!light) return { skipped: 'no light enrichment: needs sun elevation (a position and time)' };
    const speed = motion.speed?.values;
    const moving = config.stop.leave_kmh / 3.6;
    const c = config.night_driving;
    const night = codeOf(light, 'night');
    const codes = light.codes;
    let found = where(
      motion.n,
      (i) => night >= 0 && codes[i] === night && !((speed?.[i] as number) < moving),
    );
    found = minDuration(
      mergeGaps(found, ticksOf(c.merge_gap_s, motion.hz)),
      ticksOf(c.min_duration_s, motion.hz),
    );
    return { detections: found.map((x) => ({ type: 'night_driving', ...x, tags: ['night'] })) };
  },
};

/**
 * Adverse weather: the observed condition is one of `conditions`. Without a condition, precipitation and
 * visibility observations stand in: visibility below `fog_visibility_m` is fog (the WMO definition of fog
 * is visibility below 1 km), precipitation of at least `precipitation_mm_h` is rain, or snow at or below
 * 0 degC. Each scenario is tagged with the conditions seen in it, most frequent first.
 */
export const adverseWeather: Detector = {
  type: 'adverse_weather',
  detect({ timeline, motion, config }) {
    const { weather_condition, precipitation, visibility, air_temp } = timeline.enrichment;
    if (!weather_condition && !precipitation && !visibility)
      return { skipped: 'no weather enrichment: needs weather_condition, precipitation or visibility' };
    const c = config.adverse_weather;
    const adverse = new Set(c.conditions);
    const conditionAt = (i: number): string | null => {
      const observed = textAt(weather_condition, i);
      if (observed !== undefined && observed !== null) {
        const lower = observed.toLowerCase();
        return adverse.has(lower) ? lower : null;
      }
      const p = precipitation?.[i] as number;
      if (p >= c.precipitation_mm_h) {
        const kind = (air_temp?.[i] as number) <= 0 ? 'snow' : 'rain';
        return adverse.has(kind) ? kind : null;
      }
      if ((visibility?.[i] as number) < c.fog_visibility_m && adverse.has('fog')) return 'fog';
      return null;
    };
    const conditions = new Array<string | null>(motion.n);
    for (let i = 0; i < motion.n; i++) conditions[i] = conditionAt(i);
    let found = where(motion.n, (i) => conditions[i] !== null);
    found = minDuration(
      mergeGaps(found, ticksOf(c.merge_gap_s, motion.hz)),
      ticksOf(c.min_duration_s, motion.hz),
    );
    const out: Detection[] = found.map((x) => {
      const counts = new Map<string, number>();
      for (let i = x.start; i < x.end; i++) {
        const k = conditions[i];
        if (k) counts.set(k, (counts.get(k) ?? 0) + 1);
      }
      const tags = [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([k]) => k);
      return { type: 'adverse_weather', ...x, tags };
    });
    return { detections: out };
  },
};
