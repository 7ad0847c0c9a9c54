import { isPlainObject } from '../lib/is';

/** Events delivered per local day (`YYYY-MM-DD`) per destination, as kept on the device. */
export type DeliveryCounts = Record<string, Record<string, number>>;

/** The local day of `ms` as `YYYY-MM-DD` (sorts as it runs). */
const dayOf = (ms: number): string => {
  const date = new Date(ms);
  return `${date.getFullYear()}-${String(date.getMonth() + 1).padStart(2, '0')}-${String(date.getDate()).padStart(2, '0')}`;
};

export interface DeliveryLogDeps {
  now(): number;
  /** Whether consent allows storing on the device: nothing is counted otherwise. */
  allowed(): boolean;
  save(counts: DeliveryCounts): void;
}

/**
 * The device's own record of where its events went ("Your data"): a count per day per
 * destination for the last 7 days, kept with the profile and only while storage is allowed.
 */
export function createDeliveryLog(deps: DeliveryLogDeps) {
  let counts: DeliveryCounts = {};
  const add = (day: string, destination: string, events: number): void => {
    const destinations = (counts[day] ??= {});
    destinations[destination] = (destinations[destination] ?? 0) + events;
  };
  const lastWeek = (): DeliveryCounts => {
    const oldest = dayOf(deps.now() - 6 * 86_400_000);
    for (const day of Object.keys(counts)) if (day < oldest) delete counts[day];
    return counts;
  };
  const delivered = (destination: string, events: number): void => {
    if (!deps.allowed()) return;
    add(dayOf(deps.now()), destination, events);
    deps.save(lastWeek());
  };
  return {
    /** What storage held (untrusted), added to what this page counted before it was read. */
    restore(stored: unknown): void {
      if (!isPlainObject(stored)) return;
      for (const [day, destinations] of Object.entries(stored)) {
        if (isPlainObject(destinations))
          for (const [id, events] of Object.entries(destinations)) if (typeof events === 'number') add(day, id, events);
      }
    },
    delivered,
    /** A `delivered` report that also counts what it reports. */
    counting:
      (report: (destination: string, messageIds: string[]) => void) =>
      (destination: string, messageIds: string[]): void => {
        report(destination, messageIds);
        delivered(destination, messageIds.length);
      },
    /** The last 7 days' counts. */
    counts: (): DeliveryCounts => JSON.parse(JSON.stringify(lastWeek())) as DeliveryCounts,
    clear(): void {
      counts = {};
    },
  };
}

export type DeliveryLog = ReturnType<typeof createDeliveryLog>;
