import { UsageError } from '../../core/errors.js';
import { daysFromCivil } from '../../core/time.js';
import type { GpsFix } from './gpsFix.js';
import type { NmeaDate, NmeaSentence, TimeOfDayNs } from './parseSentence.js';
import type { RejectTally } from '../../core/rejectTally.js';

const DAY_NS = 86_400_000_000_000n;
const HALF_DAY_NS = 43_200e9;
/** International knot: 1852 m per hour. */
const KNOTS_TO_MPS = 1852 / 3600;
/** GPS broadcasts a 10-bit week number, so old receivers jump back 1024 weeks every 19.6 years. */
const GPS_ROLLOVER_DAYS = 1024 * 7;

export interface EpochAssemblerOptions {
  /**
   * `YYYY-MM-DD`: UTC date to assume for the first epoch when the log never gives one in time (see
   * `maxHeldEpochs`), and the reference for GPS week rollover correction.
   */
  baseDate?: string;
  /**
   * How many dateless epochs to hold while waiting for an RMC/ZDA date. Past this (and at the end of the
   * log) held epochs get `baseDate`, or are rejected as `no_date` without one.
   * @default 1000 (100 s at 10 Hz, about 17 min at 1 Hz)
   */
  maxHeldEpochs?: number;
}

/**
 * Groups accepted sentences into epochs (runs of sentences with the same time of day; untimed sentences
 * such as VTG and GSA join the epoch they follow) and turns each epoch that has a position sentence
 * (GGA, GNS, RMC, GLL; valid or not) into a `GpsFix` with a full UTC time.
 *
 * Fusion. Position from GGA/GNS over RMC over GLL (RMC often prints fewer decimals); among equals the later
 * sentence wins, as in gpsd. Only valid sentences give positions: GGA quality > 0, GNS with a mode other
 * than N, RMC status A/D, GLL status A. Altitude needs a valid GGA/GNS; speed and course need a position.
 *
 * Dates. GGA carries no date, so the date comes from a valid RMC (status A/D, as gpsd: a `V` receiver's
 * date is often its unset clock) or a ZDA, and is carried to later epochs. When the time of day goes back
 * by more than 12 h the date advances (midnight rollover); forward by more than 12 h, it goes back a day
 * (a late sentence from before midnight). Epochs before the first date are held, up to `maxHeldEpochs`,
 * and dated backwards from the first date seen.
 *
 * Two-digit RMC years resolve to the year within 50 years of the last ZDA year; without a ZDA that is
 * gpsd's window 1980–2079 (merge_ddmmyy), so the `99` that Telit modules send after the 2019 GPS week
 * rollover reads 1999, as gpsd reports it. Only with a `baseDate` as evidence is a date more than 512
 * weeks before it moved forward by whole 1024-week GPS rollovers.
 */
export class EpochAssembler {
  private readonly baseDays: number;
  private readonly maxHeld: number;
  /** The epoch being fused; reused, so sentences cost no allocation here. */
  private readonly epoch = new EpochState();
  /** Two-digit years resolve near this: the last ZDA year, else 2030 (gpsd's window 1980–2079). */
  private referenceYear = 2030;
  private lastDateKey = -1;
  private lastDateDays = 0;
  /** Date and time of day of the last dated epoch; NaN before the first. */
  private lastDays = Number.NaN;
  private lastTod = 0;
  /** Dateless fixes waiting for a date, with their times of day. */
  private held: GpsFix[] = [];
  private heldTods: number[] = [];

  constructor(
    private readonly rejects: RejectTally,
    options: EpochAssemblerOptions = {},
  ) {
    this.baseDays = options.baseDate === undefined ? Number.NaN : parseBaseDate(options.baseDate);
    this.maxHeld = options.maxHeldEpochs ?? 1000;
  }

  /** Adds one accepted sentence from source line `line`; fixes that become complete are pushed to `out`. */
  add(sentence: NmeaSentence, line: number, out: GpsFix[]): void {
    const epoch = this.epoch;
    const time = timeOf(sentence);
    if (!epoch.open) {
      epoch.start(time, line);
    } else if (time !== undefined) {
      if (Number.isNaN(epoch.tod)) epoch.tod = time;
      else if (time !== epoch.tod) {
        this.close(out);
        epoch.start(time, line);
      }
    }
    this.merge(sentence);
  }

  /** Closes the open epoch and releases or rejects everything still held. Call once at the end of input. */
  finish(out: GpsFix[]): void {
    this.close(out);
    if (this.held.length > 0) this.releaseWithoutDate(this.held.length, out);
  }

  private merge(s: NmeaSentence): void {
    const e = this.epoch;
    switch (s.type) {
      case 'GGA': {
        e.hasPositionSentence = true;
        e.fromGga = true;
        e.quality = s.quality ?? Number.NaN;
        e.satellites = s.satellites ?? Number.NaN;
        // Quality 0 (or empty) means no fix: the other fields are leftovers and are not used.
        if (s.quality !== undefined && s.quality > 0 && s.lat !== undefined && s.lon !== undefined) {
          e.position(s.lat, s.lon, 3);
          e.alt = s.alt ?? Number.NaN;
          e.geoidSep = s.geoidSep ?? Number.NaN;
          if (s.hdop !== undefined) e.hdop = s.hdop;
        }
        return;
      }
      case 'GNS': {
        e.hasPositionSentence = true;
        const quality = qualityFromModes(s.modes);
        if (!e.fromGga) e.quality = quality ?? Number.NaN;
        if (Number.isNaN(e.satellites) && s.satellites !== undefined) e.satellites = s.satellites;
        if (quality !== undefined && quality > 0 && s.lat !== undefined && s.lon !== undefined) {
          e.position(s.lat, s.lon, 3);
          e.alt = s.alt ?? Number.NaN;
          e.geoidSep = s.geoidSep ?? Number.NaN;
          if (Number.isNaN(e.hdop) && s.hdop !== undefined) e.hdop = s.hdop;
        }
        return;
      }
      case 'RMC': {
        e.hasPositionSentence = true;
        if ((s.status !== 'A' && s.status !== 'D') || s.mode === 'N') return;
        if (s.date !== undefined) e.days = this.correctRollover(this.daysOfRmcDate(s.date));
        if (!e.fromGga && Number.isNaN(e.quality)) e.quality = qualityFromModes(s.mode ?? 'A') ?? Number.NaN;
        if (s.lat !== undefined && s.lon !== undefined) e.position(s.lat, s.lon, 2);
        if (s.speedKnots !== undefined) e.speed = s.speedKnots * KNOTS_TO_MPS;
        if (s.course !== undefined) e.course = s.course;
        return;
      }
      case 'GLL':
        e.hasPositionSentence = true;
        if (s.status === 'A' && s.mode !== 'N' && s.lat !== undefined && s.lon !== undefined) {
          e.position(s.lat, s.lon, 1);
        }
        return;
      case 'VTG':
        if (s.mode === 'N') return;
        if (s.speedKnots !== undefined) e.speed = s.speedKnots * KNOTS_TO_MPS;
        else if (s.speedKmh !== undefined) e.speed = s.speedKmh / 3.6;
        if (s.courseTrue !== undefined) e.course = s.courseTrue;
        return;
      case 'GSA':
        // Multi-GNSS receivers send one GSA per constellation; they agree on the fix mode.
        if (
          s.fixMode !== undefined &&
          s.fixMode >= 1 &&
          s.fixMode <= 3 &&
          (Number.isNaN(e.gsaMode) || s.fixMode > e.gsaMode)
        ) {
          e.gsaMode = s.fixMode;
        }
        if (Number.isNaN(e.pdop) && s.pdop !== undefined) e.pdop = s.pdop;
        if (Number.isNaN(e.hdop) && s.hdop !== undefined) e.hdop = s.hdop;
        if (Number.isNaN(e.vdop) && s.vdop !== undefined) e.vdop = s.vdop;
        return;
      case 'GST':
        e.latErr = s.latErr ?? Number.NaN;
        e.lonErr = s.lonErr ?? Number.NaN;
        e.altErr = s.altErr ?? Number.NaN;
        return;
      case 'ZDA':
        if (s.day !== undefined && s.month !== undefined && s.year !== undefined) {
          this.referenceYear = s.year;
          e.days = this.correctRollover(daysFromCivil(s.year, s.month, s.day));
        }
        return;
      case 'HDT':
      case 'THS':
        if (s.heading !== undefined && s.mode !== 'V') e.heading = s.heading;
        return;
      case 'other':
      case 'proprietary':
        return;
    }
  }

  private close(out: GpsFix[]): void {
    const epoch = this.epoch;
    if (!epoch.open) return;
    epoch.open = false;
    const tod = epoch.tod;
    if (Number.isNaN(tod)) return; // untimed sentences only (e.g. an empty `$GPRMC,,V,...`)
    const fix = epoch.hasPositionSentence ? epoch.toFix() : undefined;
    let days = epoch.days;
    if (Number.isNaN(days) && !Number.isNaN(this.lastDays))
      days = carryDate(this.lastDays, this.lastTod, tod);
    if (Number.isNaN(days)) {
      if (fix !== undefined) {
        this.held.push(fix);
        this.heldTods.push(tod);
        if (this.held.length > this.maxHeld) this.releaseWithoutDate(1, out);
      }
      return;
    }
    if (this.held.length > 0) this.releaseBackwards(days, tod, out);
    this.lastDays = days;
    this.lastTod = tod;
    if (fix !== undefined) out.push(stamp(fix, days, tod));
  }

  /** Dates the held fixes backwards from the first dated epoch `(days, tod)` and emits them in order. */
  private releaseBackwards(days: number, tod: TimeOfDayNs, out: GpsFix[]): void {
    const dates = new Array<number>(this.held.length);
    let nextDays = days;
    let nextTod = tod;
    for (let i = this.held.length - 1; i >= 0; i -= 1) {
      const heldTod = this.heldTods[i] ?? nextTod;
      nextDays = carryDate(nextDays, nextTod, heldTod);
      nextTod = heldTod;
      dates[i] = nextDays;
    }
    this.held.forEach((fix, i) => out.push(stamp(fix, dates[i] ?? days, this.heldTods[i] ?? tod)));
    this.held = [];
    this.heldTods = [];
  }

  /** No date arrived in time: give the oldest `count` held fixes `baseDate`, or reject them as `no_date`. */
  private releaseWithoutDate(count: number, out: GpsFix[]): void {
    if (!Number.isNaN(this.baseDays)) {
      // baseDate is the date of the first held epoch; later ones follow it with midnight rollover.
      this.lastDays = this.baseDays;
      this.lastTod = this.heldTods[0] ?? 0;
      this.held.forEach((fix, i) => {
        const tod = this.heldTods[i] ?? this.lastTod;
        this.lastDays = carryDate(this.lastDays, this.lastTod, tod);
        this.lastTod = tod;
        out.push(stamp(fix, this.lastDays, tod));
      });
      this.held = [];
      this.heldTods = [];
      return;
    }
    const tods = this.heldTods.splice(0, count);
    this.held.splice(0, count).forEach((fix, i) => {
      const message = `fix at ${formatTod(tods[i] ?? 0)} UTC has no date: no RMC/ZDA date within ${this.maxHeld} epochs and no baseDate given`;
      this.rejects.add('no_date', message, { line: fix.line });
    });
  }

  /** The year ending in `year2` within [referenceYear − 50, referenceYear + 50). */
  private daysOfRmcDate(date: NmeaDate): number {
    // Every RMC of a day repeats the same date: convert it once.
    const key = ((this.referenceYear * 100 + date.year2) * 100 + date.month) * 100 + date.day;
    if (key !== this.lastDateKey) {
      const first = this.referenceYear - 50;
      const year = first + ((((date.year2 - first) % 100) + 100) % 100);
      this.lastDateKey = key;
      this.lastDateDays = daysFromCivil(year, date.month, date.day);
    }
    return this.lastDateDays;
  }

  private correctRollover(days: number): number {
    let corrected = days;
    // NaN baseDays (none given) fails the comparison: no correction.
    while (corrected < this.baseDays - GPS_ROLLOVER_DAYS / 2) corrected += GPS_ROLLOVER_DAYS;
    return corrected;
  }
}

/**
 * The epoch being fused. Every field is a number (NaN = not reported) or a boolean, so V8 keeps them
 * unboxed and updates cost no allocation; `toFix()` builds the one output object per epoch.
 */
class EpochState {
  open = false;
  tod = Number.NaN;
  line = 0;
  /** The epoch's own UTC date (days since 1970) from a valid RMC or a ZDA. */
  days = Number.NaN;
  /** A GGA/GNS/RMC/GLL was seen, valid or not: only such epochs become fixes. */
  hasPositionSentence = false;
  fromGga = false;
  /** Precision rank of the position source: GGA/GNS 3 > RMC 2 > GLL 1. */
  positionRank = 0;
  lat = Number.NaN;
  lon = Number.NaN;
  alt = Number.NaN;
  geoidSep = Number.NaN;
  speed = Number.NaN;
  course = Number.NaN;
  heading = Number.NaN;
  quality = Number.NaN;
  gsaMode = Number.NaN;
  satellites = Number.NaN;
  hdop = Number.NaN;
  vdop = Number.NaN;
  pdop = Number.NaN;
  latErr = Number.NaN;
  lonErr = Number.NaN;
  altErr = Number.NaN;

  start(tod: TimeOfDayNs | undefined, line: number): void {
    this.open = true;
    this.tod = tod ?? Number.NaN;
    this.line = line;
    this.days = Number.NaN;
    this.hasPositionSentence = false;
    this.fromGga = false;
    this.positionRank = 0;
    this.lat = this.lon = this.alt = this.geoidSep = this.speed = this.course = this.heading = Number.NaN;
    this.quality = this.gsaMode = this.satellites = this.hdop = this.vdop = this.pdop = Number.NaN;
    this.latErr = this.lonErr = this.altErr = Number.NaN;
  }

  position(lat: number, lon: number, rank: number): void {
    // Same-rank sources (GPGGA then GNGGA) overwrite, as in gpsd: the later one is the receiver's last word.
    if (rank < this.positionRank) return;
    this.positionRank = rank;
    this.lat = lat;
    this.lon = lon;
  }

  toFix(): GpsFix {
    const valid = !Number.isNaN(this.lat);
    // Without a valid position, altitude, speed and course are leftovers of an older fix.
    const alt = valid ? this.alt : Number.NaN;
    const mode = !Number.isNaN(this.gsaMode) ? this.gsaMode : valid ? (Number.isNaN(alt) ? 2 : 3) : 1;
    // Every key, in one order: fixes share one object shape (fast to build and to read downstream).
    return {
      t: 0n,
      lat: defined(this.lat),
      lon: defined(this.lon),
      alt: defined(alt),
      altHae: defined(alt + this.geoidSep),
      speed: valid ? defined(this.speed) : undefined,
      course: valid ? defined(this.course) : undefined,
      heading: defined(this.heading),
      fixQuality: defined(this.quality),
      mode,
      satellites: defined(this.satellites),
      hdop: defined(this.hdop),
      vdop: defined(this.vdop),
      pdop: defined(this.pdop),
      latErr: defined(this.latErr),
      lonErr: defined(this.lonErr),
      altErr: defined(this.altErr),
      line: this.line,
    };
  }
}

function defined(value: number): number | undefined {
  return Number.isNaN(value) ? undefined : value;
}

function timeOf(s: NmeaSentence): TimeOfDayNs | undefined {
  switch (s.type) {
    case 'GGA':
    case 'RMC':
    case 'GNS':
    case 'GLL':
    case 'GST':
    case 'ZDA':
      return s.time;
    default:
      return undefined;
  }
}

/** Midnight of the last day stamped, in ns: one BigInt product per day instead of one per fix. */
let midnightDays = Number.NaN;
let midnightNs = 0n;

function stamp(fix: GpsFix, days: number, tod: TimeOfDayNs): GpsFix {
  if (days !== midnightDays) {
    midnightDays = days;
    midnightNs = BigInt(days) * DAY_NS;
  }
  fix.t = midnightNs + BigInt(tod);
  return fix;
}

/** The date of an epoch at `tod`, given a neighbouring epoch's date and time of day (±12 h → midnight rollover). */
function carryDate(days: number, lastTod: TimeOfDayNs, tod: TimeOfDayNs): number {
  if (tod < lastTod - HALF_DAY_NS) return days + 1;
  if (tod > lastTod + HALF_DAY_NS) return days - 1;
  return days;
}

/**
 * Fix quality (GGA scale) from an RMC/GLL mode letter or the GNS per-constellation mode string, taking
 * the best constellation: R RTK 4, F float 5, P precise 3, D differential 2, A autonomous 1, E estimated 6,
 * M manual 7, S simulator 8, N no fix 0.
 */
function qualityFromModes(modes: string | undefined): number | undefined {
  if (modes === undefined) return undefined;
  let best = -1;
  let quality: number | undefined;
  for (let i = 0; i < modes.length; i += 1) {
    const rank = MODE_RANK.indexOf(modes.charAt(i));
    if (rank > best) {
      best = rank;
      quality = MODE_QUALITY[rank];
    }
  }
  return quality;
}

/** Mode letters from worst to best, and the GGA quality each stands for. */
const MODE_RANK = 'NSMEADPFR';
const MODE_QUALITY = [0, 8, 7, 6, 1, 2, 3, 5, 4];

function parseBaseDate(text: string): number {
  const [y, m, d] = text.split('-').map(Number);
  if (y === undefined || m === undefined || d === undefined || !/^\d{4}-\d{2}-\d{2}$/.test(text)) {
    throw new UsageError(`nmea: baseDate '${text}' is not YYYY-MM-DD`);
  }
  return daysFromCivil(y, m, d);
}

function formatTod(tod: TimeOfDayNs): string {
  const ms = Math.floor(tod / 1e6);
  const pad = (n: number, width = 2): string => String(n).padStart(width, '0');
  const hh = pad(Math.floor(ms / 3_600_000));
  return `${hh}:${pad(Math.floor(ms / 60_000) % 60)}:${pad(Math.floor(ms / 1000) % 60)}.${pad(ms % 1000, 3)}`;
}
