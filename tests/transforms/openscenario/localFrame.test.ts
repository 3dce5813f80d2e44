import { describe, expect, it } from 'vitest';
import { courseToHeading, LocalFrame, wrapTwoPi } from '../../../transforms/openscenario/localFrame.js';

// Length of a degree on the WGS84 ellipsoid (the standard series, e.g. in the US NGA/NIMA literature):
// latitude 111132.954 - 559.822 cos 2φ + 1.175 cos 4φ,
// longitude 111412.84 cos φ - 93.5 cos 3φ + 0.118 cos 5φ.
function degreeLengths(latDeg: number): { lat: number; lon: number } {
  const p = (latDeg * Math.PI) / 180;
  return {
    lat: 111_132.954 - 559.822 * Math.cos(2 * p) + 1.175 * Math.cos(4 * p),
    lon: 111_412.84 * Math.cos(p) - 93.5 * Math.cos(3 * p) + 0.118 * Math.cos(5 * p),
  };
}

describe('LocalFrame', () => {
  it.each([0, 30, 45, 48.0675, 60, -33.9])('puts 0.01° north on +y and 0.01° east on +x at %s°', (lat) => {
    const frame = new LocalFrame({ lat, lon: 11.5, alt: 0 });
    const len = degreeLengths(lat);
    expect(frame.toLocal(lat, 11.5)).toEqual({ x: 0, y: 0 });
    const north = frame.toLocal(lat + 0.01, 11.5);
    // Over 1.1 km the tangent plane and the ellipsoid differ by well under a centimetre.
    expect(north.x).toBeCloseTo(0, 6);
    expect(Math.abs(north.y - len.lat / 100)).toBeLessThan(0.01);
    const east = frame.toLocal(lat, 11.51);
    expect(Math.abs(east.x - len.lon / 100)).toBeLessThan(0.01);
    // A parallel bows toward the pole on the tangent plane: by x² tan φ / 2N.
    expect(east.y).toBeCloseTo((east.x * east.x * Math.tan((lat * Math.PI) / 180)) / (2 * 6_388_000), 3);
  });

  it('ignores the altitude of a point for x/y (the origin height is used)', () => {
    const frame = new LocalFrame({ lat: 48, lon: 11, alt: 500 });
    const a = frame.toLocal(48.01, 11.01);
    expect(a.x).toBeGreaterThan(740);
    expect(a.y).toBeGreaterThan(1100);
  });

  it('turns a course clockwise from north into a heading counter-clockwise from east', () => {
    expect(courseToHeading(0)).toBeCloseTo(Math.PI / 2, 12);
    expect(courseToHeading(90)).toBeCloseTo(0, 12);
    expect(courseToHeading(180)).toBeCloseTo((3 * Math.PI) / 2, 12);
    expect(courseToHeading(270)).toBeCloseTo(Math.PI, 12);
    const frame = new LocalFrame({ lat: 48, lon: 11, alt: 0 });
    expect(frame.headingToLocal(0, 48, 11)).toBeCloseTo(Math.PI / 2, 9);
    expect(frame.headingToLocal(90, 48, 11)).toBeCloseTo(0, 9);
    // 0.1° of longitude east at 48° N: meridian convergence Δλ sin φ = 0.0743° turns north to the west.
    const convergence = frame.headingToLocal(0, 48, 11.1) - Math.PI / 2;
    expect((convergence * 180) / Math.PI).toBeCloseTo(0.1 * Math.sin((48 * Math.PI) / 180), 3);
  });

  it('wraps angles to [0, 2π)', () => {
    expect(wrapTwoPi(-Math.PI / 2)).toBeCloseTo((3 * Math.PI) / 2, 12);
    expect(wrapTwoPi(2 * Math.PI)).toBe(0);
    expect(wrapTwoPi(-1e-17)).toBe(0);
    expect(wrapTwoPi(7)).toBeCloseTo(7 - 2 * Math.PI, 12);
  });
});
