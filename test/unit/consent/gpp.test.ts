import { describe, expect, it, vi } from 'vitest';
import { createConsent } from '../../../src/consent/consent';
import { GPP_OPT_OUTS, GPP_US_SECTIONS } from '../../../src/config/gpp-fields';
import { createGppFollower, type GppOptions } from '../../../src/consent/gpp';
import type { GppApi } from '../../../src/lib/platform';

type Sections = Record<string, unknown>;

/**
 * A GPP 1.1 CMP as the spec has it: addEventListener calls back at once and on every change,
 * each event carrying pingData; getSection answers at once. `parsed: false` leaves
 * parsedSections out of pingData (the spec does not list it), so sections come from getSection.
 */
function fakeCmp(sections: Sections, { ready = true, parsed = true } = {}) {
  const listeners: ((data: unknown, success: boolean) => void)[] = [];
  let signalStatus = ready ? 'ready' : 'not ready';
  const pingData = () => ({
    gppVersion: '1.1',
    cmpStatus: 'loaded',
    signalStatus,
    applicableSections: [7],
    gppString: 'DBABMA~CPXxRfAPXxRfAAfKABENB-CgAAAAAAAAAAYgAAAAAAAA',
    ...(parsed ? { parsedSections: { ...sections } } : {}),
  });
  const fire = (eventName: string, data: unknown) =>
    listeners.forEach((listener) => listener({ eventName, listenerId: 1, data, pingData: pingData() }, true));
  const api = vi.fn<GppApi>((command, callback, parameter) => {
    if (command === 'addEventListener') {
      listeners.push(callback);
      callback({ eventName: 'listenerRegistered', listenerId: 1, data: true, pingData: pingData() }, true);
    } else if (command === 'getSection') {
      const section = sections[parameter as string] ?? null;
      callback(section, section !== null);
    }
  });
  const status = (next: 'ready' | 'not ready'): void => {
    signalStatus = next;
    fire('signalStatus', next);
  };
  const set = (next: Sections): void => {
    for (const key of Object.keys(sections)) delete sections[key];
    Object.assign(sections, next);
    for (const name of Object.keys(next)) fire('sectionChange', name);
  };
  return {
    api,
    status,
    set,
    /** The visitor chose in the CMP: not ready, the sections change, ready (the spec's order). */
    choose(next: Sections): void {
      status('not ready');
      set(next);
      status('ready');
    },
  };
}

const usnat = (fields: Record<string, number>) => ({
  Version: 1,
  SaleOptOutNotice: 1,
  SharingOptOutNotice: 1,
  TargetedAdvertisingOptOutNotice: 1,
  SaleOptOut: 2,
  SharingOptOut: 2,
  TargetedAdvertisingOptOut: 2,
  ...fields,
});

function setup(defaults: Record<string, 'granted' | 'denied' | 'pending'>, options: GppOptions = {}, gpc = false) {
  const changed = vi.fn();
  const decided = vi.fn();
  const fail = vi.fn();
  const consent = createConsent({
    gpc,
    changed,
    decided,
    invalid: vi.fn(),
    now: () => 0,
    record: { read: () => undefined, write: vi.fn(), remove: vi.fn(), onChange: vi.fn() },
  });
  consent.configure({ defaults }, true);
  changed.mockClear();
  return { consent, changed, decided, fail, follower: createGppFollower(options, consent, fail) };
}

describe('IAB GPP (US opt-outs)', () => {
  it("passes each ready signal on as a decision with the GPP string (a consent receipt's), not the wait for one", () => {
    const { decided, follower } = setup({ analytics: 'granted', marketing: 'granted' });
    const cmp = fakeCmp({ usnat: usnat({}) }, { ready: false });
    follower.follow(cmp.api);
    expect(decided).not.toHaveBeenCalled(); // held, not decided
    cmp.status('ready');
    expect(decided).toHaveBeenLastCalledWith(
      expect.objectContaining({ source: 'gpp', gppString: expect.stringMatching(/^DBABMA~/) as unknown }),
      expect.objectContaining({ marketing: 'granted' }),
    );
  });

  it('denies marketing when the visitor opted out of sale in usnat', () => {
    const { consent, follower } = setup({ analytics: 'granted', marketing: 'granted' });
    follower.follow(fakeCmp({ usnat: usnat({ SaleOptOut: 1 }) }).api);
    expect(consent.get()).toMatchObject({ analytics: 'granted', marketing: 'denied' });
  });

  for (const field of GPP_OPT_OUTS) {
    it(`denies marketing for ${field} = 1 alone`, () => {
      const { consent, follower } = setup({ marketing: 'granted' });
      follower.follow(fakeCmp({ usnat: usnat({ [field]: 1 }) }).api);
      expect(consent.get().marketing).toBe('denied');
    });
  }

  it('leaves the default when nobody opted out (2) or an opt-out does not apply (0): granted stays granted, pending stays pending', () => {
    const granted = setup({ marketing: 'granted' });
    granted.follower.follow(fakeCmp({ usnat: usnat({ SaleOptOut: 2, SharingOptOut: 0, TargetedAdvertisingOptOut: 2 }) }).api);
    expect(granted.consent.get().marketing).toBe('granted');
    expect(granted.changed).not.toHaveBeenCalled();

    const pending = setup({ marketing: 'pending' });
    pending.follower.follow(fakeCmp({ usnat: usnat({}) }).api);
    expect(pending.consent.get().marketing).toBe('pending');
  });

  it('never grants: a denied default stays denied without an opt-out, and GPC keeps marketing denied', () => {
    const denied = setup({ marketing: 'denied' });
    denied.follower.follow(fakeCmp({ usnat: usnat({}) }).api);
    expect(denied.consent.get().marketing).toBe('denied');

    const gpc = setup({ marketing: 'granted' }, {}, true);
    gpc.follower.follow(fakeCmp({ usnat: usnat({}) }).api);
    expect(gpc.consent.get().marketing).toBe('denied');
  });

  it('reads every US section by default: an opt-out in usca alone denies', () => {
    const { consent, follower } = setup({ marketing: 'granted' });
    follower.follow(fakeCmp({ usnat: usnat({}), usca: { SaleOptOut: 2, SharingOptOut: 1 } }).api);
    expect(consent.get().marketing).toBe('denied');
  });

  it('reads only the sections the config names', () => {
    const { consent, follower } = setup({ marketing: 'granted' }, { sections: ['usnat', 'usva'] });
    follower.follow(fakeCmp({ usnat: usnat({}), usca: { SaleOptOut: 1 } }).api);
    expect(consent.get().marketing).toBe('granted');
  });

  it('maps the purposes the config names to the opt-outs it lists', () => {
    const { consent, follower } = setup(
      { marketing: 'granted', personalization: 'granted' },
      { purposes: { personalization: ['TargetedAdvertisingOptOut'] } },
    );
    follower.follow(fakeCmp({ usnat: usnat({ SaleOptOut: 1, TargetedAdvertisingOptOut: 1 }) }).api);
    expect(consent.get()).toMatchObject({ marketing: 'granted', personalization: 'denied' });
  });

  it('reads sections with getSection when the event has no parsedSections, in the spec’s shape (an array of sub-sections)', () => {
    const { consent, follower } = setup({ marketing: 'granted' });
    const cmp = fakeCmp(
      { usnat: [usnat({}), { SubsectionType: 1, Gpc: false }], usco: [{ SaleOptOut: 2, TargetedAdvertisingOptOut: 1 }] },
      { parsed: false },
    );
    follower.follow(cmp.api);
    expect(cmp.api).toHaveBeenCalledWith('getSection', expect.any(Function), 'usco');
    expect(consent.get().marketing).toBe('denied');
  });

  it('holds a granted purpose (pending) until the CMP signals ready, then follows it', () => {
    const { consent, follower } = setup({ analytics: 'granted', marketing: 'granted' });
    const cmp = fakeCmp({}, { ready: false });
    follower.follow(cmp.api);
    expect(consent.get()).toMatchObject({ analytics: 'granted', marketing: 'pending' });
    cmp.choose({ usnat: usnat({}) });
    expect(consent.get().marketing).toBe('granted');
  });

  it('does not act on sections while the CMP is not ready, only once it is', () => {
    const { consent, follower } = setup({ marketing: 'granted' });
    const cmp = fakeCmp({ usnat: usnat({}) });
    follower.follow(cmp.api);
    // The visitor opens the CMP again: "not ready" while it changes the sections.
    cmp.status('not ready');
    cmp.set({ usnat: usnat({ SaleOptOut: 1 }) });
    expect(consent.get().marketing).toBe('granted');
    cmp.status('ready');
    expect(consent.get().marketing).toBe('denied');
  });

  it('follows a later opt-out, and a withdrawn opt-out returns the purpose to its default', () => {
    const { consent, follower, changed } = setup({ marketing: 'granted' });
    const cmp = fakeCmp({ usnat: usnat({}) });
    follower.follow(cmp.api);
    cmp.choose({ usnat: usnat({ SharingOptOut: 1 }) });
    expect(consent.get().marketing).toBe('denied');
    cmp.choose({ usnat: usnat({}) });
    expect(consent.get().marketing).toBe('granted');
    expect(changed.mock.calls.map(([state]) => (state as Record<string, string>).marketing)).toEqual(['denied', 'granted']);
  });

  it('passes on only changes: a choice made elsewhere stands until the CMP’s signal changes', () => {
    const { consent, follower } = setup({ marketing: 'granted' });
    const cmp = fakeCmp({ usnat: usnat({}) });
    follower.follow(cmp.api);
    consent.update({ marketing: 'denied' });
    cmp.choose({ usnat: usnat({ SaleOptOut: 2 }) });
    expect(consent.get().marketing).toBe('denied');
  });

  it('without a CMP after all, release returns held purposes to their default', () => {
    const { consent, follower } = setup({ marketing: 'granted' });
    follower.hold();
    expect(consent.get().marketing).toBe('pending');
    follower.release();
    expect(consent.get().marketing).toBe('granted');
  });

  it('ignores unsuccessful callbacks and malformed data', () => {
    const { consent, follower } = setup({ marketing: 'granted' });
    follower.follow((_command, callback) => {
      callback({ pingData: { signalStatus: 'ready', parsedSections: { usnat: { SaleOptOut: 1 } } } }, false);
      callback(null, true);
      callback({ pingData: 'ready' }, true);
    });
    expect(consent.get().marketing).toBe('pending');
  });

  it('reports a throwing __gpp and keeps the purpose held', () => {
    const { consent, follower, fail } = setup({ marketing: 'granted' });
    follower.follow(() => {
      throw new Error('boom');
    });
    expect(fail).toHaveBeenCalledWith('__gpp threw: Error: boom');
    expect(consent.get().marketing).toBe('pending');
  });

  it('names every US section @iabgpp/cmpapi knows', async () => {
    const { Sections } = await import('@iabgpp/cmpapi');
    const us = Sections.SECTION_ORDER.filter((name) => /^us/.test(name) && name !== 'uspv1');
    expect([...GPP_US_SECTIONS]).toEqual(us);
  });
});
