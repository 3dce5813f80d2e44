/** The report's style sheet, inlined in the page (no external file may be loaded). */
export const REPORT_CSS = `
:root { color-scheme: light; --ink: #1d2330; --muted: #5f6877; --line: #d9dee7; --bg: #f6f7f9; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif; color: var(--ink); background: var(--bg); }
header, main, footer { max-width: 1600px; margin: 0 auto; padding: 16px 24px; }
h1 { margin: 8px 0 2px; font-size: 24px; }
h2 { margin: 24px 0 12px; font-size: 19px; border-bottom: 1px solid var(--line); padding-bottom: 4px; }
h3 { margin: 0; font-size: 15px; }
code, .mono { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 12px; }
.lake { margin: 0 0 12px; color: var(--muted); }
.cards { display: flex; flex-wrap: wrap; gap: 10px; }
.card { background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: 8px 14px; min-width: 120px; }
.card-value { font-size: 20px; font-weight: 600; }
.card-label { color: var(--muted); font-size: 12px; }
.grid { display: flex; flex-wrap: wrap; gap: 16px; align-items: flex-start; }
figure.chart { margin: 0; background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: 12px 14px; max-width: 100%; }
figure.chart.wide { flex-basis: 100%; }
figure.chart svg { display: block; max-width: 100%; height: auto; }
figcaption { margin-bottom: 8px; }
.caption { margin: 2px 0 0; color: var(--muted); font-size: 12px; max-width: 70ch; }
.empty { border-style: dashed; min-width: 320px; }
.empty-message { color: var(--muted); max-width: 60ch; }
svg text { font-size: 11px; fill: var(--ink); }
svg text.value, svg text.tick, svg text.unit { fill: var(--muted); }
svg text.strong { font-weight: 600; }
svg text.cell { font-size: 12px; font-weight: 600; }
svg text.cell.small { font-size: 10px; font-weight: 400; }
svg text.cell.dark { fill: #fff; }
svg line.grid { stroke: #eceff4; }
svg line.axis { stroke: #9aa3b2; }
svg line.scalebar { stroke: var(--ink); stroke-width: 3; }
svg rect.blank { fill: #fafbfc; stroke: #eceff4; }
svg rect.map-bg { fill: #f3f5f2; }
svg path.track { fill: none; stroke: #8a8f98; stroke-width: 2; stroke-linejoin: round; stroke-linecap: round; opacity: 0.8; }
svg circle.marker { stroke: #fff; stroke-width: 1.5; }
.legend { list-style: none; padding: 0; margin: 8px 0 0; display: flex; flex-wrap: wrap; gap: 4px 14px; font-size: 12px; }
.swatch { display: inline-block; width: 11px; height: 11px; border-radius: 2px; margin-right: 5px; vertical-align: -1px; }
.table-wrap { overflow-x: auto; }
table { border-collapse: collapse; font-size: 12px; }
th, td { padding: 4px 8px; border-bottom: 1px solid #eceff4; text-align: left; vertical-align: middle; }
th { font-weight: 600; color: var(--muted); white-space: nowrap; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.badge { display: inline-block; padding: 0 7px; border-radius: 9px; color: #fff; font-weight: 600; font-size: 11px; text-shadow: 0 0 2px rgba(0,0,0,.35); }
.issues { color: var(--muted); font-family: ui-monospace, Menlo, Consolas, monospace; font-size: 11px; }
footer { color: var(--muted); font-size: 12px; }
`;
