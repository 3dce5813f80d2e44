/**
 * A map without tiles: the drives' GNSS tracks and the places scenarios started, projected
 * equirectangularly around the mean latitude (x = lon · cos(mean lat), y = lat; true to scale and angle
 * near that latitude, which is what a fleet's test area needs), north up, with a scale bar.
 */
import { coord, escapeHtml, formatNumber } from '../html.js';
import { figure } from './figure.js';

export interface MapTrack {
  label: string;
  /** Runs of [lat, lon]; each run is drawn as one connected line. */
  runs: readonly (readonly [number, number])[][];
}

export interface MapMarker {
  lat: number;
  lon: number;
  colour: string;
  tooltip: string;
}

export interface TrackMapOptions {
  name: string;
  title: string;
  caption?: string;
  tracks: readonly MapTrack[];
  markers: readonly MapMarker[];
  footer?: string;
  /** @default 760 */
  width?: number;
  /** @default 520 */
  maxHeight?: number;
}

const MARGIN = 24;
/** Metres per degree of latitude (WGS84 mean; the map's scale bar needs no more). */
const M_PER_DEG_LAT = 111_320;
/** Points closer than this to the previous one drawn are skipped: invisible, and they bloat the file. */
const MIN_STEP_PX = 0.8;

/** The map; `data-points` counts track lines and scenario markers. */
export function trackMap(options: TrackMapOptions): string {
  const width = options.width ?? 760;
  const maxHeight = options.maxHeight ?? 520;
  const lats: number[] = [];
  const lons: number[] = [];
  for (const track of options.tracks) {
    for (const run of track.runs) {
      for (const [lat, lon] of run) {
        lats.push(lat);
        lons.push(lon);
      }
    }
  }
  for (const m of options.markers) {
    lats.push(m.lat);
    lons.push(m.lon);
  }
  const meanLat = lats.reduce((s, x) => s + x, 0) / Math.max(1, lats.length);
  const kx = Math.cos((meanLat * Math.PI) / 180);
  const minX = Math.min(...lons) * kx;
  const maxX = Math.max(...lons) * kx;
  const minY = Math.min(...lats);
  const maxY = Math.max(...lats);
  // A single point (or none) still gets a ~100 m wide view.
  const spanX = Math.max(maxX - minX, 1e-3);
  const spanY = Math.max(maxY - minY, 1e-3);
  const scale = Math.min((width - 2 * MARGIN) / spanX, (maxHeight - 2 * MARGIN - 24) / spanY);
  const height = Math.max(160, Math.ceil(spanY * scale + 2 * MARGIN + 24));
  const midX = (minX + maxX) / 2;
  const midY = (minY + maxY) / 2;
  // The space under the map (24 px) is the scale bar's.
  const cx = (lon: number) => width / 2 + (lon * kx - midX) * scale;
  const cy = (lat: number) => (height - 24) / 2 - (lat - midY) * scale;

  const parts: string[] = [`<rect class="map-bg" x="0" y="0" width="${width}" height="${height}"/>`];
  let points = 0;
  for (const track of options.tracks) {
    const d: string[] = [];
    for (const run of track.runs) {
      let last: [number, number] | undefined;
      const kept: string[] = [];
      for (const [i, [lat, lon]] of run.entries()) {
        const p: [number, number] = [cx(lon), cy(lat)];
        const isLast = i === run.length - 1;
        if (last && !isLast && Math.hypot(p[0] - last[0], p[1] - last[1]) < MIN_STEP_PX) continue;
        kept.push(`${coord(p[0])} ${coord(p[1])}`);
        last = p;
      }
      if (kept.length === 1) kept.push(kept[0] ?? '');
      if (kept.length > 0) d.push(`M${kept.join('L')}`);
    }
    if (d.length === 0) continue;
    points++;
    parts.push(`<path class="mark track" d="${d.join('')}"><title>${escapeHtml(track.label)}</title></path>`);
  }
  for (const m of options.markers) {
    points++;
    parts.push(
      `<circle class="mark marker" cx="${coord(cx(m.lon))}" cy="${coord(cy(m.lat))}" r="5" fill="${escapeHtml(m.colour)}"><title>${escapeHtml(m.tooltip)}</title></circle>`,
    );
  }
  parts.push(
    scaleBar(scale, height),
    `<text class="label strong" x="${width - 16}" y="20" text-anchor="middle">N ↑</text>`,
  );
  const svg = `<svg viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="${escapeHtml(options.title)}">${parts.join('')}</svg>`;
  return figure({
    name: options.name,
    title: options.title,
    ...(options.caption ? { caption: options.caption } : {}),
    points,
    body: svg,
    ...(options.footer ? { footer: options.footer } : {}),
    wide: true,
  });
}

/** A bar of a round length (1, 2 or 5 × 10^k m) at most 140 px long, bottom left. */
function scaleBar(pxPerDeg: number, height: number): string {
  const metresPerPx = M_PER_DEG_LAT / pxPerDeg;
  const maxMetres = 140 * metresPerPx;
  const power = 10 ** Math.floor(Math.log10(maxMetres));
  const metres = [5, 2, 1].map((m) => m * power).find((m) => m <= maxMetres) ?? power;
  const px = metres / metresPerPx;
  const y = height - 14;
  const text =
    metres >= 1000
      ? `${formatNumber(metres / 1000, metres % 1000 === 0 ? 0 : 1)} km`
      : `${formatNumber(metres)} m`;
  return [
    `<line class="scalebar" x1="${MARGIN}" x2="${coord(MARGIN + px)}" y1="${y}" y2="${y}"/>`,
    `<text class="tick" x="${coord(MARGIN + px + 6)}" y="${y}" dominant-baseline="central">${escapeHtml(text)}</text>`,
  ].join('');
}
