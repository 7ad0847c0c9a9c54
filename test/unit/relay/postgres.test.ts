// The throwaway Postgres of postgres.ts: it starts, `pg` reaches it, row locks behave as the
// relay's outbox relies on (FOR UPDATE SKIP LOCKED), and stop() leaves nothing behind.
import { existsSync } from 'node:fs';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresAvailable, startPostgres, whyNoPostgres, type TestPostgres } from './postgres';

describe.skipIf(!postgresAvailable())(`a real Postgres${postgresAvailable() ? '' : ` (skipped: ${whyNoPostgres()})`}`, () => {
  let db: TestPostgres;
  let startMs = 0;

  beforeAll(async () => {
    const t0 = performance.now();
    db = await startPostgres();
    startMs = performance.now() - t0;
  }, 60_000);

  afterAll(async () => {
    await db?.stop();
  });

  it('starts within a few seconds, on 127.0.0.1', () => {
    expect(db.url).toMatch(/^postgres:\/\/postgres@127\.0\.0\.1:\d+\/acquaint$/);
    expect(startMs).toBeLessThan(15_000);
  });

  it('answers SELECT 1 through pg', async () => {
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    try {
      const { rows } = await client.query<{ one: number }>('SELECT 1 AS one');
      expect(rows).toEqual([{ one: 1 }]);
    } finally {
      await client.end();
    }
  });

  it('FOR UPDATE SKIP LOCKED: a second connection skips the row the first one holds', async () => {
    const a = new pg.Client({ connectionString: db.url });
    const b = new pg.Client({ connectionString: db.url });
    await Promise.all([a.connect(), b.connect()]);
    try {
      await a.query('CREATE TABLE outbox (id int PRIMARY KEY, state text NOT NULL)');
      await a.query("INSERT INTO outbox VALUES (1, 'pending'), (2, 'pending'), (3, 'pending')");
      const claim = "SELECT id FROM outbox WHERE state = 'pending' ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED";

      await a.query('BEGIN');
      expect((await a.query<{ id: number }>(claim)).rows).toEqual([{ id: 1 }]);
      await b.query('BEGIN');
      expect((await b.query<{ id: number }>(claim)).rows).toEqual([{ id: 2 }]);
      // Without SKIP LOCKED, b would wait for a; NOWAIT shows the lock is really held.
      await expect(b.query('SELECT id FROM outbox WHERE id = 1 FOR UPDATE NOWAIT')).rejects.toThrow(/could not obtain lock/);
      await b.query('ROLLBACK');
      await a.query("UPDATE outbox SET state = 'sent' WHERE id = 1");
      await a.query('COMMIT');

      await b.query('BEGIN');
      expect((await b.query<{ id: number }>(claim)).rows).toEqual([{ id: 2 }]);
      await b.query('COMMIT');
    } finally {
      await Promise.all([a.end(), b.end()]);
    }
  });

  it('stop() ends the server and removes its directory', async () => {
    const other = await startPostgres();
    try {
      const client = new pg.Client({ connectionString: other.url });
      await client.connect();
      const { rows } = await client.query<{ unix_socket_directories: string }>('SHOW unix_socket_directories');
      await client.end();
      const dir = rows[0]!.unix_socket_directories;
      expect(existsSync(dir)).toBe(true);
      await other.stop();
      expect(existsSync(dir)).toBe(false);
      const late = new pg.Client({ connectionString: other.url, connectionTimeoutMillis: 2000 });
      await expect(late.connect()).rejects.toThrow();
    } finally {
      await other.stop(); // a second stop does nothing
    }
  }, 60_000);
});
