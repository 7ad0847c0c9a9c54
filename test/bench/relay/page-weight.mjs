// Part three of the relay bench: the JavaScript a page loads with the demo config's GA4 and Meta
// in browser mode (no relay; the tags from the demo's vendor stand-ins) and in server mode (a
// relay section and both destinations in `mode: "server"`), the rest of demo/tags.json as it is. Both are containers built with
// `acquaint build`, as a site would ship them, loaded in headless Chromium by a visitor who
// granted every purpose (the page's Consent Mode update, before acquaint loads), who then views,
// adds to cart and buys. Counted: every script response (acquaint.js, its lazy files, vendor
// tags), each measured as served (raw, gzip -9 with scripts/size.mjs). Nothing leaves loopback.
//
// In browser mode the demo loads local stand-ins of gtag.js and fbevents.js (demo/vendor/, small
// files that record calls): their bytes are reported as measured, next to published estimates
// of the real files' gzip sizes, which this bench does not measure.
import { chromium } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromiumLaunch } from '../../chromium.mjs';
import { createPeerCollector } from '../peer-collector.mjs';
import { measure } from '../../../scripts/size.mjs';

const repo = fileURLToPath(new URL('../../../', import.meta.url));
const cache = `${repo}node_modules/.cache/acquaint-bench/relay-page/`;

// Third-party estimates of the real files (gzip), not vendor-published figures: gtag.js with a GA4
// property ~96 KB (sabatka.net/en/?p=1119) to ~135 KB (geek.abtz.co, "How Much JavaScript Are You
// Actually Shipping With Google Analytics?"); the Meta Pixel ~95 KB (sabatka.net), before its
// per-pixel config script (connect.facebook.net/signals/config/<pixel id>).
export const PUBLISHED = { gtag: [96, 135], fbevents: 95 };

const VENDORS = {
  ga4: { id: 'measurementId', src: '/vendor/gtag.js', secret: { apiSecretEnv: 'GA4_API_SECRET' } },
  'meta-pixel': { id: 'pixelId', src: '/vendor/fbevents.js', secret: { accessTokenEnv: 'META_CAPI_TOKEN' } },
};

/** demo/tags.json with its GA4 and Meta destinations in `mode` (browser: the demo's vendor stand-ins, no relay). */
function demoConfig(mode) {
  const config = JSON.parse(readFileSync(`${repo}demo/tags.json`, 'utf8'));
  delete config.$schema;
  if (mode === 'browser') delete config.relay;
  else config.relay = { url: config.relay?.url ?? '/acquaint' };
  for (const destination of config.destinations) {
    const vendor = VENDORS[destination.type];
    if (!vendor) continue;
    const id = { [vendor.id]: destination.settings[vendor.id] };
    if (mode === 'browser') {
      delete destination.mode;
      destination.settings = { ...id, src: vendor.src };
    } else {
      destination.mode = 'server';
      destination.settings = { ...id, ...vendor.secret };
    }
  }
  return config;
}

const html = (mode) => `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>relay page weight, ${mode} mode</title>
<link rel="icon" href="data:,">
<script>
  window.dataLayer = window.dataLayer || [];
  function gtag() { dataLayer.push(arguments); }
  gtag('consent', 'update', { analytics_storage: 'granted', ad_storage: 'granted', ad_user_data: 'granted', ad_personalization: 'granted', personalization_storage: 'granted' });
</script>
<script async src="/${mode}/acquaint.js"></script>
</head>
<body><p>${mode} mode</p></body>
</html>
`;

const ECOMMERCE = {
  currency: 'EUR',
  value: 24.9,
  items: [{ item_id: 'SKU-BOTTLE-02', item_name: 'Steel Water Bottle', price: 24.9, quantity: 1 }],
};

/** `{ browser, server }`: each `{ mode, files, raw, gzip, vendor, vendorRaw }`, and the notes. */
export async function pageWeight() {
  const built = {};
  for (const mode of ['browser', 'server']) {
    const config = demoConfig(mode);
    const dir = `${cache}${mode}/`;
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    writeFileSync(`${cache}${mode}.json`, JSON.stringify(config, null, 2));
    execFileSync(process.execPath, [`${repo}dist/cli.mjs`, 'build', `${cache}${mode}.json`, '--out', dir], {
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    built[mode] = dir;
  }
  const server = await createPeerCollector({
    mounts: { '/browser/': built.browser.slice(0, -1), '/server/': built.server.slice(0, -1), '/vendor/': `${repo}demo/vendor` },
    page: (path) => (path === '/browser.html' ? html('browser') : path === '/server.html' ? html('server') : undefined),
    stubs: {},
  });
  const browser = await chromium.launch(chromiumLaunch('--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1'));
  const result = {};
  try {
    for (const mode of ['browser', 'server']) {
      const context = await browser.newContext();
      const page = await context.newPage();
      const scripts = new Set();
      let lastScript = Date.now();
      page.on('response', (response) => {
        if (process.env.BENCH_VERBOSE)
          console.error(`  ${mode}: ${response.status()} ${response.request().resourceType()} ${response.url()}`);
        if (response.request().resourceType() !== 'script') return;
        scripts.add(new URL(response.url()).pathname);
        lastScript = Date.now();
      });
      await page.goto(`${server.url}/${mode}.html`);
      await page.evaluate(async (ecommerce) => {
        await window.acquaint.ready();
        for (const event of ['view_item', 'add_to_cart', 'purchase']) window.acquaint.track(event, { ecommerce });
        await window.acquaint.flush();
      }, ECOMMERCE);
      // Lazy files and vendor tags load after ready(): settled once no script arrived for 1 s (10 s at most).
      const started = Date.now();
      while (Date.now() - lastScript < 1000 && Date.now() - started < 10_000) await page.waitForTimeout(100);
      const files = [...scripts].sort();
      const measured = files.map((path) => ({ path, ...measure(server.fileFor(path)) }));
      const vendor = measured.filter((file) => file.path.startsWith('/vendor/'));
      result[mode] = {
        mode,
        files,
        raw: measured.reduce((sum, file) => sum + file.raw, 0),
        gzip: measured.reduce((sum, file) => sum + file.gzip, 0),
        vendor,
        vendorRaw: vendor.reduce((sum, file) => sum + file.raw, 0),
      };
      await context.close();
    }
  } finally {
    await browser.close();
    await server.close();
  }
  const acquaintGzip = (result.browser.gzip - result.browser.vendor.reduce((sum, file) => sum + file.gzip, 0)) / 1024;
  const [low, high] = [PUBLISHED.gtag[0] + PUBLISHED.fbevents, PUBLISHED.gtag[1] + PUBLISHED.fbevents];
  return {
    ...result,
    published: `gtag.js ~${PUBLISHED.gtag[0]}–${PUBLISHED.gtag[1]} KB + fbevents.js ~${PUBLISHED.fbevents} KB gzip: ~${(acquaintGzip + low).toFixed(0)}–${(acquaintGzip + high).toFixed(0)} KB gzip in all`,
    notes: `Real vendor sizes are third-party estimates, not measured here: gtag.js ~${PUBLISHED.gtag[0]} KB gzip (sabatka.net/en/?p=1119) to ~${PUBLISHED.gtag[1]} KB (geek.abtz.co), the Meta Pixel ~${PUBLISHED.fbevents} KB gzip (sabatka.net), before Meta's per-pixel config script. Same visitor in both modes: every purpose granted before load, view_item, add_to_cart, purchase, flush().`,
  };
}
