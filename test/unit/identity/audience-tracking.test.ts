import { describe, expect, it } from 'vitest';
import { createAudiences } from '../../../src/identity/audiences';
import { createAudienceTracking } from '../../../src/identity/audience-tracking';
import type { IdentityStore } from '../../../src/identity/store';
import { memoryLocalStore } from '../fake-env';

const pro = { id: 'pro', all: [{ trait: 'plan', equals: 'pro' }] };
const limits = { maxEvents: 100, maxAgeMs: 86_400_000 };

/** Audience tracking on a site that follows a CMP: personalization pending until it answers, then storage read later. */
function onCmpSite() {
  const state = { personalization: 'pending', storage: false, stored: new Map<string, unknown>() };
  const shown: string[][] = [];
  const local = memoryLocalStore();
  local.set('acquaint.audiences', 'pro'); // the last page's copy, which the head snippet showed
  const store = {
    get enabled() {
      return state.storage;
    },
    stored: (key: string) => state.stored.get(key),
    save: () => undefined,
    remove: (key: string) => void state.stored.delete(key),
  } as unknown as IdentityStore;
  const tracking = createAudienceTracking({
    now: () => 0,
    traits: () => ({ plan: 'pro' }),
    sessionId: () => 's',
    personal: () => state.personalization === 'granted',
    undecided: () => state.personalization === 'pending',
    storable: () => state.personalization === 'granted',
    store,
    local,
    show: (members) => void shown.push([...members]),
    push: () => undefined,
    setTimeout: () => 0,
  });
  return { state, shown, local, tracking };
}

describe('createAudienceTracking on a CMP site', () => {
  it('keeps what the snippet showed until the CMP answers and the stored audiences are read', () => {
    const { state, shown, local, tracking } = onCmpSite();
    tracking.configure([pro], limits, createAudiences);
    expect(shown).toEqual([]); // the CMP has not answered: nothing touched
    state.personalization = 'granted';
    tracking.consentChanged();
    expect(shown).toEqual([]); // storage is being read: no flash of "none"
    expect(local.get('acquaint.audiences')).toBe('pro');
    state.storage = true;
    state.stored.set('audiences', { history: [], members: ['pro'] });
    tracking.storageReady();
    expect(shown).toEqual([['pro']]);
    expect(local.get('acquaint.audiences')).toBe('pro');
  });

  it('takes the attribute and the copy away when the CMP says no', () => {
    const { state, shown, local, tracking } = onCmpSite();
    tracking.configure([pro], limits, createAudiences);
    state.personalization = 'denied';
    tracking.consentChanged();
    expect(shown).toEqual([[]]);
    expect(local.get('acquaint.audiences')).toBeNull();
  });
});
