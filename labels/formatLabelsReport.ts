/**
 * The human summary of `adlake labels import`: files read, rows written, what was skipped and why.
 */
import { formatProvenance } from '../core/errors.js';
import type { LabelsImportReport } from './importLabels.js';

/** Skipped entries listed one by one; the rest are counted by reason only. */
const MAX_LISTED = 20;

export function formatLabelsReport(report: LabelsImportReport): string {
  const lines: string[] = [`Ground Truth labels from ${report.source}`];
  const { listed, hidden, ignored } = report.files;
  lines.push(
    `  ${listed} file(s) listed` +
      (hidden > 0 ? `, ${hidden} hidden (._* AppleDouble, dot files) skipped` : '') +
      (ignored > 0 ? `, ${ignored} not labels` : ''),
  );
  for (const job of report.jobs) {
    const f = job.files;
    lines.push(`Job ${job.job} (name from ${job.jobFrom}):`);
    lines.push(
      `  read ${f.workerResponses} worker-response file(s), ${f.manifests} manifest(s), ${f.seqLabels} SeqLabel file(s) (${job.frames} frames)`,
    );
    for (const [table, rows] of Object.entries(job.rows)) {
      if (rows > 0) lines.push(`  ${table.padEnd(20)} ${String(rows).padStart(8)} rows`);
    }
    if (job.removed.length > 0)
      lines.push(`  replaced an earlier import (${job.removed.length} stale part(s) deleted)`);
    if (job.skipped.length > 0) {
      const byReason = Object.entries(job.skippedByReason)
        .map(([reason, n]) => `${reason} ${n}`)
        .join(', ');
      lines.push(`  skipped ${job.skipped.length}: ${byReason}`);
      for (const reject of job.skipped.slice(0, MAX_LISTED)) {
        lines.push(`    ${formatProvenance(reject)}: ${reject.reason}: ${reject.message}`);
      }
      if (job.skipped.length > MAX_LISTED)
        lines.push(`    … ${job.skipped.length - MAX_LISTED} more (see --json)`);
    }
  }
  for (const entry of report.ignored.slice(0, MAX_LISTED))
    lines.push(`  not labels: ${entry.uri} (${entry.reason})`);
  if (report.ignored.length > MAX_LISTED)
    lines.push(`  … ${report.ignored.length - MAX_LISTED} more not labels`);
  return lines.join('\n');
}
