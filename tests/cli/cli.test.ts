import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
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
      ingest: {
        status: string;
        driveId: string;
        tables: Record<string, { rows: number }>;
        can: { undecodedFrames: number };
      };
      transform: { quality: { status: string }; weather: { status: string }; sync: { ticks: number } };
      detect: { scenarios: { id: string; type: string }[] };
      groundTruthScore: { type: string; tp: number; fp: number; fn: number }[];
      catalog: { tables: Record<string, { added: number }> };
    };
    expect(data.ingest.status).toBe('ingested');
    expect(data.ingest.tables.can_frames?.rows).toBeGreaterThan(50_000);
    expect(data.ingest.tables.can_signals?.rows).toBeGreaterThan(100_000);
    expect(data.ingest.tables.gps?.rows).toBeGreaterThan(1000);
    expect(data.ingest.tables.drives?.rows).toBe(1);
    expect(data.ingest.can.undecodedFrames).toBeGreaterThan(0);
    expect(data.generated.maneuvers.length).toBeGreaterThanOrEqual(7);
    // The rest of the pipeline ran on the same drive and found every labelled maneuver.
    expect(data.transform.quality.status).toBe('pass');
    expect(data.transform.weather.status).toBe('matched');
    expect(data.transform.sync.ticks).toBeGreaterThan(1000);
    for (const score of data.groundTruthScore) {
      expect(score.fn, score.type).toBe(0);
      expect(score.fp, score.type).toBe(0);
    }
    expect(Object.keys(data.catalog.tables).sort()).toEqual(
      ['can_frames', 'can_signals', 'drives', 'gps', 'quality', 'scenarios', 'timeseries', 'weather'].sort(),
    );
    expect(await readdir(join(dir, 'lake', 'tables'))).toEqual([
      'can_frames',
      'can_signals',
      'drives',
      'gps',
      'quality',
      'scenarios',
      'timeseries',
      'weather',
    ]);

    const again = await cli(['ingest', 'demo/drive', '--lake', 'lake'], dir);
    expect(again.code).toBe(0);
    expect(again.out).toContain('Nothing new');

    // Re-running the steps replaces the drive's rows: same counts, same scenario ids.
    const count = async (table: string): Promise<number> => {
      const out = await cli(['sql', `SELECT count(*) AS n FROM ${table}`, '--lake', 'lake', '--json'], dir);
      expect(out.code, out.err).toBe(0);
      return Number((JSON.parse(out.out) as { n: number }[])[0]?.n);
    };
    const before = { ts: await count('timeseries'), sc: await count('scenarios'), q: await count('quality') };
    const prefix = data.ingest.driveId.slice(0, 8);
    const transform = await cli(
      ['transform', prefix, '--lake', 'lake', '--weather', 'demo/weather', '--json'],
      dir,
    );
    expect(transform.code, transform.err).toBe(0);
    const detect = await cli(['detect', '--all', '--lake', 'lake', '--json'], dir);
    expect(detect.code, detect.err).toBe(0);
    const ids = (
      JSON.parse(detect.out) as { drives: { scenarios: { id: string }[] }[] }
    ).drives[0]?.scenarios.map((s) => s.id);
    expect(ids).toEqual(data.detect.scenarios.map((s) => s.id));
    expect({
      ts: await count('timeseries'),
      sc: await count('scenarios'),
      q: await count('quality'),
    }).toEqual(before);
    expect(before.sc).toBe(data.detect.scenarios.length);

    // The shipped analytics views are there without --views.
    const kpis = await cli(
      ['sql', 'SELECT drive_id, scenarios FROM drive_kpis', '--lake', 'lake', '--json'],
      dir,
    );
    expect(kpis.code, kpis.err).toBe(0);
    expect(JSON.parse(kpis.out)).toEqual([{ drive_id: data.ingest.driveId, scenarios: before.sc }]);

    // Export the hard braking as OpenSCENARIO.
    const braking = data.detect.scenarios.find((s) => s.type === 'hard_braking');
    expect(braking).toBeDefined();
    const exported = await cli(
      [
        'export',
        'openscenario',
        braking?.id.slice(0, 10) ?? '',
        '--lake',
        'lake',
        '--out',
        'brake.xosc',
        '--json',
      ],
      dir,
    );
    expect(exported.code, exported.err).toBe(0);
    const xosc = await readFile(join(dir, 'brake.xosc'), 'utf8');
    expect(xosc).toContain('<OpenSCENARIO');
    expect(xosc).toContain('FollowTrajectoryAction');
  });

  it('names the key of a bad transform config, and the drive it cannot find', async () => {
    await writeFile(join(dir, 'bad.json'), JSON.stringify({ weather: { radiusKm: 'far' }, colour: 1 }));
    const bad = await cli(['transform', '--all', '--lake', 'lake', '--config', 'bad.json'], dir);
    expect(bad.code).toBe(64);
    expect(bad.err).toContain('weather.radiusKm');
    expect(bad.err).toContain('colour: unknown key');
    const missing = await cli(['detect', 'ffffffffffff', '--lake', 'lake'], dir);
    expect(missing.code).toBe(66);
    expect(missing.err).toContain("no drive 'ffffffffffff'");
    const none = await cli(['export', 'openscenario', 'zzzzzzzz', '--lake', 'lake'], dir);
    expect(none.code).toBe(66);
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
