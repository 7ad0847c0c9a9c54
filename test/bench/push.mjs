// `npm run bench`: what one dataLayer.push costs in headless Chromium, against the built
// dist/acquaint.js and a loopback collector. Prints figures; asserts nothing.
import { chromium } from '@playwright/test';
import { chromiumLaunch } from '../chromium.mjs';
import { fileURLToPath } from 'node:url';
import { cpus } from 'node:os';
import { createCollectorServer } from '../../demo/collector.mjs';
import { measure } from '../../scripts/size.mjs';

const PUSHES = 10_000;
const RUNS = 5;
const root = fileURLToPath(new URL('.', import.meta.url));
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

const app = await createCollectorServer({ root });
const browser = await chromium.launch(chromiumLaunch());

// One fresh page per run; each scenario pushes PUSHES small events and times the loop.
async function run(scenario) {
  const page = await browser.newPage();
  await page.goto(`${app.url}/page.html`);
  await page.evaluate(() => window.acquaint.ready());
  // The loop runs as a page task (a timer), as page code would, so long-task timing sees it.
  const result = await page.evaluate(
    ({ pushes, scenario }) =>
      new Promise((resolve) =>
        setTimeout(() => {
          const target = scenario === 'array' ? [] : window.dataLayer;
          const start = performance.now();
          for (let i = 0; i < pushes; i++)
            target.push({ event: 'add_to_cart', value: i, currency: 'EUR', item: { id: 'SKU-1', price: 4.5 } });
          const ms = performance.now() - start;
          window.loopEnd = performance.now();
          resolve({ usPerPush: (ms * 1000) / pushes });
        }, 0),
      ),
    { pushes: PUSHES, scenario },
  );
  if (scenario === 'acquaint') await page.evaluate(() => window.acquaint.flush());
  // Tasks after the push loop: what acquaint itself left on the main thread (batching, sending).
  const longest = await page.evaluate(async () => {
    await new Promise((resolve) => setTimeout(resolve, 200));
    const entries = [...window.longTasks, ...window.longTaskObserver.takeRecords()];
    const after = entries.filter((e) => e.startTime >= window.loopEnd).map((e) => e.duration);
    return { loop: Math.max(0, ...entries.map((e) => e.duration)), after: Math.max(0, ...after) };
  });
  const heap = await page.evaluate(() => performance.memory?.usedJSHeapSize ?? 0);
  await page.close();
  return { ...result, longest, heap, delivered: app.events.length };
}

const figures = {};
for (const scenario of ['array', 'acquaint']) {
  const runs = [];
  for (let i = 0; i < RUNS; i++) {
    app.events.length = 0;
    runs.push(await run(scenario));
  }
  figures[scenario] = {
    usPerPush: median(runs.map((r) => r.usPerPush)),
    longest: Math.max(...runs.map((r) => r.longest.after)),
    loopTask: median(runs.map((r) => r.longest.loop)),
    heapMB: median(runs.map((r) => r.heap)) / 1024 / 1024,
    delivered: median(runs.map((r) => r.delivered)),
  };
}
const requests = app.batches.length;
await browser.close();
await app.close();

const size = measure('dist/acquaint.js');
const kb = (bytes) => (bytes / 1024).toFixed(2);
console.log(
  `acquaint bench: ${PUSHES.toLocaleString('en')} pushes, median of ${RUNS} runs, ${cpus().length} cores, Chromium headless, ${new Date().toISOString().slice(0, 10)}\n`,
);
console.log('| what | µs per push | longest task after the loop (ms) | JS heap after (MB) | events delivered |');
console.log('|---|--:|--:|--:|--:|');
console.log(
  `| plain Array.prototype.push (floor) | ${figures.array.usPerPush.toFixed(2)} | ${figures.array.longest.toFixed(0)} | ${figures.array.heapMB.toFixed(1)} | – |`,
);
console.log(
  `| dataLayer.push → acquaint → http destination | ${figures.acquaint.usPerPush.toFixed(2)} | ${figures.acquaint.longest.toFixed(0)} | ${figures.acquaint.heapMB.toFixed(1)} | ${figures.acquaint.delivered} of ${PUSHES} |`,
);
console.log(
  `\nthe push loop itself is one task: ${figures.acquaint.loopTask.toFixed(0)} ms with acquaint, ${figures.array.loopTask.toFixed(0)} ms without`,
);
console.log(
  `requests to the collector over all acquaint runs: ${requests} (${(requests / RUNS).toFixed(0)} per ${PUSHES.toLocaleString('en')} events)`,
);
console.log(`dist/acquaint.js: ${kb(size.raw)} KB min, ${kb(size.gzip)} KB gzip, ${kb(size.brotli)} KB brotli`);
