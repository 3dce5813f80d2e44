/**
 * Colours of the report: one per scenario type (fixed, so a type has the same colour in every report and
 * every chart), per quality status, and the sequential scale of the coverage heatmap.
 */
import { SCENARIO_TYPES } from '../transforms/scenario.js';

/** 16 distinguishable colours (Tableau 10, then 6 darker or lighter companions), in SCENARIO_TYPES order. */
const TYPE_COLOURS = [
  '#4e79a7',
  '#e15759',
  '#f28e2b',
  '#76b7b2',
  '#59a14f',
  '#edc948',
  '#b07aa1',
  '#ff9da7',
  '#9c755f',
  '#bab0ac',
  '#1f3f66',
  '#8cd17d',
  '#86bcb6',
  '#d37295',
  '#a0cbe8',
  '#7a5230',
] as const;

/** The colour of a scenario type; a type this version does not know gets one from a hash of its name. */
export function scenarioColour(type: string): string {
  const index = (SCENARIO_TYPES as readonly string[]).indexOf(type);
  if (index >= 0) return TYPE_COLOURS[index % TYPE_COLOURS.length] ?? '#888888';
  let hash = 0;
  for (let i = 0; i < type.length; i++) hash = (hash * 31 + type.charCodeAt(i)) >>> 0;
  return TYPE_COLOURS[hash % TYPE_COLOURS.length] ?? '#888888';
}

export const STATUS_COLOURS: Readonly<Record<string, string>> = {
  pass: '#59a14f',
  warn: '#edc948',
  fail: '#e15759',
  not_judged: '#bab0ac',
};

export function statusColour(status: string): string {
  return STATUS_COLOURS[status] ?? '#888888';
}

/** The heatmap scale: white-blue at 0 to dark blue at 1 (linear in RGB between the two ends' stops). */
const SCALE = [
  [0xf0, 0xf6, 0xfc],
  [0x9e, 0xca, 0xe1],
  [0x42, 0x92, 0xc6],
  [0x08, 0x30, 0x6b],
] as const;

/** The heatmap colour of `t` in [0, 1]. */
export function sequentialColour(t: number): string {
  const x = Math.min(1, Math.max(0, Number.isFinite(t) ? t : 0)) * (SCALE.length - 1);
  const i = Math.min(SCALE.length - 2, Math.floor(x));
  const f = x - i;
  const a = SCALE[i] ?? SCALE[0];
  const b = SCALE[i + 1] ?? SCALE[0];
  const channel = (k: 0 | 1 | 2) => Math.round(a[k] + (b[k] - a[k]) * f);
  return `#${[channel(0), channel(1), channel(2)].map((c) => c.toString(16).padStart(2, '0')).join('')}`;
}

/** Whether text on `t`'s heatmap colour should be white (dark cells). */
export function darkCell(t: number): boolean {
  return t > 0.5;
}
