/**
 * Horizontal bars, one per category, longest first as given: for counts by type, label or worker.
 */
import { clipMiddle, clipText, coord, escapeHtml } from '../html.js';
import { figure } from './figure.js';

export interface Bar {
  label: string;
  value: number;
  colour: string;
  /** The number printed after the bar. */
  valueText: string;
  /** The tooltip (`<title>`). */
  tooltip: string;
}

export interface BarChartOptions {
  name: string;
  title: string;
  caption?: string;
  bars: readonly Bar[];
  footer?: string;
  /** @default 560 */
  width?: number;
  /** Characters of a label shown before it is cut. @default 26 */
  labelChars?: number;
  /** Where long labels are cut: at the end, or in the middle (ids sharing a prefix). @default 'end' */
  clip?: 'end' | 'middle';
}

const ROW = 22;
const BAR = 15;
const LABEL_WIDTH = 200;
const VALUE_WIDTH = 90;

/** A horizontal bar chart; bars of value 0 or less are drawn as labels without a mark. */
export function barChart(options: BarChartOptions): string {
  const width = options.width ?? 560;
  const plot = width - LABEL_WIDTH - VALUE_WIDTH;
  const max = Math.max(0, ...options.bars.map((b) => b.value));
  const height = options.bars.length * ROW + 8;
  const parts: string[] = [];
  let points = 0;
  for (const [i, bar] of options.bars.entries()) {
    const y = 4 + i * ROW;
    const length = max > 0 ? Math.max(1, (bar.value / max) * plot) : 0;
    const label = (options.clip === 'middle' ? clipMiddle : clipText)(bar.label, options.labelChars ?? 26);
    parts.push(
      `<text class="label" x="${LABEL_WIDTH - 8}" y="${coord(y + BAR / 2)}" text-anchor="end" dominant-baseline="central">${escapeHtml(label)}<title>${escapeHtml(bar.label)}</title></text>`,
    );
    if (bar.value > 0) {
      points++;
      parts.push(
        `<rect class="mark" x="${LABEL_WIDTH}" y="${y}" width="${coord(length)}" height="${BAR}" fill="${escapeHtml(bar.colour)}"><title>${escapeHtml(bar.tooltip)}</title></rect>`,
      );
    }
    parts.push(
      `<text class="value" x="${coord(LABEL_WIDTH + length + 6)}" y="${coord(y + BAR / 2)}" dominant-baseline="central">${escapeHtml(bar.valueText)}</text>`,
    );
  }
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
