/**
 * Timelines of demo drives for the scenario tests: through the real signal path (CAN frames decoded with
 * the demo DBC, GPS fixes, the sync mappings and buildTimeline), or from the simulator's true state.
 */
import { compileDecoder } from '../../../ingest/dbc/compileDecoder.js';
import { parseDbc } from '../../../ingest/dbc/parseDbc.js';
import type { DemoDrive } from '../../../ingest/demo/generateDemoDrive.js';
import { buildTimeline } from '../../../transforms/sync/buildTimeline.js';
import { DEFAULT_MAPPINGS } from '../../../transforms/sync/defaultMappings.js';
import {
  textColumn,
  type CanonicalSignal,
  type SignalSeries,
  type Timeline,
} from '../../../transforms/timeline.js';

interface Samples {
  t: bigint[];
  v: number[];
  label: (string | null)[];
}

/**
 * Decodes the drive's CAN frames with its DBC and takes its GNSS fixes, then maps them to canonical
 * signals with the sync step's default mappings (first source the drive has wins, as sync does).
 */
export function demoSeries(drive: DemoDrive, options: { can?: boolean; gps?: boolean } = {}): SignalSeries[] {
  const decoded = new Map<string, Samples>();
  if (options.can ?? true) {
    const decoder = compileDecoder(parseDbc(drive.dbc, { uri: 'demo.dbc' }));
    let now = 0n;
    const sink = {
      push(message: { name: string }, signal: { name: string }, value: number, label: string | undefined) {
        const key = `${message.name}.${signal.name}`;
        let s = decoded.get(key);
        if (!s) decoded.set(key, (s = { t: [], v: [], label: [] }));
        s.t.push(now);
        s.v.push(value);
        s.label.push(label ?? null);
      },
    };
    for (const frame of drive.frames()) {
      const compiled = decoder.lookup(frame.id, frame.extended);
      if (!compiled) continue;
      now = frame.micros * 1000n;
      compiled.decode(frame.data, sink);
    }
  }
  const gps = (options.gps ?? true) ? [...drive.fixes()] : [];

  const out: SignalSeries[] = [];
  for (const [name, sources] of Object.entries(DEFAULT_MAPPINGS)) {
    const signal = name as CanonicalSignal;
    for (const source of sources ?? []) {
      const scale = source.scale ?? 1;
      const offset = source.offset ?? 0;
      if (source.table === 'can_signals' && typeof source.signal === 'string') {
        const s = decoded.get(`${source.message}.${source.signal}`);
        if (!s) continue;
        const series: SignalSeries = {
          signal,
          source: `can_signals:${source.message}.${source.signal}`,
          t: BigInt64Array.from(s.t),
          v: Float64Array.from(s.v, (x) => x * scale + offset),
        };
        if (signal === 'gear' || signal === 'turn_signal')
          series.text = textColumn(
            s.label.map((l, i) => {
              const text = l ?? String(s.v[i]);
              return source.values?.[text] ?? text;
            }),
          );
        out.push(series);
        break;
      }
      if (source.table === 'gps' && gps.length > 0) {
        const column = source.column;
        if (
          column !== 'lat' &&
          column !== 'lon' &&
          column !== 'alt' &&
          column !== 'speed' &&
          column !== 'course'
        )
          continue;
        const rows = gps.filter((f) => source.minSpeed === undefined || f.speed >= source.minSpeed);
        out.push({
          signal,
          source: `gps:${column}`,
          t: BigInt64Array.from(rows, (f) => f.micros * 1000n),
          v: Float64Array.from(rows, (f) => f[column] * scale + offset),
        });
        break;
      }
    }
  }
  return out;
}

/** The drive's timeline through the real signal path, at 10 Hz. */
export function demoTimeline(drive: DemoDrive, options: { can?: boolean; gps?: boolean } = {}): Timeline {
  return buildTimeline(demoSeries(drive, options), {
    driveId: `demo-${drive.seed}`,
    vehicle: 'demo',
    hz: 10,
  });
}

/**
 * The simulator's true state at 10 Hz (every 10th 100 Hz state), in canonical units and signs: no sensor
 * noise, no decoding. `signals` picks which signals the timeline gets.
 */
export function stateTimeline(drive: DemoDrive, signals: readonly CanonicalSignal[]): Timeline {
  const states = drive.states.filter((_, k) => k % 10 === 0);
  const n = states.length;
  const want = new Set(signals);
  const t = BigInt64Array.from(states, (_, k) => drive.startNs + BigInt(k) * 100_000_000n);
  const numeric: Timeline['numeric'] = {};
  const text: Timeline['text'] = {};
  const cosLat = Math.cos((48.0675 * Math.PI) / 180);
  const col = (f: (k: number) => number): Float64Array => Float64Array.from({ length: n }, (_, k) => f(k));
  const s = (k: number) => states[k] as (typeof states)[number];
  if (want.has('speed')) numeric.speed = col((k) => s(k).speed);
  if (want.has('accel_long')) numeric.accel_long = col((k) => s(k).accel);
  // The simulator's heading and yaw rate are clockwise; canonical ones are counter-clockwise.
  if (want.has('yaw_rate')) numeric.yaw_rate = col((k) => (-s(k).yawRate * 180) / Math.PI);
  if (want.has('accel_lat')) numeric.accel_lat = col((k) => -s(k).speed * s(k).yawRate);
  if (want.has('heading')) numeric.heading = col((k) => (s(k).heading * 180) / Math.PI);
  if (want.has('lat')) numeric.lat = col((k) => 48.0675 + (s(k).north / 6_378_137) * (180 / Math.PI));
  if (want.has('lon'))
    numeric.lon = col((k) => 11.5367 + (s(k).east / (6_378_137 * cosLat)) * (180 / Math.PI));
  if (want.has('gear')) text.gear = textColumn(states.map((x) => x.gear));
  if (want.has('turn_signal'))
    text.turn_signal = textColumn(states.map((x) => ['off', 'left', 'right'][x.turnSignal] ?? null));
  return { driveId: `demo-${drive.seed}`, vehicle: 'demo', hz: 10, t, numeric, text, enrichment: {} };
}
