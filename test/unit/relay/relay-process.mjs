// One relay in a process of its own, for the fault tests (faults.test.ts): they kill it with
// SIGKILL mid-stream and start another on the same database. It runs startRelay from
// dist/relay.mjs, as `npx acquaint relay` does, and prints one JSON line on stdout once it
// listens: {"url": "http://127.0.0.1:<port>", "pid": <pid>}. Logs go to stderr.
//
// Environment (the destinations' secrets come from it too, as in production):
//   RELAY_CONFIG    the tags.json, as JSON text (required)
//   DATABASE_URL    a real Postgres; without it, PGlite under RELAY_DATA_DIR (required then)
//   RELAY_POLL_MS   how often an idle forwarder looks for due rows (default 1000)
//   RELAY_CLAIM_MS  how long a claim lasts (passed on; a dist/ without the option keeps 30 s)
//   LOG_LEVEL       default warn
//   RELAY_MODULE    another build of the relay to run (a path; default dist/relay.mjs)
//
// SIGTERM closes it gracefully (the forwarding round in flight ends and is recorded). It also
// ends when its stdin closes: a test process that dies leaves no relay behind.
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { pino } from 'pino';

const entry = process.env.RELAY_MODULE ? pathToFileURL(resolve(process.env.RELAY_MODULE)).href : '../../../dist/relay.mjs';
/** @type {typeof import('../../../dist/relay.mjs')} */
const { startRelay } = await import(entry);

const { RELAY_CONFIG, DATABASE_URL, RELAY_DATA_DIR, RELAY_POLL_MS, RELAY_CLAIM_MS, LOG_LEVEL } = process.env;
if (!RELAY_CONFIG || (!DATABASE_URL && !RELAY_DATA_DIR)) {
  process.stderr.write('relay-process: RELAY_CONFIG and DATABASE_URL or RELAY_DATA_DIR are required\n');
  process.exit(2);
}
const logger = pino({ level: LOG_LEVEL ?? 'warn' }, pino.destination(2));
const running = await startRelay({
  config: JSON.parse(RELAY_CONFIG),
  port: 0,
  host: '127.0.0.1',
  ...(DATABASE_URL ? { databaseUrl: DATABASE_URL } : { dataDir: RELAY_DATA_DIR }),
  env: process.env,
  logger,
  ...(RELAY_POLL_MS ? { pollMs: Number(RELAY_POLL_MS) } : {}),
  ...(RELAY_CLAIM_MS ? { claimMs: Number(RELAY_CLAIM_MS) } : {}),
});
process.stdout.write(`${JSON.stringify({ url: running.url, pid: process.pid })}\n`);

let closing;
const stop = (code) => {
  // A close that hangs (a database gone) must not keep the process.
  setTimeout(() => process.exit(code || 1), 10_000).unref();
  closing ??= running.close().then(
    () => process.exit(code),
    (error) => {
      process.stderr.write(`relay-process: close failed: ${error?.stack ?? error}\n`);
      process.exit(1);
    },
  );
};
process.on('SIGTERM', () => stop(0));
process.on('SIGINT', () => stop(0));
process.stdin.on('end', () => stop(0));
process.stdin.on('error', () => stop(0));
process.stdin.resume();
