// The peers table in markdown: one row per SDK, each figure with its ratio to the baseline row.
// A cell whose scenario failed reads "failed: reason" instead.
const fmt = (value, digits = 0) => value.toLocaleString('en', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const kb = (bytes) => fmt(bytes / 1024, 1);

function ratio(value, base) {
  if (typeof base !== 'number' || !(base > 0)) return '';
  const r = value / base;
  return ` (${r < 10 ? fmt(r, 1) : fmt(r)}×)`;
}

// A track loop stopped at its time cap: say how far it got.
const capped = (r) => (r.track.calls < 10_000 ? `, stopped after ${fmt(r.track.calls)} calls` : '');

// Each column: its header, the scenario it comes from, and how to read it (given the baseline).
const columns = [
  ['SDK', null, (r) => r.label],
  [
    'what the page loads, KB min / gzip / brotli',
    'size',
    (r, b) => `${kb(r.size.raw)} / **${kb(r.size.gzip)}** / ${kb(r.size.brotli)}${ratio(r.size.gzip, b.size?.gzip)}`,
  ],
  ['ready after navigation', 'loads', (r, b) => `${fmt(r.loads.readyMs)} ms${ratio(r.loads.readyMs, b.loads?.readyMs)}`],
  ['first event at the collector', 'loads', (r, b) => `${fmt(r.loads.firstMs)} ms${ratio(r.loads.firstMs, b.loads?.firstMs)}`],
  [
    'µs per `track` (10,000 calls)',
    'track',
    (r, b) => `${fmt(r.track.usPerCall, r.track.usPerCall < 100 ? 1 : 0)} µs${ratio(r.track.usPerCall, b.track?.usPerCall)}${capped(r)}`,
  ],
  ['longest task outside the loop', 'track', (r, b) => `${fmt(r.track.longestMs)} ms${ratio(r.track.longestMs, b.track?.longestMs)}`],
  ['1,000 tracked: delivered, requests', 'bulk', (r) => `${fmt(r.bulk.delivered)}, ${fmt(r.bulk.requests)} req`],
  [
    '20 tracked, page left: delivered',
    'unload',
    (r) => `${r.unload.median}${r.unload.min !== r.unload.max ? ` (${r.unload.min}–${r.unload.max})` : ''}`,
  ],
  [
    'JS heap right after 10,000',
    'track',
    (r, b) => `${fmt(r.track.heap / 1024 / 1024, 1)} MB${ratio(r.track.heap, b.track?.heap)}${capped(r)}`,
  ],
  [
    'heap kept once delivered',
    'track',
    (r) =>
      `${fmt(Math.max(0, r.track.kept) / 1024 / 1024, 2)} MB${r.track.dataLayer > 0 ? ` (${fmt(r.track.dataLayer / 1024 / 1024, 2)} of it \`dataLayer\`)` : ''}${capped(r)}`,
  ],
  ['external requests blocked', null, (r) => String(r.strays.length)],
];

/** Markdown table rows for `results` (the first is the baseline). */
export function table(results) {
  const base = results[0];
  const cell = (r, key, read) => {
    if (key && !r[key]) return `failed: ${r.failed[key] ?? 'not run'}`;
    return read(r, base).replaceAll('|', '\\|');
  };
  const lines = [`| ${columns.map(([header]) => header).join(' | ')} |`, `|${columns.map((_, i) => (i === 0 ? '---' : '--:')).join('|')}|`];
  for (const r of results) lines.push(`| ${columns.map(([, key, read]) => cell(r, key, read)).join(' | ')} |`);
  return lines.join('\n');
}
