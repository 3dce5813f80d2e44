import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { EXTENDED_FLAG } from './dbcCatalog.js';

/** One periodic message stream seen on a real bus: a (bus, id) pair with its rate and recorded payloads. */
export interface CanStream {
  bus: string;
  /** DBC-style key: the arbitration id, with bit 31 set for extended ids. */
  key: number;
  /** The id as candump writes it: 3 hex digits (standard) or 8 (extended). */
  idText: string;
  /** Mean period over the recording, in microseconds. */
  periodUs: number;
  /** The recorded payloads in order, as candump hex, replayed cyclically by the generator. */
  payloads: string[];
}

/**
 * Reads a real `candump -L` log and returns its periodic streams: which ids each bus carries, how often,
 * and with which payloads. The generator replays these at the recorded rates so the synthetic log has the
 * real mix of DBC-defined and undefined ids, DLCs and signal values. Only classic data frames are kept
 * (remote, error and CAN FD lines are rare on the recorded vehicles and would only add noise).
 */
export async function readCanProfile(path: string): Promise<CanStream[]> {
  const streams = new Map<string, { bus: string; idText: string; payloads: string[] }>();
  let first = Number.POSITIVE_INFINITY;
  let last = Number.NEGATIVE_INFINITY;
  const lines = createInterface({ input: createReadStream(path, 'latin1'), crlfDelay: Infinity });
  for await (const line of lines) {
    // (1533226488.230547) can0 260#08FFFB0000001884
    const close = line.indexOf(') ');
    const space = line.indexOf(' ', close + 2);
    const hash = line.indexOf('#', space);
    if (!line.startsWith('(') || close < 0 || space < 0 || hash < 0 || line[hash + 1] === '#') continue;
    const payload = line.slice(hash + 1).trim();
    if (payload.startsWith('R') || payload.length % 2 !== 0) continue;
    const t = Number(line.slice(1, close));
    const bus = line.slice(close + 2, space);
    const idText = line.slice(space + 1, hash);
    if (!Number.isFinite(t) || (idText.length !== 3 && idText.length !== 8)) continue;
    first = Math.min(first, t);
    last = Math.max(last, t);
    const name = `${bus} ${idText}`;
    let stream = streams.get(name);
    if (!stream) {
      stream = { bus, idText, payloads: [] };
      streams.set(name, stream);
    }
    stream.payloads.push(payload);
  }
  const durationUs = (last - first) * 1e6;
  if (!(durationUs > 0)) throw new Error(`bench: ${path} holds no timed classic CAN frames to profile`);
  return [...streams.values()].map((s) => {
    const id = Number.parseInt(s.idText, 16);
    return {
      bus: s.bus,
      idText: s.idText,
      key: s.idText.length === 8 ? (id | EXTENDED_FLAG) >>> 0 : id,
      periodUs: durationUs / s.payloads.length,
      payloads: s.payloads,
    };
  });
}
