/** The timeline's categorical columns: labels as codes (transforms/timeline.ts). */
import { describe, expect, it } from 'vitest';
import {
  codeCounts,
  codeOf,
  hasText,
  LabelCodes,
  textAt,
  textColumn,
  textValues,
} from '../../transforms/timeline.js';

describe('TextColumn', () => {
  const column = textColumn(['P', 'D', null, 'D', undefined, 'R', 'P']);

  it('codes labels in order of first appearance, -1 for null and undefined, and reads them back', () => {
    expect(column.names).toEqual(['P', 'D', 'R']);
    expect(Array.from(column.codes)).toEqual([0, 1, -1, 1, -1, 2, 0]);
    expect(textValues(column)).toEqual(['P', 'D', null, 'D', null, 'R', 'P']);
    expect(textAt(column, 5)).toBe('R');
    expect(textAt(column, 2)).toBeNull();
    expect(textAt(undefined, 0)).toBeNull();
  });

  it('counts ticks per code over a range, finds codes by name, tells whether any tick has a label', () => {
    expect(codeCounts(column)).toEqual([2, 2, 1]);
    expect(codeCounts(column, 1, 4)).toEqual([0, 2, 0]);
    expect(codeOf(column, 'R')).toBe(2);
    expect(codeOf(column, 'N')).toBe(-1);
    expect(hasText(column)).toBe(true);
    expect(hasText(textColumn([null, null]))).toBe(false);
    expect(hasText(textColumn([]))).toBe(false);
  });

  it('LabelCodes gives each label one code, the next at its first appearance', () => {
    const labels = new LabelCodes();
    const { code } = labels; // usable detached, as a callback
    expect(['off', 'left', 'off', 'right', 'left'].map(code)).toEqual([0, 1, 0, 2, 1]);
    expect(labels.names).toEqual(['off', 'left', 'right']);
  });
});
