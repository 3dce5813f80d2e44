/**
 * `adlake detect` decodes only DETECTION_COLUMNS of the stored timeline. If a detector (or the motion
 * signals, or the scenario records) read any other column, a separate `adlake detect` would find less than
 * detection in the transform's process: this test watches every column read, over a timeline with every
 * column and over timelines lacking each column in turn (so each fallback path runs).
 */
import { describe, expect, it } from 'vitest';
import { generateDemoDrive } from '../../../ingest/demo/generateDemoDrive.js';
import { DETECTION_COLUMNS, detectScenarios } from '../../../transforms/scenarios/detectScenarios.js';
import {
  NUMERIC_ENRICHMENT_NAMES,
  NUMERIC_SIGNAL_NAMES,
  TEXT_ENRICHMENT_NAMES,
  TEXT_SIGNAL_NAMES,
  textColumn,
  type Timeline,
  type TimelineColumn,
} from '../../../transforms/timeline.js';
import { demoTimeline } from './demoTimelines.js';

/** The demo drive's timeline with every column: the signals it lacks and the enrichment made up. */
function everyColumn(): Timeline {
  const timeline = demoTimeline(generateDemoDrive({ seed: 5 }));
  const n = timeline.t.length;
  const wave = (scale: number) => Float64Array.from({ length: n }, (_, i) => scale * Math.sin(i / 50));
  for (const name of NUMERIC_SIGNAL_NAMES) timeline.numeric[name] ??= wave(1);
  for (const name of TEXT_SIGNAL_NAMES) timeline.text[name] ??= textColumn(new Array<string>(n).fill('off'));
  const half = (a: string, b: string) => textColumn(Array.from({ length: n }, (_, i) => (i < n / 2 ? a : b)));
  timeline.enrichment = {
    sun_elevation: wave(30),
    light: half('day', 'night'),
    weather_condition: half('clear', 'rain'),
    air_temp: wave(10),
    precipitation: wave(5),
    visibility: wave(5000),
    wind_speed: wave(8),
  };
  return timeline;
}

/** `timeline` whose column records note every key looked up, tested or listed into `read`. */
function watched(timeline: Timeline, read: Set<string>): Timeline {
  const watch = <T extends object>(record: T): T =>
    new Proxy(record, {
      get(target, key, receiver) {
        if (typeof key === 'string') read.add(key);
        return Reflect.get(target, key, receiver) as unknown;
      },
      has(target, key) {
        if (typeof key === 'string') read.add(key);
        return Reflect.has(target, key);
      },
      ownKeys(target) {
        const keys = Reflect.ownKeys(target);
        for (const key of keys) if (typeof key === 'string') read.add(key);
        return keys;
      },
    });
  return {
    ...timeline,
    numeric: watch(timeline.numeric),
    text: watch(timeline.text),
    enrichment: watch(timeline.enrichment),
  };
}

function without(timeline: Timeline, column: TimelineColumn): Timeline {
  const drop = <T extends object>(record: T): T =>
    Object.fromEntries(Object.entries(record).filter(([key]) => key !== column)) as T;
  return {
    ...timeline,
    numeric: drop(timeline.numeric),
    text: drop(timeline.text),
    enrichment: drop(timeline.enrichment),
  };
}

describe('DETECTION_COLUMNS', () => {
  const full = everyColumn();
  const columns: TimelineColumn[] = [
    ...NUMERIC_SIGNAL_NAMES,
    ...TEXT_SIGNAL_NAMES,
    ...NUMERIC_ENRICHMENT_NAMES,
    ...TEXT_ENRICHMENT_NAMES,
  ];

  it('holds every column detection reads, with every column there and with each one missing', () => {
    const read = new Set<string>();
    for (const timeline of [full, ...columns.map((column) => without(full, column))]) {
      const found = detectScenarios(watched(timeline, read));
      expect(found.scenarios.length).toBeGreaterThan(0);
    }
    const listed = new Set<string>(DETECTION_COLUMNS);
    expect([...read].filter((column) => !listed.has(column))).toEqual([]);
    // And nothing listed that detection never reads (the list would decode columns for nothing).
    expect([...listed].filter((column) => !read.has(column))).toEqual([]);
  });

  it('detection over only those columns finds what it finds over all of them', () => {
    let only = full;
    for (const column of columns)
      if (!(DETECTION_COLUMNS as readonly string[]).includes(column)) only = without(only, column);
    expect(Object.keys(only.numeric).length).toBeLessThan(Object.keys(full.numeric).length);
    expect(detectScenarios(only)).toEqual(detectScenarios(full));
  });
});
