import pg from 'pg';
import type { Db } from './db';

/** A real Postgres through a `pg` pool: several relay processes may share it (rows are claimed with SKIP LOCKED). */
export async function openPostgres(url: string, poolSize = 10): Promise<Db> {
  const pool = new pg.Pool({ connectionString: url, max: poolSize });
  // An idle client's error (the server restarted) must not crash the process: the next query reconnects.
  pool.on('error', () => undefined);
  await pool.query('SELECT 1');
  return {
    query: async <Row>(sql: string, params?: readonly unknown[]) => (await pool.query(sql, params as unknown[])).rows as Row[],
    exec: async (script) => void (await pool.query(script)),
    close: () => pool.end(),
  };
}
