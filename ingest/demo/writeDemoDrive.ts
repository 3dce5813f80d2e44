import { mkdir, writeFile } from 'node:fs/promises';
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { join } from 'node:path';
import { generateDemoDrive, type DemoDrive } from './generateDemoDrive.js';

export interface DemoDriveFiles {
  drive: DemoDrive;
  /** The drive folder (the recordings only). */
  folder: string;
  dbc: string;
  candump: string;
  nmea: string;
  groundTruth: string;
}

/**
 * Writes a demo drive under `out`: the recordings in `out/drive/` (`demo.dbc`, `can0.log` in candump -L
 * format, `gps.nmea`) and the true maneuvers beside them in `out/ground_truth.json`, since ground truth is
 * not a recording and must not be ingested.
 */
export async function writeDemoDrive(out: string, options: { seed?: number } = {}): Promise<DemoDriveFiles> {
  const drive = generateDemoDrive(options);
  const folder = join(out, 'drive');
  await mkdir(folder, { recursive: true });
  const files = {
    dbc: join(folder, 'demo.dbc'),
    candump: join(folder, 'can0.log'),
    nmea: join(folder, 'gps.nmea'),
    groundTruth: join(out, 'ground_truth.json'),
  };
  await writeFile(files.dbc, drive.dbc);
  await writeLines(files.candump, drive.candump());
  await writeLines(files.nmea, drive.nmea(), '\r\n');
  await writeFile(files.groundTruth, `${JSON.stringify(drive.groundTruth, null, 2)}\n`);
  return { drive, folder, ...files };
}

async function writeLines(path: string, lines: Iterable<string>, eol = '\n'): Promise<void> {
  const out = createWriteStream(path);
  let buffer: string[] = [];
  for (const line of lines) {
    buffer.push(line);
    if (buffer.length >= 4096) {
      if (!out.write(buffer.join(eol) + eol)) await once(out, 'drain');
      buffer = [];
    }
  }
  if (buffer.length > 0) out.write(buffer.join(eol) + eol);
  out.end();
  await once(out, 'finish');
}
