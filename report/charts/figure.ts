/**
 * The frame every chart of the report sits in: a `<figure>` with `data-chart` (its name) and `data-points`
 * (how many data marks it drew: the `rect`, `circle` and `path` elements of class `mark`), a title and a
 * caption. Axes, grid lines, labels and legends are never of class `mark`.
 */
import { escapeHtml } from '../html.js';

export interface FigureOptions {
  name: string;
  title: string;
  /** One or two sentences under the title: what is counted, from which view. */
  caption?: string;
  points: number;
  /** The chart: an `<svg>` (or HTML holding small ones), already escaped. */
  body: string;
  /** Extra HTML under the chart (a legend), already escaped. */
  footer?: string;
  /** Lets the figure span the page's full width. @default false */
  wide?: boolean;
}

export function figure(options: FigureOptions): string {
  const caption = options.caption ? `<p class="caption">${escapeHtml(options.caption)}</p>` : '';
  return [
    `<figure class="chart${options.wide === true ? ' wide' : ''}" data-chart="${escapeHtml(options.name)}" data-points="${options.points}">`,
    `<figcaption><h3>${escapeHtml(options.title)}</h3>${caption}</figcaption>`,
    options.body,
    options.footer ?? '',
    '</figure>',
  ].join('\n');
}

/** A panel in place of a chart that has no data, saying why and what would fill it. */
export function emptyPanel(options: { name: string; title: string; message: string }): string {
  return [
    `<figure class="chart empty" data-empty="${escapeHtml(options.name)}">`,
    `<figcaption><h3>${escapeHtml(options.title)}</h3></figcaption>`,
    `<p class="empty-message">${escapeHtml(options.message)}</p>`,
    '</figure>',
  ].join('\n');
}

/** An HTML legend: a colour swatch and a label per entry. */
export function legend(entries: readonly { label: string; colour: string }[]): string {
  const items = entries.map(
    (e) =>
      `<li><span class="swatch" style="background:${escapeHtml(e.colour)}"></span>${escapeHtml(e.label)}</li>`,
  );
  return `<ul class="legend">${items.join('')}</ul>`;
}
