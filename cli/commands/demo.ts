import { resolve } from 'node:path';
import { UsageError } from '../../core/errors.js';
import type { Command } from '../command.js';
import { formatIngestReport } from '../formatIngestReport.js';
import { catalogOption, registerOutputs } from '../catalogOption.js';
import { lakeOption, openLake, pseudonymKeyFrom, pseudonymKeyOptions } from '../lakeOption.js';

export const demoCommand: Command = {
  name: 'demo',
  summary: 'Generate a synthetic drive (DBC + candump + NMEA on one clock) and ingest it',
  usage: 'adlake demo [--seed <n>] [--out <dir>] [--lake <dir>] [--no-ingest]',
  description: [
    'Simulates a scripted route with known maneuvers (accelerate, cruise above 120 km/h, lane change, left',
    'turn, right turn, hard brake, stop), writes what a data logger would (demo.dbc, can0.log in candump -L',
    'format with undocumented ids mixed in, gps.nmea at 10 Hz) to <out>/drive, the same drive as a ROS 1-profile',
    'MCAP file and ROS 1 bag (NavSatFix, Imu, TwistStamped, can_msgs/Frame) to <out>/containers/, the true maneuver',
    'intervals to <out>/ground_truth.json, then ingests <out>/drive into the lake and prints the summary.',
    "The demo vehicle's id is its (made-up) VIN, stored as a pseudonym: under the configured pseudonym key",
    '(see adlake ingest --help) or else a public demo key whose id says it is not secret.',
  ].join('\n'),
  options: {
    seed: { type: 'string', description: 'Seed of the generator', default: '1', valueName: 'n' },
    out: {
      type: 'string',
      description: 'Folder for the generated drive',
      default: './demo',
      valueName: 'dir',
    },
    lake: lakeOption,
    catalog: catalogOption,
    'no-ingest': { type: 'boolean', description: 'Only generate the files' },
    ...pseudonymKeyOptions,
  },
  examples: ['adlake demo', 'adlake demo --seed 7 --out /tmp/demo7 --lake /tmp/lake --json'],
  async run(ctx, { options }) {
    const seed = Number(options.seed ?? '1');
    if (!Number.isInteger(seed) || seed < 0)
      throw new UsageError(`demo: --seed must be a non-negative integer, got '${String(options.seed)}'`);
    const out = resolve(ctx.cwd, typeof options.out === 'string' ? options.out : './demo');
    const { writeDemoDrive } = await import('../../ingest/demo/writeDemoDrive.js');
    const files = await writeDemoDrive(out, { seed });
    const groundTruthPath = files.groundTruth;
    const generated = {
      seed,
      folder: files.folder,
      files: { dbc: files.dbc, candump: files.candump, nmea: files.nmea, mcap: files.mcap, bag: files.bag },
      groundTruth: groundTruthPath,
      maneuvers: files.drive.groundTruth.maneuvers,
    };
    if (options['no-ingest'] === true) {
      return {
        data: { generated },
        text: `Demo drive (seed ${seed}) written to ${files.folder}\nGround truth: ${groundTruthPath}`,
      };
    }
    // The demo's data is synthetic, so a public key is acceptable here (never for `adlake ingest`).
    const { DEMO_PSEUDONYM_KEY } = await import('../../transforms/pseudonym/pseudonymKey.js');
    const pseudonymKey = (await pseudonymKeyFrom(ctx, options)) ?? DEMO_PSEUDONYM_KEY;
    const store = await openLake(ctx, options);
    // Loaded on use, so `--help` does not pay for every format reader and the Parquet engine.
    const { ingestPaths } = await import('../../ingest/ingestPaths.js');
    const report = await ingestPaths({
      store,
      paths: [files.folder],
      dbcs: [],
      vehicle: files.drive.vin,
      pseudonymKey,
      progress: ctx.progress,
      argv: ['demo', '--seed', String(seed)],
    });
    const maneuvers = files.drive.groundTruth.maneuvers.map(
      (m) => `  ${m.type.padEnd(14)} ${m.start} → ${m.end}`,
    );
    const text = [
      `Demo drive (seed ${seed}) written to ${files.folder}`,
      `Ground truth (${maneuvers.length} maneuvers) in ${groundTruthPath}:`,
      ...maneuvers,
      '',
      formatIngestReport(report),
    ];
    const written = [...(report.files ?? [])];
    let pipeline: Record<string, unknown> = {};
    if (report.driveId && report.status !== 'failed') {
      // The rest of the pipeline on the same drive: transform (with the demo station's weather), detect.
      const { LocalObjectStore } = await import('../../catalog/localObjectStore.js');
      const { observationFilesProvider } =
        await import('../../transforms/weather/observationFilesProvider.js');
      const { transformDriveWithTimeline } = await import('../../transforms/transformDrive.js');
      const { detectDrive } = await import('../../transforms/detectDrive.js');
      const { scoreScenarios } = await import('../../transforms/scenarios/scoreScenarios.js');
      const { truthOf } = await import('../../transforms/scenarios/demoTruth.js');
      const { formatTransformReport } = await import('./transform.js');
      const { formatDetectReport } = await import('./detect.js');
      const weather = observationFilesProvider({
        store: await LocalObjectStore.open({ root: files.weather }),
      });
      const { report: transformed, timeline } = await transformDriveWithTimeline(store, {
        driveId: report.driveId,
        weather,
      });
      // Detection from the timeline just stored, as `adlake detect` would read it back.
      const detected = await detectDrive(store, { driveId: report.driveId, timeline });
      written.push(...transformed.files, ...detected.files);
      const scores = scoreScenarios(
        truthOf(files.drive),
        detected.scenarios.filter((s) => truthOf(files.drive).some((t) => t.type === s.type)),
      );
      const found = scores.reduce((a, s) => a + s.tp, 0);
      const labelled = scores.reduce((a, s) => a + s.tp + s.fn, 0);
      const extra = scores.reduce((a, s) => a + s.fp, 0);
      text.push(
        '',
        formatTransformReport(transformed),
        '',
        formatDetectReport(detected),
        '',
        `Detection vs ground truth (IoU ≥ 0.5): ${found} of ${labelled} maneuvers found, ${extra} false alarm(s)`,
      );
      const { files: _t, ...transformData } = transformed;
      const { files: _d, ...detectData } = detected;
      pipeline = {
        transform: transformData,
        detect: {
          ...detectData,
          scenarios: detected.scenarios.map((sc) => ({
            ...sc,
            start_ns: sc.start_ns.toString(),
            end_ns: sc.end_ns.toString(),
          })),
        },
        groundTruthScore: scores,
      };
    }
    const catalog = await registerOutputs(ctx, options, store, written);
    text.push(
      '',
      `Catalog: ${Object.keys(catalog.tables).length} tables registered in ${catalog.catalog} (database ${catalog.database})`,
      `Next: adlake sql "SELECT type, count(*) FROM scenarios GROUP BY type" --lake ${typeof options.lake === 'string' ? options.lake : './lake'}`,
    );
    const { files: _files, ...ingest } = report;
    return {
      data: { generated, ingest, ...pipeline, catalog },
      text: text.join('\n'),
      exitCode: report.status === 'failed' ? 65 : 0,
    };
  },
};
