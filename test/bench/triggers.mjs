// `npm run bench`: what triggers cost the page. 500 `visible` targets scrolled through, then
// 10,000 scroll events, in headless Chromium against dist/acquaint.js + acquaint-triggers.js.
// Prints the longest main-thread task and what arrived; asserts nothing.
import { chromium } from '@playwright/test';
import { chromiumLaunch } from '../chromium.mjs';
import { fileURLToPath } from 'node:url';
import { createCollectorServer } from '../../demo/collector.mjs';
import { measure } from '../../scripts/size.mjs';

const SCROLL_EVENTS = 10_000;
const TARGETS = 500;
const root = fileURLToPath(new URL('.', import.meta.url));

const app = await createCollectorServer({ root });
const browser = await chromium.launch(chromiumLaunch());

async function run(floor) {
  const page = await browser.newPage({ viewport: { width: 1000, height: 700 } });
  await page.goto(`${app.url}/triggers.html${floor ? '?floor=1' : ''}`);
  if (!floor) {
    await page.evaluate(() => window.acquaint.ready());
    // The triggers file arrives after the config: wait for it, then one frame.
    await page.waitForFunction(() => performance.getEntriesByType('resource').some((r) => r.name.endsWith('/acquaint-triggers.js')));
  }
  await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0))));
  const longTasksSince = (since) =>
    page.evaluate((since) => window.longTasks.filter((t) => t.startTime >= since).map((t) => Math.round(t.duration)), since);
  const loaded = await page.evaluate(() => performance.now());

  // Real scrolling through the page, one step per frame: every promo crosses the viewport.
  const scrolled = await page.evaluate(async () => {
    const start = performance.now();
    const height = document.documentElement.scrollHeight;
    for (let y = 0; y <= height; y += 150) {
      window.scrollTo(0, y);
      await new Promise((resolve) => requestAnimationFrame(resolve));
    }
    await new Promise((resolve) => setTimeout(resolve, 300));
    return { ms: performance.now() - start, frames: Math.ceil(height / 150), end: performance.now() };
  });
  const scrollTasks = await longTasksSince(loaded);

  // 10,000 scroll events in one task, as a scroll-jacking page might fire them.
  const burst = await page.evaluate(
    (n) =>
      new Promise((resolve) =>
        setTimeout(() => {
          const start = performance.now();
          for (let i = 0; i < n; i++) window.dispatchEvent(new Event('scroll'));
          const ms = performance.now() - start;
          const end = performance.now();
          requestAnimationFrame(() => setTimeout(() => resolve({ usPerEvent: (ms * 1000) / n, ms, end }), 50));
        }, 0),
      ),
    SCROLL_EVENTS,
  );
  if (!floor) await page.evaluate(() => window.acquaint.flush());
  const afterBurst = await longTasksSince(burst.end);
  await page.close();
  return { scrolled, scrollTasks, burst, afterBurst };
}

const floor = await run(true);
const withTriggers = await run(false);
const arrived = (name) => app.events.filter((e) => e.event === name);
const promos = new Set(arrived('view_promotion').map((e) => e.properties.id));
await browser.close();
await app.close();

const size = measure('dist/acquaint-triggers.js');
const tasks = (list) => (list.length ? `${list.length} (${list.join(', ')} ms)` : 'none');
console.log(
  `\nacquaint triggers bench: ${TARGETS} visible targets, ${SCROLL_EVENTS.toLocaleString('en')} scroll events, Chromium headless, ${new Date().toISOString().slice(0, 10)}\n`,
);
console.log('| what | page alone (floor) | with acquaint triggers |');
console.log('|---|--:|--:|');
console.log(
  `| scrolling through ${TARGETS} targets, ${withTriggers.scrolled.frames} frames | ${floor.scrolled.ms.toFixed(0)} ms | ${withTriggers.scrolled.ms.toFixed(0)} ms |`,
);
console.log(`| tasks over 50 ms while scrolling | ${tasks(floor.scrollTasks)} | ${tasks(withTriggers.scrollTasks)} |`);
console.log(
  `| ${SCROLL_EVENTS.toLocaleString('en')} scroll events dispatched in one page task | ${floor.burst.ms.toFixed(1)} ms | ${withTriggers.burst.ms.toFixed(1)} ms |`,
);
console.log(`| tasks over 50 ms after that task (acquaint's own work) | ${tasks(floor.afterBurst)} | ${tasks(withTriggers.afterBurst)} |`);
console.log(`| view_promotion events arrived (distinct targets) | – | ${promos.size} of ${TARGETS} |`);
console.log(
  `| scroll_depth events arrived | – | ${arrived('scroll_depth')
    .map((e) => e.properties.percent)
    .join(', ')} |`,
);
console.log(`dist/acquaint-triggers.js: ${(size.raw / 1024).toFixed(2)} KB min, ${(size.gzip / 1024).toFixed(2)} KB gzip`);
