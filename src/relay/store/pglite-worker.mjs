// The embedded PGlite on a thread of its own: it blocks while it works, and the relay's event
// loop must keep answering. Messages: { id, op: 'query' | 'exec' | 'close', sql, params }.
import { parentPort, workerData } from 'node:worker_threads';
import { PGlite } from '@electric-sql/pglite';

const db = await PGlite.create(workerData.dir ?? undefined);
parentPort.postMessage({ ready: true });
parentPort.on('message', async ({ id, op, sql, params }) => {
  try {
    if (op === 'query') return parentPort.postMessage({ id, rows: (await db.query(sql, params)).rows });
    if (op === 'exec') await db.exec(sql);
    if (op === 'close') await db.close();
    parentPort.postMessage({ id });
  } catch (error) {
    parentPort.postMessage({ id, error: { message: error?.message ?? String(error), code: error?.code } });
  }
});
