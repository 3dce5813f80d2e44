import { resolve } from 'node:path';
import type { Command } from '../command.js';
import { allDrivesOption, readJsonFile, selectDrives } from '../driveSelection.js';
import { catalogOption, registerOutputs } from '../catalogOption.js';
import { lakeOption, openLake } from '../lakeOption.js';
import type { DetectReport } from '../../transforms/detectDrive.js';

export const detectCommand: Command = {
  name: 'detect',
  summary: 'Detect driving scenarios in transformed drives into the scenarios table',
  usage: 'adlake detect <drive id…|--all> [--config <file>] [--lake <dir>]',
  description: [
    "Runs the scenario detectors over each drive's timeseries (run `adlake transform` first): high_velocity,",
    'hard_braking, hard_acceleration, left_turn, right_turn, u_turn, lane_change, stop, stop_and_go,',
    'standstill, reversing, night_driving, adverse_weather, and the object scenarios when objects are known.',
    'Each scenario gets an id, times, metrics, positions and bounding box, weather, light, tags and a one-line',
    'description. Thresholds come from a JSON config over documented defaults (docs/scenarios.md). Detectors',
    "whose signals a drive lacks are skipped and listed. Re-running replaces the drive's scenarios.",
  ].join('\n'),
  options: {
    all: allDrivesOption,
    config: {
      type: 'string',
      valueName: 'file',
      description: 'Detector thresholds (JSON, see docs/scenarios.md)',
    },
    lake: lakeOption,
    catalog: catalogOption,
  },
  examples: ['adlake detect --all', 'adlake detect 4af0965d --config thresholds.json --json'],
  async run(ctx, { positionals, options }) {
    const store = await openLake(ctx, options);
    const drives = await selectDrives(store, 'detect', positionals, options);
    const { parseDetectorConfig } = await import('../../transforms/scenarios/detectorConfig.js');
    const config =
      typeof options.config === 'string'
        ? parseDetectorConfig(await readJsonFile(resolve(ctx.cwd, options.config)), options.config)
        : undefined;
    const { detectDrive } = await import('../../transforms/detectDrive.js');
    const progress = ctx.progress('detect', drives.length);
    const reports: DetectReport[] = [];
    for (const [i, drive] of drives.entries()) {
      reports.push(await detectDrive(store, { driveId: drive.driveId, ...(config ? { config } : {}) }));
      progress.update(i + 1, drive.driveId);
    }
    progress.done(`${drives.length} drive(s)`);
    const catalog = await registerOutputs(
      ctx,
      options,
      store,
      reports.flatMap((r) => r.files),
    );
    return {
      data: {
        lake: store.uri,
        catalog,
        drives: reports.map(detectSummary),
      },
      text: reports.map(formatDetectReport).join('\n\n'),
    };
  },
};

/** A drive's detect report as `--json` gives it: file count, nanosecond times as strings. */
export function detectSummary({ files, scenarios, ...rest }: DetectReport): Record<string, unknown> {
  return {
    ...rest,
    files: files.length,
    scenarios: scenarios.map((s) => ({ ...s, start_ns: s.start_ns.toString(), end_ns: s.end_ns.toString() })),
  };
}

export function formatDetectReport(r: DetectReport): string {
  const time = (ns: bigint): string => new Date(Number(ns / 1_000_000n)).toISOString().slice(11, 19);
  return [
    `Drive ${r.driveId}: ${r.scenarios.length} scenario(s) in ${r.ticks.toLocaleString('en')} ticks`,
    ...(r.objects.from === 'topics'
      ? [`  objects: ${r.objects.tracks} track(s) from ${r.objects.topics.map((t) => t.table).join(', ')}`]
      : []),
    ...r.scenarios.map(
      (s) => `  ${s.id.slice(0, 12)}  ${time(s.start_ns)}  ${s.type.padEnd(17)} ${s.description}`,
    ),
    ...(r.skipped.length > 0
      ? [`  skipped: ${r.skipped.map((s) => `${s.type} (${s.reason})`).join('; ')}`]
      : []),
  ].join('\n');
}
