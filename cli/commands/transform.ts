import { resolve } from 'node:path';
import { UsageError } from '../../core/errors.js';
import type { Command, CommandContext, ParsedOptions } from '../command.js';
import { allDrivesOption, readJsonFile, selectDrives } from '../driveSelection.js';
import { catalogOption, registerOutputs } from '../catalogOption.js';
import { lakeOption, openLake, s3ClientConfig } from '../lakeOption.js';
import type { ObjectStore } from '../../catalog/objectStore.js';
import type { DetectReport } from '../../transforms/detectDrive.js';
import type { TransformReport } from '../../transforms/transformDrive.js';
import type { WeatherProvider } from '../../transforms/weather/weatherProvider.js';

export const transformCommand: Command = {
  name: 'transform',
  summary: 'Synchronize a drive into the timeseries table, judge its quality, add weather and sun',
  usage:
    'adlake transform <drive id…|--all> [--weather <dir|s3://prefix>] [--open-meteo] [--hz <n>] [--config <file>] [--detect] [--lake <dir>]',
  description: [
    'Reads each drive from the lake and writes one synchronized row per tick to `timeseries` (speed,',
    'accelerations, yaw rate, heading, steering, pedals, gear, turn signal, position, sun elevation and light,',
    'observed weather), per-signal verdicts to `quality` (gaps, rate drift, duplicate or backward timestamps,',
    'epoch, GPS fix/HDOP/jumps, decode errors, missing signals) and the matched observations to `weather`; the',
    "drive's row gets its status (pass / warn / fail), issue codes and a weather summary. Signals are found by",
    'mappings (defaults for the demo vehicle, the comma2k19 Toyota and ROS topics; override them with',
    '--config). A constant GPS-vs-log clock offset is estimated and corrected. Re-running replaces the',
    "drive's rows. Weather comes from observation files (NOAA ISD layout with isd-history.csv, METAR files",
    'under metar/) in a folder or S3 prefix, or from the Open-Meteo archive (cached in the lake).',
    'With --detect, scenario detection (as `adlake detect` with its default thresholds) runs on each drive',
    'right after, from the timeline in memory rather than read back from the lake.',
  ].join('\n'),
  options: {
    all: allDrivesOption,
    weather: {
      type: 'string',
      valueName: 'dir',
      description: 'Weather observation files: a folder or s3://bucket/prefix laid out like NOAA ISD',
    },
    'open-meteo': {
      type: 'boolean',
      description: 'Weather from the Open-Meteo historical API (responses cached under the lake)',
    },
    hz: { type: 'string', valueName: 'n', description: 'Ticks per second of the timeline', default: '10' },
    detect: {
      type: 'boolean',
      description:
        'Also detect scenarios (default thresholds) from the fresh timeline, as `adlake detect` would',
    },
    config: {
      type: 'string',
      valueName: 'file',
      description: 'JSON config: {"sync":…, "quality":…, "weather":…, "expectedSignals":[…]}',
    },
    lake: lakeOption,
    catalog: catalogOption,
  },
  examples: [
    'adlake transform --all',
    'adlake transform 4af0965d --weather ./weather --hz 100',
    'adlake transform --all --open-meteo --json',
  ],
  async run(ctx, { positionals, options }) {
    const store = await openLake(ctx, options);
    const drives = await selectDrives(store, 'transform', positionals, options);
    const { parseTransformConfig } = await import('../../transforms/transformConfig.js');
    const config =
      typeof options.config === 'string'
        ? parseTransformConfig(await readJsonFile(resolve(ctx.cwd, options.config)), options.config)
        : {};
    if (options.hz !== undefined) {
      const hz = Number(options.hz);
      if (!Number.isFinite(hz) || hz <= 0 || hz > 1000)
        throw new UsageError(`transform: --hz must be a number in (0, 1000], got '${String(options.hz)}'`);
      config.sync = { signals: {}, policies: {}, ...config.sync, hz };
    }
    const weather = await weatherProvider(ctx, options, store);
    const { transformDriveWithTimeline } = await import('../../transforms/transformDrive.js');
    const detect = options.detect === true ? await import('./detect.js') : undefined;
    const { detectDrive } = detect
      ? await import('../../transforms/detectDrive.js')
      : { detectDrive: undefined };
    const progress = ctx.progress('transform', drives.length);
    const reports: TransformReport[] = [];
    const detected: DetectReport[] = [];
    for (const [i, drive] of drives.entries()) {
      const { report, timeline } = await transformDriveWithTimeline(store, {
        driveId: drive.driveId,
        config,
        ...(weather ? { weather } : {}),
      });
      reports.push(report);
      if (detectDrive) detected.push(await detectDrive(store, { driveId: drive.driveId, timeline }));
      progress.update(i + 1, drive.driveId);
    }
    progress.done(`${drives.length} drive(s)`);
    const catalog = await registerOutputs(ctx, options, store, [
      ...reports.flatMap((r) => r.files),
      ...detected.flatMap((r) => r.files),
    ]);
    const failed = reports.filter((r) => r.quality.status === 'fail').length;
    return {
      data: {
        lake: store.uri,
        catalog,
        drives: reports.map(({ files, ...rest }) => ({ ...rest, files: files.length })),
        ...(detect ? { detected: detected.map((r) => detect.detectSummary(r)) } : {}),
      },
      text: [
        ...reports.map(formatTransformReport),
        ...(detect ? detected.map((r) => detect.formatDetectReport(r)) : []),
      ].join('\n\n'),
      exitCode: failed > 0 ? 65 : 0,
    };
  },
};

/** The weather provider the options ask for, if any. */
async function weatherProvider(
  ctx: CommandContext,
  options: ParsedOptions,
  lake: ObjectStore,
): Promise<WeatherProvider | undefined> {
  if (typeof options.weather === 'string' && options['open-meteo'] === true)
    throw new UsageError('transform: give --weather or --open-meteo, not both');
  if (typeof options.weather === 'string') {
    const { observationFilesProvider } = await import('../../transforms/weather/observationFilesProvider.js');
    const given = options.weather;
    if (given.startsWith('s3://')) {
      const { S3ObjectStore } = await import('../../catalog/s3ObjectStore.js');
      const store = await S3ObjectStore.open({ uri: given, clientConfig: s3ClientConfig(ctx.env) });
      return observationFilesProvider({ store });
    }
    const { LocalObjectStore } = await import('../../catalog/localObjectStore.js');
    return observationFilesProvider({
      store: await LocalObjectStore.open({ root: resolve(ctx.cwd, given) }),
    });
  }
  if (options['open-meteo'] === true) {
    const { openMeteoProvider } = await import('../../transforms/weather/openMeteoProvider.js');
    return openMeteoProvider({
      cache: lake,
      ...(ctx.env.ADLAKE_OPEN_METEO_URL ? { baseUrl: ctx.env.ADLAKE_OPEN_METEO_URL } : {}),
    });
  }
  return undefined;
}

export function formatTransformReport(r: TransformReport): string {
  const pct = (x: number): string => `${Math.round(x * 100)} %`;
  const offset = r.sync.clockOffset;
  const lines = [
    `Drive ${r.driveId} (vehicle ${r.vehicle}): ${r.sync.ticks.toLocaleString('en')} ticks at ${r.sync.hz} Hz` +
      (r.sync.start ? `, ${r.sync.start} → ${r.sync.end}` : ''),
    `  quality: ${r.quality.status}` +
      (r.quality.reasons.length > 0 ? ` (${r.quality.reasons.map((q) => q.code).join(', ')})` : ''),
    ...r.quality.reasons.slice(0, 8).map((q) => `    ${q.status}: ${q.message}`),
    `  signals: ${Object.keys(r.sync.coverage).length} found` +
      (r.sync.missing.length > 0 ? `; missing: ${r.sync.missing.join(', ')}` : ''),
    `  clock: GPS − log = ${Number.isFinite(offset.offsetS) ? `${offset.offsetS.toFixed(3)} s` : 'unknown'}` +
      ` (${offset.applied ? 'corrected' : 'not corrected'}${offset.reason ? `: ${offset.reason}` : ''})`,
    `  light: day ${pct(r.light.day)}, twilight ${pct(r.light.twilight)}, night ${pct(r.light.night)}`,
    `  weather: ${r.weatherSummary ?? `none (${'reason' in r.weather && r.weather.reason ? r.weather.reason : 'no match'})`}`,
    ...r.weatherDisagreement.map((d) => `    vehicle vs observation: ${d}`),
  ];
  return lines.join('\n');
}
