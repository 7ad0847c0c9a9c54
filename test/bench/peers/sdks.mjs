// The SDKs the peers bench compares, each set up as a site would ship it, on loopback only:
// which files the server mounts, the snippet in the page head, and the settings answers the SDK
// fetches at start-up (from the loopback server, through each SDK's documented CDN/config host).
// Every snippet tracks `bench.first` at load, calls `bench.markReady` from the SDK's ready
// callback and defines `bench.track(name, properties)` for the bench loops.
import { fileURLToPath } from 'node:url';
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';

const repo = fileURLToPath(new URL('../../../', import.meta.url));
const here = fileURLToPath(new URL('.', import.meta.url));
const cache = `${repo}node_modules/.cache/acquaint-bench/`;
const WRITE_KEY = 'benchWriteKey';

/** @typedef {{ id: string, label: string, setup: string, head: string, mounts: Record<string, string>, stubs?: Record<string, (host: string) => object>, prepare?: () => Promise<void> }} Sdk */

/** @type {Sdk} */
const floor = {
  id: 'floor',
  label: 'fetch/sendBeacon floor',
  setup: 'test/bench/peers/floor.js (hand-written, 20 lines)',
  mounts: { '/floor.js': `${here}floor.js` },
  head: `
<script async src="/floor.js" onload="floor.track(bench.first); bench.markReady()"></script>
<script>bench.track = function (name, properties) { floor.track(name, properties); };</script>`,
};

/** acquaint's snippet: the first event pushed before it loads, ready from its own `ready()`. */
const acquaintHead = (attributes) => `
<script>
  window.dataLayer = window.dataLayer || [];
  dataLayer.push({ event: bench.first });
  bench.track = function (name, properties) { acquaint.track(name, properties); };
</script>
<script async ${attributes} onload="acquaint.ready().then(bench.markReady)"></script>`;

/** @type {Sdk} */
const acquaint = {
  id: 'acquaint',
  label: 'acquaint',
  setup: 'dist/acquaint.js, config test/bench/peers/bench-tags.json (all granted, one http destination, default delivery)',
  mounts: { '/acquaint.js': `${repo}dist/acquaint.js`, '/bench-tags.json': `${here}bench-tags.json` },
  head: acquaintHead('src="/acquaint.js" data-config="/bench-tags.json"'),
};

/** `acquaint build config --out dir`: a container, as a site would deploy it. */
const buildContainer = (config, dir) => async () => {
  mkdirSync(dir, { recursive: true });
  execFileSync(process.execPath, [`${repo}dist/cli.mjs`, 'build', config, '--out', dir], { stdio: ['ignore', 'ignore', 'inherit'] });
};

// The container build (`acquaint build`) of the same one-destination config: no config request,
// only the code that config uses.
/** @type {Sdk} */
const acquaintContainer = {
  id: 'acquaint-container',
  label: 'acquaint, container build',
  setup: 'the container of test/bench/peers/bench-tags.json (`acquaint build`), no data-config',
  mounts: { '/container/': `${cache}container` },
  head: acquaintHead('src="/container/acquaint.js"'),
  prepare: buildContainer(`${here}bench-tags.json`, `${cache}container/`),
};

// The demo's container (banner, Consent Mode, audiences, caps, hashing, five triggers, GA4 and Meta
// stand-ins), for a visitor who accepted everything: the page's Consent Mode update says so before
// acquaint loads, so the banner stays away and events flow to the collector.
/** @type {Sdk} */
const acquaintDemo = {
  id: 'acquaint-demo',
  label: 'acquaint, container build of the demo config',
  setup:
    "the container of demo/tags.json, all purposes granted by the page (gtag consent update), GA4 and Meta as the demo's local stand-ins",
  mounts: { '/demo/': `${cache}demo`, '/vendor/': `${repo}demo/vendor` },
  head: `
<script>
  window.dataLayer = window.dataLayer || [];
  function gtag() { dataLayer.push(arguments); }
  gtag('consent', 'update', { analytics_storage: 'granted', ad_storage: 'granted', ad_user_data: 'granted', ad_personalization: 'granted', personalization_storage: 'granted' });
  dataLayer.push({ event: bench.first });
  bench.track = function (name, properties) { acquaint.track(name, properties); };
</script>
<script async src="/demo/acquaint.js" onload="acquaint.ready().then(bench.markReady)"></script>`,
  prepare: buildContainer(`${repo}demo/tags.json`, `${cache}demo/`),
};

// Segment's snippet, trimmed to its buffering stub: `_cdn` is the documented custom-proxy
// setting, so settings (and any lazy chunk) come from the loopback server, not cdn.segment.com.
/** @type {Sdk} */
const segment = {
  id: 'segment',
  label: '@segment/analytics-next',
  setup:
    'dist/umd/standalone.js (+ lazy chunks from dist/umd via analytics._cdn), settings /v1/projects/<key>/settings answered locally, apiHost 127.0.0.1/v1 over http, default (non-batching) delivery',
  mounts: {
    '/sdk/segment/': `${repo}node_modules/@segment/analytics-next/dist/umd`,
    '/analytics-next/bundles/': `${repo}node_modules/@segment/analytics-next/dist/umd`,
  },
  stubs: {
    [`/v1/projects/${WRITE_KEY}/settings`]: (host) => ({
      integrations: {
        'Segment.io': {
          apiKey: WRITE_KEY,
          apiHost: `${host}/v1`,
          protocol: 'http',
          unbundledIntegrations: [],
          addBundledMetadata: true,
          maybeBundledConfigIds: {},
        },
      },
      plan: {
        track: { __default: { enabled: true, integrations: {} } },
        identify: { __default: { enabled: true } },
        group: { __default: { enabled: true } },
      },
      edgeFunction: {},
      analyticsNextEnabled: true,
      middlewareSettings: {},
      enabledMiddleware: {},
      // Segment's own client metrics would go to api.segment.io: off, as a proxying site sets them.
      metrics: { sampleRate: 0 },
      legacyVideoPluginsEnabled: false,
      remotePlugins: [],
    }),
  },
  head: `
<script>
  (function () {
    var a = window.analytics = [];
    a._writeKey = '${WRITE_KEY}';
    a._cdn = location.origin;
    a._loadOptions = {};
    ['track', 'page', 'identify', 'group', 'alias', 'ready', 'reset', 'on', 'off', 'once', 'screen', 'register', 'setAnonymousId', 'addSourceMiddleware'].forEach(function (m) {
      a[m] = function () { var args = [].slice.call(arguments); args.unshift(m); a.push(args); return a; };
    });
    a.ready(bench.markReady);
    a.track(bench.first);
    bench.track = function (name, properties) { window.analytics.track(name, properties); };
  })();
</script>
<script async src="/sdk/segment/standalone.js" data-global-segment-analytics-key="analytics"></script>`,
};

// RudderStack's npm package has no CDN build; its `/bundled` entry (plugins included, the
// CDN's lazy plugin requests folded in) becomes one minified IIFE like the CDN's rsa.min.js.
/** @type {Sdk} */
const rudderstack = {
  id: 'rudderstack',
  label: '@rudderstack/analytics-js',
  setup:
    '`@rudderstack/analytics-js/bundled` → esbuild minified IIFE (node_modules/.cache/acquaint-bench/rudderstack.min.js), v3 snippet stub, configUrl = loopback (/sourceConfig answered locally), dataPlaneUrl = loopback, default XHR queue',
  mounts: { '/sdk/rudderstack.min.js': `${cache}rudderstack.min.js` },
  stubs: {
    '/sourceConfig': () => ({
      isHosted: false,
      source: {
        id: 'bench',
        name: 'bench',
        writeKey: WRITE_KEY,
        workspaceId: 'bench',
        enabled: true,
        destinations: [],
        // Error and metrics reporting would post to RudderStack's servers: off.
        config: { statsCollection: { errors: { enabled: false }, metrics: { enabled: false } } },
      },
      updatedAt: '2026-01-01T00:00:00.000Z',
    }),
  },
  head: `
<script>
  (function () {
    var r = window.rudderanalytics = [];
    ['setDefaultInstanceKey', 'load', 'ready', 'page', 'track', 'identify', 'alias', 'group', 'reset', 'setAnonymousId', 'startSession', 'endSession', 'consent'].forEach(function (m) {
      r[m] = function () { r.push([m].concat([].slice.call(arguments))); };
    });
    r.load('${WRITE_KEY}', location.origin, { configUrl: location.origin, pluginsSDKBaseURL: location.origin + '/plugins', destSDKBaseURL: location.origin + '/integrations' });
    r.ready(bench.markReady);
    r.track(bench.first);
    bench.track = function (name, properties) { window.rudderanalytics.track(name, properties); };
  })();
</script>
<script async src="/sdk/rudderstack.min.js"></script>`,
  async prepare() {
    const { build } = await import('esbuild');
    mkdirSync(cache, { recursive: true });
    await build({
      stdin: {
        contents: "import { RudderAnalytics } from '@rudderstack/analytics-js/bundled';\nnew RudderAnalytics();\n",
        resolveDir: repo,
        sourcefile: 'rudderstack-entry.js',
      },
      bundle: true,
      minify: true,
      format: 'iife',
      legalComments: 'none',
      outfile: `${cache}rudderstack.min.js`,
      logLevel: 'error',
    });
  },
};

// getanalytics.io: dist/analytics.min.js (the package's standalone build, global `_analytics`)
// plus the hand-written collector plugin; it has no pre-load queue, so it starts once both ran.
/** @type {Sdk} */
const analytics = {
  id: 'analytics',
  label: 'analytics (getanalytics.io)',
  setup: 'dist/analytics.min.js + test/bench/peers/analytics-plugin.js (hand-written: one fetch POST per event to /v1/track)',
  mounts: {
    '/sdk/analytics.min.js': `${repo}node_modules/analytics/dist/analytics.min.js`,
    '/analytics-plugin.js': `${here}analytics-plugin.js`,
  },
  head: `
<script defer src="/sdk/analytics.min.js"></script>
<script defer src="/analytics-plugin.js"></script>
<script>
  addEventListener('DOMContentLoaded', function () {
    window.analytics = _analytics.init({ app: 'bench', plugins: [analyticsCollectorPlugin] });
    analytics.ready(bench.markReady);
    analytics.track(bench.first);
  });
  bench.track = function (name, properties) { window.analytics.track(name, properties); };
</script>`,
};

/** In table order; the first is the baseline every ratio is taken against. */
export const sdks = [floor, acquaint, acquaintContainer, acquaintDemo, segment, rudderstack, analytics];
