// The measurements, one function per scenario, each on fresh browser contexts (empty storage and
// cache, as a first visit). Event names are unique per run so nothing from an earlier run counts.
import { tracker, settle, within } from './wait.mjs';

const READY_MS = 15_000;
let runs = 0;
const nextName = (what) => `${what}${++runs}`;
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

const isLocal = (url) => /^(data|blob|about):/.test(url) || /^https?:\/\/127\.0\.0\.1[:/]/.test(url);

/**
 * A new context and the SDK's page, ready. Requests for anything but loopback are counted in
 * `strays` (the browser's host rules make them fail); `onScript` sees every script response.
 * Watched, not routed: a Playwright route pauses every request for a round trip to this process,
 * the SDKs' thousands of loopback POSTs included, which would bill Playwright's time to them.
 */
export async function open({ browser, server, strays }, sdk, { run = 0, onScript } = {}) {
  const context = await browser.newContext();
  context.on('request', (request) => {
    if (!isLocal(request.url())) strays.push(request.url());
  });
  const page = await context.newPage();
  if (onScript)
    page.on('response', (response) => {
      if (response.request().resourceType() === 'script') onScript(response.url());
    });
  try {
    await page.goto(`${server.url}/${sdk.id}.html?run=${run}`);
    await within(
      page.evaluate(() => window.bench.ready),
      READY_MS,
      'not ready',
    );
  } catch (err) {
    await context.close();
    throw err;
  }
  return { context, page };
}

// Calls bench.track `count` times as one page task (a timer), as page code would; returns the
// ms, the calls made and the JS heap right after, within the same task and after a full GC
// (gc() from --expose-gc): what the SDK holds for the events, before any of its timers ran. A loop
// past `limitMs` stops early (checked every 16 calls): RudderStack takes ~10 ms a call, and its
// renderer crashed two minutes into 10,000.
const trackLoop = (page, name, count, limitMs = Infinity) =>
  page.evaluate(
    ({ name, count, limitMs }) =>
      new Promise((resolve) =>
        setTimeout(() => {
          window.gc?.();
          window.heapBefore = performance.memory?.usedJSHeapSize ?? 0;
          window.dataLayerBefore = window.dataLayer?.length ?? 0;
          const start = performance.now();
          let calls = 0;
          while (calls < count) {
            window.bench.track(name, { n: calls, value: calls, currency: 'EUR', item: { id: 'SKU-1', price: 4.5 } });
            calls++;
            if ((calls & 15) === 0 && performance.now() - start > limitMs) break;
          }
          const end = performance.now();
          window.gc?.();
          window.loop = { start, end: performance.now() };
          resolve({ ms: end - start, calls, heap: performance.memory?.usedJSHeapSize ?? 0 });
        }, 0),
      ),
    { name, count, limitMs },
  );

/** Fresh loads: ms from navigation to ready and to the first event at the collector; the script files loaded. */
export async function loads(env, sdk, times) {
  const ready = [];
  const first = [];
  const scripts = new Set();
  for (let i = 0; i < times; i++) {
    const run = nextName('');
    const seen = tracker(env.server, `first_${run}`);
    const { context, page } = await open(env, sdk, { run, onScript: (url) => scripts.add(url) });
    try {
      ready.push(await page.evaluate(() => window.bench.readyAt));
      await settle(env.server, { done: () => seen.count > 0, quietMs: 10_000, timeoutMs: 10_000 });
      if (seen.firstAt === undefined) throw new Error('first event not at the collector within 10 s');
      first.push(seen.firstAt - (await page.evaluate(() => performance.timeOrigin)));
    } finally {
      await context.close();
    }
  }
  return { readyMs: median(ready), firstMs: median(first), scripts: [...scripts] };
}

/**
 * `count` calls to track in one task (at most `limitMs`), on up to `times` fresh pages while the
 * SDK is within `budgetMs`: µs per call, the heap right after, the longest other task once delivery settled.
 */
export async function trackCost(env, sdk, { count, times, budgetMs, limitMs }) {
  const results = [];
  const start = Date.now();
  while (results.length < times && (results.length === 0 || Date.now() - start < budgetMs)) {
    const name = nextName('t');
    const arrived = tracker(env.server, name);
    const { context, page } = await open(env, sdk);
    try {
      const { ms, calls, heap } = await trackLoop(page, name, count, limitMs);
      await settle(env.server, { done: () => arrived.count >= calls, quietMs: 2000, timeoutMs: 6000 });
      // What stays once delivery settled and the SDK's own after-work (IndexedDB writes and
      // deletes) had 2 s: the heap after a full collection, less the one before the loop. Then
      // what of it is the page's `window.dataLayer` array (acquaint's track() is a push onto it,
      // which GTM keeps too): the same, with the array cut back to its length before the loop.
      await new Promise((resolve) => setTimeout(resolve, 2000));
      const { kept, dataLayer } = await page.evaluate(() => {
        const heap = () => (window.gc?.(), (performance.memory?.usedJSHeapSize ?? 0) - window.heapBefore);
        const kept = heap();
        if (!Array.isArray(window.dataLayer) || window.dataLayer.length <= window.dataLayerBefore) return { kept, dataLayer: 0 };
        window.dataLayer.length = window.dataLayerBefore;
        return { kept, dataLayer: kept - heap() };
      });
      // Tasks outside the loop: what the SDK did on the main thread on its own (start-up, batching, sending).
      const longest = await page.evaluate(() => {
        const { start, end } = window.loop;
        const others = window.longTasks.filter((t) => t.startTime >= end || t.startTime + t.duration <= start);
        return Math.max(0, ...others.map((t) => t.duration));
      });
      results.push({ usPerCall: (ms * 1000) / calls, calls, longest, heap, kept, dataLayer, delivered: arrived.count });
    } finally {
      await context.close();
    }
  }
  return {
    runs: results.length,
    calls: median(results.map((r) => r.calls)),
    usPerCall: median(results.map((r) => r.usPerCall)),
    longestMs: median(results.map((r) => r.longest)),
    heap: median(results.map((r) => r.heap)),
    kept: median(results.map((r) => r.kept)),
    dataLayer: median(results.map((r) => r.dataLayer)),
    delivered: median(results.map((r) => r.delivered)),
  };
}

/** `count` events tracked in one task, then wait for delivery to settle: distinct events and requests. */
export async function bulk(env, sdk, { count, times }) {
  const results = [];
  for (let i = 0; i < times; i++) {
    const name = nextName('bulk');
    const arrived = tracker(env.server, name);
    const { context, page } = await open(env, sdk);
    try {
      await trackLoop(page, name, count);
      await settle(env.server, { done: () => arrived.count >= count, quietMs: 3000, timeoutMs: 15_000 });
      results.push({ delivered: arrived.count, requests: arrived.requests });
    } finally {
      await context.close();
    }
  }
  return { delivered: median(results.map((r) => r.delivered)), requests: median(results.map((r) => r.requests)) };
}

/** `count` events tracked and the page left for a blank one in the same task: how many arrive. */
export async function unload(env, sdk, { count, times }) {
  const delivered = [];
  for (let i = 0; i < times; i++) {
    const name = nextName('unload');
    const arrived = tracker(env.server, name);
    const { context, page } = await open(env, sdk);
    try {
      await Promise.all([
        page.waitForURL('**/blank.html'),
        page.evaluate(
          ({ name, count }) =>
            setTimeout(() => {
              for (let n = 0; n < count; n++) window.bench.track(name, { n, value: n, currency: 'EUR', item: { id: 'SKU-1', price: 4.5 } });
              location.href = '/blank.html';
            }, 0),
          { name, count },
        ),
      ]);
      await settle(env.server, { done: () => arrived.count >= count, quietMs: 2000, timeoutMs: 5000 });
      delivered.push(arrived.count);
    } finally {
      await context.close();
    }
  }
  return { median: median(delivered), min: Math.min(...delivered), max: Math.max(...delivered) };
}
