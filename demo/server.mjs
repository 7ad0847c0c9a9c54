// `npm start`: serves the demo shop and the collector that receives its events. The shop's
// acquaint.js is the container build of demo/tags.json (`acquaint build`), rebuilt whenever
// tags.json changes; `npm run start:generic` serves dist/acquaint.js, which fetches tags.json.
import { execFile } from 'node:child_process';
import { existsSync, watch } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createCollectorServer } from './collector.mjs';

const demoDir = dirname(fileURLToPath(import.meta.url));
const distDir = resolve(demoDir, '..', 'dist');
const generic = process.argv.includes('--generic');
const containerDir = resolve(demoDir, '..', 'node_modules', '.cache', 'acquaint-demo');

if (!existsSync(resolve(distDir, 'acquaint.js'))) {
  console.error(
    `error: ${resolve(distDir, 'acquaint.js')} does not exist. Run \`npm run build\` first (or use \`npm start\`, which builds).`,
  );
  process.exit(1);
}

/** `acquaint build demo/tags.json --out <containerDir>`: resolves with what it printed, rejects with its problems. */
function buildContainer() {
  return new Promise((done, fail) => {
    execFile(
      process.execPath,
      [resolve(distDir, 'cli.mjs'), 'build', resolve(demoDir, 'tags.json'), '--out', containerDir],
      (error, out, err) => (error ? fail(new Error(err || out || error.message)) : done(out)),
    );
  });
}

if (!generic) {
  try {
    process.stdout.write(await buildContainer());
  } catch (err) {
    console.error(`error: demo/tags.json did not build:\n${err.message}`);
    process.exit(1);
  }
}

let app;
try {
  app = await createCollectorServer({
    root: demoDir,
    distDir: generic ? distDir : containerDir,
    port: Number(process.env.PORT) || 8080,
    host: process.env.HOST || '127.0.0.1',
    log: true,
  });
} catch (err) {
  const hint = err.code === 'EADDRINUSE' ? ' (the port is taken: set PORT=... to use another)' : '';
  console.error(`error: could not start the demo server: ${err.message}${hint}`);
  process.exit(1);
}

// A changed tags.json is built again; the last good container stays until the new one builds.
if (!generic) {
  let timer;
  watch(resolve(demoDir, 'tags.json'), () => {
    clearTimeout(timer);
    timer = setTimeout(
      () =>
        buildContainer().then(
          () => console.log('demo/tags.json changed: container rebuilt, reload the page'),
          (err) => console.error(`demo/tags.json changed but does not build (the previous container stays):\n${err.message}`),
        ),
      200,
    );
  });
}

console.log(`
  Acme Eco Store (demo shop):  ${app.url}/
  Collector, live events:      ${app.url}/collector.html

  acquaint.js: ${generic ? 'dist/acquaint.js, reading /tags.json at run time' : 'the container build of demo/tags.json (rebuilt when it changes)'}
  Events the SDK POSTs to ${app.url}/v1/batch are shown on the collector page
  and logged below, one line each. Ctrl+C stops the server.
`);

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, async () => {
    if (stopping) process.exit(1); // second Ctrl+C: do not wait
    stopping = true;
    console.log('\nstopping...');
    await app.close();
    process.exit(0);
  });
}
