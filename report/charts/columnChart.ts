/**
 * Vertical columns on a value axis, each a stack of coloured segments: counts per week by type or status,
 * answers per day, the workers histogram.
 */
import { clipText, coord, escapeHtml, formatNumber } from '../html.js';
import { niceScale } from './axis.js';
import { figure } from './figure.js';

export interface Segment {
  value: number;
  colour: string;
  tooltip: string;
}

export interface Column {
  label: string;
  segments: readonly Segment[];
}

export interface ColumnChartOptions {
  name: string;
  title: string;
  caption?: string;
  columns: readonly Column[];
  /** What the axis counts, written above it. */
  unit: string;
  footer?: string;
  /** @default 560 */
  width?: number;
  /** @default 240 */
  height?: number;
}

const LEFT = 48;
const RIGHT = 12;
const TOP = 30;
const BOTTOM = 34;

/** A stacked column chart; segments of value 0 or less are not drawn. */
export function columnChart(options: ColumnChartOptions): string {
  const width = options.width ?? 560;
  const height = options.height ?? 240;
  const plotW = width - LEFT - RIGHT;
  const plotH = height - TOP - BOTTOM;
  const totals = options.columns.map((c) => c.segments.reduce((sum, s) => sum + Math.max(0, s.value), 0));
  const scale = niceScale(Math.max(0, ...totals));
  const y = (v: number) => TOP + plotH - (v / scale.max) * plotH;
  const parts: string[] = [];
  for (const tick of scale.ticks) {
    parts.push(
      `<line class="grid" x1="${LEFT}" x2="${width - RIGHT}" y1="${coord(y(tick))}" y2="${coord(y(tick))}"/>`,
      `<text class="tick" x="${LEFT - 6}" y="${coord(y(tick))}" text-anchor="end" dominant-baseline="central">${escapeHtml(formatNumber(tick, tick % 1 === 0 ? 0 : 1))}</text>`,
    );
  }
  parts.push(`<text class="unit" x="4" y="${TOP - 10}">${escapeHtml(options.unit)}</text>`);
  const n = Math.max(1, options.columns.length);
  const slot = plotW / n;
  const barW = Math.min(48, slot * 0.72);
  // Show at most ~12 x labels; the others stay in the tooltips.
  const labelEvery = Math.max(1, Math.ceil(n / 12));
  const labelChars = Math.max(4, Math.floor((slot * labelEvery) / 6.5));
  let points = 0;
  for (const [i, column] of options.columns.entries()) {
    const x = LEFT + i * slot + (slot - barW) / 2;
    let base = 0;
    for (const segment of column.segments) {
      if (!(segment.value > 0)) continue;
      points++;
      const top = y(base + segment.value);
      parts.push(
        `<rect class="mark" x="${coord(x)}" y="${coord(top)}" width="${coord(barW)}" height="${coord(y(base) - top)}" fill="${escapeHtml(segment.colour)}"><title>${escapeHtml(segment.tooltip)}</title></rect>`,
      );
      base += segment.value;
    }
    if (i % labelEvery === 0) {
      parts.push(
        `<text class="label" x="${coord(x + barW / 2)}" y="${height - BOTTOM + 16}" text-anchor="middle">${escapeHtml(clipText(column.label, labelChars))}</text>`,
      );
    }
  }
  parts.push(
    `<line class="axis" x1="${LEFT}" x2="${width - RIGHT}" y1="${coord(y(0))}" y2="${coord(y(0))}"/>`,
  );
  const svg = `<svg viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="${escapeHtml(options.title)}">${parts.join('')}</svg>`;
  return figure({
    name: options.name,
    title: options.title,
    ...(options.caption ? { caption: options.caption } : {}),
    points,
    body: svg,
    ...(options.footer ? { footer: options.footer } : {}),
  });
}
