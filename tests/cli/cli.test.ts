import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../cli/run.js';
import { commands } from '../../cli/commands.js';
import { terminalProgress } from '../../cli/progress.js';

interface Captured {
  code: number;
  out: string;
  err: string;
}

async function cli(
  argv: string[],
  cwd: string,
  options: { isTTY?: boolean; env?: Record<string, string> } = {},
): Promise<Captured> {
  let out = '';
  let err = '';
  const code = await runCli(argv, {
    cwd,
    env: options.env ?? {},
    isTTY: options.isTTY ?? false,
    stdout: (t) => void (out += t),
    stderr: (t) => void (err += t),
  });
  return { code, out, err };
}

describe('adlake CLI', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'adlake-cli-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('documents every command with --help, and lists them all', async () => {
    const main = await cli(['--help'], dir);
    expect(main.code).toBe(0);
    for (const command of commands) {
      expect(main.out).toContain(command.name);
      const help = await cli([command.name, '--help'], dir);
      expect(help.code).toBe(0);
      expect(help.out).toContain(`Usage: ${command.usage}`);
      for (const option of Object.keys(command.options)) expect(help.out).toContain(`--${option}`);
      expect(help.out).toContain('--json');
    }
  });

  it('maps error types to distinct exit codes', async () => {
    const unknown = await cli(['frobnicate'], dir);
    expect(unknown.code).toBe(64);
    expect(unknown.err).toContain("unknown command 'frobnicate'");
    const badOption = await cli(['ingest', '--nope', 'x'], dir);
    expect(badOption.code).toBe(64);
    const missing = await cli(['ingest', join(dir, 'no-such-folder'), '--lake', join(dir, 'lake')], dir);
    expect(missing.code).toBe(66);
    expect(missing.err).toContain('no-such-folder');
    const noArgs = await cli(['ingest'], dir);
    expect(noArgs.code).toBe(64);
  });

  it('emits errors as JSON with --json', async () => {
    const missing = await cli(['ingest', 'nowhere', '--json', '--lake', join(dir, 'lake')], dir);
    expect(missing.code).toBe(66);
    const parsed = JSON.parse(missing.out) as { error: { code: string; message: string } };
    expect(parsed.error.code).toBe('NOT_FOUND');
    expect(parsed.error.message).toContain('nowhere');
  });

  it('runs the demo end to end and prints a machine-readable report with --json', async () => {
    const result = await cli(['demo', '--seed', '2', '--out', 'demo', '--lake', 'lake', '--json'], dir);
    expect(result.err).toBe('');
    expect(result.code).toBe(0);
    const data = JSON.parse(result.out) as {
      generated: { maneuvers: { type: string }[] };
      ingest: { status: string; tables: Record<string, { rows: number }>; can: { undecodedFrames: number } };
    };
    expect(data.ingest.status).toBe('ingested');
    expect(data.ingest.tables.can_frames?.rows).toBeGreaterThan(50_000);
    expect(data.ingest.tables.can_signals?.rows).toBeGreaterThan(100_000);
    expect(data.ingest.tables.gps?.rows).toBeGreaterThan(1000);
    expect(data.ingest.tables.drives?.rows).toBe(1);
    expect(data.ingest.can.undecodedFrames).toBeGreaterThan(0);
    expect(data.generated.maneuvers.length).toBeGreaterThanOrEqual(7);
    expect(await readdir(join(dir, 'lake', 'tables'))).toEqual([
      'can_frames',
      'can_signals',
      'drives',
      'gps',
    ]);

    const again = await cli(['ingest', 'demo/drive', '--lake', 'lake'], dir);
    expect(again.code).toBe(0);
    expect(again.out).toContain('Nothing new');
  });

  it('draws progress only on a terminal outside CI', async () => {
    const tty = await cli(['demo', '--seed', '3', '--out', 'demo3', '--lake', 'lake3'], dir, { isTTY: true });
    expect(tty.err).toContain('ingest');
    const ci = await cli(['demo', '--seed', '3', '--out', 'demo4', '--lake', 'lake4'], dir, {
      isTTY: true,
      env: { CI: 'true' },
    });
    expect(ci.err).toBe('');
  });

  it('renders a bar with the share done', () => {
    let text = '';
    let now = 0;
    const bar = terminalProgress(
      (t) => void (text += t),
      'ingest',
      200,
      () => now,
    );
    now = 500;
    bar.update(50, '1,000 frames');
    expect(text).toContain(' 25%');
    expect(text).toContain('1,000 frames');
    bar.done('finished');
    expect(text).toContain('100%');
    expect(text.endsWith('\n')).toBe(true);
  });
});

describe('README', () => {
  it('documents every command and option', async () => {
    const { readFile } = await import('node:fs/promises');
    const readme = await readFile('README.md', 'utf8');
    expect(readme).toContain('npm ci && npm start');
    expect(readme).toContain('npm ci && npm test');
    for (const command of commands) {
      expect(readme).toContain(`### \`adlake ${command.name}`);
      for (const option of Object.keys(command.options)) expect(readme).toContain(`--${option}`);
    }
  });
});
