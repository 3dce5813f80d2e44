import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, open, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** GNU time reports the child's peak RSS (wait4 rusage), which Node cannot read for a child itself. */
export const GNU_TIME = '/usr/bin/time';

export interface CommandSpec {
  command: string;
  args: string[];
  cwd: string;
  /** File fed to the child's stdin (for filters such as gpsdecode); else stdin is empty. */
  stdinFile?: string;
  /** File the child's stdout is written to; else stdout is captured (up to `captureLimit`). */
  stdoutFile?: string;
  /** The child's environment; else this process's. */
  env?: NodeJS.ProcessEnv;
}

export interface Measurement {
  exitCode: number;
  /** Wall-clock seconds, from spawn to exit (measured here: finer than GNU time's 10 ms). */
  seconds: number;
  /** User + system CPU seconds of the child and its descendants, if GNU time is installed. */
  cpuSeconds?: number;
  /** Peak resident set size in bytes of the largest process in the tree, if GNU time is installed. */
  peakRssBytes?: number;
  /** Captured stdout (when not redirected to a file). */
  stdout: string;
  /** The end of stderr, for failure reports. */
  stderrTail: string;
}

const CAPTURE_LIMIT = 16 << 20;
const STDERR_TAIL = 4000;

/**
 * Runs a command to completion under GNU time (when present) and measures it. Never rejects on a
 * failing or missing command: the exit code and stderr say what happened, so one broken tool cannot stop
 * the rest of the benchmark.
 */
export async function measureCommand(spec: CommandSpec): Promise<Measurement> {
  const scratch = await mkdtemp(join(tmpdir(), 'adlake-bench-'));
  const timeFile = join(scratch, 'time.txt');
  const timed = existsSync(GNU_TIME);
  const [command, args] = timed
    ? [GNU_TIME, ['-f', '%U %S %M', '-o', timeFile, spec.command, ...spec.args]]
    : [spec.command, spec.args];
  const stdin = spec.stdinFile === undefined ? undefined : await open(spec.stdinFile, 'r');
  const stdoutHandle = spec.stdoutFile === undefined ? undefined : await open(spec.stdoutFile, 'w');
  try {
    const started = process.hrtime.bigint();
    const child = spawn(command, args, {
      cwd: spec.cwd,
      ...(spec.env ? { env: spec.env } : {}),
      stdio: [stdin?.fd ?? 'ignore', stdoutHandle?.fd ?? 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout?.setEncoding('utf8').on('data', (text: string) => {
      if (stdout.length < CAPTURE_LIMIT) stdout += text;
    });
    child.stderr?.setEncoding('utf8').on('data', (text: string) => {
      stderr = (stderr + text).slice(-STDERR_TAIL);
    });
    const exitCode = await new Promise<number>((resolve) => {
      child.on('error', (error) => {
        stderr += `${error.message}\n`;
        resolve(127);
      });
      child.on('close', (code, signal) => resolve(code ?? (signal ? 128 : 1)));
    });
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const measurement: Measurement = { exitCode, seconds, stdout, stderrTail: stderr };
    if (timed) Object.assign(measurement, parseGnuTime(await readFile(timeFile, 'utf8').catch(() => '')));
    return measurement;
  } finally {
    await stdin?.close();
    await stdoutHandle?.close();
    await rm(scratch, { recursive: true, force: true });
  }
}

/** GNU time `-f '%U %S %M'` writes one line (after a "Command exited with non-zero status" line on failure). */
function parseGnuTime(text: string): Pick<Measurement, 'cpuSeconds' | 'peakRssBytes'> {
  const last = text.trim().split('\n').at(-1) ?? '';
  const [user, system, rssKb] = last.split(' ').map(Number);
  if (
    user === undefined ||
    system === undefined ||
    rssKb === undefined ||
    [user, system, rssKb].some(Number.isNaN)
  ) {
    return {};
  }
  return { cpuSeconds: user + system, peakRssBytes: rssKb * 1024 };
}
