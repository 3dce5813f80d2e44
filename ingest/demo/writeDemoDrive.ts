import { mkdir, writeFile } from 'node:fs/promises';
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { dirname, join } from 'node:path';
import { generateDemoDrive, type DemoDrive } from './generateDemoDrive.js';
import { demoWeatherFiles } from './demoWeather.js';
import { writeDemoBag } from './writeDemoBag.js';
import { writeDemoMcap } from './writeDemoMcap.js';

export interface DemoDriveFiles {
  drive: DemoDrive;
  /** The drive folder (the recordings only). */
  folder: string;
  dbc: string;
  candump: string;
  nmea: string;
  groundTruth: string;
  /** The same drive as a ROS 1-profile MCAP file, beside the drive folder (not ingested by default). */
  mcap: string;
  /** The same drive as a ROS 1 bag (uncompressed chunks), beside the drive folder. */
  bag: string;
  /** Synthetic weather observations around the drive, laid out like NOAA's ISD bucket (`--weather`). */
  weather: string;
}

/**
 * Writes a demo drive under `out`: the recordings in `out/drive/` (`demo.dbc`, `can0.log` in candump -L
 * format, `gps.nmea`), the same drive as MCAP in `out/containers/drive.mcap`, and the true maneuvers in
 * `out/ground_truth.json` (ground truth is not a recording and must not be ingested); the same drive as MCAP
 * and as a ROS 1 bag in `out/containers/`, and a synthetic weather station's observations in `out/weather/`.
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
    mcap: join(out, 'containers', 'drive.mcap'),
  };
  await mkdir(join(out, 'containers'), { recursive: true });
  await writeDemoMcap(drive, files.mcap);
  const bag = await writeDemoBag(drive, out);
  await writeFile(files.dbc, drive.dbc);
  await writeLines(files.candump, drive.candump());
  await writeLines(files.nmea, drive.nmea(), '\r\n');
  await writeFile(files.groundTruth, `${JSON.stringify(drive.groundTruth, null, 2)}\n`);
  const weather = join(out, 'weather');
  for (const file of demoWeatherFiles(drive)) {
    const path = join(weather, ...file.path.split('/'));
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, file.bytes);
  }
  return { drive, folder, ...files, bag: bag.path, weather };
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
