import type { Progress } from './progress.js';

/** What every command receives: where it runs and how it talks. Injectable for tests. */
export interface CommandContext {
  cwd: string;
  env: Record<string, string | undefined>;
  /** Human output goes here unless `--json` is set. */
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  json: boolean;
  /** A progress reporter: a bar on a TTY, silent in CI or with `--json`. */
  progress: (label: string, total?: number) => Progress;
}

export interface OptionSpec {
  type: 'string' | 'boolean';
  short?: string;
  multiple?: boolean;
  description: string;
  /** Shown in help; the command applies it. */
  default?: string;
  valueName?: string;
}

export type ParsedOptions = Record<string, string | boolean | string[] | undefined>;

/** A command is a typed function plus the text that documents it. The result is printed or emitted as JSON. */
export interface Command {
  name: string;
  summary: string;
  usage: string;
  description?: string;
  options: Record<string, OptionSpec>;
  examples?: string[];
  run(ctx: CommandContext, args: { positionals: string[]; options: ParsedOptions }): Promise<CommandResult>;
}

export interface CommandResult {
  /** The machine-readable result (printed as JSON with `--json`). */
  data: unknown;
  /** The human summary (printed otherwise). */
  text: string;
  /** Non-zero to signal partial failure (e.g. some inputs quarantined). @default 0 */
  exitCode?: number;
}
