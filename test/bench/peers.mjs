// `npm run bench`, part three: acquaint side by side with its peers (Segment, RudderStack,
// getanalytics.io) and a hand-written fetch/sendBeacon floor, in one headless Chromium run against
// a loopback collector. Prints a markdown table (ratios to the floor) and writes it to
// test/bench/results.md. Asserts nothing; a scenario that fails shows in its cell.
import { chromium } from '@playwright/test';
import { chromiumLaunch } from '../chromium.mjs';
import { writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { createPeerCollector } from './peer-collector.mjs';
import { sdks } from './peers/sdks.mjs';
import { benchPage, blankPage } from './peers/page.mjs';
import { loads, trackCost, bulk, unload } from './peers/scenarios.mjs';
import { table } from './peers/report.mjs';
import { measure } from '../../scripts/size.mjs';

const LOADS = 5;
const TRACK = { count: 10_000, times: 3, budgetMs: 30_000, limitMs: 20_000 };
const BULK = { count: 1_000, times: 3 };
const UNLOAD = { count: 20, times: 3 };
const reason = (err) =>
  String(err?.message ?? err)
    .split('\n')[0]
    .slice(0, 120);

// `node test/bench/peers.mjs segment rudderstack` runs only those (and the floor, the baseline).
const only = process.argv.slice(2);
const chosen = sdks.filter((sdk, i) => i === 0 || !only.length || only.includes(sdk.id));

const pages = new Map(sdks.map((sdk) => [`/${sdk.id}.html`, benchPage(sdk)]));
pages.set('/blank.html', blankPage);
const server = await createPeerCollector({
  mounts: Object.assign({}, ...sdks.map((sdk) => sdk.mounts)),
  stubs: Object.assign({}, ...sdks.map((sdk) => sdk.stubs ?? {})),
  page: (path) => pages.get(path),
});
const browser = await chromium.launch(
  chromiumLaunch(
    // Exact heap figures, and gc() so the bench reads the heap after a full collection.
    '--enable-precise-memory-info',
    '--js-flags=--expose-gc',
    // Nothing may leave loopback: every other host fails to resolve (scenarios.mjs counts the attempts).
    '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1',
  ),
);

/** Bytes of the script files a page loaded from the server, each measured as served. */
function bytesOf(urls) {
  const total = { raw: 0, gzip: 0, brotli: 0, files: [] };
  for (const url of urls) {
    const file = server.fileFor(new URL(url).pathname);
    if (!file) continue;
    const { raw, gzip, brotli } = measure(file);
    Object.assign(total, { raw: total.raw + raw, gzip: total.gzip + gzip, brotli: total.brotli + brotli });
    total.files.push(new URL(url).pathname);
  }
  return total;
}

const results = [];
for (const sdk of chosen) {
  const started = Date.now();
  const result = { id: sdk.id, label: sdk.label, setup: sdk.setup, strays: [], failed: {} };
  results.push(result);
  const env = { browser, server, strays: result.strays };
  // Each scenario on its own: one that fails leaves its reason in the table, the rest still run.
  const attempt = async (key, work) => {
    const start = Date.now();
    try {
      result[key] = await work();
    } catch (err) {
      result.failed[key] = reason(err);
    }
    if (process.env.BENCH_VERBOSE)
      console.error(`  ${sdk.id} ${key}: ${Date.now() - start} ms${result.failed[key] ? ` failed: ${result.failed[key]}` : ''}`);
  };
  await attempt('prepared', async () => (await sdk.prepare?.(), true));
  if (result.prepared) {
    await attempt('loads', () => loads(env, sdk, LOADS));
    if (result.loads) await attempt('size', () => bytesOf(result.loads.scripts));
    else result.failed.size = result.failed.loads;
    await attempt('track', () => trackCost(env, sdk, TRACK));
    await attempt('bulk', () => bulk(env, sdk, BULK));
    await attempt('unload', () => unload(env, sdk, UNLOAD));
  } else {
    for (const key of ['size', 'loads', 'track', 'bulk', 'unload']) result.failed[key] = `setup: ${result.failed.prepared}`;
  }
  console.error(
    `${sdk.label}: done in ${((Date.now() - started) / 1000).toFixed(0)} s${Object.keys(result.failed).length ? ` (failed: ${Object.keys(result.failed).join(', ')})` : ''}`,
  );
}
const chromiumVersion = browser.version();
await browser.close();
await server.close();

const date = new Date().toISOString().slice(0, 10);
const machine = `${cpus()[0]?.model.trim() ?? 'unknown CPU'}, ${cpus().length} cores, Chromium ${chromiumVersion} headless`;
const gzipOf = (id) => {
  const size = results.find((r) => r.id === id)?.size;
  return size ? `${(size.gzip / 1024).toFixed(1)} KB` : 'not measured';
};
const notes = [
  `Ratios are to the first row, the floor. Medians: ${LOADS} fresh loads for ready and first event; ${TRACK.times} runs of ${TRACK.count.toLocaleString('en')} \`track\` calls in one task, a loop stopped after ${TRACK.limitMs / 1000} s, no new run once an SDK spent ${TRACK.budgetMs / 1000} s (runs: ${results
    .filter((r) => r.track)
    .map((r) => `${r.id} ${r.track.runs}`)
    .join(
      ', ',
    )}); ${BULK.times} runs of ${BULK.count.toLocaleString('en')} events; ${UNLOAD.times} runs of ${UNLOAD.count} events (min–max when they differ). Every run on a fresh browser context.`,
  'Bytes: every script file the page loaded from the server for the SDK (lazy chunks included), measured with scripts/size.mjs (gzip -9, brotli); not the inline snippet. KB = 1,024 bytes.',
  "\"Longest task outside the loop\": the longest main-thread task (PerformanceObserver longtask, over 50 ms) other than the one running the 10,000 calls, i.e. start-up and what the SDK did afterwards. Heap: performance.memory.usedJSHeapSize at the end of the loop task, after gc(): what the SDK holds for the events just tracked, before any of its timers ran. Heap kept: the heap 2 s after delivery settled, after gc(), less the heap before the loop (after gc()): what stays. In brackets, the part that is the page's `window.dataLayer` array keeping every push (as GTM's does; acquaint's `track()` is a push onto it): measured by cutting the array back to its length before the loop.",
  'Delivered counts distinct events (name and index) at the collector, within 3 s of quiet (15 s at most) for 1,000, within 5 s after leaving for 20.',
  `Published budgets to beat: Segment 29.8 KB gzip and RudderStack 28.5 KiB gzip (here: Segment ${gzipOf('segment')}, RudderStack ${gzipOf('rudderstack')} with every plugin bundled in, as its npm package has no CDN build).`,
];
const setups = results.map(
  (r) =>
    `- **${r.label}**: ${r.setup}${r.strays.length ? `; blocked: ${[...new Set(r.strays.map((u) => new URL(u).origin))].join(', ')}` : ''}`,
);
const markdown = `## Peers bench (${date})\n\n${machine}\n\n${table(results)}\n\n${notes.map((n) => `- ${n}`).join('\n')}\n\nSetups:\n\n${setups.join('\n')}\n`;
console.log(markdown);
writeFileSync(fileURLToPath(new URL('results.md', import.meta.url)), markdown);
