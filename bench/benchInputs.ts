import { createReadStream, createWriteStream } from 'node:fs';
import { readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { once } from 'node:events';
import { basename, join } from 'node:path';
import { readCanProfile, type CanStream } from './canProfile.js';
import { readDbcCatalog, type DbcMessageInfo } from './dbcCatalog.js';
import { writeCandump, type CandumpStats } from './generateCandump.js';
import { writeNmea, type NmeaStats } from './generateNmea.js';

/** Bump when a generator's output changes, so cached inputs are rebuilt. */
const GENERATOR_VERSION = 1;

/** comma2k19's RAV4 segment starts at 2018-08-02T16:14:48Z; the synthetic logs continue that drive. */
const START_US = 1_533_226_488_000_000;
const START_LAT = 37.721;
const START_LON = -122.4723;

export interface InputOptions {
  dir: string;
  dbc: string;
  profile: string;
  frames: number;
  /** Frames (and sentences) in the prefix files the slow peers read; 0 or ≥ the log size: no prefix. */
  peerFrames: number;
  sentences: number;
  seed: number;
  /** Rebuild even when a cached file with the same parameters exists. */
  regenerate: boolean;
  log: (text: string) => void;
}

export interface GeneratedFile<S> {
  path: string;
  stats: S;
  /** Cut of the first `peerFrames` lines for the slow peers, or the file itself. */
  prefix: { path: string; lines: number; bytes: number };
}

/**
 * Builds (or reuses) a candump log in `dir`: `mixed` replays every stream of the profile (most on ids the
 * DBC does not define, as on a real bus), `dbc` only the streams the DBC defines, with its payload length.
 * Each file is written under a temporary name and renamed when complete, next to a `.json` sidecar holding
 * its parameters and stats, so an interrupted run never leaves a truncated file taken for a finished one.
 */
export async function prepareCanLog(
  kind: 'mixed' | 'dbc',
  options: InputOptions,
): Promise<GeneratedFile<CandumpStats>> {
  const name = `can-${kind}-${options.frames}-s${options.seed}.log`;
  const params = {
    generator: GENERATOR_VERSION,
    seed: options.seed,
    dbc: options.dbc,
    profile: options.profile,
  };
  const log = await cached(options, name, params, async (path) => {
    const catalog = await readDbcCatalog(options.dbc);
    const profile = await readCanProfile(options.profile);
    const streams = kind === 'mixed' ? profile : onlyDbcStreams(profile, catalog);
    if (streams.length === 0) {
      throw new Error(
        `bench: no stream of ${options.profile} is defined in ${options.dbc}; pick a matching --dbc`,
      );
    }
    return writeCandump(path, {
      streams,
      frames: options.frames,
      catalog,
      seed: kind === 'mixed' ? options.seed : options.seed + 1,
      startUs: START_US,
    });
  });
  return { ...log, prefix: await prefixOf(log.path, log.stats, options) };
}

/** Builds (or reuses) the NMEA log in `dir`, like `prepareCanLog`. Every peer reads all of it. */
export async function prepareNmeaLog(options: InputOptions): Promise<GeneratedFile<NmeaStats>> {
  const name = `nmea-${options.sentences}-s${options.seed}.nmea`;
  const params = { generator: GENERATOR_VERSION, seed: options.seed };
  const log = await cached(options, name, params, (path) =>
    writeNmea(path, {
      sentences: options.sentences,
      seed: options.seed,
      startMs: START_US / 1000,
      lat: START_LAT,
      lon: START_LON,
    }),
  );
  return { ...log, prefix: { path: log.path, lines: log.stats.sentences, bytes: log.stats.bytes } };
}

/** The streams whose id the DBC defines, keeping only payloads of the DBC's length (what a DBC frame is). */
function onlyDbcStreams(streams: CanStream[], catalog: Map<number, DbcMessageInfo>): CanStream[] {
  return streams.flatMap((stream) => {
    const message = catalog.get(stream.key);
    if (!message) return [];
    const kept = stream.payloads.filter((p) => p.length === message.length * 2);
    if (kept.length === 0) return [];
    // Fewer payloads over the same recording: the period grows accordingly.
    return [
      { ...stream, payloads: kept, periodUs: (stream.periodUs * stream.payloads.length) / kept.length },
    ];
  });
}

async function cached<S extends { bytes: number }>(
  options: InputOptions,
  name: string,
  params: Record<string, unknown>,
  generate: (path: string) => Promise<S>,
): Promise<{ path: string; stats: S }> {
  const path = join(options.dir, name);
  const metaPath = `${path}.json`;
  const key = JSON.stringify(params);
  if (!options.regenerate) {
    const meta = await readMeta<S>(metaPath);
    const size = await stat(path).then(
      (s) => s.size,
      () => -1,
    );
    if (meta && JSON.stringify(meta.params) === key && size === meta.stats.bytes) {
      options.log(`reusing ${path}\n`);
      return { path, stats: meta.stats };
    }
  }
  options.log(`generating ${path} ... `);
  const started = performance.now();
  const temporary = `${path}.tmp`;
  try {
    const stats = await generate(temporary);
    await writeFile(metaPath, `${JSON.stringify({ params, stats }, null, 2)}\n`);
    await rename(temporary, path);
    options.log(
      `${((performance.now() - started) / 1000).toFixed(1)} s, ${(stats.bytes / 1e6).toFixed(0)} MB\n`,
    );
    return { path, stats };
  } catch (error) {
    options.log('failed\n');
    throw error;
  } finally {
    await rm(temporary, { force: true });
  }
}

async function readMeta<S>(path: string): Promise<{ params: unknown; stats: S } | undefined> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as { params: unknown; stats: S };
  } catch {
    return undefined;
  }
}

/** Copies the first `peerFrames` lines of a log (byte-exact) for peers too slow to read all of it. */
async function prefixOf(
  path: string,
  stats: { frames: number; bytes: number },
  options: InputOptions,
): Promise<{ path: string; lines: number; bytes: number }> {
  const lines = options.peerFrames;
  if (lines <= 0 || lines >= stats.frames) return { path, lines: stats.frames, bytes: stats.bytes };
  const prefix = join(options.dir, basename(path).replace(/\.log$/, `.head-${lines}.log`));
  const bytes = await stat(prefix).then(
    (s) => s.size,
    () => -1,
  );
  if (bytes > 0 && !options.regenerate) return { path: prefix, lines, bytes };
  const temporary = `${prefix}.tmp`;
  const out = createWriteStream(temporary);
  let seen = 0;
  let written = 0;
  try {
    for await (const chunk of createReadStream(path)) {
      const buffer = chunk as Buffer;
      let end = buffer.length;
      for (let i = 0; i < buffer.length; i++) {
        if (buffer[i] === 0x0a && ++seen === lines) {
          end = i + 1;
          break;
        }
      }
      written += end;
      if (!out.write(buffer.subarray(0, end))) await once(out, 'drain');
      if (seen === lines) break;
    }
    out.end();
    await once(out, 'finish');
    await rename(temporary, prefix);
  } finally {
    out.destroy();
    await rm(temporary, { force: true });
  }
  return { path: prefix, lines, bytes: written };
}
