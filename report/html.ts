/**
 * Text for HTML and SVG: escaping, and numbers formatted the same on every machine (no locale).
 */

const ENTITIES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Text safe in element content and in quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => ENTITIES[char] ?? char);
}

/** `x` with `digits` decimals and thin-space-free thousands separators (`12,345.6`); `–` for null or NaN. */
export function formatNumber(x: number | null, digits = 0): string {
  if (x === null || !Number.isFinite(x)) return '–';
  const fixed = Math.abs(x).toFixed(digits);
  const [whole = '', fraction] = fixed.split('.');
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const sign = x < 0 && Number(fixed) !== 0 ? '−' : '';
  return `${sign}${grouped}${fraction === undefined ? '' : `.${fraction}`}`;
}

/** A share as a percentage with one decimal: `0.1234` → `12.3 %`. */
export function formatPercent(share: number | null): string {
  return share === null || !Number.isFinite(share) ? '–' : `${formatNumber(share * 100, 1)} %`;
}

/** Seconds as `1 h 02 min`, `12 min 05 s` or `8.4 s`. */
export function formatDuration(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds)) return '–';
  if (seconds < 60) return `${formatNumber(seconds, 1)} s`;
  const whole = Math.round(seconds);
  const h = Math.floor(whole / 3600);
  const min = Math.floor((whole % 3600) / 60);
  const s = whole % 60;
  const pad = (n: number) => String(n).padStart(2, '0');
  return h > 0 ? `${h} h ${pad(min)} min` : `${min} min ${pad(s)} s`;
}

/** An SVG coordinate: at most one decimal, no `-0`. */
export function coord(x: number): string {
  const rounded = Math.round(x * 10) / 10;
  return String(rounded === 0 ? 0 : rounded);
}

/** `text` cut to `max` characters with an ellipsis. */
export function clipText(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** `text` cut in the middle to `max` characters, keeping both ends (ids that share a long prefix). */
export function clipMiddle(text: string, max: number): string {
  if (text.length <= max) return text;
  const head = Math.ceil((max - 1) / 2);
  return `${text.slice(0, head)}…${text.slice(text.length - (max - 1 - head))}`;
}
