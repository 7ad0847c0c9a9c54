import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { Db } from './db';

interface Reply {
  id?: number;
  ready?: boolean;
  rows?: unknown[];
  error?: { message: string; code?: string };
}

/** An error from the database, with Postgres's SQLSTATE code when it has one. */
export class DbError extends Error {
  constructor(
    message: string,
    readonly code?: string,
  ) {
    super(message);
  }
}

/**
 * The embedded Postgres (PGlite) in a worker thread, its files under `dir` (in memory without
 * one). One process only: PGlite is a single connection; several processes need DATABASE_URL.
 */
export async function openPglite(dir: string | undefined): Promise<Db> {
  if (dir && !existsSync(join(dir, 'PG_VERSION'))) {
    // A new database: creating it (initdb) leaves ~500 MB of WebAssembly memory that a thread
    // never gives back, so the thread that made it closes it and a fresh one opens it.
    mkdirSync(dir, { recursive: true });
    await (await start(dir)).close();
  }
  return start(dir);
}

async function start(dir: string | undefined): Promise<Db> {
  // Next to this file in src/ and in dist/ alike.
  const worker = new Worker(new URL('./pglite-worker.mjs', import.meta.url), { workerData: { dir } });
  const waiting = new Map<number, { resolve(reply: Reply): void; reject(error: Error): void }>();
  let next = 0;
  let failed: Error | undefined;
  const fail = (error: Error): void => {
    failed = error;
    for (const { reject } of waiting.values()) reject(error);
    waiting.clear();
  };
  await new Promise<void>((resolve, reject) => {
    worker.once('message', (reply: Reply) => (reply.ready ? resolve() : reject(new Error('the PGlite worker did not start'))));
    worker.once('error', reject);
  });
  worker.on('message', (reply: Reply) => {
    const call = reply.id === undefined ? undefined : waiting.get(reply.id);
    if (!call) return;
    waiting.delete(reply.id!);
    if (reply.error) call.reject(new DbError(reply.error.message, reply.error.code));
    else call.resolve(reply);
  });
  worker.on('error', fail);
  worker.on('exit', (code) => fail(new Error(`the PGlite worker stopped (exit code ${code})`)));
  const send = (op: string, sql?: string, params?: readonly unknown[]): Promise<Reply> => {
    if (failed) return Promise.reject(failed);
    const id = next++;
    return new Promise((resolve, reject) => {
      waiting.set(id, { resolve, reject });
      worker.postMessage({ id, op, sql, params });
    });
  };
  return {
    query: async <Row>(sql: string, params?: readonly unknown[]) => ((await send('query', sql, params)).rows ?? []) as Row[],
    exec: async (script) => void (await send('exec', script)),
    async close() {
      await send('close').catch(() => undefined);
      await worker.terminate();
    },
  };
}
