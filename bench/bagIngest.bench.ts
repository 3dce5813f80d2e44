/**
 * adlake ROS 1 bag ingest benchmark (run by hand: `npm run build && node dist/bench/bagIngest.bench.js --help`;
 * not a test).
 *
 * Writes three bags with adlake's bag writer: many small messages (GPS, IMU, twist, CAN) uncompressed and
 * with lz4 chunks, and one of mostly 1 MB sensor_msgs/Image messages. Times `adlake ingest <bag> --json`
 * end to end as a child process, and Debian's python3-rosbag reading and deserialising the same bag
 * (bench/peers/python_rosbag_read.py), then prints messages/s, MB/s, peak RSS and the ratio. See
 * bench/README.md "ROS 1 bag ingest".
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rename, rm, stat } from 'node:fs/promises';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { parse } from '@foxglove/rosmsg';
import { MessageWriter } from '@foxglove/rosmsg-serialization';
import { DEMO_TOPICS, demoDefinitionText, type DemoType } from '../ingest/demo/demoRosMessages.js';
import { FileSink } from '../ingest/demo/writeDemoBag.js';
import { lz4Frame } from '../ingest/rosbag/lz4Frame.js';
import { writeBag, type BagWriterOptions } from '../ingest/rosbag/writeBag.js';
import { GNU_TIME, measureCommand, type Measurement } from './measureCommand.js';
import { findRoot } from './reportText.js';

const USAGE = `usage: node dist/bench/bagIngest.bench.js [options]

  --messages N   small-message bags: message count (default 500000)
  --images N     large-message bag: 1 MB images (default 300)
  --only NAME    one workload: small, small-lz4 or large (repeatable)
  --no-peers     time adlake only
  --dir DIR      where the bags and scratch output go (default bench/out)
  --regen        rewrite the bags even if they exist
  --help
`;

const DEBIAN_PYTHON = '/usr/bin/python3';
const IMAGE_BYTES = 1 << 20;
const MB = 1e6;

type WorkloadName = 'small' | 'small-lz4' | 'large';
const WORKLOADS: WorkloadName[] = ['small', 'small-lz4', 'large'];

interface Run {
  tool: string;
  status: 'ok' | 'failed' | 'missing';
  seconds?: number;
  peakRssBytes?: number;
  messages?: number;
  note?: string;
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      messages: { type: 'string', default: '500000' },
      images: { type: 'string', default: '300' },
      only: { type: 'string', multiple: true },
      'no-peers': { type: 'boolean', default: false },
      dir: { type: 'string' },
      regen: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  const root = findRoot(dirname(fileURLToPath(import.meta.url)));
  const dir = values.dir ?? join(root, 'bench', 'out');
  await mkdir(dir, { recursive: true });
  const messages = count(values.messages);
  const images = count(values.images);
  const only = (values.only ?? WORKLOADS) as WorkloadName[];
  const log = (text: string): void => void process.stderr.write(text);
  const peerMissing = missingPeer();

  const lines = [
    `machine: ${cpus().length} x ${cpus()[0]?.model.trim() ?? 'unknown'}, load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(
        ' ',
      )}, node ${process.version}${existsSync(GNU_TIME) ? '' : ' (no GNU time: peak RSS not measured)'}`,
  ];
  for (const name of only) {
    if (!WORKLOADS.includes(name)) throw new Error(`unknown workload ${name}`);
    const bag =
      name === 'large'
        ? await ensureBag(join(dir, `bag-images-${images}.bag`), images * 2, values.regen, log, (path) =>
            writeImageBag(path, images),
          )
        : await ensureBag(
            join(dir, `bag-small-${messages}-${name === 'small' ? 'none' : 'lz4'}.bag`),
            messages,
            values.regen,
            log,
            (path) =>
              writeSmallBag(
                path,
                messages,
                name === 'small' ? {} : { compression: { name: 'lz4', compress: lz4Frame } },
              ),
          );
    const runs: Run[] = [];
    const scratch = await mkdtemp(join(dir, 'bag-run-'));
    try {
      log(`${name}: adlake ingest ... `);
      const ours = await measureCommand({
        command: process.execPath,
        args: [join(root, 'bin', 'adlake.js'), 'ingest', bag.path, '--lake', join(scratch, 'lake'), '--json'],
        cwd: root,
      });
      runs.push(toRun('adlake ingest', ours, reportedMessages(ours.stdout)));
      log(`${ours.seconds.toFixed(2)} s\n`);
      if (!values['no-peers']) {
        if (peerMissing !== undefined)
          runs.push({ tool: 'python3-rosbag', status: 'missing', note: peerMissing });
        else {
          log(`${name}: python3-rosbag ... `);
          const peer = await measureCommand({
            command: DEBIAN_PYTHON,
            args: [join(root, 'bench', 'peers', 'python_rosbag_read.py'), bag.path, join(scratch, 'peer')],
            cwd: root,
          });
          runs.push(toRun('python3-rosbag', peer, peerMessages(peer.stdout)));
          log(`${peer.seconds.toFixed(2)} s\n`);
        }
      }
    } finally {
      await rm(scratch, { recursive: true, force: true });
    }
    lines.push('', ...formatWorkload(name, bag, runs));
  }
  process.stdout.write(`${lines.join('\n')}\n`);
  return 0;
}

interface BagFile {
  path: string;
  bytes: number;
  messages: number;
}

/** Reuses a bag written by an earlier run (its name holds its parameters), else writes it. */
async function ensureBag(
  path: string,
  messages: number,
  regen: boolean,
  log: (text: string) => void,
  write: (path: string) => Promise<number>,
): Promise<BagFile> {
  if (regen || !existsSync(path)) {
    log(`writing ${path} ... `);
    const started = performance.now();
    // Written under a temporary name, so an interrupted run never leaves a cut bag to be reused.
    const written = await write(`${path}.part`);
    await rename(`${path}.part`, path);
    if (written !== messages) throw new Error(`wrote ${written} messages to ${path}, expected ${messages}`);
    log(`${((performance.now() - started) / 1000).toFixed(1)} s\n`);
  }
  return { path, bytes: (await stat(path)).size, messages };
}

/**
 * A drive-like mix of small messages: per 10 ms one IMU, per 20 ms one twist, per 100 ms one GPS fix, and
 * 6 CAN frames per ms (40 ids; 97% of the messages), as on a CAN-heavy recording.
 */
async function writeSmallBag(path: string, total: number, options: BagWriterOptions): Promise<number> {
  const sink = await FileSink.open(path);
  try {
    const bag = await writeBag(sink, options);
    const conns = new Map<DemoType, { id: number; writer: MessageWriter }>();
    for (const type of Object.keys(DEMO_TOPICS) as DemoType[]) {
      const text = demoDefinitionText(type);
      const id = bag.addConnection({ topic: DEMO_TOPICS[type], type, messageDefinition: text });
      conns.set(type, { id, writer: new MessageWriter(parse(text, { ros2: false })) });
    }
    const t0 = 1_700_000_000_000_000_000n;
    const zeros = new Float64Array(9);
    const data = new Uint8Array(8);
    let written = 0;
    const add = async (
      type: DemoType,
      t: bigint,
      frameId: string,
      body: Record<string, unknown>,
    ): Promise<void> => {
      const conn = conns.get(type)!;
      const stamp = { sec: Number(t / 1_000_000_000n), nsec: Number(t % 1_000_000_000n) };
      await bag.write(
        conn.id,
        t,
        conn.writer.writeMessage({ header: { seq: written, stamp, frame_id: frameId }, ...body }),
      );
      written += 1;
    };
    // One tick = 1 ms; the CAN frames of a tick are 150 us apart.
    for (let tick = 0; written < total; tick++) {
      const t = t0 + BigInt(tick) * 1_000_000n;
      const s = tick / 1000;
      if (tick % 10 === 0) {
        await add('sensor_msgs/Imu', t, 'imu_link', {
          orientation: { x: 0, y: 0, z: Math.sin(s / 100), w: Math.cos(s / 100) },
          orientation_covariance: zeros,
          angular_velocity: { x: 0.001, y: -0.002, z: Math.sin(s) / 10 },
          angular_velocity_covariance: zeros,
          linear_acceleration: { x: Math.cos(s), y: 0.1, z: 9.81 },
          linear_acceleration_covariance: zeros,
        });
      }
      if (tick % 20 === 0) {
        await add('geometry_msgs/TwistStamped', t, 'base_link', {
          twist: {
            linear: { x: 20 + Math.sin(s), y: 0, z: 0 },
            angular: { x: 0, y: 0, z: Math.sin(s) / 10 },
          },
        });
      }
      if (tick % 100 === 0) {
        await add('sensor_msgs/NavSatFix', t, 'gps', {
          status: { status: 0, service: 1 },
          latitude: 48.1 + s * 1e-5,
          longitude: 11.5 + s * 2e-5,
          altitude: 520 + Math.sin(s),
          position_covariance: zeros,
          position_covariance_type: 0,
        });
      }
      for (let k = 0; k < 6 && written < total; k++) {
        const id = 0x100 + ((tick * 6 + k) % 40) * 8;
        for (let b = 0; b < 8; b++) data[b] = (tick * (b + 1) + k) & 0xff;
        await add('can_msgs/Frame', t + BigInt(k) * 150_000n, 'can0', {
          id,
          is_rtr: false,
          is_extended: false,
          is_error: false,
          dlc: 8,
          data,
        });
      }
    }
    await bag.close();
    return written;
  } finally {
    await sink.close();
  }
}

const IMAGE_DEFINITION = [
  'std_msgs/Header header',
  'uint32 height',
  'uint32 width',
  'string encoding',
  'uint8 is_bigendian',
  'uint32 step',
  'uint8[] data',
  '='.repeat(80),
  'MSG: std_msgs/Header',
  'uint32 seq',
  'time stamp',
  'string frame_id',
].join('\n');

/** 1 MB mono8 images (1024 x 1024) at 10 Hz, plus a GPS fix per image (so the bag also has rows). */
async function writeImageBag(path: string, images: number): Promise<number> {
  const sink = await FileSink.open(path);
  try {
    const bag = await writeBag(sink);
    const camera = bag.addConnection({
      topic: '/camera/image_raw',
      type: 'sensor_msgs/Image',
      messageDefinition: IMAGE_DEFINITION,
    });
    const gpsText = demoDefinitionText('sensor_msgs/NavSatFix');
    const gps = bag.addConnection({
      topic: DEMO_TOPICS['sensor_msgs/NavSatFix'],
      type: 'sensor_msgs/NavSatFix',
      messageDefinition: gpsText,
    });
    const imageWriter = new MessageWriter(parse(IMAGE_DEFINITION, { ros2: false }));
    const gpsWriter = new MessageWriter(parse(gpsText, { ros2: false }));
    const pixels = new Uint8Array(IMAGE_BYTES);
    for (let i = 0; i < pixels.length; i++) pixels[i] = (i * 2654435761) >>> 24;
    const t0 = 1_700_000_000_000_000_000n;
    for (let k = 0; k < images; k++) {
      const t = t0 + BigInt(k) * 100_000_000n;
      const stamp = { sec: Number(t / 1_000_000_000n), nsec: Number(t % 1_000_000_000n) };
      pixels[k % pixels.length] = k & 0xff;
      const image = imageWriter.writeMessage({
        header: { seq: k, stamp, frame_id: 'camera' },
        height: 1024,
        width: 1024,
        encoding: 'mono8',
        is_bigendian: 0,
        step: 1024,
        data: pixels,
      });
      await bag.write(camera, t, image);
      const fix = gpsWriter.writeMessage({
        header: { seq: k, stamp, frame_id: 'gps' },
        status: { status: 0, service: 1 },
        latitude: 48.1 + k * 1e-5,
        longitude: 11.5,
        altitude: 520,
        position_covariance: new Float64Array(9),
        position_covariance_type: 0,
      });
      await bag.write(gps, t, fix);
    }
    await bag.close();
    return images * 2;
  } finally {
    await sink.close();
  }
}

function toRun(tool: string, m: Measurement, messages: number | undefined): Run {
  if (m.exitCode !== 0)
    return {
      tool,
      status: 'failed',
      note: `exit ${m.exitCode}: ${m.stderrTail.trim().split('\n').at(-1) ?? ''}`,
    };
  return { tool, status: 'ok', seconds: m.seconds, peakRssBytes: m.peakRssBytes, messages };
}

/** Sum of `topics.messages` in the `adlake ingest --json` report. */
function reportedMessages(stdout: string): number | undefined {
  try {
    const report = JSON.parse(stdout) as { topics?: { messages?: Record<string, number> } };
    return Object.values(report.topics?.messages ?? {}).reduce((a, b) => a + b, 0);
  } catch {
    return undefined;
  }
}

function peerMessages(stdout: string): number | undefined {
  try {
    return (JSON.parse(stdout.trim().split('\n').at(-1) ?? '') as { messages?: number }).messages;
  } catch {
    return undefined;
  }
}

function formatWorkload(name: WorkloadName, bag: BagFile, runs: Run[]): string[] {
  const title = {
    small: 'small messages (GPS, IMU, twist, CAN), uncompressed chunks',
    'small-lz4': 'small messages (GPS, IMU, twist, CAN), lz4 chunks',
    large: '1 MB sensor_msgs/Image messages (+ one GPS fix each), uncompressed',
  }[name];
  const lines = [`${name}: ${title}; ${int(bag.messages)} messages, ${(bag.bytes / MB).toFixed(1)} MB`];
  const ours = runs.find((r) => r.tool === 'adlake ingest' && r.status === 'ok');
  const rows = [['tool', 's', 'messages/s', 'MB/s', 'peak RSS MB', 'messages read', 'speed-up of adlake']];
  for (const run of runs) {
    if (run.status !== 'ok' || run.seconds === undefined) {
      rows.push([run.tool, run.status, '-', '-', '-', '-', run.note ?? '']);
      continue;
    }
    rows.push([
      run.tool,
      run.seconds.toFixed(2),
      int(bag.messages / run.seconds),
      (bag.bytes / MB / run.seconds).toFixed(0),
      run.peakRssBytes === undefined ? '-' : (run.peakRssBytes / 2 ** 20).toFixed(0),
      run.messages === undefined ? '-' : int(run.messages),
      run === ours || ours?.seconds === undefined ? '' : `${(run.seconds / ours.seconds).toFixed(2)}x`,
    ]);
  }
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  lines.push(
    ...rows.map((r) =>
      r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  '),
    ),
  );
  lines.push(...targets(name, bag, runs).map((t) => `  target: ${t}`));
  return lines;
}

/** The targets: >= 3x python rosbag on small messages, >= 200 MB/s on large ones, peak RSS < 512 MB. */
function targets(name: WorkloadName, bag: BagFile, runs: Run[]): string[] {
  const ours = runs.find((r) => r.tool === 'adlake ingest');
  if (ours?.status !== 'ok' || ours.seconds === undefined) return ['adlake ingest did not finish: FAIL'];
  const out: string[] = [];
  const mark = (ok: boolean): string => (ok ? 'met' : 'NOT MET');
  if (name === 'large') {
    const rate = bag.bytes / MB / ours.seconds;
    out.push(`>= 200 MB/s: ${rate.toFixed(0)} MB/s, ${mark(rate >= 200)}`);
  } else {
    const peer = runs.find((r) => r.tool === 'python3-rosbag');
    if (peer?.status === 'ok' && peer.seconds !== undefined) {
      const ratio = peer.seconds / ours.seconds;
      out.push(`>= 3x python3-rosbag: ${ratio.toFixed(2)}x, ${mark(ratio >= 3)}`);
    } else out.push('>= 3x python3-rosbag: not checked (peer did not run)');
  }
  if (ours.peakRssBytes !== undefined) {
    const mb = ours.peakRssBytes / 2 ** 20;
    out.push(`peak RSS < 512 MB: ${mb.toFixed(0)} MB, ${mark(mb < 512)}`);
  }
  return out;
}

/** Undefined when Debian's python3-rosbag can be imported; else how to install it. */
function missingPeer(): string | undefined {
  const probe = spawnSync(DEBIAN_PYTHON, ['-c', 'import rosbag'], { stdio: 'ignore' });
  return probe.status === 0 ? undefined : 'apt-get install -y python3-rosbag';
}

function count(text: string): number {
  const match = /^(\d+(?:\.\d+)?)([kKmM]?)$/.exec(text);
  if (!match) throw new Error(`not a count: ${text}`);
  const scale = { '': 1, k: 1e3, K: 1e3, m: 1e6, M: 1e6 }[match[2]!] ?? 1;
  return Math.round(Number(match[1]) * scale);
}

function int(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(
      `bench: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exitCode = 1;
  },
);
