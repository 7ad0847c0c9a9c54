import { openDb, type Db } from '../../../src/relay/store/db';
import { startPostgres, whyNoPostgres, type TestPostgres } from './postgres';

export interface TestDatabase {
  db: Db;
  stop(): Promise<void>;
}

/**
 * The relay's two databases for `describe.each`: an in-memory PGlite, and Debian's Postgres in
 * a temporary cluster (test/unit/relay/postgres.ts). The same SQL runs on both.
 */
export const databases: [string, () => Promise<TestDatabase>][] = [
  [
    'PGlite',
    async () => {
      const db = await openDb({ memory: true });
      return { db, stop: () => db.close() };
    },
  ],
  [
    'Postgres',
    async () => {
      const why = whyNoPostgres();
      if (why) throw new Error(`no Postgres for this test: ${why} (.ci/run installs Debian's postgresql)`);
      const server: TestPostgres = await startPostgres();
      const db = await openDb({ url: server.url });
      return {
        db,
        stop: async () => {
          await db.close();
          await server.stop();
        },
      };
    },
  ],
];
