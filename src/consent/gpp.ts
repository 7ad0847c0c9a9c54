import { GPP_OPT_OUTS, GPP_US_SECTIONS } from '../config/gpp-fields';
import type { GppApi } from '../lib/platform';

import type { ConsentChoices } from './consent';
import type { Decision } from './decision';

export interface GppOptions {
  /** The sections read (default: every US section). */
  sections?: readonly string[];
  /** acquaint purpose → the opt-out fields that deny it (default: marketing ← all three). */
  purposes?: Record<string, readonly string[]>;
}

interface ConsentLike {
  get(): ConsentChoices;
  follow(choices: ConsentChoices, signal?: Omit<Decision, 'at'>): void;
}

// A CMP's event data may be an instance of its own class (@iabgpp/cmpapi's EventData), not a plain object.
const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;

// The spec's getSection gives an array of sub-section objects; @iabgpp/cmpapi gives one merged object.
const optedOut = (section: unknown, fields: readonly string[]): boolean =>
  (Array.isArray(section) ? section : [section]).some((part) => isObject(part) && fields.some((field) => part[field] === 1));

/**
 * Follows an IAB GPP CMP (`__gpp`, GPP 1.1) for the US sections. US state laws are opt-out
 * regimes: a purpose is denied while any of its opt-out fields is 1 in any section read, and
 * otherwise stays what it would be without the CMP (the config's default, GPC). Only signals
 * the CMP marks `ready` count; until the first, a purpose that would be granted is held (pending).
 */
export function createGppFollower(options: GppOptions, consent: ConsentLike, fail: (message: string) => void) {
  const sections = options.sections ?? GPP_US_SECTIONS;
  const table = options.purposes ?? { marketing: GPP_OPT_OUTS };
  const baseline = consent.get();
  const without = (purpose: string) => baseline[purpose] ?? 'pending';
  // What this follower last said of each purpose; only a change is passed on, so a choice
  // made elsewhere (consent.update) stands until the CMP's signal changes.
  const said: ConsentChoices = {};
  for (const purpose of Object.keys(table)) said[purpose] = without(purpose);

  // `signal`: the CMP's own (a decision, passed on even when nothing changed, for its receipt).
  function say(decide: (purpose: string, fields: readonly string[]) => ConsentChoices[string], signal?: Omit<Decision, 'at'>): void {
    const changed: ConsentChoices = {};
    for (const [purpose, fields] of Object.entries(table)) {
      const state = decide(purpose, fields);
      if (said[purpose] !== state) changed[purpose] = said[purpose] = state;
    }
    if (Object.keys(changed).length || signal) consent.follow(changed, signal);
  }

  const hold = (): void => say((purpose) => (without(purpose) === 'granted' ? 'pending' : without(purpose)));

  return {
    /** A CMP is expected: an opt-out it has stored must not arrive after the first events. */
    hold,
    /** No CMP after all: each purpose is what it would be without one. */
    release: (): void => say(without),
    follow(api: GppApi): void {
      const getSection = (name: string): unknown => {
        let section: unknown;
        api('getSection', (value) => (section = value), name);
        return section;
      };
      let ready = false;
      try {
        api('addEventListener', (data, success) => {
          const ping = isObject(data) ? data.pingData : undefined;
          if (!success || !isObject(ping) || ping.signalStatus !== 'ready') return;
          try {
            // parsedSections is in the event itself where the CMP gives it; getSection answers at once (spec: no asynchronous logic).
            const parsed = isObject(ping.parsedSections) ? ping.parsedSections : undefined;
            const read = sections.map((name) => (parsed ? parsed[name] : getSection(name)));
            const gppString = typeof ping.gppString === 'string' ? ping.gppString : undefined;
            say((purpose, fields) => (read.some((section) => optedOut(section, fields)) ? 'denied' : without(purpose)), {
              source: 'gpp',
              ...(gppString ? { gppString } : {}),
            });
            ready = true;
          } catch (error) {
            fail(`reading __gpp failed: ${String(error)}`);
          }
        });
      } catch (error) {
        fail(`__gpp threw: ${String(error)}`);
      }
      if (!ready) hold();
    },
  };
}
