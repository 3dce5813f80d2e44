import type { BenchResults, WorkloadResult } from './benchResult.js';

/** The human report: per workload a table of runs, the facts the tools reported, and the targets. */
export function formatResults(results: BenchResults): string {
  const m = results.machine;
  const lines = [
    `machine: ${m.cpus} x ${m.model}, ${m.memoryGb} GB, load average ${m.loadAverage.map((l) => l.toFixed(2)).join(' ')}, node ${m.node}`,
  ];
  if (!m.gnuTime) lines.push('peak RSS and CPU not measured: apt-get install -y time');
  for (const workload of results.workloads) lines.push('', ...formatWorkload(workload));
  return `${lines.join('\n')}\n`;
}

function formatWorkload(w: WorkloadResult): string[] {
  const inputFacts = Object.entries(w.input)
    .map(([k, v]) => `${k} ${int(v)}`)
    .join(', ');
  const ours = w.runs.find((r) => r.role === 'ours' && r.status === 'ok');
  const header = [
    'tool',
    'input',
    w.unit,
    's',
    `${w.unit}/s`,
    'MB/s',
    'cpu s',
    'peak RSS MB',
    'out MB',
    'ours/theirs',
  ];
  const rows: string[][] = [];
  const notes: string[] = [];
  for (const run of w.runs) {
    const input = run.prefix ? `prefix ${compact(run.records)}` : 'full';
    if (run.status !== 'ok') {
      rows.push([run.tool, input, int(run.records), '-', '-', '-', '-', '-', '-', '-']);
      notes.push(`${run.tool}: ${run.status}${run.note ? `: ${run.note}` : ''}`);
      continue;
    }
    const ratio =
      run.role === 'ours' || ours?.recordsPerSecond === undefined || !run.recordsPerSecond
        ? '-'
        : `${(ours.recordsPerSecond / run.recordsPerSecond).toFixed(1)}x`;
    rows.push([
      run.tool,
      input,
      int(run.records),
      fixed(run.seconds, 2),
      int(run.recordsPerSecond),
      fixed(run.mbPerSecond, 1),
      fixed(run.cpuSeconds, 2),
      fixed(run.peakRssBytes === undefined ? undefined : run.peakRssBytes / 2 ** 20, 0),
      fixed(run.outputBytes === undefined ? undefined : run.outputBytes / 1e6, 1),
      ratio,
    ]);
    const facts = Object.entries(run.facts).map(([k, v]) => `${k} ${int(v)}`);
    if (facts.length > 0) notes.push(`${run.tool}: ${facts.join(', ')}`);
  }
  const prefixed = w.runs.some((r) => r.prefix);
  return [
    `== ${w.title}: ${int(w.records)} ${w.unit}, ${(w.inputBytes / 1e6).toFixed(1)} MB (${w.inputPath}) ==`,
    ...(inputFacts ? [`input: ${inputFacts}`] : []),
    ...table([header, ...rows]),
    ...(prefixed
      ? ['(prefix: the tool read only the first lines of the same log; rates compare per second)']
      : []),
    ...notes,
    'targets:',
    ...w.targets.map((t) => `  ${t.verdict.toUpperCase().padEnd(7)} ${t.target}: ${t.detail}`),
  ];
}

/** Left-aligns the first two columns, right-aligns the numbers. */
function table(rows: string[][]): string[] {
  const widths = rows[0]?.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length))) ?? [];
  return rows.map((r) =>
    r.map((cell, c) => (c < 2 ? cell.padEnd(widths[c] ?? 0) : cell.padStart(widths[c] ?? 0))).join('  '),
  );
}

function int(n: number | undefined): string {
  return n === undefined ? '-' : Math.round(n).toLocaleString('en-US');
}

function fixed(n: number | undefined, digits: number): string {
  return n === undefined ? '-' : n.toFixed(digits);
}

function compact(n: number): string {
  return n % 1e6 === 0 ? `${n / 1e6}M` : n % 1e3 === 0 ? `${n / 1e3}k` : String(n);
}
