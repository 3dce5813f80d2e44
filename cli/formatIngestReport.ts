import type { IngestReport } from '../ingest/ingestReport.js';

/** The human summary of an ingest run: what came in, what landed where, what was rejected and why. */
export function formatIngestReport(report: IngestReport): string {
  const lines: string[] = [];
  const head =
    report.status === 'unchanged'
      ? 'Nothing new: every input is already in the lake.'
      : `Drive ${report.driveId ?? '-'} (vehicle ${report.vehicle}): ${report.status}`;
  lines.push(head);
  if (report.drive) {
    lines.push(
      `  ${report.drive.start} → ${report.drive.end}  ${report.drive.durationS.toFixed(1)} s, ${(report.drive.distanceM / 1000).toFixed(2)} km`,
    );
  }
  lines.push('Inputs:');
  for (const input of report.inputs) {
    const rows = input.records !== undefined ? `, ${input.records} records` : '';
    const note = input.message ? `: ${input.message}` : '';
    lines.push(
      `  ${input.status.padEnd(11)} ${input.format ?? '?'} ${input.uri} (${formatBytes(input.bytes)}${rows})${note}`,
    );
  }
  const tables = Object.entries(report.tables);
  if (tables.length > 0) {
    lines.push('Tables:');
    for (const [name, t] of tables) {
      lines.push(
        `  ${name.padEnd(12)} ${String(t.rows).padStart(10)} rows in ${t.files} file(s), ${formatBytes(t.bytes)}`,
      );
    }
  }
  if (report.can) {
    const c = report.can;
    lines.push(
      `CAN: ${c.frames} frames, ${c.decodedFrames} decoded into ${c.signals} signal values, ${c.undecodedFrames} on ${c.undecodedIds} id(s) no DBC defines` +
        (c.shortFrames ? `, ${c.shortFrames} shorter than their message` : ''),
    );
  }
  if (report.warnings.length > 0) {
    lines.push(`Warnings (${report.warnings.length}):`);
    for (const w of report.warnings.slice(0, 10)) lines.push(`  ${w}`);
    if (report.warnings.length > 10) lines.push(`  … ${report.warnings.length - 10} more with --json`);
  }
  if (report.topics && Object.keys(report.topics.messages).length > 0) {
    const t = report.topics;
    const messages = Object.values(t.messages).reduce((a, b) => a + b, 0);
    const into = Object.entries(t.rows)
      .filter(([, n]) => n > 0)
      .map(([table, n]) => `${table} ${n}`)
      .join(', ');
    lines.push(
      `Topics: ${messages} messages on ${Object.keys(t.messages).length} topic(s)${into ? ` → ${into}` : ''}`,
    );
  }
  lines.push(`Rows: ${report.rows.in} in, ${report.rows.out} out, ${report.rows.rejected} rejected`);
  for (const [reason, count] of Object.entries(report.rows.rejectedByReason))
    lines.push(`  ${reason}: ${count}`);
  for (const reject of report.rejects.slice(0, 10)) {
    const at =
      reject.line !== undefined ? `:${reject.line}` : reject.offset !== undefined ? `@${reject.offset}` : '';
    lines.push(`  ${reject.uri}${at} ${reject.reason}: ${reject.message}`);
  }
  if (report.rejects.length > 10) lines.push(`  … ${report.rejects.length - 10} more in the run record`);
  lines.push(`Run ${report.runId} recorded in ${report.lake} (${report.seconds.toFixed(2)} s)`);
  return lines.join('\n');
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 ** 2) return `${(bytes / 1024).toFixed(1)} KiB`;
  if (bytes < 1024 ** 3) return `${(bytes / 1024 ** 2).toFixed(1)} MiB`;
  return `${(bytes / 1024 ** 3).toFixed(2)} GiB`;
}
