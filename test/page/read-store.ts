// Page-side code shared by the Playwright suite (page.evaluate) and the WebKit suite (selenium
// executeScript): both send the function's source to the page, so it must stay self-contained.

/**
 * Every [key, value] of object store `store` in database `database`, read with the raw IndexedDB
 * API; null when the database or the store does not exist (nothing is created to find out).
 */
export async function readStoreEntries({ database, store }: { database: string; store: string }): Promise<[string, unknown][] | null> {
  if (!(await indexedDB.databases()).some((db) => db.name === database)) return null;
  const db = await new Promise<IDBDatabase>((resolve, reject) => {
    const request = indexedDB.open(database);
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error ?? new Error('open failed'));
  });
  try {
    if (!db.objectStoreNames.contains(store)) return null;
    const tx = db.transaction(store, 'readonly');
    const read = <T>(request: IDBRequest<T>) =>
      new Promise<T>((resolve, reject) => {
        request.onsuccess = () => resolve(request.result);
        request.onerror = () => reject(request.error ?? new Error('read failed'));
      });
    const [keys, values] = await Promise.all([read(tx.objectStore(store).getAllKeys()), read(tx.objectStore(store).getAll())]);
    return keys.map((key, i) => [typeof key === 'string' ? key : JSON.stringify(key), values[i]] as [string, unknown]);
  } finally {
    db.close();
  }
}
