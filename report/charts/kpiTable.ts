/**
 * The drive KPIs as a table, one row per drive, with a small column chart in each row: the share of the
 * drive's time each scenario type covers (one column per type the lake has, in a fixed order, so rows
 * compare at a glance).
 */
import type { DriveKpi } from '../readReportData.js';
import { clipText, coord, escapeHtml, formatDuration, formatNumber, formatPercent } from '../html.js';
import { scenarioColour, statusColour } from '../palette.js';
import { figure, legend } from './figure.js';

export interface KpiTableOptions {
  name: string;
  title: string;
  caption?: string;
  drives: readonly DriveKpi[];
}

const COL_W = 14;
const SPARK_H = 28;

/** The table; `data-points` counts the share columns drawn (drive × type with a share above 0). */
export function kpiTable(options: KpiTableOptions): string {
  const types = [...new Set(options.drives.flatMap((d) => Object.keys(d.scenarioTimeShare)))].sort();
  let points = 0;
  const rows = options.drives.map((drive) => {
    const spark: string[] = [];
    for (const [i, type] of types.entries()) {
      const share = drive.scenarioTimeShare[type] ?? 0;
      if (!(share > 0)) continue;
      points++;
      const h = Math.max(1, share * SPARK_H);
      const count = drive.scenarioCounts[type] ?? 0;
      spark.push(
        `<rect class="mark" x="${i * COL_W + 1}" y="${coord(SPARK_H - h)}" width="${COL_W - 2}" height="${coord(h)}" fill="${scenarioColour(type)}"><title>${escapeHtml(`${type}: ${count} scenario(s), ${formatPercent(share)} of the drive`)}</title></rect>`,
      );
    }
    const sparkW = Math.max(1, types.length) * COL_W;
    const status = drive.qualityStatus ?? 'not_judged';
    const issues = drive.qualityIssues.length > 0 ? drive.qualityIssues.join(', ') : '';
    return [
      '<tr>',
      `<td class="mono" title="${escapeHtml(drive.driveId)}">${escapeHtml(clipText(drive.driveId, 12))}</td>`,
      `<td class="mono" title="${escapeHtml(drive.vehicle)}">${escapeHtml(clipText(drive.vehicle, 14))}</td>`,
      `<td>${escapeHtml(drive.date)}</td>`,
      `<td class="num">${escapeHtml(formatDuration(drive.durationS))}</td>`,
      `<td class="num">${escapeHtml(drive.distanceM === null ? '–' : formatNumber(drive.distanceM / 1000, 2))}</td>`,
      `<td class="num">${escapeHtml(formatNumber(drive.meanSpeedKmh, 1))}</td>`,
      `<td class="num">${escapeHtml(formatNumber(drive.scenarios))}</td>`,
      `<td class="num">${escapeHtml(formatNumber(drive.scenariosPer100km, 0))}</td>`,
      `<td><span class="badge" style="background:${statusColour(status)}">${escapeHtml(status)}</span>${issues ? ` <span class="issues">${escapeHtml(issues)}</span>` : ''}</td>`,
      `<td><svg class="spark" viewBox="0 0 ${sparkW} ${SPARK_H}" width="${sparkW}" height="${SPARK_H}" role="img" aria-label="scenario time shares"><line class="axis" x1="0" x2="${sparkW}" y1="${SPARK_H}" y2="${SPARK_H}"/>${spark.join('')}</svg></td>`,
      '</tr>',
    ].join('');
  });
  const head = [
    'Drive',
    'Vehicle',
    'Date',
    'Duration',
    'Distance (km)',
    'Mean speed (km/h)',
    'Scenarios',
    'per 100 km',
    'Quality',
    'Time share by scenario type',
  ]
    .map((h) => `<th>${escapeHtml(h)}</th>`)
    .join('');
  const table = `<div class="table-wrap"><table class="kpi"><thead><tr>${head}</tr></thead><tbody>${rows.join('\n')}</tbody></table></div>`;
  return figure({
    name: options.name,
    title: options.title,
    ...(options.caption ? { caption: options.caption } : {}),
    points,
    body: table,
    footer: legend(types.map((type) => ({ label: type, colour: scenarioColour(type) }))),
    wide: true,
  });
}
