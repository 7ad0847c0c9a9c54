import type { AcquaintEvent } from './event';
import type { DropReason } from './reports';

// The config may never come: at most this many events wait for it (the oldest go first).
const EARLY_LIMIT = 1000;

/** Events accepted before the config arrived, in order, until the routes exist to take them. */
export function createEarlyBuffer(dropped: (events: AcquaintEvent[], reason: DropReason) => void) {
  let early: AcquaintEvent[] = [];
  return {
    add(event: AcquaintEvent): void {
      early.push(event);
      if (early.length > EARLY_LIMIT) dropped(early.splice(0, 1), 'buffer_overflow');
    },
    /** Everything waiting, taken out. */
    take(): AcquaintEvent[] {
      const all = early;
      early = [];
      return all;
    },
  };
}
