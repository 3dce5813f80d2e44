import { describe, expect, it } from 'vitest';
import { TIMESERIES, timelineToBatch } from '../../../transforms/sync/timeseriesTable.js';
import { NUMERIC_SIGNAL_NAMES, TEXT_SIGNAL_NAMES, textColumn } from '../../../transforms/timeline.js';
import type { Timeline } from '../../../transforms/timeline.js';

describe('the timeseries table', () => {
  it('has every canonical signal and enrichment column, nullable, with docs and units', () => {
    const fields = new Map(TIMESERIES.schema.fields.map((f) => [f.name, f]));
    const enrichment = [
      'sun_elevation',
      'light',
      'weather_condition',
      'air_temp',
      'precipitation',
      'visibility',
      'wind_speed',
    ];
    expect([...fields.keys()]).toEqual([
      't',
      'drive_id',
      ...NUMERIC_SIGNAL_NAMES,
      ...TEXT_SIGNAL_NAMES,
      'sun_elevation',
      'air_temp',
      'precipitation',
      'visibility',
      'wind_speed',
      'light',
      'weather_condition',
    ]);
    for (const name of [...NUMERIC_SIGNAL_NAMES, ...TEXT_SIGNAL_NAMES, ...enrichment]) {
      expect(fields.get(name)?.nullable, name).toBe(true);
      expect(fields.get(name)?.metadata.get('doc'), name).toBeTruthy();
    }
    expect(fields.get('t')?.nullable).toBe(false);
    const unit = (name: string): string | undefined => fields.get(name)?.metadata.get('unit');
    expect([
      unit('speed'),
      unit('yaw_rate'),
      unit('heading'),
      unit('accel_lat'),
      unit('precipitation'),
    ]).toEqual(['m/s', 'deg/s', 'deg', 'm/s^2', 'mm/h']);
  });

  it('turns NaN into NULL and leaves absent signals out', () => {
    const timeline: Timeline = {
      driveId: 'd',
      vehicle: 'v',
      hz: 10,
      t: BigInt64Array.of(0n, 100_000_000n),
      numeric: { speed: Float64Array.of(1, NaN), yaw_rate: Float64Array.of(0.5, -0.5) },
      text: { gear: textColumn(['D', null]) },
      enrichment: { light: textColumn(['day', 'day']), air_temp: Float64Array.of(NaN, 12) },
    };
    const batch = timelineToBatch(timeline);
    // NaN rows become NULL in the writer: the values are handed over as they are, marked, not copied.
    expect(batch.speed).toEqual({ nanAsNull: timeline.numeric.speed });
    expect(batch.yaw_rate).toBe(timeline.numeric.yaw_rate); // no NaN: passed through without a copy
    // Text as the timeline's own codes (-1 for null): handed over, not copied.
    expect(batch.gear).toEqual({ indices: Int32Array.of(0, -1), dictionary: ['D'] });
    expect((batch.gear as { indices: Int32Array }).indices).toBe(timeline.text.gear?.codes);
    expect(batch.air_temp).toEqual({ nanAsNull: timeline.enrichment.air_temp });
    expect(batch.light).toEqual({ indices: Int32Array.of(0, 0), dictionary: ['day'] });
    const slice = timelineToBatch(
      {
        ...timeline,
        t: new BigInt64Array(5),
        numeric: {},
        enrichment: {},
        text: { turn_signal: textColumn(['off', 'left', 'left', null, 'off']) },
      },
      { start: 1, end: 5 },
    );
    expect(slice.turn_signal).toEqual({ indices: Int32Array.of(1, 1, -1, 0), dictionary: ['off', 'left'] });
    expect('heading' in batch).toBe(false);
  });
});
