// "Your data" from what the runtime hands over (VisitorFacts) and acquaint's own localStorage
// keys: pure, so its rules are unit-tested; the DOM is your-data.ts.
import type { StoredData, VisitorFacts, YourData } from './types';

/** The localStorage a page has, as far as "Your data" reads it. */
export interface LocalKeys {
  length: number;
  key(index: number): string | null;
  getItem(key: string): string | null;
}

/** Exactly what acquaint keeps on this device: its IndexedDB databases and its `acquaint.*` localStorage keys. */
export function storedData(databases: VisitorFacts['databases'], local: LocalKeys | undefined): StoredData {
  const indexedDB: StoredData['indexedDB'] = {};
  for (const [name, entries] of Object.entries(databases)) {
    if (entries.length)
      indexedDB[name] = Object.fromEntries(entries.map(([key, value]) => [typeof key === 'string' ? key : JSON.stringify(key), value]));
  }
  const localStorage: StoredData['localStorage'] = {};
  for (let i = 0; local && i < local.length; i++) {
    const key = local.key(i);
    const value = key?.startsWith('acquaint.') ? local.getItem(key) : null;
    if (key && value !== null) localStorage[key] = value;
  }
  return { indexedDB, localStorage };
}

/** "Your data": the ids, the traits (hashed ones marked), the audiences with their reasons, and events sent per purpose. */
export function yourData(facts: VisitorFacts, local: LocalKeys | undefined): YourData {
  const { anonymousId, userId, sessionId, traits } = facts.user;
  const sent: YourData['sent'] = [];
  for (const { id, purposes } of facts.destinations) {
    const events = Object.values(facts.deliveries).reduce((sum, day) => sum + (day[id] ?? 0), 0);
    if (!events) continue;
    for (const purpose of purposes) {
      let entry = sent.find((p) => p.purpose === purpose);
      if (!entry) sent.push((entry = { purpose, destinations: [] }));
      entry.destinations.push({ id, events });
    }
  }
  return {
    anonymousId,
    userId,
    sessionId,
    traits: Object.entries(traits).map(([key, value]) => ({ key, value, hashed: facts.hashTraits.includes(key) })),
    audiences: facts.audiences
      .filter((a) => facts.members.includes(a.id))
      .map(({ id, label, description }) => ({ id, ...(label ? { label } : {}), ...(description ? { description } : {}) })),
    sent,
    stored: storedData(facts.databases, local),
    ...(facts.receipt ? { receipt: facts.receipt } : {}),
  };
}
