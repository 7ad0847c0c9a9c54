// `npm start`: serves the demo shop and the collector that receives its events.
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createCollectorServer } from './collector.mjs';

const demoDir = dirname(fileURLToPath(import.meta.url));
const distDir = resolve(demoDir, '..', 'dist');

if (!existsSync(resolve(distDir, 'acquaint.js'))) {
  console.error(`error: ${resolve(distDir, 'acquaint.js')} does not exist. Run \`npm run build\` first (or use \`npm start\`, which builds).`);
  process.exit(1);
}

let app;
try {
  app = await createCollectorServer({
    root: demoDir,
    distDir,
    port: Number(process.env.PORT) || 8080,
    host: process.env.HOST || '127.0.0.1',
    log: true,
  });
} catch (err) {
  const hint = err.code === 'EADDRINUSE' ? ' (the port is taken: set PORT=... to use another)' : '';
  console.error(`error: could not start the demo server: ${err.message}${hint}`);
  process.exit(1);
}

console.log(`
  Acme Eco Store (demo shop):  ${app.url}/
  Collector, live events:      ${app.url}/collector.html

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
