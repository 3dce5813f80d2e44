/**
 * A matrix of coloured cells: rows × columns, each cell's colour from its value relative to the largest,
 * with one or two lines of text in it (the coverage matrix: speed band × weather and light).
 */
import { sequentialColour, darkCell } from '../palette.js';
import { clipText, coord, escapeHtml, formatPercent } from '../html.js';
import { figure } from './figure.js';

export interface HeatmapCell {
  row: string;
  column: string;
  /** Colours the cell, relative to the largest value. */
  value: number;
  text: string;
  subtext?: string;
  tooltip: string;
}

export interface HeatmapOptions {
  name: string;
  title: string;
  caption?: string;
  rows: readonly { key: string; label: string }[];
  columns: readonly { key: string; label: string; sublabel?: string }[];
  cells: readonly HeatmapCell[];
  /** Title of the row labels' column. */
  rowTitle: string;
  footer?: string;
  /** @default 760 */
  maxWidth?: number;
}

const LEFT = 92;
const TOP = 46;
const CELL_H = 42;
const LEGEND_H = 34;

/** The heatmap; cells the data has no value for are drawn blank (not marks). */
export function heatmap(options: HeatmapOptions): string {
  const maxWidth = options.maxWidth ?? 760;
  const nCols = Math.max(1, options.columns.length);
  const cellW = Math.min(120, Math.max(56, (maxWidth - LEFT - 8) / nCols));
  const width = Math.round(LEFT + nCols * cellW + 8);
  const height = TOP + options.rows.length * CELL_H + LEGEND_H;
  const max = Math.max(0, ...options.cells.map((c) => c.value));
  const byKey = new Map(options.cells.map((c) => [`${c.row}\u0000${c.column}`, c]));
  const parts: string[] = [
    `<text class="label strong" x="${LEFT - 8}" y="${TOP - 10}" text-anchor="end">${escapeHtml(options.rowTitle)}</text>`,
  ];
  for (const [j, column] of options.columns.entries()) {
    const cx = LEFT + j * cellW + cellW / 2;
    const chars = Math.floor(cellW / 6.5);
    parts.push(
      `<text class="label strong" x="${coord(cx)}" y="${TOP - 24}" text-anchor="middle">${escapeHtml(clipText(column.label, chars))}</text>`,
    );
    if (column.sublabel !== undefined) {
      parts.push(
        `<text class="label" x="${coord(cx)}" y="${TOP - 10}" text-anchor="middle">${escapeHtml(clipText(column.sublabel, chars))}</text>`,
      );
    }
  }
  let points = 0;
  for (const [i, row] of options.rows.entries()) {
    const y = TOP + i * CELL_H;
    parts.push(
      `<text class="label" x="${LEFT - 8}" y="${coord(y + CELL_H / 2)}" text-anchor="end" dominant-baseline="central">${escapeHtml(row.label)}</text>`,
    );
    for (const [j, column] of options.columns.entries()) {
      const x = LEFT + j * cellW;
      const cell = byKey.get(`${row.key}\u0000${column.key}`);
      const box = `x="${coord(x + 1)}" y="${coord(y + 1)}" width="${coord(cellW - 2)}" height="${CELL_H - 2}"`;
      if (!cell) {
        parts.push(`<rect class="blank" ${box}/>`);
        continue;
      }
      points++;
      const t = max > 0 ? cell.value / max : 0;
      const ink = darkCell(t) ? ' dark' : '';
      parts.push(
        `<rect class="mark" ${box} fill="${sequentialColour(t)}"><title>${escapeHtml(cell.tooltip)}</title></rect>`,
        `<text class="cell${ink}" x="${coord(x + cellW / 2)}" y="${coord(y + (cell.subtext ? 15 : CELL_H / 2))}" text-anchor="middle" dominant-baseline="central">${escapeHtml(cell.text)}</text>`,
      );
      if (cell.subtext !== undefined) {
        parts.push(
          `<text class="cell small${ink}" x="${coord(x + cellW / 2)}" y="${coord(y + 30)}" text-anchor="middle" dominant-baseline="central">${escapeHtml(cell.subtext)}</text>`,
        );
      }
    }
  }
  // Colour scale: 0 to the largest value.
  const legendY = TOP + options.rows.length * CELL_H + 12;
  const steps = 8;
  for (let k = 0; k < steps; k++) {
    parts.push(
      `<rect class="scale" x="${LEFT + k * 16}" y="${legendY}" width="16" height="10" fill="${sequentialColour(k / (steps - 1))}"/>`,
    );
  }
  parts.push(
    `<text class="tick" x="${LEFT - 6}" y="${legendY + 5}" text-anchor="end" dominant-baseline="central">0</text>`,
    `<text class="tick" x="${LEFT + steps * 16 + 6}" y="${legendY + 5}" dominant-baseline="central">${escapeHtml(formatPercent(max))} of the time</text>`,
  );
  const svg = `<svg viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="${escapeHtml(options.title)}">${parts.join('')}</svg>`;
  return figure({
    name: options.name,
    title: options.title,
    ...(options.caption ? { caption: options.caption } : {}),
    points,
    body: svg,
    ...(options.footer ? { footer: options.footer } : {}),
    wide: true,
  });
}
