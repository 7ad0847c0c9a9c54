import type { AcquaintEvent } from './event';

/** Where an event went at one destination, and why not. */
export type TraceStatus =
  | 'held' // waiting for consent to a pending purpose
  | 'filtered' // the destination's `events` rule leaves it out
  | 'blocked' // it happened on a page the destination's `block` names
  | 'capped' // a frequency cap is reached
  | 'queued' // on its way, unchanged
  | 'redacted' // on its way, with PII stripped or fields hashed
  | 'delivered'
  | 'retrying'
  | 'dropped';

export interface TraceStep {
  destination: string;
  status: TraceStatus;
  detail?: string;
}

/** One event as debug mode saw it: its name, and every step at every destination. */
export interface TracedEvent {
  messageId: string;
  name: string;
  /** What pushed it, when not the page's own code: a trigger (`triggers[2] (click)`) or tagging. */
  origin?: string;
  timestamp: string;
  steps: TraceStep[];
}

export interface TraceConsole {
  debug(...args: unknown[]): void;
  groupCollapsed?(...args: unknown[]): void;
  groupEnd?(): void;
}

// Debug mode keeps the latest events only: a long session must not grow without bound.
const KEEP = 500;
const line = ({ destination, status, detail }: TraceStep): string => `${destination}: ${status}${detail ? ` (${detail})` : ''}`;

/**
 * Debug mode's record: an event's first steps (the routing at every destination) print as
 * one console group, later steps (released, delivered, dropped) as one line each, and
 * `events()` returns all of it as data. Created only in debug mode: off, nothing calls it.
 */
export function createTrace(target: TraceConsole) {
  const events = new Map<string, TracedEvent>();
  let routing: TracedEvent | undefined;
  let origin: string | undefined;

  return {
    /** An event is being offered to the destinations: its steps print together at `end`. */
    /** The next event begun was pushed by this trigger. */
    from(trigger: string): void {
      origin = trigger;
    },
    begin(event: AcquaintEvent): void {
      const name = event.type === 'track' ? (event.event ?? '') : event.type;
      routing = { messageId: event.messageId, name, timestamp: event.timestamp, steps: [], ...(origin ? { origin } : {}) };
      origin = undefined;
      events.set(event.messageId, routing);
      if (events.size > KEEP) events.delete(events.keys().next().value!);
    },
    step(messageId: string, step: TraceStep): void {
      const traced = events.get(messageId);
      if (!traced) return;
      traced.steps.push(step);
      if (traced !== routing) target.debug(`acquaint ▸ ${traced.name} → ${line(step)}`);
    },
    end(): void {
      const traced = routing;
      routing = undefined;
      if (!traced) return;
      const title = `acquaint ▸ ${traced.name} (${traced.messageId})${traced.origin ? ` ← ${traced.origin}` : ''}`;
      if (!target.groupCollapsed || !target.groupEnd)
        return target.debug(`${title}: ${traced.steps.map(line).join('; ') || 'no destination'}`);
      target.groupCollapsed(title);
      for (const step of traced.steps) target.debug(line(step));
      if (!traced.steps.length) target.debug('no destination');
      target.groupEnd();
    },
    events: (): TracedEvent[] => [...events.values()].map((e) => ({ ...e, steps: [...e.steps] })),
  };
}

export type Trace = ReturnType<typeof createTrace>;

/** The DOM event by which acquaint-debug.js hands createTrace to a runtime that loads it. */
export const DEBUG_EVENT = 'acquaint:debug';
