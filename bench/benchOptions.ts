import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { findRoot } from './reportText.js';

export const WORKLOADS = ['can-mixed', 'can-dbc', 'nmea'] as const;
export type WorkloadName = (typeof WORKLOADS)[number];

export interface BenchOptions {
  /** The adlake checkout: commands run here, default paths resolve from here. */
  root: string;
  /** Where inputs, scratch lakes and results.json go. @default <root>/bench/out */
  dir: string;
  /** Frames per CAN log. @default 5_000_000 */
  frames: number;
  /** Frames the python-can peer reads (a prefix of each CAN log); 0 = all. @default 1_000_000 */
  peerFrames: number;
  /** NMEA sentences. @default 1_000_000 */
  sentences: number;
  seed: number;
  dbc: string;
  /** Real candump log whose ids, rates and payloads the CAN generator replays. */
  profile: string;
  /** Command template for our side; `{file}`, `{dbc}`, `{lake}` are substituted. */
  ours: string;
  workloads: WorkloadName[];
  peers: boolean;
  /** Runs per command; the fastest is reported. @default 1 */
  repeat: number;
  json: boolean;
  regenerate: boolean;
  keep: boolean;
  help: boolean;
}

export const DEFAULT_OURS =
  'node bin/adlake.js ingest {file} --dbc {dbc} --lake {lake} --vehicle bench --json';

export const USAGE = `Usage: npm run bench -- [options]

Generates a mixed candump log, an all-DBC candump log and an NMEA log, then times \`adlake ingest\` on each
against python-can + canmatrix, can-utils log2asc and gpsd's gpsdecode. See bench/README.md.

  --frames N        frames per CAN log (default 5M; suffixes k, M accepted)
  --peer-frames N   frames python-can + canmatrix reads: a prefix of each log (default 1M; 0 = all)
  --sentences N     NMEA sentences (default 1M)
  --seed N          generator seed (default 1)
  --dbc FILE        DBC (default ../shared/data/dbc/opendbc/_toyota_2017.dbc)
  --profile FILE    real candump log whose ids, rates and payloads are replayed
                    (default ../shared/data/drives/comma2k19/derived/rav4_2018-08-02_seg40.candump.log)
  --ours "CMD"      our command line, split on spaces; {file} {dbc} {lake} are substituted, and for NMEA
                    a {dbc} token is dropped with the option before it (default:
                    "${DEFAULT_OURS}")
  --only LIST       workloads, comma-separated: ${WORKLOADS.join(',')} (default all)
  --skip-peers      time our side only
  --repeat N        runs per command, fastest reported (default 1)
  --dir DIR         inputs, scratch lakes and results.json (default bench/out)
  --json            also write <dir>/results.json
  --regen           regenerate inputs even if cached
  --keep            keep the scratch lakes and peer outputs
  -h, --help        this text
`;

/** Parses the benchmark's command line; throws an Error with a one-line message on bad input. */
export function parseBenchOptions(argv: string[], cwd: string, scriptDir: string): BenchOptions {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      frames: { type: 'string' },
      'peer-frames': { type: 'string' },
      sentences: { type: 'string' },
      seed: { type: 'string' },
      dbc: { type: 'string' },
      profile: { type: 'string' },
      ours: { type: 'string' },
      only: { type: 'string' },
      'skip-peers': { type: 'boolean' },
      repeat: { type: 'string' },
      dir: { type: 'string' },
      json: { type: 'boolean' },
      regen: { type: 'boolean' },
      keep: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const root = findRoot(scriptDir);
  const workloads = (values.only ?? WORKLOADS.join(',')).split(',').map((name) => {
    const known = WORKLOADS.find((w) => w === name.trim());
    if (!known) throw new Error(`--only: unknown workload '${name}'; known: ${WORKLOADS.join(', ')}`);
    return known;
  });
  return {
    root,
    dir: values.dir === undefined ? join(root, 'bench', 'out') : resolve(cwd, values.dir),
    frames: parseCount('--frames', values.frames, 5_000_000),
    peerFrames: parseCount('--peer-frames', values['peer-frames'], 1_000_000, 0),
    sentences: parseCount('--sentences', values.sentences, 1_000_000),
    seed: parseCount('--seed', values.seed, 1, 0),
    dbc:
      values.dbc === undefined
        ? join(root, '../shared/data/dbc/opendbc/_toyota_2017.dbc')
        : resolve(cwd, values.dbc),
    profile:
      values.profile === undefined
        ? join(root, '../shared/data/drives/comma2k19/derived/rav4_2018-08-02_seg40.candump.log')
        : resolve(cwd, values.profile),
    ours: values.ours ?? DEFAULT_OURS,
    workloads,
    peers: values['skip-peers'] !== true,
    repeat: parseCount('--repeat', values.repeat, 1),
    json: values.json === true,
    regenerate: values.regen === true,
    keep: values.keep === true,
    help: values.help === true,
  };
}

/** `5000000`, `5_000_000`, `5M`, `200k`, `1e6`. */
function parseCount(flag: string, text: string | undefined, fallback: number, min = 1): number {
  if (text === undefined) return fallback;
  const match = /^([\d_.]+(?:e\d+)?)([kKmM]?)$/.exec(text.trim());
  const scale = match?.[2]?.toLowerCase() === 'k' ? 1e3 : match?.[2]?.toLowerCase() === 'm' ? 1e6 : 1;
  const value =
    match?.[1] === undefined ? Number.NaN : Math.round(Number(match[1].replaceAll('_', '')) * scale);
  if (!Number.isSafeInteger(value) || value < min)
    throw new Error(`${flag}: expected a count ≥ ${min}, got '${text}'`);
  return value;
}
