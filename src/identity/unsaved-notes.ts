import { isPlainObject } from '../lib/is';
import type { SyncStore } from '../lib/platform';
import { nextPageNotes } from '../storage/notes';

/**
 * What a page has written to its IndexedDB store and not yet seen committed, noted as it goes
 * (a next-page note: storage/durable-store.ts). Chromium lost a purchase's audience history about
 * one navigation in four before. The next page to read the store takes what the notes say.
 */
export function createUnsavedNotes(local: SyncStore, page: string) {
  const notes = nextPageNotes(local, 'unsaved', page);
  // key → [value]: the array tells one write from the next of the same (mutated) object.
  let unsaved: Record<string, [unknown]> = {};
  let noted = false;
  const forget = (): void => {
    // A page that lives on (hidden, then shown again): its note must not outlive its writes.
    if (noted && !Object.keys(unsaved).length) {
      notes.remove();
      noted = false;
    }
  };

  return {
    /** `key` is being written: call the answer once the write committed. */
    writing(key: string, value: unknown): () => void {
      const entry: [unknown] = [value];
      unsaved[key] = entry;
      return () => {
        if (unsaved[key] === entry) delete unsaved[key];
        forget();
      };
    },
    /** `key` was removed: nothing of it is to be noted. */
    removed(key: string): void {
      delete unsaved[key];
      forget();
    },
    /**
     * Under the store's lock, on what it holds: what other pages left of `keys` goes into
     * `stored` and is returned, to be written; their notes are removed. (Untrusted, as what
     * IndexedDB holds: its readers check it.)
     */
    take(stored: Map<IDBValidKey, unknown>, keys: readonly string[]): [string, unknown][] {
      const taken: [string, unknown][] = [];
      const [left, remove] = notes.others();
      remove();
      for (const note of left) {
        for (const key of keys) {
          const entry = isPlainObject(note) ? note[key] : undefined;
          if (!Array.isArray(entry)) continue;
          stored.set(key, entry[0]);
          taken.push([key, entry[0]]);
        }
      }
      return taken;
    },
    /** The page is going (or hidden): note what is not known to be written, or nothing. */
    leave(storing: boolean): void {
      noted = storing && Object.keys(unsaved).length > 0;
      if (noted) notes.write(unsaved);
      else notes.remove();
    },
    /** Storage withdrawn or erased: every page's note goes, and what this one tracked. */
    clear(): void {
      unsaved = {};
      noted = false;
      notes.others()[1]();
      notes.remove();
    },
  };
}

export type UnsavedNotes = ReturnType<typeof createUnsavedNotes>;
