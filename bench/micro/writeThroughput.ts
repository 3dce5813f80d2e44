/**
 * Measures the lake writer's throughput (not a test: timings are not asserted anywhere).
 *
 *   npx tsx bench/micro/writeThroughput.ts [--rows 4000000] [--frames 2000000] [--worker] [--columns] [--columns-thread] [--inline]
 *
 * `--worker` also measures encoding on a `ParquetWorker`, `--columns` adlake's own encoder in the calling
 * thread (`ColumnsEncoder`), `--columns-thread` the same on its thread (`ColumnsWorker`, which ingest uses
 * for the CAN tables); `--inline` times building the batches together
 * with writing them (as ingest decodes while it writes), which is where the worker's overlap shows.
 *
 * Input is realistic: the comma2k19 RAV4 candump log (135k frames of a real vehicle bus) repeated with
 * shifted time; `can_signals` rows are each payload byte decoded as a signal (raw * 0.5 - 10), which gives
 * the same mix of names, repetition and quantised values a DBC decode does. Batches are appended the way
 * the ingest path does: typed arrays, dictionary-coded names, packed payloads.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { LocalObjectStore } from '../../catalog/localObjectStore.js';
import { ColumnsEncoder } from '../../catalog/columnsEncoder.js';
import { ColumnsWorker } from '../../catalog/columnsWorker.js';
import { ParquetWorker } from '../../catalog/parquetWorker.js';
import { inThreadEncoder } from '../../catalog/parquetWriter.js';
import type { ParquetEncoder } from '../../catalog/parquetWriter.js';
import { PartitionedTableWriter } from '../../catalog/tableWriter.js';
import type { WrittenFile } from '../../catalog/tableWriter.js';
import { CAN_FRAMES, CAN_SIGNALS } from '../../catalog/tables.js';
import type { CanFramesBatch, CanSignalsBatch } from '../../catalog/tables.js';

const LOG = '../shared/data/drives/comma2k19/derived/rav4_2018-08-02_seg40.candump.log';
const BATCH_FRAMES = 8192;

interface Frames {
  t: BigInt64Array;
  bus: Int32Array;
  id: Int32Array;
  dlc: Int8Array;
  offsets: Int32Array;
  data: Uint8Array;
}

async function loadFrames(repeat: number): Promise<{ frames: Frames; buses: string[] }> {
  const lines = (await readFile(LOG, 'latin1')).split('\n').filter((line) => line.length > 0);
  const n = lines.length * repeat;
  const frames: Frames = {
    t: new BigInt64Array(n),
    bus: new Int32Array(n),
    id: new Int32Array(n),
    dlc: new Int8Array(n),
    offsets: new Int32Array(n + 1),
    data: new Uint8Array(n * 8),
  };
  const buses: string[] = [];
  let at = 0;
  for (let r = 0; r < repeat; r++) {
    for (let i = 0; i < lines.length; i++) {
      const k = r * lines.length + i;
      const line = lines[i] as string;
      const close = line.indexOf(')');
      const [sec = '0', frac = '0'] = line.slice(1, close).split('.');
      frames.t[k] =
        (BigInt(sec) * 1_000_000n + BigInt(frac.padEnd(6, '0'))) * 1000n + BigInt(r) * 60_000_000_000n;
      const rest = line.slice(close + 2);
      const space = rest.indexOf(' ');
      const bus = rest.slice(0, space);
      let b = buses.indexOf(bus);
      if (b < 0) b = buses.push(bus) - 1;
      frames.bus[k] = b;
      const hash = rest.indexOf('#');
      frames.id[k] = parseInt(rest.slice(space + 1, hash), 16);
      const hex = rest.slice(hash + 1);
      frames.dlc[k] = hex.length / 2;
      for (let j = 0; j < hex.length; j += 2) frames.data[at++] = parseInt(hex.slice(j, j + 2), 16);
      frames.offsets[k + 1] = at;
    }
  }
  return { frames: { ...frames, data: frames.data.subarray(0, at) }, buses };
}

function* frameBatches(frames: Frames, buses: string[]): Generator<CanFramesBatch> {
  const n = frames.t.length;
  for (let start = 0; start < n; start += BATCH_FRAMES) {
    const end = Math.min(n, start + BATCH_FRAMES);
    const offsets = frames.offsets.subarray(start, end + 1);
    const zeros = new Uint8Array(end - start);
    yield {
      t: frames.t.subarray(start, end),
      bus: { indices: frames.bus.subarray(start, end), dictionary: buses },
      id: frames.id.subarray(start, end),
      extended: zeros,
      dlc: frames.dlc.subarray(start, end),
      data: { offsets, data: frames.data },
      fd: false,
      brs: false,
      esi: false,
      error: false,
      remote: zeros,
    };
  }
}

/** Every payload byte of every frame as one signal row, in batches like the decoder's sink makes. */
function* signalBatches(frames: Frames, buses: string[], rowLimit: number): Generator<CanSignalsBatch> {
  const messages: string[] = [];
  const signals: string[] = [];
  const messageOf = new Map<number, number>();
  const signalOf = new Map<string, number>();
  const capacity = BATCH_FRAMES * 8;
  let rows = 0;
  let frame = 0;
  while (rows < rowLimit && frame < frames.t.length) {
    const t = new BigInt64Array(capacity);
    const bus = new Int32Array(capacity);
    const message = new Int32Array(capacity);
    const signal = new Int32Array(capacity);
    const value = new Float64Array(capacity);
    let n = 0;
    for (; frame < frames.t.length && n + 8 <= capacity && rows + n < rowLimit; frame++) {
      const id = frames.id[frame] as number;
      let m = messageOf.get(id);
      if (m === undefined) {
        m = messages.push(`MSG_${id.toString(16)}`) - 1;
        messageOf.set(id, m);
      }
      for (
        let at = frames.offsets[frame] as number, k = 0;
        at < (frames.offsets[frame + 1] as number);
        at++, k++
      ) {
        const name = `${id.toString(16)}_B${k}`;
        let s = signalOf.get(name);
        if (s === undefined) {
          s = signals.push(name) - 1;
          signalOf.set(name, s);
        }
        t[n] = frames.t[frame] as bigint;
        bus[n] = frames.bus[frame] as number;
        message[n] = m;
        signal[n] = s;
        value[n] = (frames.data[at] as number) * 0.5 - 10;
        n++;
      }
    }
    rows += n;
    yield {
      t: t.subarray(0, n),
      bus: { indices: bus.subarray(0, n), dictionary: buses },
      message: { indices: message.subarray(0, n), dictionary: messages },
      signal: { indices: signal.subarray(0, n), dictionary: signals },
      value: value.subarray(0, n),
    };
  }
}

interface Run {
  table: string;
  encoder: string;
  rows: number;
  seconds: number;
  /** CPU time of the whole process (all threads), user + system. */
  cpuSeconds: number;
  files: number;
  bytes: number;
}

async function measure<T>(
  label: string,
  root: string,
  table: typeof CAN_FRAMES | typeof CAN_SIGNALS,
  batches: () => Iterable<T>,
  options: { encoder: ParquetEncoder | undefined; inline: boolean },
): Promise<Run> {
  const { encoder } = options;
  const store = await LocalObjectStore.open({ root: join(root, `${table.name}-${label}`) });
  // Unless inline, generate the batches first so only the writer is timed.
  const all = options.inline ? batches() : [...batches()];
  const started = performance.now();
  const cpu = process.cpuUsage();
  const writer = new PartitionedTableWriter<T>({
    store,
    table: table as never,
    vehicle: 'bench',
    driveId: 'rav4',
    ...(encoder ? { encoder } : {}),
  });
  for (const batch of all) await writer.append(batch);
  const files: WrittenFile[] = await writer.close();
  const seconds = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  const cpuSeconds = (used.user + used.system) / 1e6;
  const rows = files.reduce((sum, f) => sum + f.rows, 0);
  const bytes = files.reduce((sum, f) => sum + f.bytes, 0);
  return { table: table.name, encoder: label, rows, seconds, cpuSeconds, files: files.length, bytes };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      rows: { type: 'string', default: '4000000' },
      frames: { type: 'string', default: '2000000' },
      worker: { type: 'boolean', default: false },
      'columns-thread': { type: 'boolean', default: false },
      columns: { type: 'boolean', default: false },
      inline: { type: 'boolean', default: false },
    },
  });
  const signalRows = Number(values.rows);
  const frameRows = Number(values.frames);
  // The log has 135k frames and ~7.1 signal rows per frame.
  const repeat = Math.max(1, Math.ceil(Math.max(signalRows / 960_000, frameRows / 135_000)));
  const { frames, buses } = await loadFrames(repeat);
  const firstFrames = (n: number): Frames => ({
    t: frames.t.subarray(0, n),
    bus: frames.bus.subarray(0, n),
    id: frames.id.subarray(0, n),
    dlc: frames.dlc.subarray(0, n),
    offsets: frames.offsets.subarray(0, n + 1),
    data: frames.data,
  });
  const inline = values.inline;
  const root = await mkdtemp(join(tmpdir(), 'adlake-bench-'));
  const worker = values.worker ? await ParquetWorker.start() : undefined;
  const columnsThread = values['columns-thread']
    ? await ColumnsWorker.start({ fallback: inThreadEncoder })
    : undefined;
  const columns = values.columns ? await ColumnsEncoder.open({ fallback: inThreadEncoder }) : undefined;
  const runs: Run[] = [];
  try {
    const encoders: [string, ParquetEncoder | undefined][] = [['in-thread', undefined]];
    if (worker) encoders.push(['worker', worker]);
    if (columnsThread) encoders.push(['columns-thread', columnsThread]);
    if (columns) encoders.push(['columns', columns]);
    for (const [label, encoder] of encoders) {
      // One warm-up pass so wasm and JIT compilation are not in the numbers.
      const warmup = { encoder, inline: false };
      await measure(
        `${label}-warmup`,
        root,
        CAN_SIGNALS,
        () => signalBatches(frames, buses, 300_000),
        warmup,
      );
      const options = { encoder, inline };
      runs.push(
        await measure(label, root, CAN_SIGNALS, () => signalBatches(frames, buses, signalRows), options),
      );
      const someFrames = firstFrames(Math.min(frameRows, frames.t.length));
      runs.push(await measure(label, root, CAN_FRAMES, () => frameBatches(someFrames, buses), options));
    }
  } finally {
    await worker?.close();
    await columnsThread?.close();
    if (process.env.KEEP_BENCH_LAKE) console.log(`kept ${root}`);
    else await rm(root, { recursive: true, force: true });
  }
  for (const run of runs) {
    console.log(
      `${run.table.padEnd(12)} ${run.encoder.padEnd(10)} ${run.rows.toLocaleString('en').padStart(10)} rows  ` +
        `wall ${run.seconds.toFixed(2).padStart(5)} s = ${(run.rows / run.seconds / 1e6).toFixed(2)} M rows/s  ` +
        `cpu ${run.cpuSeconds.toFixed(2).padStart(5)} s = ${(run.rows / run.cpuSeconds / 1e6).toFixed(2)} M rows/cpu-s  ` +
        `${run.files} files  ${(run.bytes / run.rows).toFixed(2)} B/row`,
    );
  }
}

await main();
