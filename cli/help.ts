import type { Command, OptionSpec } from './command.js';

export function formatMainHelp(commands: readonly Command[]): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    'adlake: drive recordings to a searchable data lake',
    '',
    'Usage: adlake <command> [options]',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    "Run 'adlake <command> --help' for a command's options. Every command takes --json.",
    'Exit codes: 0 ok, 64 usage error, 65 bad input, 66 not found, 70 internal error.',
    '',
  ].join('\n');
}

export function formatCommandHelp(command: Command, globals: Record<string, OptionSpec>): string {
  const lines = [`Usage: ${command.usage}`, '', command.summary];
  if (command.description) lines.push('', command.description);
  lines.push('', 'Options:');
  const all = { ...command.options, ...globals };
  const labels = Object.entries(all).map(([name, spec]) => {
    const short = spec.short ? `-${spec.short}, ` : '    ';
    const value = spec.type === 'string' ? ` <${spec.valueName ?? name}>` : '';
    return [`  ${short}--${name}${value}`, spec] as const;
  });
  const width = Math.max(...labels.map(([label]) => label.length));
  for (const [label, spec] of labels) {
    const extra = [spec.multiple ? 'repeatable' : '', spec.default ? `default: ${spec.default}` : '']
      .filter(Boolean)
      .join('; ');
    lines.push(`${label.padEnd(width)}  ${spec.description}${extra ? ` (${extra})` : ''}`);
  }
  if (command.examples?.length) lines.push('', 'Examples:', ...command.examples.map((e) => `  ${e}`));
  lines.push('');
  return lines.join('\n');
}
