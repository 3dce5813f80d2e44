import { parseArgs } from 'node:util';
import { AdlakeError, EXIT_CODES, UsageError, exitCodeFor } from '../core/errors.js';
import type { Command, CommandContext, OptionSpec, ParsedOptions } from './command.js';
import { commands } from './commands.js';
import { formatCommandHelp, formatMainHelp } from './help.js';
import { silentProgress, terminalProgress } from './progress.js';
import { VERSION } from './version.js';

export interface RunOptions {
  cwd?: string;
  env?: Record<string, string | undefined>;
  stdout?: (text: string) => void;
  stderr?: (text: string) => void;
  /** Whether stderr is an interactive terminal (progress bars are drawn only then). */
  isTTY?: boolean;
}

const GLOBAL_OPTIONS: Record<string, OptionSpec> = {
  json: { type: 'boolean', description: 'Print machine-readable JSON on stdout instead of text.' },
  help: { type: 'boolean', short: 'h', description: 'Show help for the command.' },
};

/**
 * The one top-level error boundary: parses argv, runs the command, maps error types to exit codes.
 * Returns the exit code instead of exiting, so tests can call it in-process.
 */
export async function runCli(argv: string[], options: RunOptions = {}): Promise<number> {
  const env = options.env ?? process.env;
  const stdout = options.stdout ?? ((text: string) => void process.stdout.write(text));
  const stderr = options.stderr ?? ((text: string) => void process.stderr.write(text));
  const json = argv.includes('--json');
  const ctx: CommandContext = {
    cwd: options.cwd ?? process.cwd(),
    env,
    json,
    stdout,
    stderr,
    progress: (label, total) =>
      (options.isTTY ?? process.stderr.isTTY) && !env.CI && !json
        ? terminalProgress(stderr, label, total)
        : silentProgress,
  };

  const [name, ...rest] = argv;
  try {
    if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
      const topic = name === 'help' ? rest[0] : undefined;
      const command = topic === undefined ? undefined : findCommand(topic);
      stdout(command ? formatCommandHelp(command, GLOBAL_OPTIONS) : formatMainHelp(commands));
      return name === undefined ? EXIT_CODES.USAGE : EXIT_CODES.OK;
    }
    if (name === '--version' || name === 'version') {
      stdout(json ? `${JSON.stringify({ version: VERSION })}\n` : `adlake ${VERSION}\n`);
      return EXIT_CODES.OK;
    }
    const command = findCommand(name);
    const spec = { ...GLOBAL_OPTIONS, ...command.options };
    const parsed = parseCommandArgs(command, spec, rest);
    if (parsed.options.help === true) {
      stdout(formatCommandHelp(command, GLOBAL_OPTIONS));
      return EXIT_CODES.OK;
    }
    const result = await command.run(ctx, parsed);
    stdout(json ? `${JSON.stringify(result.data, jsonReplacer, 2)}\n` : ensureNewline(result.text));
    return result.exitCode ?? EXIT_CODES.OK;
  } catch (error) {
    const code = exitCodeFor(error);
    const message = error instanceof Error ? error.message : String(error);
    if (json) {
      const kind =
        error instanceof AdlakeError ? error.code : code === EXIT_CODES.NOT_FOUND ? 'NOT_FOUND' : 'INTERNAL';
      const where = error instanceof AdlakeError ? error.where : undefined;
      stdout(`${JSON.stringify({ error: { code: kind, message, where } }, jsonReplacer, 2)}\n`);
    } else {
      stderr(`adlake: ${message}\n`);
      if (code === EXIT_CODES.INTERNAL && error instanceof Error && error.stack) stderr(`${error.stack}\n`);
      if (error instanceof UsageError) stderr(`Run 'adlake ${name ?? ''} --help' for usage.\n`);
    }
    return code;
  }
}

function findCommand(name: string): Command {
  const command = commands.find((c) => c.name === name);
  if (!command) {
    throw new UsageError(`unknown command '${name}'; commands: ${commands.map((c) => c.name).join(', ')}`);
  }
  return command;
}

function parseCommandArgs(
  command: Command,
  spec: Record<string, OptionSpec>,
  args: string[],
): { positionals: string[]; options: ParsedOptions } {
  const parseSpec: Record<string, { type: 'string' | 'boolean'; short?: string; multiple?: boolean }> = {};
  for (const [key, option] of Object.entries(spec)) {
    parseSpec[key] = {
      type: option.type,
      ...(option.short ? { short: option.short } : {}),
      ...(option.multiple ? { multiple: true } : {}),
    };
  }
  try {
    const { values, positionals } = parseArgs({
      args,
      options: parseSpec,
      allowPositionals: true,
      strict: true,
    });
    const options: ParsedOptions = {};
    for (const [key, value] of Object.entries(values)) {
      options[key] = Array.isArray(value) ? value.map(String) : value;
    }
    return { positionals, options };
  } catch (error) {
    throw new UsageError(
      `${command.name}: ${error instanceof Error ? error.message : String(error)}`,
      {},
      { cause: error },
    );
  }
}

function ensureNewline(text: string): string {
  return text.endsWith('\n') ? text : `${text}\n`;
}

/** JSON has no bigint: timestamps in results are emitted as strings of nanoseconds. */
export function jsonReplacer(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? value.toString() : value;
}
