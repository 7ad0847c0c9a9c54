import { UNSTAMPED, type AcquaintEvent } from '../events/event';
import type { ConsentChoices } from './consent';

// An event released later under another state than its first stamp gets a copy, which the
// destinations releasing it under that same state share, so it is serialised once for all.
const restamped = new WeakMap<AcquaintEvent, AcquaintEvent>();

/** Contract §4: a destination receives an event only while every purpose it lists is granted. */
export function allGranted(purposes: readonly string[], state: ConsentChoices): boolean {
  return purposes.every((purpose) => state[purpose] === 'granted');
}

export function anyDenied(purposes: readonly string[], state: ConsentChoices): boolean {
  return purposes.some((purpose) => state[purpose] === 'denied');
}

export interface GateOptions {
  purposes: readonly string[];
  /** Most events held while a purpose is pending; the oldest go first. */
  limit: number;
  pass(event: AcquaintEvent): void;
  drop(events: AcquaintEvent[], reason: 'consent_denied' | 'hold_overflow'): void;
}

/**
 * One destination's consent gate: sends while every purpose is granted, holds in order while
 * any is pending, discards on deny. A later grant never brings back what was discarded.
 */
export function createGate(options: GateOptions, initial: ConsentChoices) {
  let held: AcquaintEvent[] = [];
  let state = initial;
  // The wire shows the state that let the event through (stamped at release). The first
  // stamp is made in place, so a burst under one state costs no copies: every destination
  // passing the event then shares the object, and events are not changed after this.
  const stamp = (event: AcquaintEvent): AcquaintEvent => {
    const { context } = event;
    if (context.consent === UNSTAMPED) context.consent = state;
    if (context.consent === state) return event;
    const shared = restamped.get(event);
    if (shared?.context.consent === state) return shared;
    const copy = { ...event, context: { ...context, consent: state } };
    restamped.set(event, copy);
    return copy;
  };

  return {
    offer(event: AcquaintEvent): void {
      if (allGranted(options.purposes, state)) return options.pass(stamp(event));
      if (anyDenied(options.purposes, state)) return options.drop([event], 'consent_denied');
      held.push(event);
      if (held.length > options.limit) options.drop(held.splice(0, held.length - options.limit), 'hold_overflow');
    },
    consentChanged(next: ConsentChoices): void {
      state = next;
      if (held.length === 0) return;
      if (allGranted(options.purposes, state)) {
        const release = held;
        held = [];
        for (const event of release) options.pass(stamp(event));
      } else if (anyDenied(options.purposes, state)) {
        const discard = held;
        held = [];
        options.drop(discard, 'consent_denied');
      }
    },
    /** Everything held, removed (erasure). */
    clear(): AcquaintEvent[] {
      const all = held;
      held = [];
      return all;
    },
    get heldCount(): number {
      return held.length;
    },
    /** The consent state it decides by. */
    get state(): ConsentChoices {
      return state;
    },
  };
}

export type Gate = ReturnType<typeof createGate>;
