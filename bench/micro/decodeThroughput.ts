/**
 * Measures compileDecoder throughput on real DBCs with a realistic frame mix (not a test: no timing
 * assertions). Run: npx tsx bench/micro/decodeThroughput.ts
 *
 * Frames are drawn per message in proportion to its rate (1000 / GenMsgCycleTime, 10 Hz when unknown); payloads
 * are random, with a valid multiplexer value written in for multiplexed messages.
 */
import { compileDecoder, type DecodedSignalSink } from '../../ingest/dbc/compileDecoder.js';
import { loadDbcFile } from '../../ingest/dbc/loadDbcFile.js';
import type { DbcMessage, DbcSignal } from '../../ingest/dbc/model.js';
import { signalBits } from '../../ingest/dbc/signalBits.js';

const FILES = [
  '../shared/data/dbc/model3dbc/Model3CAN.dbc',
  '../shared/data/dbc/opendbc/toyota_new_mc_pt.dbc',
];
const FRAMES = 200_000;
const ROUNDS = 10;

let seed = 42;
function random(n: number): number {
  seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
  return seed % n;
}

function writeRaw(data: Uint8Array, signal: DbcSignal, value: number): void {
  signalBits(signal.startBit, signal.length, signal.byteOrder).forEach((position, i) => {
    const byte = position >> 3;
    if (byte >= data.length) return;
    if (Math.floor(value / 2 ** i) % 2 === 1) data[byte]! |= 1 << (position & 7);
    else data[byte]! &= ~(1 << (position & 7));
  });
}

/** Stores values in preallocated columns, as the ingest worker's batch builder would. */
class ColumnSink implements DecodedSignalSink {
  values = new Float64Array(1 << 16);
  labels: (string | undefined)[] = new Array<string | undefined>(1 << 16).fill(undefined);
  signals: DbcSignal[] = new Array<DbcSignal>(1 << 16);
  n = 0;
  push(_message: DbcMessage, signal: DbcSignal, value: number, label: string | undefined): void {
    const i = this.n++ & 0xffff;
    this.values[i] = value;
    this.labels[i] = label;
    this.signals[i] = signal;
  }
}

for (const file of FILES) {
  const db = await loadDbcFile(file);
  const decoder = compileDecoder(db);
  const messages = db.messages.filter((m) => m.signals.length > 0 && m.length > 0);
  const weights = messages.map((m) => 1000 / (m.cycleTimeMs ?? 100));
  const total = weights.reduce((a, b) => a + b, 0);
  const ids: number[] = [];
  const ext: boolean[] = [];
  const payloads: Uint8Array[] = [];
  for (let f = 0; f < FRAMES; f++) {
    let pick = (random(1_000_000) / 1_000_000) * total;
    let k = 0;
    while (k < messages.length - 1 && pick >= weights[k]!) pick -= weights[k++]!;
    const message = messages[k]!;
    const data = Uint8Array.from({ length: message.length }, () => random(256));
    for (const mux of message.signals.filter((s) => s.isMultiplexer && s.multiplexerSignal === undefined)) {
      const values = message.signals.flatMap((s) =>
        s.multiplexerSignal === mux.name ? (s.multiplexerRanges ?? []).map(([low]) => low) : [],
      );
      if (values.length > 0) writeRaw(data, mux, values[random(values.length)]!);
    }
    ids.push(message.id);
    ext.push(message.extended);
    payloads.push(data);
  }
  for (const sinkName of ['column', 'sum'] as const) {
    let checksum = 0;
    const sink: DecodedSignalSink =
      sinkName === 'column'
        ? new ColumnSink()
        : {
            push: (_m, _s, value) => {
              checksum += value;
            },
          };
    let signals = 0;
    let best = Infinity;
    for (let round = 0; round < ROUNDS; round++) {
      const start = process.hrtime.bigint();
      for (let f = 0; f < FRAMES; f++) {
        const compiled = decoder.lookup(ids[f]!, ext[f]!);
        if (compiled !== undefined) signals += Math.max(0, compiled.decode(payloads[f]!, sink));
      }
      best = Math.min(best, Number(process.hrtime.bigint() - start) / 1e9);
    }
    const perRound = signals / ROUNDS;
    console.log(
      `${file.split('/').pop()} [${sinkName} sink]: ${(FRAMES / best / 1e6).toFixed(2)} M frames/s, ` +
        `${(perRound / best / 1e6).toFixed(1)} M signals/s (${(perRound / FRAMES).toFixed(1)} signals/frame, best of ${ROUNDS})` +
        (sinkName === 'sum' ? ` checksum ${checksum.toPrecision(3)}` : ''),
    );
  }
}
