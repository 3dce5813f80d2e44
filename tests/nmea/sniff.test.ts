import { readFileSync, readdirSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { sniffNmea } from '../../ingest/nmea/sniff.js';

const HEAD = 4096;
const GPSD = '../shared/data/nmea/gpsd';
const head = (path: string): Uint8Array => readFileSync(path).subarray(0, HEAD);

describe('sniffNmea', () => {
  /** gpsd logs with no checksummed NMEA: SiRF binary only, and a receiver that sends no checksums. */
  const notNmea = new Set(['bu303-moving.log', 'hp58534a.log']);

  it.each(readdirSync(GPSD).filter((name) => name.endsWith('.log')))('recognises %s', (name) => {
    expect(sniffNmea(head(`${GPSD}/${name}`))).toBe(!notNmea.has(name));
  });

  it('recognises the other NMEA logs', () => {
    expect(sniffNmea(head('../shared/data/nmea/nmea_navsat_driver/nmea.log'))).toBe(true);
    expect(sniffNmea(head('../shared/data/drives/comma2k19/derived/rav4_2018-08-02_seg40.nmea'))).toBe(true);
  });

  it('says no to other formats, binary and compressed data', () => {
    expect(sniffNmea(head('../shared/data/drives/comma2k19/derived/rav4_2018-08-02_seg40.candump.log'))).toBe(
      false,
    );
    expect(sniffNmea(head('../shared/data/can/python-can/logfile.asc'))).toBe(false);
    expect(sniffNmea(head('../shared/data/mcap/evo/nav2_turtlebot.mcap'))).toBe(false);
    expect(
      sniffNmea(gzipSync(readFileSync('../shared/data/nmea/nmea_navsat_driver/nmea.log')).subarray(0, HEAD)),
    ).toBe(false);
    expect(sniffNmea(new Uint8Array(0))).toBe(false);
    expect(sniffNmea(new TextEncoder().encode('price: $GPGGA, $5 *00\n'))).toBe(false);
  });

  it('needs two valid sentences, not one', () => {
    const one = '$GPHDT,274.07,T*03\r\n';
    expect(sniffNmea(new TextEncoder().encode(one))).toBe(false);
    expect(sniffNmea(new TextEncoder().encode(one + one))).toBe(true);
    expect(sniffNmea(new TextEncoder().encode(one + one.replace('*03', '*04')))).toBe(false);
  });
});
