import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../core/errors.js';
import { DEFAULT_QUALITY_CONFIG, parseQualityConfig } from '../../../transforms/quality/qualityConfig.js';

function problem(json: unknown): UsageError {
  try {
    parseQualityConfig(json, 'conf/quality.json');
  } catch (error) {
    if (error instanceof UsageError) return error;
    throw error;
  }
  throw new Error('expected a UsageError');
}

describe('quality config', () => {
  it('gives the defaults for an empty object and merges a subset over them', () => {
    expect(parseQualityConfig({}, 'x')).toEqual(DEFAULT_QUALITY_CONFIG);
    const config = parseQualityConfig(
      '{"gap": {"seconds": 2.5}, "expectedHz": {"speed": 50}, "missingSignal": {"signals": ["speed"]}}',
      'x',
    );
    expect(config.gap).toEqual({ ...DEFAULT_QUALITY_CONFIG.gap, seconds: 2.5 });
    expect(config.expectedHz).toEqual({ speed: 50 });
    expect(config.missingSignal).toEqual({ signals: ['speed'], action: 'fail' });
    // The defaults are not changed by a parse.
    expect(DEFAULT_QUALITY_CONFIG.gap.seconds).toBe(1);
    expect(DEFAULT_QUALITY_CONFIG.missingSignal.signals).toEqual([]);
  });

  it('names an unknown key by its path', () => {
    const error = problem({ gap: { period: 5 } });
    expect(error.message).toContain('gap.period: unknown key (known: periods, seconds, action)');
    expect(error.where.uri).toBe('conf/quality.json');
    expect(problem({ gaps: {} }).message).toContain('gaps: unknown key (known: gap, drift,');
    // Names of Object's own methods are keys like any other.
    expect(problem({ toString: {} }).message).toContain('toString: unknown key');
    expect(problem({ gap: { constructor: 1 } }).message).toContain('gap.constructor: unknown key');
  });

  it('names a wrong type or range by its path, and collects every problem', () => {
    const error = problem({
      drift: { maxPct: '10' },
      gpsFix: { maxShare: 1.5, action: 'error' },
      expectedHz: { speed: -1 },
      missingSignal: { signals: 'speed' },
      epoch: { notBefore: 'yesterday' },
      gpsHdop: 10,
    });
    expect(error.message).toContain('has 7 problem(s)');
    expect(error.message).toContain('drift.maxPct: must be a number >= 0, got "10"');
    expect(error.message).toContain('gpsFix.maxShare: must be a share in [0, 1], got 1.5');
    expect(error.message).toContain('gpsFix.action: must be "warn", "fail" or "off", got "error"');
    expect(error.message).toContain('expectedHz.speed: must be a rate in Hz > 0, got -1');
    expect(error.message).toContain('missingSignal.signals: must be an array of strings, got "speed"');
    expect(error.message).toContain('epoch.notBefore: must be an ISO 8601 date-time');
    expect(error.message).toContain('gpsHdop: must be an object, got 10');
  });

  it('rejects text that is not JSON and a value that is not an object, with the file', () => {
    const bad = problem('{"gap": ');
    expect(bad.message).toMatch(/^quality config is not valid JSON/);
    expect(bad.message).toContain('(at conf/quality.json)');
    expect(bad.cause).toBeInstanceOf(SyntaxError);
    expect(problem([1]).message).toContain('must be a JSON object, got [1]');
  });

  it('documents every default in docs/quality.md with the value the code uses', async () => {
    // Prettier pads the table's cells; compare with runs of spaces collapsed.
    const doc = (await readFile('docs/quality.md', 'utf8')).replace(/ +/g, ' ');
    for (const [gate, fields] of Object.entries(DEFAULT_QUALITY_CONFIG)) {
      for (const [field, value] of Object.entries(fields as Record<string, unknown>)) {
        // Each row of the defaults table reads: | `gate.field` | `value` | reason |
        expect(doc, `${gate}.${field}`).toContain(`| \`${gate}.${field}\` | \`${JSON.stringify(value)}\` |`);
      }
    }
  });
});
