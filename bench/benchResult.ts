import type { WorkloadName } from './benchOptions.js';

/** One tool timed on one input. Rates are per wall-clock second; MB are 10^6 bytes. */
export interface RunResult {
  tool: string;
  role: 'ours' | 'peer';
  status: 'ok' | 'failed' | 'not installed';
  /** Install hint or failure reason (exit code and the end of stderr). */
  note?: string;
  /** The file read, and whether it is the `--peer-frames` prefix of the workload's log. */
  inputPath: string;
  prefix: boolean;
  /** Frames (CAN) or sentences (NMEA) in the input. */
  records: number;
  inputBytes: number;
  seconds?: number;
  cpuSeconds?: number;
  peakRssBytes?: number;
  recordsPerSecond?: number;
  mbPerSecond?: number;
  /** Bytes the tool wrote (Parquet lake, CSV, ASC, JSON). */
  outputBytes?: number;
  /** Counts the tool reported (e.g. `can_frames rows`). */
  facts: Record<string, number>;
}

/** A target from the issue, judged on this run. */
export interface TargetCheck {
  target: string;
  verdict: 'pass' | 'fail' | 'unknown';
  detail: string;
}

export interface WorkloadResult {
  name: WorkloadName;
  title: string;
  /** `frames` or `sentences`. */
  unit: string;
  inputPath: string;
  inputBytes: number;
  records: number;
  /** Facts about the generated input (DBC frames, expected signal rows ...). */
  input: Record<string, number>;
  runs: RunResult[];
  targets: TargetCheck[];
}

export interface BenchResults {
  date: string;
  machine: {
    cpus: number;
    model: string;
    memoryGb: number;
    loadAverage: number[];
    node: string;
    gnuTime: boolean;
  };
  options: Record<string, unknown>;
  workloads: WorkloadResult[];
}
