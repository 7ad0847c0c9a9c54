// The relay bench's Postgres: the very helper the relay's tests use (test/unit/relay/postgres.ts:
// Debian's server binaries, a fresh cluster in a temporary directory, 127.0.0.1 only, stopped and
// removed by stop() or a watchdog), compiled to JavaScript with esbuild at run time rather than
// copied. The compiled file goes to node_modules/.cache/acquaint-bench/, so its `pg` import
// resolves from the repo. That helper turns durability off (fsync, synchronous_commit,
// full_page_writes) to keep tests quick; the bench turns it back on unless `durable: false`, as
// the relay answers 2xx only once a batch is durable (contract §9).
import { transform } from 'esbuild';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import pg from 'pg';
import { parentOf } from './cpu.mjs';

const repo = fileURLToPath(new URL('../../../', import.meta.url));
const source = `${repo}test/unit/relay/postgres.ts`;
const cache = `${repo}node_modules/.cache/acquaint-bench/`;

/** The test helper's module: `{ startPostgres, whyNoPostgres }`. */
async function helper() {
  const { code } = await transform(readFileSync(source, 'utf8'), { loader: 'ts', format: 'esm', target: 'node20' });
  mkdirSync(cache, { recursive: true });
  const file = `${cache}postgres.mjs`;
  writeFileSync(file, code);
  return import(`${pathToFileURL(file).href}?${Date.now()}`);
}

/** Why there is no Postgres for the bench here, or undefined. */
export async function whyNoPostgres() {
  return (await helper()).whyNoPostgres();
}

/**
 * A throwaway Postgres: `{ url, pid, stop() }` (pid: the postmaster's). `durable` (default true):
 * fsync, synchronous_commit and full_page_writes back to Postgres's defaults, reloaded before the
 * relay connects.
 */
export async function startPostgres({ durable = true } = {}) {
  const server = await (await helper()).startPostgres();
  const client = new pg.Client({ connectionString: server.url });
  await client.connect();
  try {
    if (durable) {
      for (const setting of ['fsync', 'synchronous_commit', 'full_page_writes']) await client.query(`ALTER SYSTEM SET ${setting} = on`);
      await client.query('SELECT pg_reload_conf()');
    }
    const [{ pid }] = (await client.query('SELECT pg_backend_pid() AS pid')).rows;
    return { url: server.url, pid: parentOf(pid), stop: () => server.stop() };
  } finally {
    await client.end();
  }
}
