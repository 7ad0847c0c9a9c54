/**
 * What the relay asks of a database: one statement at a time (so the embedded PGlite, one
 * connection shared by every request, never interleaves a caller's transaction with another's),
 * and a script of several statements for the schema.
 */
export interface Db {
  query<Row = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<Row[]>;
  exec(script: string): Promise<void>;
  close(): Promise<void>;
}

/** `DATABASE_URL` (a real Postgres, shared by several relay processes) or the embedded PGlite's directory. */
export type DbTarget = { url: string } | { dir: string } | { memory: true };

export async function openDb(target: DbTarget): Promise<Db> {
  if ('url' in target) return (await import('./postgres')).openPostgres(target.url);
  return (await import('./pglite')).openPglite('dir' in target ? target.dir : undefined);
}
