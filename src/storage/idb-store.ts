import type { KeyValueStore } from '../lib/platform';

/**
 * A key-value object store `name` in its own IndexedDB database. Every method answers with a
 * promise, never a synchronous throw (SecurityError where storage is blocked), so callers can
 * always `.catch`; a write resolves once its transaction completed.
 */
export function idbStore(indexedDB: IDBFactory, database: string, name: string): KeyValueStore {
  let connection: Promise<IDBDatabase> | undefined;
  const open = (): Promise<IDBDatabase> =>
    (connection ??= new Promise((resolve, reject) => {
      const request = indexedDB.open(database);
      request.onupgradeneeded = () => request.result.createObjectStore(name);
      request.onsuccess = () => {
        // The browser may close it (storage cleared, pressure): the next call opens it again.
        request.result.onclose = () => (connection = undefined);
        resolve(request.result);
      };
      request.onerror = () => reject(request.error ?? new Error(`cannot open ${database}`));
    }));
  const run = <T>(mode: IDBTransactionMode, work: (store: IDBObjectStore) => () => T): Promise<T> =>
    open().then(
      (db) =>
        new Promise<T>((resolve, reject) => {
          const transaction = db.transaction(name, mode);
          const result = work(transaction.objectStore(name));
          transaction.oncomplete = () => resolve(result());
          transaction.onabort = transaction.onerror = () => reject(transaction.error ?? new Error(`${database}: transaction aborted`));
        }),
    );
  // Opened now rather than on the first read: the callers first wait for a Web Lock (10-20 ms
  // on a page's first request), and opening (creating, on a first visit) takes as long.
  open().catch(() => undefined); // a failure shows again, and is reported, on the first real call
  return {
    entries: () =>
      run('readonly', (store) => {
        const keys = store.getAllKeys();
        const values = store.getAll();
        return () => keys.result.map((key, i): [IDBValidKey, unknown] => [key, values.result[i]]);
      }),
    setMany: (items) =>
      run('readwrite', (store) => {
        for (const [key, value] of items) store.put(value, key);
        return () => undefined;
      }),
    delMany: (keys) =>
      run('readwrite', (store) => {
        for (const key of keys) store.delete(key);
        return () => undefined;
      }),
  };
}
