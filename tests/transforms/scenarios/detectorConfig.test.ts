import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../core/errors.js';
import {
  DEFAULT_DETECTOR_CONFIG,
  parseDetectorConfig,
} from '../../../transforms/scenarios/detectorConfig.js';

function problems(json: unknown): string {
  try {
    parseDetectorConfig(json, 'detectors.json');
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    expect((error as UsageError).where).toEqual({ uri: 'detectors.json' });
    return (error as UsageError).message;
  }
  throw new Error('expected a UsageError');
}

describe('parseDetectorConfig', () => {
  it('keeps the defaults for keys left out and takes the ones given', () => {
    expect(parseDetectorConfig('{}', 'c.json')).toEqual(DEFAULT_DETECTOR_CONFIG);
    const config = parseDetectorConfig(
      { hard_braking: { peak_g: 0.5 }, adverse_weather: { conditions: ['Rain', 'snow'] } },
      'c.json',
    );
    expect(config.hard_braking).toEqual({ ...DEFAULT_DETECTOR_CONFIG.hard_braking, peak_g: 0.5 });
    expect(config.adverse_weather.conditions).toEqual(['rain', 'snow']);
    expect(config.turn).toEqual(DEFAULT_DETECTOR_CONFIG.turn);
    // The defaults are copied, not shared.
    config.turn.enter_deg_s = 99;
    expect(DEFAULT_DETECTOR_CONFIG.turn.enter_deg_s).toBe(5);
  });

  it('names the key path of every unknown key and wrong type, all in one error', () => {
    const message = problems({
      hard_braking: { peak: 0.5, epoch_g: '0.1' },
      turns: {},
      lane_change: { lane_width_m: null },
      adverse_weather: { conditions: ['rain', 3] },
      stop: [],
    });
    expect(message).toContain('unknown key hard_braking.peak');
    expect(message).toContain('hard_braking.epoch_g must be a number, got "0.1"');
    expect(message).toContain('unknown key turns');
    expect(message).toContain('lane_change.lane_width_m must be a number, got null');
    expect(message).toContain('adverse_weather.conditions must be an array of strings');
    expect(message).toContain('stop must be an object, got an array');
    expect(message).toContain('(at detectors.json)');
  });

  it('refuses negative numbers and thresholds in the wrong order', () => {
    expect(problems({ high_velocity: { min_duration_s: -1 } })).toContain(
      'high_velocity.min_duration_s must be >= 0, got -1',
    );
    expect(problems({ turn: { leave_deg_s: 6 } })).toContain(
      'turn.leave_deg_s (6) must be less than turn.enter_deg_s (5)',
    );
    expect(problems({ hard_braking: { epoch_g: 0.5 } })).toContain(
      'hard_braking.epoch_g (0.5) must be less than hard_braking.peak_g (0.4)',
    );
  });

  it('refuses text that is not JSON and a root that is not an object', () => {
    expect(problems('{ "turn": ')).toMatch(/^detector config is not JSON/);
    expect(problems('[1]')).toContain('(root) must be an object');
  });
});
