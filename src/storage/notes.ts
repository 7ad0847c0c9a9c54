import { readLocal } from '../lib/json';
import type { SyncStore } from '../lib/platform';

/**
 * Next-page notes: what a page writes to localStorage, synchronously, for a later page to take,
 * under `acquaint.<kind>.<owner>` (the owner a tab's or a page's id). An IndexedDB write begun
 * as a page goes may never commit (Chromium lost about one navigation in four); a localStorage
 * write does. The reader removes a note once what it says is safe in IndexedDB.
 */
export function nextPageNotes(local: SyncStore, kind: string, owner: string) {
  const prefix = `acquaint.${kind}.`;
  const mine = prefix + owner;
  return {
    /** This page's note, replacing the last one. */
    write: (value: unknown): void => local.set(mine, JSON.stringify(value)),
    /** This page's note as written (untrusted: another version of acquaint may have written it). */
    read: (): unknown => readLocal(local, mine),
    remove: (): void => local.remove(mine),
    /** The notes of other owners (those in `skip` aside), and a function that removes them. */
    others(skip?: ReadonlySet<string>): [unknown[], () => void] {
      const names = local.keys().filter((name) => name.startsWith(prefix) && name !== mine && !skip?.has(name.slice(prefix.length)));
      return [names.map((name) => readLocal(local, name)), () => names.forEach((name) => local.remove(name))];
    },
  };
}

export type NextPageNotes = ReturnType<typeof nextPageNotes>;
