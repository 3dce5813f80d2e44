/**
 * Test helper: a lake of demo drives run through the whole pipeline (generate → ingest → transform with the
 * drive's synthetic weather station → detect), in a temporary folder, with every step's report kept as the
 * independent side of the view tests.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalObjectStore } from '../../catalog/localObjectStore.js';
import { writeDemoDrive, type DemoDriveFiles } from '../../ingest/demo/writeDemoDrive.js';
import { ingestPaths } from '../../ingest/ingestPaths.js';
import type { IngestReport } from '../../ingest/ingestReport.js';
import { detectDrive, type DetectReport } from '../../transforms/detectDrive.js';
import { DEMO_PSEUDONYM_KEY } from '../../transforms/pseudonym/pseudonymKey.js';
import {
  transformDrive,
  type TransformConfig,
  type TransformReport,
} from '../../transforms/transformDrive.js';
import { observationFilesProvider } from '../../transforms/weather/observationFilesProvider.js';

export interface DemoLakeDriveSpec {
  seed: number;
  /** The vehicle id given to ingest. @default the demo VIN */
  vehicle?: string;
  /** The transform step's config (e.g. stricter gates, to get warn and fail verdicts). */
  config?: TransformConfig;
}

export interface DemoLakeDrive {
  spec: DemoLakeDriveSpec;
  files: DemoDriveFiles;
  driveId: string;
  ingest: IngestReport;
  transform: TransformReport;
  detect: DetectReport;
}

export interface DemoLake {
  root: string;
  store: LocalObjectStore;
  drives: DemoLakeDrive[];
  /** Removes the folder. */
  remove(): Promise<void>;
}

/** Builds the lake, one drive after the other (the pipeline's own order). */
export async function buildDemoLake(specs: readonly DemoLakeDriveSpec[]): Promise<DemoLake> {
  const root = await mkdtemp(join(tmpdir(), 'adlake-demo-lake-'));
  const remove = () => rm(root, { recursive: true, force: true });
  try {
    const store = await LocalObjectStore.open({ root: join(root, 'lake') });
    const drives: DemoLakeDrive[] = [];
    for (const spec of specs) {
      const files = await writeDemoDrive(join(root, `demo-${spec.seed}`), { seed: spec.seed });
      const ingest = await ingestPaths({
        store,
        paths: [files.folder],
        dbcs: [],
        vehicle: spec.vehicle ?? files.drive.vin,
        pseudonymKey: DEMO_PSEUDONYM_KEY,
      });
      const driveId = ingest.driveId;
      if (driveId === undefined) throw new Error(`demo drive ${spec.seed} did not ingest: ${ingest.status}`);
      const weather = observationFilesProvider({
        store: await LocalObjectStore.open({ root: files.weather }),
      });
      const transform = await transformDrive(store, {
        driveId,
        weather,
        ...(spec.config ? { config: spec.config } : {}),
      });
      const detect = await detectDrive(store, { driveId });
      drives.push({ spec, files, driveId, ingest, transform, detect });
    }
    return { root, store, drives, remove };
  } catch (error) {
    await remove();
    throw error;
  }
}
