import { spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { DEFAULT_OURS, type WorkloadName } from './benchOptions.js';
import type { CommandSpec, Measurement } from './measureCommand.js';

/** One run's input as a contender sees it. */
export interface RunInput {
  workload: WorkloadName;
  file: string;
  dbc: string;
  /** Buses the log carries (log2asc only converts the interfaces it is told about). */
  buses: string[];
  /** A fresh scratch folder for the run's output. */
  scratch: string;
  root: string;
}

/** A tool timed on a workload: ours or a peer a user would pick instead. */
export interface Contender {
  tool: string;
  role: 'ours' | 'peer';
  /** Peers slow enough to read only the `--peer-frames` prefix. */
  readsPrefix: boolean;
  /** Undefined when runnable; else how to install it. */
  missing(): string | undefined;
  command(input: RunInput): CommandSpec;
  /** Output the run produced, for its size: a folder or file inside `scratch`. */
  output(input: RunInput): string;
  /** Counts the tool reports about its own run (rows per table, signals decoded ...). */
  facts(run: Measurement): Record<string, number>;
}

/** Debian's interpreter: the one `apt-get install python3-can python3-canmatrix` equips. */
const DEBIAN_PYTHON = '/usr/bin/python3';

/** adlake's own CLI, from a template such as `node bin/adlake.js ingest {file} --dbc {dbc} --lake {lake}`. */
export function oursContender(template: string): Contender {
  // A stand-in command line (while `ingest` is being written) is labelled as such in every report.
  const tool = template === DEFAULT_OURS ? 'adlake ingest' : `ours: ${template.split(/\s+/, 2).join(' ')}`;
  return {
    tool,
    role: 'ours',
    readsPrefix: false,
    missing: () => undefined,
    command: (input) => {
      const words = template.split(/\s+/).filter((w) => w !== '');
      const args: string[] = [];
      for (const word of words) {
        if (word === '{dbc}' && input.workload === 'nmea') {
          // NMEA takes no DBC: drop the token and the option that introduced it.
          if (args.at(-1)?.startsWith('-')) args.pop();
          continue;
        }
        args.push(
          word
            .replaceAll('{file}', input.file)
            .replaceAll('{dbc}', input.dbc)
            .replaceAll('{lake}', join(input.scratch, 'lake')),
        );
      }
      const [command, ...rest] = args;
      return { command: command ?? 'true', args: rest, cwd: input.root };
    },
    output: (input) => join(input.scratch, 'lake'),
    facts: (run) => tableRows(run.stdout),
  };
}

/** `report.tables.<name>.rows` from the `--json` report; nothing when the output is not such a report. */
function tableRows(stdout: string): Record<string, number> {
  let report: unknown;
  try {
    report = JSON.parse(stdout);
  } catch {
    return {};
  }
  const tables = isRecord(report) && isRecord(report.tables) ? report.tables : {};
  const facts: Record<string, number> = {};
  for (const [name, table] of Object.entries(tables)) {
    if (isRecord(table) && typeof table.rows === 'number') facts[`${name} rows`] = table.rows;
  }
  return facts;
}

/** python-can's CanutilsLogReader + canmatrix decode to long-form CSV (`bench/peers/python_can_decode.py`). */
export const pythonCanContender: Contender = {
  tool: 'python-can + canmatrix',
  role: 'peer',
  readsPrefix: true,
  missing: () => {
    const probe = spawnSync(DEBIAN_PYTHON, ['-c', 'import can, canmatrix.formats'], { stdio: 'ignore' });
    return probe.status === 0 ? undefined : 'apt-get install -y python3-can python3-canmatrix';
  },
  command: (input) => ({
    command: DEBIAN_PYTHON,
    args: [
      join(input.root, 'bench/peers/python_can_decode.py'),
      input.file,
      input.dbc,
      join(input.scratch, 'out.csv'),
    ],
    cwd: input.root,
  }),
  output: (input) => join(input.scratch, 'out.csv'),
  facts: (run): Record<string, number> => {
    const last = run.stdout.trim().split('\n').at(-1) ?? '';
    try {
      const counts = JSON.parse(last) as unknown;
      if (
        isRecord(counts) &&
        typeof counts.signals === 'number' &&
        typeof counts.decoded_frames === 'number'
      ) {
        return { 'decoded frames': counts.decoded_frames, 'signal rows': counts.signals };
      }
    } catch {
      // not the summary line: report no facts
    }
    return {};
  },
};

/** can-utils `log2asc`: candump log to Vector ASC, C, no DBC (a lower bound on parsing cost). */
export const log2ascContender: Contender = {
  tool: 'can-utils log2asc',
  role: 'peer',
  readsPrefix: false,
  missing: () => (onPath('log2asc') ? undefined : 'apt-get install -y can-utils'),
  command: (input) => ({
    command: 'log2asc',
    args: ['-I', input.file, '-O', join(input.scratch, 'out.asc'), ...input.buses],
    cwd: input.root,
  }),
  output: (input) => join(input.scratch, 'out.asc'),
  facts: () => ({}),
};

/** gpsd's `gpsdecode`: NMEA on stdin to one JSON TPV/SKY report per fix on stdout. */
export const gpsdecodeContender: Contender = {
  tool: 'gpsd gpsdecode',
  role: 'peer',
  readsPrefix: false,
  missing: () =>
    onPath('gpsdecode')
      ? undefined
      : 'apt-get install -y gpsd-clients (Debian 12; the package is gpsd-tools from Debian 13)',
  command: (input) => ({
    command: 'gpsdecode',
    args: [],
    cwd: input.root,
    stdinFile: input.file,
    stdoutFile: join(input.scratch, 'out.json'),
  }),
  output: (input) => join(input.scratch, 'out.json'),
  facts: () => ({}),
};

function onPath(program: string): boolean {
  return (process.env.PATH ?? '').split(delimiter).some((dir) => {
    try {
      accessSync(join(dir, program), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
