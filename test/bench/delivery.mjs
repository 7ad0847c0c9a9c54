// `npm run bench`, part two: what durable delivery does with real traffic, in headless Chromium,
// against the built dist/acquaint.js and a loopback collector that can go down on demand.
// Delivery settings are the defaults. Prints figures; asserts nothing.
import { chromium } from '@playwright/test';
import { chromiumLaunch } from '../chromium.mjs';
import { fileURLToPath } from 'node:url';
import { cpus } from 'node:os';
import { createCollectorServer } from '../../demo/collector.mjs';

const RUNS = 3;
const BULK = 1_000;
const UNLOAD = 20;
const BACKLOG = 10_000;
const root = fileURLToPath(new URL('.', import.meta.url));
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const mb = (bytes) => (bytes / 1024 / 1024).toFixed(1);

const app = await createCollectorServer({ root });
const browser = await chromium.launch(chromiumLaunch());

/** Polls `check` every 50 ms until it is true or `ms` have passed; returns the time it took. */
async function until(check, ms) {
  const start = Date.now();
  while (!(await check()) && Date.now() - start < ms) await new Promise((resolve) => setTimeout(resolve, 50));
  return Date.now() - start;
}

/** A fresh context (its own IndexedDB) with the bench page open and acquaint ready. */
async function open() {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${app.url}/delivery.html`);
  await page.evaluate(() => window.acquaint.ready());
  return { context, page };
}

// The track loop runs as one page task (a timer), as page code would.
const track = (page, n, prefix) =>
  page.evaluate(
    ({ n, prefix }) =>
      new Promise((resolve) =>
        setTimeout(() => {
          for (let i = 0; i < n; i++)
            window.acquaint.track(`${prefix}_${i}`, { value: i, currency: 'EUR', item: { id: 'SKU-1', price: 4.5 } });
          resolve();
        }, 0),
      ),
    { n, prefix },
  );

const arrived = (prefix) => app.events.filter((e) => e.event?.startsWith(`${prefix}_`));
const distinct = (prefix) => new Set(arrived(prefix).map((e) => e.messageId)).size;

// (a) 1,000 events tracked, then acquaint.flush(): how many arrive, in how many requests.
const bulk = [];
for (let run = 0; run < RUNS; run++) {
  const prefix = `bulk${run}`;
  const { context, page } = await open();
  const requests = app.requests;
  const start = Date.now();
  await track(page, BULK, prefix);
  await page.evaluate(() => window.acquaint.flush());
  const flushMs = Date.now() - start;
  await until(() => distinct(prefix) >= BULK, 5000);
  bulk.push({ delivered: distinct(prefix), received: arrived(prefix).length, requests: app.requests - requests, flushMs });
  await context.close();
}

// (b) 20 events tracked and the page left at once, no flush: how many arrive within 5 s.
const unload = [];
for (let run = 0; run < RUNS; run++) {
  const prefix = `unload${run}`;
  const { context, page } = await open();
  await track(page, UNLOAD, prefix);
  await page.goto(`${app.url}/blank.html`);
  const ms = await until(() => distinct(prefix) >= UNLOAD, 5000);
  unload.push({ delivered: distinct(prefix), received: arrived(prefix).length, ms });
  await context.close();
}

// (c) the collector is down (connections refused) and 10,000 events are tracked: the JS heap,
// and where the events are once the first send has failed.
const backlog = await (async () => {
  const { context, page } = await open();
  const cdp = await context.newCDPSession(page);
  const heapNow = async () => {
    await cdp.send('HeapProfiler.collectGarbage');
    const { usedSize } = await cdp.send('Runtime.getHeapUsage');
    return { precise: usedSize, memory: await page.evaluate(() => performance.memory?.usedJSHeapSize ?? 0) };
  };
  await app.down();
  const before = await heapNow();
  await track(page, BACKLOG, 'backlog');
  await until(() => page.evaluate(() => window.reports.errors > 0), 10_000);
  // What IndexedDB holds, once the writes (a few hundred records per task) have settled.
  const stored = () =>
    page.evaluate(
      () =>
        new Promise((resolve) => {
          const request = indexedDB.open('acquaint-queue');
          request.onerror = () => resolve(0);
          request.onsuccess = () => {
            const db = request.result;
            if (!db.objectStoreNames.contains('records')) return resolve(0);
            const count = db.transaction('records').objectStore('records').count();
            count.onsuccess = () => {
              db.close();
              resolve(count.result);
            };
            count.onerror = () => {
              db.close();
              resolve(0);
            };
          };
        }),
    );
  let last = -1;
  await until(async () => {
    const now = await stored();
    const settled = now === last;
    last = now;
    return settled;
  }, 10_000);
  const after = await heapNow();
  const reports = await page.evaluate(() => window.reports);
  await app.up();
  await context.close();
  const dropped = Object.values(reports.dropped).reduce((a, b) => a + b, 0);
  return { before, after, reports, dropped, queued: BACKLOG - dropped - reports.delivered, persisted: last };
})();

await browser.close();
await app.close();

const a = {
  delivered: median(bulk.map((r) => r.delivered)),
  received: median(bulk.map((r) => r.received)),
  requests: median(bulk.map((r) => r.requests)),
  flushMs: median(bulk.map((r) => r.flushMs)),
};
const worstUnload = Math.min(...unload.map((r) => r.delivered));
const dropped =
  Object.entries(backlog.reports.dropped)
    .map(([reason, n]) => `${n} ${reason}`)
    .join(', ') || 'none';
console.log(
  `acquaint delivery bench: default delivery settings, median of ${RUNS} runs where marked, ${cpus().length} cores, Chromium headless, ${new Date().toISOString().slice(0, 10)}\n`,
);
console.log('| case | result |');
console.log('|---|---|');
console.log(
  `| ${BULK.toLocaleString('en')} events tracked, then flush() (median) | ${a.delivered} of ${BULK.toLocaleString('en')} delivered in ${a.requests} request(s); ${a.received - a.delivered} duplicate(s); track + flush ${a.flushMs} ms |`,
);
console.log(
  `| ${UNLOAD} events tracked, page left at once (worst of ${RUNS}) | ${worstUnload} of ${UNLOAD} arrived within 5 s (runs: ${unload.map((r) => `${r.delivered}${r.received > r.delivered ? ` +${r.received - r.delivered} dup` : ''} in ${r.ms} ms`).join(', ')}) |`,
);
console.log(
  `| ${BACKLOG.toLocaleString('en')} events tracked, collector down: JS heap | performance.memory ${mb(backlog.before.memory)} → ${mb(backlog.after.memory)} MB; after GC ${mb(backlog.before.precise)} → ${mb(backlog.after.precise)} MB |`,
);
console.log(
  `| ${BACKLOG.toLocaleString('en')} events tracked, collector down: where they are | ${backlog.queued.toLocaleString('en')} queued (${backlog.persisted.toLocaleString('en')} records in IndexedDB), dropped: ${dropped}; ${backlog.reports.errors} failed attempt(s) reported |`,
);
