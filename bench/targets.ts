import type { RunResult, TargetCheck, WorkloadResult } from './benchResult.js';

/** Peak RSS ceiling from the issue, whatever the input size. */
const RSS_LIMIT_BYTES = 512 * 1024 * 1024;
/** Mixed log: at least this many frames per second end to end. */
const MIXED_FRAMES_PER_SECOND = 1_000_000;
/** All-DBC log: at least this multiple of python-can + canmatrix. */
const DBC_SPEEDUP = 10;

/**
 * Judges the targets on one workload: speed (absolute or against a peer), completeness of the
 * tables (every frame kept, every DBC frame decoded) and peak RSS. A target whose run is missing or did
 * not report what is needed is `unknown`, never `pass`.
 */
export function checkTargets(workload: Omit<WorkloadResult, 'targets'>): TargetCheck[] {
  const ours = workload.runs.find((r) => r.role === 'ours' && r.status === 'ok');
  const peer = (tool: string): RunResult | undefined =>
    workload.runs.find((r) => r.tool === tool && r.status === 'ok');
  const checks: TargetCheck[] = [];
  switch (workload.name) {
    case 'can-mixed':
      checks.push(
        atLeast('≥ 1M frames/s end to end', ours?.recordsPerSecond, MIXED_FRAMES_PER_SECOND, 'frames/s'),
      );
      checks.push(...canCompleteness(workload, ours));
      break;
    case 'can-dbc': {
      const python = peer('python-can + canmatrix');
      const needed =
        python?.recordsPerSecond === undefined ? undefined : python.recordsPerSecond * DBC_SPEEDUP;
      checks.push(atLeast('≥ 10x python-can + canmatrix', ours?.recordsPerSecond, needed, 'frames/s'));
      checks.push(...canCompleteness(workload, ours));
      break;
    }
    case 'nmea':
      checks.push(
        atLeast(
          '≥ gpsdecode',
          ours?.recordsPerSecond,
          peer('gpsd gpsdecode')?.recordsPerSecond,
          'sentences/s',
        ),
      );
      break;
  }
  const rss = ours?.peakRssBytes;
  checks.push(
    rss === undefined
      ? {
          target: 'peak RSS < 512 MB',
          verdict: 'unknown',
          detail: ours ? 'not measured (apt-get install -y time)' : 'our run is missing',
        }
      : {
          target: 'peak RSS < 512 MB',
          verdict: rss < RSS_LIMIT_BYTES ? 'pass' : 'fail',
          detail: `${(rss / 2 ** 20).toFixed(0)} MiB`,
        },
  );
  return checks;
}

function canCompleteness(
  workload: Omit<WorkloadResult, 'targets'>,
  ours: RunResult | undefined,
): TargetCheck[] {
  const frames = ours?.facts['can_frames rows'];
  const signals = ours?.facts['can_signals rows'];
  const expectedSignals = workload.input['signal values'];
  return [
    {
      target: 'every frame in can_frames',
      verdict: frames === undefined ? 'unknown' : frames === workload.records ? 'pass' : 'fail',
      detail:
        frames === undefined ? 'no can_frames row count reported' : `${frames} of ${workload.records} rows`,
    },
    {
      target: 'every DBC frame decoded into can_signals',
      verdict:
        signals === undefined || expectedSignals === undefined
          ? 'unknown'
          : signals >= expectedSignals
            ? 'pass'
            : 'fail',
      detail:
        signals === undefined
          ? 'no can_signals row count reported'
          : `${signals} rows, ≥ ${expectedSignals ?? '?'} expected from the decodable DBC frames`,
    },
  ];
}

function atLeast(
  target: string,
  actual: number | undefined,
  needed: number | undefined,
  unit: string,
): TargetCheck {
  if (actual === undefined || needed === undefined) {
    return {
      target,
      verdict: 'unknown',
      detail: actual === undefined ? 'our run is missing' : 'peer run is missing',
    };
  }
  return {
    target,
    verdict: actual >= needed ? 'pass' : 'fail',
    detail: `${Math.round(actual).toLocaleString('en-US')} vs ${Math.round(needed).toLocaleString('en-US')} ${unit} needed`,
  };
}
