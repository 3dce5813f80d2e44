import { mkdir, rename, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { Command } from '../command.js';
import { lakeOption, openLake } from '../lakeOption.js';

export const reportCommand: Command = {
  name: 'report',
  summary: 'Write an HTML dashboard of the lake: scenarios, coverage, drive KPIs, quality, labels',
  usage: 'adlake report [--out <report.html>] [--lake <dir>]',
  description: [
    'Writes one self-contained HTML file (inline CSS and SVG charts, no script, nothing loaded from the',
    'network) from the views in queries/analytics, queries/quality and queries/labels, run on the embedded',
    'engine: scenarios per type and per ISO week, the coverage matrix (speed band x weather x light, share of',
    'the driving time and scenarios found), a map of the drive tracks with the scenarios coloured by type,',
    'the drive KPIs, drives by quality status per week and the signal quality table; and, when the lake has',
    'Ground Truth labels (adlake labels import), annotations per worker, label and day and the histogram of',
    'workers by answers. Charts without data say which step fills them. The same lake gives the same file.',
  ].join('\n'),
  options: {
    out: {
      type: 'string',
      short: 'o',
      valueName: 'file',
      description: 'Where the HTML file goes',
      default: 'report.html',
    },
    lake: lakeOption,
  },
  examples: ['adlake report', 'adlake report --out /tmp/fleet.html --lake s3://bucket/lake --json'],
  async run(ctx, { options }) {
    const store = await openLake(ctx, options);
    const out = resolve(ctx.cwd, typeof options.out === 'string' ? options.out : 'report.html');
    // Loaded on use: DuckDB is a large import that `adlake --help` must not pay for.
    const { buildReport } = await import('../../report/buildReport.js');
    const report = await buildReport({ store });
    await mkdir(dirname(out), { recursive: true });
    // Written beside and renamed, so a browser never shows half a file.
    const temp = `${out}.partial`;
    await writeFile(temp, report.html);
    await rename(temp, out);
    const { summary, labels } = report.data;
    const lines = [
      `Report written to ${out} (${Math.round(report.html.length / 1024)} KiB)`,
      `  ${summary.drives} drive(s), ${summary.vehicles} vehicle(s), ${summary.scenarios} scenario(s)` +
        (labels
          ? `, ${labels.answers} label answer(s) from ${labels.jobs.length} job(s)`
          : ', no label data'),
      `  charts: ${report.charts.map((c) => `${c.name} (${c.points})`).join(', ') || 'none'}`,
      ...(report.empty.length > 0 ? [`  without data: ${report.empty.join(', ')}`] : []),
    ];
    return {
      data: {
        lake: store.uri,
        out,
        bytes: Buffer.byteLength(report.html),
        charts: report.charts,
        empty: report.empty,
        summary,
        labels: labels ? { jobs: labels.jobs, answers: labels.answers, workers: labels.workers } : null,
      },
      text: lines.join('\n'),
    };
  },
};
