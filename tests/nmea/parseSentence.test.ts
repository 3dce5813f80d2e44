import { describe, expect, it } from 'vitest';
import { nmeaChecksum, parseSentence } from '../../ingest/nmea/parseSentence.js';

/** Appends the correct `*hh` to a sentence body such as `$GPGGA,...`. */
function withChecksum(body: string): string {
  return `${body}*${nmeaChecksum(body, 1).toString(16).toUpperCase().padStart(2, '0')}`;
}

const NS_PER_S = 1e9;

describe('parseSentence', () => {
  it('parses GGA with the NMEA 0183 example values', () => {
    const gga = parseSentence('$GPGGA,123519,4807.038,N,01131.000,E,1,08,0.9,545.4,M,46.9,M,,*47');
    expect(gga).toEqual({
      type: 'GGA',
      talker: 'GP',
      time: (12 * 3600 + 35 * 60 + 19) * NS_PER_S,
      lat: 48 + 7.038 / 60,
      lon: 11 + 31 / 60,
      quality: 1,
      satellites: 8,
      hdop: 0.9,
      alt: 545.4,
      geoidSep: 46.9,
      dgpsAge: undefined,
      dgpsStation: undefined,
    });
  });

  it('reads empty fields as undefined, never 0', () => {
    const gga = parseSentence('$GNGGA,074150.799,,,,,0,00,,,M,0.0,M,,0000,*64');
    expect(gga).toMatchObject({ type: 'GGA', quality: 0, satellites: 0, dgpsStation: 0 });
    if (gga.type !== 'GGA') throw new Error('not GGA');
    expect(gga.lat).toBeUndefined();
    expect(gga.lon).toBeUndefined();
    expect(gga.hdop).toBeUndefined();
    expect(gga.alt).toBeUndefined();
  });

  it('keeps every digit of RTK positions and fractional seconds', () => {
    const rmc = parseSentence('$GNRMC,092542.50,A,4846.4008639,N,00854.7249134,E,0.017,,200420,,,R,V*01');
    expect(rmc).toMatchObject({
      type: 'RMC',
      talker: 'GN',
      time: (9 * 3600 + 25 * 60 + 42.5) * NS_PER_S,
      status: 'A',
      lat: 48 + 46.4008639 / 60,
      lon: 8 + 54.7249134 / 60,
      speedKnots: 0.017,
      course: undefined,
      date: { day: 20, month: 4, year2: 20 },
      mode: 'R',
    });
  });

  it('signs south and west, and magnetic variation west', () => {
    const rmc = parseSentence(
      withChecksum('$GPRMC,030719.000,A,3747.0873,S,17518.8938,W,0.69,181.39,311214,20.5,W,A'),
    );
    expect(rmc).toMatchObject({ lat: -(37 + 47.0873 / 60), lon: -(175 + 18.8938 / 60), magvar: -20.5 });
  });

  it('accepts any talker and parses GNS, GST, ZDA, GLL, GSA, HDT and THS', () => {
    expect(
      parseSentence('$GNGNS,213712.000,4111.59903,N,11156.54809,W,AANN,13,0.93,01482.5,-016.5,,*52'),
    ).toMatchObject({
      type: 'GNS',
      talker: 'GN',
      modes: 'AANN',
      satellites: 13,
      hdop: 0.93,
      alt: 1482.5,
      geoidSep: -16.5,
    });
    expect(
      parseSentence(withChecksum('$GAGST,112257.00,0.387,317.719,3.872,1.791,317.563,10.659,180.746')),
    ).toMatchObject({
      type: 'GST',
      talker: 'GA',
      latErr: 317.563,
      lonErr: 10.659,
      altErr: 180.746,
    });
    expect(parseSentence('$GNZDA,213712.000,12,02,2026,,*4B')).toMatchObject({
      type: 'ZDA',
      day: 12,
      month: 2,
      year: 2026,
    });
    expect(parseSentence('$GNGLL,4111.59903,N,11156.54809,W,213712.000,A,A*50')).toMatchObject({
      type: 'GLL',
      status: 'A',
      mode: 'A',
    });
    expect(parseSentence('$GNGSA,A,3,68,69,70,78,84,85,,,,,,,1.5,1.3,1.0,2*3D')).toEqual({
      type: 'GSA',
      talker: 'GN',
      selection: 'A',
      fixMode: 3,
      satellitesUsed: 6,
      pdop: 1.5,
      hdop: 1.3,
      vdop: 1.0,
      systemId: 2,
    });
    expect(parseSentence('$GNHDT,244.28,T*13')).toMatchObject({ type: 'HDT', heading: 244.28 });
    expect(parseSentence('$GNTHS,244.28,A*11')).toMatchObject({ type: 'THS', heading: 244.28, mode: 'A' });
    expect(parseSentence(withChecksum('$QZGGA,000001,,,,,0,00,,,M,,M,,'))).toMatchObject({
      type: 'GGA',
      talker: 'QZ',
    });
  });

  it('reads VTG in the NMEA 2+ tagged form and the NMEA 1.x bare form', () => {
    expect(parseSentence('$GPVTG,330.63,T,345.26,M,0.00,N,0.00,K,A*20')).toMatchObject({
      courseTrue: 330.63,
      courseMagnetic: 345.26,
      speedKnots: 0,
      speedKmh: 0,
      mode: 'A',
    });
    expect(parseSentence(withChecksum('$GPVTG,054.7,034.4,005.5,010.2'))).toMatchObject({
      courseTrue: 54.7,
      courseMagnetic: 34.4,
      speedKnots: 5.5,
      speedKmh: 10.2,
    });
  });

  it('recognises proprietary and other sentences without using them', () => {
    expect(parseSentence('$PGRME,15.0,M,22.5,M,27.0,M*1A')).toEqual({
      type: 'proprietary',
      address: 'PGRME',
    });
    expect(parseSentence('$PERC,GPppr,423451,02405,00050,12,0,0*4D')).toEqual({
      type: 'proprietary',
      address: 'PERC',
    });
    expect(parseSentence('$GPGSV,3,3,09,30,67,294,50*48')).toEqual({
      type: 'other',
      talker: 'GP',
      formatter: 'GSV',
    });
    expect(parseSentence(withChecksum('!AIVDM,1,1,,A,13aG?P0P00PD;88MD5MTDww@2<0L,0'))).toMatchObject({
      type: 'other',
      formatter: 'VDM',
    });
  });

  it('rejects bad and missing checksums', () => {
    expect(
      parseSentence('$GPGGA,005947.00,3715.6616,N,12157.6709,W,,11,0.8,86.0,M,-30.1,M,,*54'),
    ).toMatchObject({
      type: 'error',
      reason: 'bad_checksum',
    });
    expect(
      parseSentence('$GPGGA,222449,3349.0337,S,01843.9282,E,1,07,02.31,000115.4,M,0033.3,M,,'),
    ).toMatchObject({
      type: 'error',
      reason: 'missing_checksum',
    });
    // Cut off inside the checksum.
    expect(parseSentence('$GPBOD,,T,,M,,*4')).toMatchObject({ type: 'error', reason: 'bad_checksum' });
    expect(parseSentence('$GPBOD,,T,,M,,*')).toMatchObject({ type: 'error', reason: 'bad_checksum' });
  });

  it('calls binary data after a $ garbage, not a sentence', () => {
    expect(parseSentence('$\u00a0\u00a2\u0000)\u0002')).toMatchObject({ type: 'error', reason: 'garbage' });
    expect(parseSentence('$%%&%%%')).toMatchObject({ type: 'error', reason: 'garbage' });
    expect(parseSentence('GPGGA,1')).toMatchObject({ type: 'error', reason: 'garbage' });
  });

  it('drops a malformed field but keeps the sentence (as gpsd does with a Telit date of 2208-1)', () => {
    const rmc = parseSentence('$GPRMC,000231.099,A,4829.0005,N,00022.0015,E,0.15,212.28,2208-1,,,A*73');
    expect(rmc).toMatchObject({
      type: 'RMC',
      date: undefined,
      lat: 48 + 29.0005 / 60,
      issue: { message: "field 9 (date) '2208-1' is not ddmmyy", column: 58 },
    });
  });

  it('rejects a sentence whose time is malformed, because the time decides its epoch', () => {
    expect(
      parseSentence(withChecksum('$GPGGA,12351x,4807.038,N,01131.000,E,1,08,0.9,545.4,M,46.9,M,,')),
    ).toMatchObject({
      type: 'error',
      reason: 'bad_field',
      column: 8,
    });
  });

  it('parses a sentence inside a longer line by index range', () => {
    const line = 'junk$GPHDT,274.07,T*03\r';
    expect(parseSentence(line, 4, line.length - 1)).toEqual({
      type: 'HDT',
      talker: 'GP',
      heading: 274.07,
      mode: undefined,
    });
  });
});
