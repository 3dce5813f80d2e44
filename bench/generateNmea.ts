import { seededRandom } from '../ingest/demo/random.js';
import { LineSink } from './lineSink.js';

export interface NmeaOptions {
  /** How many sentences to write. */
  sentences: number;
  seed: number;
  /** First fix time, milliseconds since the epoch (UTC). */
  startMs: number;
  /** Start position, degrees. */
  lat: number;
  lon: number;
}

export interface NmeaStats {
  sentences: number;
  bytes: number;
  /** Fix epochs (10 Hz); each has a GGA, an RMC and a VTG, and every tenth a GSA too. */
  epochs: number;
}

const EPOCH_MS = 100;
const EARTH_RADIUS_M = 6_371_000;
const KNOTS_PER_MPS = 3600 / 1852;

/**
 * Writes an NMEA 0183 log like a 10 Hz automotive receiver's: GGA + RMC + VTG every epoch and GSA once a
 * second, CRLF-terminated (NMEA 0183 §5.3) with valid checksums, following a seeded drive (speed and
 * heading random walks, stops included). A long log crosses midnight UTC, so RMC dates roll over.
 */
export async function writeNmea(path: string, options: NmeaOptions): Promise<NmeaStats> {
  const random = seededRandom(options.seed);
  const sink = new LineSink(path);
  const stats: NmeaStats = { sentences: 0, bytes: 0, epochs: 0 };
  let lat = options.lat;
  let lon = options.lon;
  let alt = 33.4;
  let speed = 0; // m/s
  let targetSpeed = 15;
  let heading = random.uniform(0, 360); // degrees true
  let yawRate = 0; // degrees per second
  let day = -1;
  let dateText = '';
  const emit = (body: string): void => {
    if (stats.sentences >= options.sentences) return;
    const line = `$${body}*${checksum(body)}\r\n`;
    stats.sentences += 1;
    stats.bytes += line.length;
    sink.append(line);
  };
  try {
    for (let epoch = 0; stats.sentences < options.sentences; epoch++) {
      const ms = options.startMs + epoch * EPOCH_MS;
      if (Math.floor(ms / 86_400_000) !== day) {
        day = Math.floor(ms / 86_400_000);
        const date = new Date(ms);
        dateText = pad2(date.getUTCDate()) + pad2(date.getUTCMonth() + 1) + pad2(date.getUTCFullYear() % 100);
      }
      // A new cruise speed about once a minute; 10% of them are stops.
      if (random.next() < EPOCH_MS / 60_000) targetSpeed = random.next() < 0.1 ? 0 : random.uniform(5, 33);
      speed = Math.max(
        0,
        speed + Math.max(-0.4, Math.min(0.25, (targetSpeed - speed) * 0.02)) + random.gauss(0.02),
      );
      yawRate = Math.max(-15, Math.min(15, yawRate * 0.98 + random.gauss(0.4)));
      if (speed > 0.5) heading = (heading + (yawRate * EPOCH_MS) / 1000 + 360) % 360;
      const distance = (speed * EPOCH_MS) / 1000;
      const rad = (heading * Math.PI) / 180;
      lat += ((distance * Math.cos(rad)) / EARTH_RADIUS_M) * (180 / Math.PI);
      lon +=
        ((distance * Math.sin(rad)) / (EARTH_RADIUS_M * Math.cos((lat * Math.PI) / 180))) * (180 / Math.PI);
      alt = Math.max(-20, alt + random.gauss(0.03));

      const time = utcTime(ms);
      const position = `${angle(lat, 2)},${lat >= 0 ? 'N' : 'S'},${angle(lon, 3)},${lon >= 0 ? 'E' : 'W'}`;
      const knots = (speed * KNOTS_PER_MPS).toFixed(2);
      const track = heading.toFixed(1);
      const satellites = 7 + (Math.floor(epoch / 3000) % 5);
      emit(`GPGGA,${time},${position},1,${pad2(satellites)},0.9,${alt.toFixed(1)},M,-25.0,M,,`);
      emit(`GPRMC,${time},A,${position},${knots},${track},${dateText},,,A`);
      emit(`GPVTG,${track},T,,M,${knots},N,${(speed * 3.6).toFixed(2)},K,A`);
      if (epoch % 10 === 0) emit('GPGSA,A,3,04,05,09,12,24,25,29,31,,,,,1.8,0.9,1.5');
      stats.epochs += 1;
      if (sink.full) await sink.flush();
    }
  } finally {
    await sink.close();
  }
  return stats;
}

/** `hhmmss.ss` UTC. */
function utcTime(ms: number): string {
  const inDay = ms % 86_400_000;
  const centis = Math.floor((inDay % 1000) / 10);
  const s = Math.floor(inDay / 1000);
  return `${pad2(Math.floor(s / 3600))}${pad2(Math.floor(s / 60) % 60)}${pad2(s % 60)}.${pad2(centis)}`;
}

/** `ddmm.mmmmm` (or `dddmm.mmmmm`), computed in integer 1e-5 minutes so rounding never yields 60 minutes. */
function angle(degrees: number, degreeDigits: number): string {
  const total = Math.round(Math.abs(degrees) * 60 * 1e5);
  const whole = Math.floor(total / 6e6);
  const rest = total - whole * 6e6;
  const minutes = Math.floor(rest / 1e5);
  return `${String(whole).padStart(degreeDigits, '0')}${pad2(minutes)}.${String(rest % 1e5).padStart(5, '0')}`;
}

/** XOR of the characters between `$` and `*`, two upper-case hex digits (NMEA 0183 §5.2.1). */
function checksum(body: string): string {
  let sum = 0;
  for (let i = 0; i < body.length; i++) sum ^= body.charCodeAt(i);
  return sum.toString(16).toUpperCase().padStart(2, '0');
}

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}
