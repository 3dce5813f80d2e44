import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { isoString } from '../../core/time.js';
import { fileStream } from '../../core/fileSource.js';
import type { GpsFix } from '../../ingest/nmea/gpsFix.js';
import { parseSentence } from '../../ingest/nmea/parseSentence.js';
import { readNmea, type NmeaReadStats } from '../../ingest/nmea/readNmea.js';

/**
 * Conformance against gpsd's regression outputs (ntpsec/gpsd test/daemon, see shared/data/PROVENANCE.md).
 * Each `X.log.chk` echoes every sentence gpsd accepted, followed by the JSON reports that sentence
 * triggered. gpsd fuses several sentences per epoch and reports several times per epoch, so we compare
 * field values at matching times, never record counts.
 *
 * Tolerances: gpsd prints lat/lon with 9 decimals, altitudes and track with 4, speed with 3. We allow
 * half a unit in the last printed place plus float noise:
 */
const TOLERANCE = { deg: 1e-9, alt: 1e-3, speed: 1e-3, track: 1e-3, gst: 1e-3 } as const;

const DIR = '../shared/data/nmea/gpsd';
const LOGS = readdirSync(DIR)
  .filter((name) => name.endsWith('.log'))
  .sort();

const GPS_ROLLOVER_MS = 1024 * 7 * 86_400_000;
const LEAP_SECOND_18_MS = Date.UTC(2017, 0, 1);

/*
 * What gpsd reports that an NMEA reader deliberately does not reproduce. Rules, not lists of times, so
 * they hold for any receiver log; each names the gpsd code that produces the difference.
 */

/**
 * gpsd `gpsd_utc_resolve()` (timebase.c, "WKRO bug" check): with a leap-second count of 18, an NMEA date
 * before 2017-01-01 is taken for a GPS week rollover victim and moved forward 1024 weeks. In these outputs
 * it fired for exactly the logs whose header reads `# Date = ...`, which gpsd's header parser
 * (`gpsd_set_century()`, `# Date: y-m-d`) does not recognise. We keep the date the receiver sent (our
 * rollover correction needs a `baseDate`), so gpsd times past such a shift are matched 1024 weeks back.
 */
function gpsdWkroShift(gpsdMs: number): number | undefined {
  const original = gpsdMs - GPS_ROLLOVER_MS;
  return original < LEAP_SECOND_18_MS ? original : undefined;
}

/**
 * Mode differences we keep on purpose:
 * - gpsd `processGGA()` forces mode 1 when GGA counts fewer than 3 satellites, even with a valid fix
 *   quality and position; we take the receiver's fix quality (mode follows from position + altitude).
 * - gpsd `processRMC()`/`processGNS()` promote the mode to 3D whenever an altitude was seen, overriding a
 *   GSA that says 2D; we keep the receiver's GSA.
 */
function modeDifferenceAllowed(ours: GpsFix, gpsdMode: number): boolean {
  if (gpsdMode === 1 && ours.satellites !== undefined && ours.satellites < 3) return true;
  return gpsdMode === 3 && ours.mode === 2 && ours.alt !== undefined;
}

/**
 * Epochs gpsd never reported although the log has them. gpsd reports on a learned "cycle ender"
 * sentence; in this log it learned GLL, and this one epoch has no GLL, so gpsd skipped it.
 */
const GPSD_SKIPPED_EPOCHS = new Set(['gp-320fw-2019-04-06-overflow.log 2019-04-06T23:57:26.020Z']);

/**
 * Values gpsd makes up where the receiver sent none; we leave them undefined:
 * - speed and track from successive positions when the epoch has no RMC or VTG (gpsd `gpsd_error_model()`);
 * - ellipsoid height from gpsd's built-in geoid model when GGA/GNS leave the separation empty
 *   (`wgs84_separation()` in `processGGA()`).
 * Both are allowed only where the epoch's sentences (from its first line to the next epoch) prove it.
 */
function gpsdInventedAllowed(key: string, epoch: string[]): boolean {
  const fields = epoch.map((sentence) => sentence.split(','));
  const typeOf = (f: string[]): string => (f[0] ?? '').slice(3, 6);
  if (key === 'speed' || key === 'track')
    return !fields.some((f) => typeOf(f) === 'RMC' || typeOf(f) === 'VTG');
  if (key === 'altHAE') {
    return fields.every(
      (f) => (typeOf(f) !== 'GGA' || f[11] === '') && (typeOf(f) !== 'GNS' || f[10] === ''),
    );
  }
  return false;
}

/** Talkers gpsd's packet lexer does not know (packet.c), so it drops their valid sentences; we accept any talker. */
const TALKERS_UNKNOWN_TO_GPSD = new Set(['IM']);

interface GpsdReports {
  /**
   * TPV reports with a time, merged per time (later reports of an epoch win, as they are more complete).
   * Reports triggered by a standard sentence are used; an epoch that gpsd only reported after a
   * proprietary sentence (its learned cycle ender, e.g. SkyTraq `$PSTI`) uses those reports instead.
   */
  tpv: Map<string, Record<string, unknown>>;
  /** GST reports keyed by the time of day of the GST sentence that triggered them (`hhmmss.ss`). */
  gst: Map<string, Record<string, unknown>>;
  /** Sentences gpsd accepted (echoed lines). */
  accepted: Set<string>;
}

/**
 * Reads a .chk, keeping only reports triggered by a sentence that is in the log itself: reports decoded
 * from binary protocols (SiRF, UBX) follow gpsd's own pseudo-NMEA, which the log does not contain.
 * Reports triggered by proprietary sentences (`$P...`, ignored here by design) are a fallback only, since
 * some carry their own position (Trimble `$PERC,GPavp` average position).
 */
function readChk(name: string, logLines: Set<string>): GpsdReports {
  const standard = new Map<string, Record<string, unknown>>();
  const proprietary = new Map<string, Record<string, unknown>>();
  const gst = new Map<string, Record<string, unknown>>();
  const accepted = new Set<string>();
  let trigger: string | undefined;
  for (const line of readFileSync(`${DIR}/${name}.chk`, 'latin1').split('\n')) {
    const text = line.trimEnd();
    if (!text.startsWith('{')) {
      if (text !== '') accepted.add(text);
      trigger = logLines.has(text) ? text : undefined;
      continue;
    }
    if (trigger === undefined) continue;
    const report = JSON.parse(text) as Record<string, unknown>;
    if (report.class === 'TPV' && typeof report.time === 'string') {
      const into = trigger.startsWith('$P') ? proprietary : standard;
      into.set(report.time, { ...into.get(report.time), ...report });
    } else if (report.class === 'GST' && trigger.slice(3, 6) === 'GST') {
      gst.set(trigger.split(',')[1] ?? '', report);
    }
  }
  const tpv = new Map([...proprietary].filter(([time]) => !standard.has(time)));
  for (const [time, report] of standard) tpv.set(time, report);
  return { tpv, gst, accepted };
}

async function readFixes(name: string): Promise<{ fixes: GpsFix[]; stats: NmeaReadStats }> {
  const stats: NmeaReadStats = { lines: 0, sentences: 0, ignored: 0, fixes: 0, rejects: {} };
  const fixes: GpsFix[] = [];
  for await (const batch of readNmea(fileStream(`${DIR}/${name}`), { uri: name, stats }))
    fixes.push(...batch.records);
  return { fixes, stats };
}

/** The log's lines reduced to the sentence they end with (from the last `$`), as gpsd echoes them; '' otherwise. */
function logSentencesOf(name: string): string[] {
  return readFileSync(`${DIR}/${name}`, 'latin1')
    .split(/\r\n|\n|\r/)
    .map((line) =>
      line.startsWith('#') || !line.includes('$') ? '' : line.slice(line.lastIndexOf('$')).trim(),
    );
}

/** Time of day `hhmmss.ss` of a fix, as the receiver printed it in a GST sentence (2 decimals). */
function todKey(fix: GpsFix): string {
  const iso = isoString(fix.t);
  return `${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}.${iso.slice(20, 22)}`;
}

describe('NMEA reader against gpsd regression outputs', () => {
  it('has gpsd logs to check', () => {
    expect(LOGS.length).toBeGreaterThanOrEqual(20);
  });

  it.each(LOGS)('%s', async (name) => {
    const logLines = logSentencesOf(name);
    const gpsd = readChk(name, new Set(logLines));
    const { fixes, stats } = await readFixes(name);
    const problems: string[] = [];

    // 1. Sentence acceptance agrees with gpsd: valid checksums echoed, bad or missing ones absent.
    for (const [index, sentence] of logLines.entries()) {
      if (sentence === '') continue;
      const parsed = parseSentence(sentence);
      if (parsed.type === 'error') {
        if (
          (parsed.reason === 'bad_checksum' || parsed.reason === 'missing_checksum') &&
          gpsd.accepted.has(sentence)
        ) {
          problems.push(`line ${index + 1}: gpsd accepted what we reject (${parsed.reason}): ${sentence}`);
        }
      } else if (!gpsd.accepted.has(sentence) && !TALKERS_UNKNOWN_TO_GPSD.has(sentence.slice(1, 3))) {
        problems.push(`line ${index + 1}: gpsd dropped what we accept: ${sentence}`);
      }
    }

    // 2. Every gpsd fix time is one of ours, with the same values.
    const ours = new Map(fixes.map((fix) => [isoString(fix.t), fix]));
    const nextLine = new Map(fixes.map((fix, i) => [fix, fixes[i + 1]?.line ?? logLines.length + 1]));
    const epochOf = (fix: GpsFix): string[] =>
      logLines.slice(fix.line - 1, (nextLine.get(fix) ?? fix.line) - 1);
    const matched = new Set<GpsFix>();
    for (const [time, report] of gpsd.tpv) {
      let fix = ours.get(time);
      if (fix === undefined) {
        const shifted = gpsdWkroShift(Date.parse(time));
        if (shifted !== undefined) fix = ours.get(new Date(shifted).toISOString());
      }
      if (fix === undefined) {
        problems.push(`${time}: gpsd has a fix, we have none`);
        continue;
      }
      matched.add(fix);
      const compare = (key: string, value: number | undefined, tolerance: number): void => {
        const expected = report[key];
        if (typeof expected !== 'number') return;
        if (value === undefined && gpsdInventedAllowed(key, epochOf(fix))) return;
        if (value === undefined || Math.abs(value - expected) > tolerance) {
          problems.push(`${time} (line ${fix.line}): ${key} ours ${value} gpsd ${expected}`);
        }
      };
      compare('lat', fix.lat, TOLERANCE.deg);
      compare('lon', fix.lon, TOLERANCE.deg);
      compare('altMSL', fix.alt, TOLERANCE.alt);
      compare('altHAE', fix.altHae, TOLERANCE.alt);
      compare('speed', fix.speed, TOLERANCE.speed);
      compare('track', fix.course, TOLERANCE.track);
      if (typeof report.mode === 'number' && !modeDifferenceAllowed(fix, report.mode)) {
        compare('mode', fix.mode, 0);
      }
    }

    // 3. No fix at a time gpsd has none, except epochs before gpsd's first dated report: gpsd cannot date
    //    them, we hold them until the first RMC/ZDA date and date them backwards.
    const firstGpsdTime = Math.min(...[...gpsd.tpv.keys()].map((time) => Date.parse(time)));
    for (const fix of fixes) {
      if (matched.has(fix)) continue;
      const time = isoString(fix.t);
      if (Date.parse(time) < firstGpsdTime || GPSD_SKIPPED_EPOCHS.has(`${name} ${time}`)) continue;
      problems.push(`${time} (line ${fix.line}): we have a fix, gpsd has none`);
    }

    // 4. GST error estimates, matched by the time of day of the GST sentence.
    const byTod = new Map(fixes.map((fix) => [todKey(fix), fix]));
    for (const [tod, report] of gpsd.gst) {
      const fix = byTod.get(tod);
      if (fix === undefined) continue; // a GST epoch without position sentences makes no fix
      for (const [key, value] of [
        ['lat', fix.latErr],
        ['lon', fix.lonErr],
        ['alt', fix.altErr],
      ] as const) {
        const expected = report[key];
        if (
          typeof expected === 'number' &&
          (value === undefined || Math.abs(value - expected) > TOLERANCE.gst)
        ) {
          problems.push(`GST ${tod}: ${key} ours ${value} gpsd ${expected}`);
        }
      }
    }

    // 5. A log where gpsd reported no dated fix (no checksums at all, or never a date) gives none here either.
    if (gpsd.tpv.size === 0) expect(fixes).toEqual([]);
    expect(stats.fixes).toBe(fixes.length);
    expect(problems).toEqual([]);
  });
});
