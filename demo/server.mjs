// `npm start`: the demo shop and the collector that receives its events, plus server-side tagging
// (contract section 9): the relay (dist/relay.mjs, its state in an embedded PGlite) and local
// stand-ins for the vendors' server APIs it forwards to (demo/stand-ins.mjs), all on 127.0.0.1.
// The shop's acquaint.js is the container build of demo/tags.json (`acquaint build`), rebuilt
// whenever tags.json changes; `npm run start:generic` serves dist/acquaint.js, which fetches it.
//
// The page reaches the relay at /acquaint on the shop's own origin, as a site would behind its
// reverse proxy: this server passes /acquaint/* to the relay (demo/relay-proxy.mjs), which also
// keeps the visitor's id cookie and the consent receipts (contract §10). GA4 is in server mode (no gtag.js in the page), Meta Pixel in
// both (the pixel stand-in of demo/vendor/ in the page, and the Conversions API from the relay).
//
// `startDemo(options)` starts it all and is what the browser tests start; run as a script, this
// file also builds the container, watches tags.json, prints the addresses and stops on Ctrl+C.
import { execFile } from 'node:child_process';
import { existsSync, watch } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { pino } from 'pino';
import { createCollectorServer } from './collector.mjs';
import { forRelay, proxyToRelay } from './relay-proxy.mjs';
import { startStandIns } from './stand-ins.mjs';

const demoDir = dirname(fileURLToPath(import.meta.url));
const distDir = resolve(demoDir, '..', 'dist');
const cacheDir = resolve(demoDir, '..', 'node_modules', '.cache');

/** Where demo/tags.json points GA4's and Meta's `settings.endpoint`: the stand-ins' default address. */
export const STAND_INS_URL = 'http://127.0.0.1:8788';

// Stand-in secrets, not real ones: the relay reads them from its environment (named by
// apiSecretEnv and accessTokenEnv in tags.json) and the stand-ins check that they arrive.
const DEMO_SECRETS = { GA4_API_SECRET: 'demo-ga4-api-secret', META_CAPI_TOKEN: 'demo-meta-capi-token' };

// What the fbevents.js stand-in is served with: the real pixel sends each event to Meta from the
// browser (facebook.com/tr); this reports it to POST /demo/pixel instead, so the collector page can
// show the pixel's event beside the Conversions API's (same event_id: Meta counts it once).
const PIXEL_REPORT = `// demo/server.mjs: each pixel event is also reported to the demo's "Meta" (POST /demo/pixel).
document.addEventListener('vendor-call', function (e) {
  var args = e.detail && e.detail.vendor === 'fbq' ? e.detail.args : [];
  if (args[0] === 'init') window.__demoPixelId = args[1];
  if (args[0] !== 'track' && args[0] !== 'trackCustom') return;
  var hit = { pixelId: window.__demoPixelId || null, event_name: args[1], event_id: (args[3] && args[3].eventID) || null };
  navigator.sendBeacon('/demo/pixel', JSON.stringify(hit));
});
`;

/** Relay log lines as one short line each (pino writes JSON). */
const relayLogger = (level) =>
  pino(
    { level, base: undefined, timestamp: false },
    {
      write(line) {
        const { level: _level, msg, err, ...rest } = JSON.parse(line);
        const extra = Object.entries(rest).map(([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`);
        console.log(['relay:', msg, ...extra, err ? `(${err.message})` : ''].filter(Boolean).join(' '));
      },
    },
  );

/** The config the relay starts with: demo/tags.json, its endpoints moved to where the stand-ins listen. */
function relayConfig(config, standInsUrl) {
  const moved = structuredClone(config);
  for (const destination of moved.destinations ?? []) {
    const settings = destination.settings ?? {};
    if (typeof settings.endpoint === 'string' && settings.endpoint.replace(/\/+$/, '') === STAND_INS_URL) settings.endpoint = standInsUrl;
  }
  return moved;
}

/** A JSON body of at most `limit` bytes, or undefined. */
function readJson(req, limit = 4096) {
  return new Promise((done) => {
    const chunks = [];
    let size = 0;
    req.on('data', (chunk) => {
      size += chunk.length;
      if (size <= limit) chunks.push(chunk);
    });
    req.on('error', () => done(undefined));
    req.on('end', () => {
      try {
        done(size <= limit ? JSON.parse(Buffer.concat(chunks).toString('utf8')) : undefined);
      } catch {
        done(undefined);
      }
    });
  });
}

const json = (res, status, body) => {
  const text = body === undefined ? '' : JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Cache-Control': 'no-store',
    'Content-Length': Buffer.byteLength(text),
  });
  res.end(text);
};

/**
 * Starts the stand-ins, the shop with its collector, and the relay; resolves once all three are up.
 * @param {{ distDir?: string, port?: number, host?: string, standInsPort?: number, relayPort?: number,
 *   dataDir?: string, log?: boolean, onListening?: (url: string) => void }} [options]
 */
export async function startDemo({
  distDir: served = distDir,
  port = 8080,
  host = '127.0.0.1',
  standInsPort = 8788,
  relayPort = 0,
  dataDir = resolve(cacheDir, 'acquaint-demo-relay'),
  log = false,
  onListening,
} = {}) {
  const config = JSON.parse(await readFile(resolve(demoDir, 'tags.json'), 'utf8'));
  // What is running, stopped last first (the relay before the stand-ins it forwards to), once.
  const stopping = [];
  let stopped;
  const stop = () =>
    (stopped ??= (async () => {
      for (const close of stopping.reverse()) await close().catch(() => undefined);
    })());
  try {
    const vendors = await startStandIns({
      port: standInsPort,
      host: '127.0.0.1',
      apiSecret: DEMO_SECRETS.GA4_API_SECRET,
      accessToken: DEMO_SECRETS.META_CAPI_TOKEN,
      log,
    });
    stopping.push(() => vendors.close());
    const pixel = [];

    const app = await createCollectorServer({ root: demoDir, distDir: served, port, host, log });
    stopping.push(() => app.close());
    // The collector answers everything else; these routes come first.
    let relayReady = new Promise(() => undefined);
    const [collector] = app.server.listeners('request');
    app.server.removeAllListeners('request');
    app.server.on('request', (req, res) => {
      const path = (req.url ?? '/').split('?')[0];
      if (forRelay(path))
        return void proxyToRelay(
          req,
          res,
          relayReady.then((relay) => relay.url),
        );
      if (path === '/demo/received' && req.method === 'GET') return json(res, 200, { ...vendors.received(), pixel });
      if (path === '/demo/received' && req.method === 'DELETE') {
        vendors.clear();
        pixel.length = 0;
        return json(res, 204);
      }
      if (path === '/demo/pixel' && req.method === 'POST') {
        return void readJson(req).then((hit) => {
          if (hit && typeof hit.event_name === 'string') {
            pixel.push({ at: Date.now(), pixelId: String(hit.pixelId ?? ''), event_name: hit.event_name, event_id: hit.event_id ?? null });
            if (pixel.length > 1000) pixel.shift();
          }
          json(res, 204);
        });
      }
      if (path === '/vendor/fbevents.js' && req.method === 'GET') {
        return void readFile(resolve(demoDir, 'vendor', 'fbevents.js'), 'utf8').then(
          (code) => {
            res.writeHead(200, { 'Content-Type': 'text/javascript; charset=utf-8', 'Cache-Control': 'no-store' });
            res.end(`${PIXEL_REPORT}${code}`);
          },
          () => json(res, 404, { error: 'not found' }),
        );
      }
      collector(req, res);
    });
    onListening?.(app.url);

    const { startRelay } = await import(pathToFileURL(resolve(distDir, 'relay.mjs')).href);
    relayReady = startRelay({
      config: relayConfig(config, vendors.url),
      port: relayPort,
      host: '127.0.0.1',
      dataDir,
      // Only these: no DATABASE_URL, PORT or real secrets from the shell reach the demo's relay.
      env: { ...DEMO_SECRETS },
      logger: relayLogger(log ? 'info' : 'silent'),
      pollMs: 200,
    });
    relayReady.catch(() => undefined);
    const relay = await relayReady;
    stopping.push(() => relay.close());
    return { url: app.url, app, vendors, relay, pixel, close: stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** `acquaint build demo/tags.json --out <dir>`: resolves with what it printed, rejects with its problems. */
function buildContainer(out) {
  return new Promise((done, fail) => {
    execFile(
      process.execPath,
      [resolve(distDir, 'cli.mjs'), 'build', resolve(demoDir, 'tags.json'), '--out', out],
      (error, stdout, stderr) => (error ? fail(new Error(stderr || stdout || error.message)) : done(stdout)),
    );
  });
}

async function main() {
  const generic = process.argv.includes('--generic');
  const containerDir = resolve(cacheDir, 'acquaint-demo');
  for (const file of ['acquaint.js', 'relay.mjs']) {
    if (!existsSync(resolve(distDir, file))) {
      console.error(`error: ${resolve(distDir, file)} does not exist. Run \`npm run build\` first (or use \`npm start\`, which builds).`);
      process.exit(1);
    }
  }
  if (!generic) {
    try {
      process.stdout.write(await buildContainer(containerDir));
    } catch (err) {
      console.error(`error: demo/tags.json did not build:\n${err.message}`);
      process.exit(1);
    }
  }

  // Ctrl+C while starting waits for the start to end, so the relay's database is closed cleanly.
  let stopping = false;
  let starting;
  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.on(signal, async () => {
      if (stopping) process.exit(1); // second Ctrl+C: do not wait
      stopping = true;
      console.log('\nstopping...');
      const running = await starting?.catch(() => undefined);
      await running?.close();
      process.exit(0);
    });
  }
  starting = startDemo({
    distDir: generic ? distDir : containerDir,
    port: Number(process.env.PORT) || 8080,
    host: process.env.HOST || '127.0.0.1',
    standInsPort: process.env.STAND_INS_PORT ? Number(process.env.STAND_INS_PORT) : 8788,
    relayPort: Number(process.env.RELAY_PORT) || 0,
    log: true,
    onListening: (url) => console.log(`\n  shop at ${url}/; starting the relay (its first start creates its database: 5-15 s)...`),
  });
  let demo;
  try {
    demo = await starting;
  } catch (err) {
    const hint =
      err.code === 'EADDRINUSE'
        ? ' (the port is taken: set PORT=..., STAND_INS_PORT=... or RELAY_PORT=... to use another)'
        : ' (if the relay cannot open its database, delete node_modules/.cache/acquaint-demo-relay)';
    console.error(`error: could not start the demo: ${err.message}${hint}`);
    process.exit(1);
  }
  if (stopping) return;

  // A changed tags.json is built again; the last good container stays until the new one builds.
  if (!generic) {
    let timer;
    watch(resolve(demoDir, 'tags.json'), () => {
      clearTimeout(timer);
      timer = setTimeout(
        () =>
          buildContainer(containerDir).then(
            () => console.log('demo/tags.json changed: container rebuilt, reload the page (restart npm start for the relay to read it)'),
            (err) => console.error(`demo/tags.json changed but does not build (the previous container stays):\n${err.message}`),
          ),
        200,
      );
    });
  }

  const { url, vendors, relay } = demo;
  console.log(`
  Acme Eco Store (demo shop):  ${url}/
  Collector, live events:      ${url}/collector.html  (and what reached each vendor)
  Relay (server-side tagging): ${relay.url}, reached by the page at ${url}/acquaint
                               (metrics: ${url}/acquaint/metrics)
  Vendor stand-ins:            ${vendors.url}  (GA4 Measurement Protocol, Meta Conversions API)

  acquaint.js: ${generic ? 'dist/acquaint.js, reading /tags.json at run time' : 'the container build of demo/tags.json (rebuilt when it changes)'}
  The collector (${url}/v1/batch) gets every event; GA4 and Meta's Conversions API get theirs
  from the relay, which forwards to the stand-ins (no gtag.js in the page). Each event arriving
  at the collector and each request reaching a stand-in is logged below. Ctrl+C stops it all.
`);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main();
