import { describe, expect, it, vi } from 'vitest';
import { createConsent } from '../../../src/consent/consent';
import { allGranted, createGate } from '../../../src/consent/gate';
import { fromConsentMode, toConsentMode } from '../../../src/consent/gcm';
import { defaultsFor } from '../../../src/consent/defaults';
import { choicesFromRecord } from '../../../src/consent/record';
import { followTcf } from '../../../src/consent/tcf';
import type { AcquaintEvent } from '../../../src/events/event';

const setup = (gpc = false, stored?: unknown, region?: string) => {
  const changed = vi.fn();
  const invalid = vi.fn();
  const write = vi.fn();
  const remove = vi.fn();
  const onChange = vi.fn();
  const record = { read: (version: string | number) => choicesFromRecord(stored, version), write, remove, onChange };
  const decided = vi.fn();
  const consent = createConsent({
    gpc,
    changed,
    decided,
    invalid,
    now: () => Date.parse('2026-11-23T10:00:00Z'),
    record,
    ...(region ? { region } : {}),
  });
  return { consent, changed, decided, invalid, write, remove, onChange };
};

describe('consent state', () => {
  it('starts with necessary granted and everything else pending', () => {
    expect(setup().consent.get()).toEqual({ necessary: 'granted', analytics: 'pending', marketing: 'pending', personalization: 'pending' });
  });

  it('applies config defaults, but never over a choice already made', () => {
    const { consent } = setup();
    consent.update({ analytics: 'denied' });
    consent.configure({ defaults: { analytics: 'granted', marketing: 'granted', astrology: 'pending' } });
    expect(consent.get()).toMatchObject({ analytics: 'denied', marketing: 'granted', astrology: 'pending' });
  });

  it('keeps necessary granted whatever an update says', () => {
    const { consent } = setup();
    consent.update({ necessary: 'denied' });
    expect(consent.get().necessary).toBe('granted');
  });

  it('denies marketing under GPC unless honorGpc is false', () => {
    const { consent } = setup(true);
    consent.configure({ defaults: { marketing: 'granted' } });
    consent.update({ marketing: 'granted' });
    expect(consent.get().marketing).toBe('denied');
    consent.configure({ honorGpc: false });
    expect(consent.get().marketing).toBe('granted');
  });

  it('reports a bad value by name and applies the rest', () => {
    const { consent, invalid, changed } = setup();
    consent.update({ analytics: 'granted', marketing: 'yes' });
    expect(invalid).toHaveBeenCalledWith(`consent.update: marketing must be 'granted', 'denied' or 'pending', got "yes"`);
    expect(consent.get()).toMatchObject({ analytics: 'granted', marketing: 'pending' });
    expect(changed).toHaveBeenCalledTimes(1);
  });

  it('rejects a non-object update and notifies nobody', () => {
    const { consent, invalid, changed } = setup();
    consent.update('granted');
    consent.update(null);
    expect(invalid).toHaveBeenCalledTimes(2);
    expect(changed).not.toHaveBeenCalled();
  });

  it('notifies only when something changed', () => {
    const { consent, changed } = setup();
    consent.update({ analytics: 'granted' });
    consent.update({ analytics: 'granted' });
    expect(changed).toHaveBeenCalledTimes(1);
  });

  it('lets a Consent Mode default fill in but not override a choice', () => {
    const { consent } = setup();
    consent.update({ analytics: 'granted' });
    consent.setDefaults({ analytics: 'denied', marketing: 'denied', personalization: 'granted' });
    expect(consent.get()).toMatchObject({ analytics: 'granted', marketing: 'pending', personalization: 'granted' });
  });
});

describe('fromConsentMode', () => {
  it('maps Consent Mode v2 keys onto purposes', () => {
    expect(
      fromConsentMode({
        analytics_storage: 'granted',
        ad_storage: 'granted',
        ad_user_data: 'granted',
        ad_personalization: 'granted',
        personalization_storage: 'denied',
      }),
    ).toEqual({ analytics: 'granted', marketing: 'granted', personalization: 'denied' });
  });

  it('denies marketing when any of its keys is denied, in any order', () => {
    expect(fromConsentMode({ ad_storage: 'denied', ad_user_data: 'granted' }).marketing).toBe('denied');
    expect(fromConsentMode({ ad_user_data: 'granted', ad_personalization: 'denied' }).marketing).toBe('denied');
  });

  it('ignores unknown keys and values', () => {
    expect(fromConsentMode({ functionality_storage: 'granted', analytics_storage: 'maybe', wait_for_update: 500 })).toEqual({});
  });
});

const event = (id: string) => ({ messageId: id, context: { consent: {} } }) as unknown as AcquaintEvent;

describe('consent gate', () => {
  const state = (analytics: string, marketing: string) =>
    ({ necessary: 'granted', analytics, marketing }) as Record<string, 'granted' | 'denied' | 'pending'>;
  const setupGate = (purposes: string[], initial = state('pending', 'pending'), limit = 3) => {
    const pass = vi.fn<(e: AcquaintEvent) => void>();
    const drop = vi.fn<(events: AcquaintEvent[], reason: string) => void>();
    return { gate: createGate({ purposes, limit, pass, drop }, initial), pass, drop };
  };

  it('requires every listed purpose to be granted', () => {
    expect(allGranted(['analytics', 'marketing'], state('granted', 'denied'))).toBe(false);
    expect(allGranted(['analytics', 'marketing'], state('granted', 'granted'))).toBe(true);
    expect(allGranted(['astrology'], state('granted', 'granted'))).toBe(false);
  });

  it('holds events for a pending purpose and releases them in order on grant, stamped', () => {
    const { gate, pass } = setupGate(['analytics']);
    gate.offer(event('1'));
    gate.offer(event('2'));
    expect(pass).not.toHaveBeenCalled();
    gate.consentChanged(state('granted', 'pending'));
    expect(pass.mock.calls.map(([e]) => e.messageId)).toEqual(['1', '2']);
    expect(pass.mock.calls[0]![0].context.consent.analytics).toBe('granted');
  });

  it('discards held events on deny, and a later grant does not bring them back', () => {
    const { gate, pass, drop } = setupGate(['analytics']);
    gate.offer(event('1'));
    gate.consentChanged(state('denied', 'pending'));
    expect(drop).toHaveBeenCalledWith([expect.objectContaining({ messageId: '1' })], 'consent_denied');
    gate.consentChanged(state('granted', 'pending'));
    expect(pass).not.toHaveBeenCalled();
  });

  it('drops at once when a purpose is denied, even if another is pending', () => {
    const { gate, drop, pass } = setupGate(['analytics', 'marketing'], state('pending', 'denied'));
    gate.offer(event('1'));
    expect(drop).toHaveBeenCalledWith([expect.objectContaining({ messageId: '1' })], 'consent_denied');
    expect(pass).not.toHaveBeenCalled();
  });

  it('keeps holding while one of two purposes is still pending', () => {
    const { gate, pass } = setupGate(['analytics', 'marketing']);
    gate.offer(event('1'));
    gate.consentChanged(state('granted', 'pending'));
    expect(pass).not.toHaveBeenCalled();
    expect(gate.heldCount).toBe(1);
  });

  it('drops the oldest held events beyond the bound and reports them', () => {
    const { gate, drop } = setupGate(['analytics']);
    for (const id of ['1', '2', '3', '4', '5']) gate.offer(event(id));
    expect(gate.heldCount).toBe(3);
    expect(drop.mock.calls.map(([events, reason]) => [events.map((e) => e.messageId), reason])).toEqual([
      [['1'], 'hold_overflow'],
      [['2'], 'hold_overflow'],
    ]);
  });
});

describe('consent defaults from the page', () => {
  it('win over the config defaults whether they ran before or after the config arrived', () => {
    const before = setup().consent;
    before.setDefaults({ analytics: 'granted' });
    before.configure({ defaults: { analytics: 'denied', marketing: 'denied' } });
    const after = setup().consent;
    after.configure({ defaults: { analytics: 'denied', marketing: 'denied' } });
    after.setDefaults({ analytics: 'granted' });
    expect(before.get()).toMatchObject({ analytics: 'granted', marketing: 'denied' });
    expect(after.get()).toEqual(before.get());
  });
});

describe('a Consent Mode default of denied', () => {
  it('holds the purpose as pending until an update grants or denies it', () => {
    const { consent } = setup();
    consent.setDefaults({ analytics: 'denied', marketing: 'denied' });
    consent.configure({ defaults: { analytics: 'granted' } });
    expect(consent.get()).toMatchObject({ analytics: 'pending', marketing: 'pending' });
    expect(consent.waitingFor('analytics')).toBe('Consent Mode default denied, waiting for the banner');
    expect(consent.undecided('analytics')).toBe(true);
    consent.update({ analytics: 'granted', marketing: 'denied' });
    expect(consent.get()).toMatchObject({ analytics: 'granted', marketing: 'denied' });
    expect(consent.waitingFor('analytics')).toBeUndefined();
    expect(consent.undecided('marketing')).toBe(false);
  });

  it('denies as before with consentModeDefault "deny", whether the default ran before or after the config', () => {
    const before = setup().consent;
    before.setDefaults({ analytics: 'denied' });
    expect(before.get().analytics).toBe('pending'); // the config may still say "deny"
    before.configure({ consentModeDefault: 'deny' });
    const after = setup().consent;
    after.configure({ consentModeDefault: 'deny' });
    after.setDefaults({ analytics: 'denied' });
    expect(before.get().analytics).toBe('denied');
    expect(after.get().analytics).toBe('denied');
    expect(after.waitingFor('analytics')).toBeUndefined();
  });

  it('says nothing more of a purpose pending by the config alone', () => {
    const { consent } = setup();
    consent.configure({ defaults: { analytics: 'pending' } });
    expect(consent.waitingFor('analytics')).toBeUndefined();
    expect(consent.undecided('analytics')).toBe(false);
    const cmp = setup().consent;
    cmp.configure({ defaults: { analytics: 'pending' } }, true);
    expect(cmp.undecided('analytics')).toBe(true);
  });

  it('keeps GPC over a held marketing default', () => {
    const { consent } = setup(true);
    consent.setDefaults({ marketing: 'denied' });
    consent.configure({});
    expect(consent.get().marketing).toBe('denied');
  });
});

describe('consent.source "page"', () => {
  const stored = { choices: { analytics: 'granted', marketing: 'granted' }, timestamp: '2026-01-01T00:00:00.000Z', version: 1 };

  it('restores no stored choice, removes it, and follows no other tab', () => {
    const { consent, remove, onChange } = setup(false, stored);
    consent.setDefaults({ analytics: 'denied', marketing: 'denied' });
    consent.configure({ source: 'page' });
    expect(consent.get()).toMatchObject({ analytics: 'pending', marketing: 'pending' });
    expect(consent.hasChosen()).toBe(false);
    expect(remove).toHaveBeenCalledTimes(1);
    expect(onChange).not.toHaveBeenCalled();
  });

  it("applies the page's updates without storing them, before and after the config arrived", () => {
    const { consent, write } = setup();
    consent.update({ analytics: 'granted' });
    consent.configure({ source: 'page' });
    consent.update({ marketing: 'denied' });
    expect(consent.get()).toMatchObject({ analytics: 'granted', marketing: 'denied' });
    expect(write).not.toHaveBeenCalled();
  });

  it('is not the default: a stored choice is restored and another tab followed', () => {
    const { consent, remove, onChange } = setup(false, stored);
    consent.setDefaults({ analytics: 'denied' });
    consent.configure({});
    expect(consent.get()).toMatchObject({ analytics: 'granted', marketing: 'granted' });
    expect(remove).not.toHaveBeenCalled();
    expect(onChange).toHaveBeenCalledTimes(1);
  });
});

describe('regional defaults', () => {
  const config = {
    defaults: { analytics: 'granted', marketing: 'granted' },
    regions: { DE: { analytics: 'pending', marketing: 'denied' }, US: { marketing: 'pending' }, 'US-CA': { marketing: 'denied' } },
  } as const;

  it('uses the region the page names, then its country', () => {
    expect(defaultsFor(config, 'DE')).toEqual({ analytics: 'pending', marketing: 'denied' });
    expect(defaultsFor(config, 'US-CA')).toEqual({ analytics: 'granted', marketing: 'denied' });
    expect(defaultsFor(config, 'US-NY')).toEqual({ analytics: 'granted', marketing: 'pending' });
    expect(defaultsFor(config, 'FR')).toEqual({ analytics: 'granted', marketing: 'granted' });
  });

  it('takes the strictest default of every region when the page names none', () => {
    expect(defaultsFor(config, undefined)).toEqual({ analytics: 'pending', marketing: 'denied' });
  });

  it('applies through createConsent with the region from the page', () => {
    const { consent } = setup(false, undefined, 'US-CA');
    consent.configure(config);
    expect(consent.get()).toMatchObject({ analytics: 'granted', marketing: 'denied' });
  });
});

describe('the stored choice', () => {
  it('is not written until the visitor chooses, then with timestamp and version', () => {
    const { consent, write } = setup();
    consent.configure({ version: 'v2', defaults: { analytics: 'granted' } });
    expect(write).not.toHaveBeenCalled();
    expect(consent.hasChosen()).toBe(false);
    consent.update({ marketing: 'denied' });
    // With who chose: the receipt of a choice whose page closed before it was made says so on the next.
    expect(write).toHaveBeenCalledWith({
      choices: { marketing: 'denied' },
      timestamp: '2026-11-23T10:00:00.000Z',
      version: 'v2',
      source: 'api',
    });
    expect(consent.hasChosen()).toBe(true);
  });

  it('is restored for the same config version', () => {
    const { consent } = setup(false, { choices: { analytics: 'denied' }, timestamp: '2026-01-01T00:00:00.000Z', version: 3 });
    consent.configure({ version: 3, defaults: { analytics: 'granted' } });
    expect(consent.get().analytics).toBe('denied');
    expect(consent.hasChosen()).toBe(true);
  });

  it('is ignored when the config version changed, so the visitor is asked again', () => {
    const { consent, write } = setup(false, { choices: { analytics: 'denied' }, timestamp: '2026-01-01T00:00:00.000Z', version: 1 });
    consent.configure({ version: 2, defaults: { analytics: 'pending' } });
    expect(consent.get().analytics).toBe('pending');
    expect(consent.hasChosen()).toBe(false);
    expect(write).not.toHaveBeenCalled();
  });

  it('is ignored when malformed, and unsafe keys are never read', () => {
    for (const junk of [
      'x',
      null,
      { choices: 'all', timestamp: 'x', version: 1 },
      JSON.parse('{"choices":{"__proto__":"granted"},"timestamp":"x","version":1}'),
    ]) {
      const { consent } = setup(false, junk);
      consent.configure({});
      expect(consent.get().analytics).toBe('pending');
    }
    expect(({} as Record<string, unknown>).granted).toBeUndefined();
  });

  it('keeps a choice made before the config arrived over the stored one, and stores it', () => {
    const { consent, write } = setup(false, { choices: { analytics: 'denied', marketing: 'granted' }, timestamp: 't', version: 1 });
    consent.update({ analytics: 'granted' });
    expect(write).not.toHaveBeenCalled(); // version unknown until the config arrives
    consent.configure({});
    expect(consent.get()).toMatchObject({ analytics: 'granted', marketing: 'granted' });
    expect(write).toHaveBeenCalledWith(expect.objectContaining({ choices: { analytics: 'granted', marketing: 'granted' }, version: 1 }));
  });
});

describe('storage gating', () => {
  it('allows storage once analytics or personalization is granted, or the purposes the config names', () => {
    const { consent } = setup();
    consent.configure({ defaults: { marketing: 'granted' } });
    expect(consent.storageAllowed()).toBe(false);
    consent.update({ personalization: 'granted' });
    expect(consent.storageAllowed()).toBe(true);
    const other = setup().consent;
    other.configure({ storagePurposes: ['marketing'], defaults: { analytics: 'granted', marketing: 'pending' } });
    expect(other.storageAllowed()).toBe(false);
  });
});

describe('toConsentMode', () => {
  it('mirrors the state as Consent Mode v2 parameters, pending as denied', () => {
    expect(toConsentMode({ necessary: 'granted', analytics: 'granted', marketing: 'pending', personalization: 'denied' })).toEqual({
      analytics_storage: 'granted',
      ad_storage: 'denied',
      ad_user_data: 'denied',
      ad_personalization: 'denied',
      personalization_storage: 'denied',
    });
  });

  it('round-trips through fromConsentMode for decided purposes', () => {
    const state = { necessary: 'granted', analytics: 'denied', marketing: 'granted', personalization: 'granted' } as const;
    expect(fromConsentMode(toConsentMode(state))).toEqual({ analytics: 'denied', marketing: 'granted', personalization: 'granted' });
  });
});

describe('followTcf', () => {
  const table = { analytics: [1, 8], marketing: [1, 2, 4] };
  const run = (data: unknown, success = true) => {
    const apply = vi.fn();
    followTcf((_cmd, _v, callback) => callback(data, success), table, apply, vi.fn());
    return apply;
  };

  it('grants a purpose only when every mapped TCF purpose has consent', () => {
    const data = {
      gdprApplies: true,
      eventStatus: 'useractioncomplete',
      tcString: 'CQ-test',
      purpose: { consents: { 1: true, 2: true, 8: true } },
    };
    const apply = run(data);
    // With the TC string, for the decision's consent receipt.
    expect(apply).toHaveBeenCalledWith({ analytics: 'granted', marketing: 'denied' }, { source: 'tcf', tcString: 'CQ-test' });
  });

  it('ignores signals before the CMP loaded, where GDPR does not apply, or on failure', () => {
    expect(run({ gdprApplies: true, eventStatus: 'cmpuishown', purpose: { consents: {} } })).not.toHaveBeenCalled();
    expect(run({ gdprApplies: false, eventStatus: 'tcloaded' })).not.toHaveBeenCalled();
    expect(run({ eventStatus: 'tcloaded' }, false)).not.toHaveBeenCalled();
  });

  it('reports a CMP that throws', () => {
    const fail = vi.fn();
    followTcf(
      () => {
        throw new Error('cmp bug');
      },
      table,
      vi.fn(),
      fail,
    );
    expect(fail).toHaveBeenCalledWith(expect.stringContaining('cmp bug'));
  });
});

describe('following a CMP', () => {
  it('applies what the CMP says without storing it, and ignores an earlier stored choice', () => {
    const { consent, write } = setup(false, { choices: { analytics: 'granted' }, timestamp: 't', version: 1 });
    consent.configure({ defaults: { analytics: 'pending' } }, true);
    expect(consent.get().analytics).toBe('pending');
    consent.follow({ analytics: 'denied' });
    expect(consent.get().analytics).toBe('denied');
    expect(write).not.toHaveBeenCalled();
  });
});

describe('decisions (each a consent receipt, contract §10)', () => {
  const NOW = Date.parse('2026-11-23T10:00:00Z');

  it('says who decided, when, and the state after it; defaults are not decisions', () => {
    const { consent, decided } = setup();
    consent.setDefaults({ analytics: 'denied' });
    consent.configure({ defaults: { marketing: 'denied' } });
    expect(decided).not.toHaveBeenCalled();
    consent.update({ analytics: 'granted' }, 'banner');
    expect(decided).toHaveBeenLastCalledWith(
      { source: 'banner', at: NOW },
      { necessary: 'granted', analytics: 'granted', marketing: 'denied', personalization: 'pending' },
    );
    consent.update({ analytics: 'denied' });
    expect(decided).toHaveBeenLastCalledWith({ source: 'api', at: NOW }, expect.objectContaining({ analytics: 'denied' }));
  });

  it("passes a CMP's signal on with its string, but not acquaint's own waiting for one", () => {
    const { consent, decided } = setup();
    consent.configure({}, true);
    consent.follow({ marketing: 'pending' });
    expect(decided).not.toHaveBeenCalled();
    consent.follow({ marketing: 'granted' }, { source: 'tcf', tcString: 'CQ-1' });
    expect(decided).toHaveBeenLastCalledWith(
      { source: 'tcf', tcString: 'CQ-1', at: NOW },
      expect.objectContaining({ marketing: 'granted' }),
    );
  });

  it('states GPC and the stored choice again on every page, with when and by whom it was chosen', () => {
    const stored = { choices: { analytics: 'granted' }, timestamp: '2026-11-01T08:00:00.000Z', version: 1, source: 'banner' };
    const { consent, decided } = setup(true, stored);
    consent.configure({});
    expect(decided.mock.calls.map((call: unknown[]) => call[0])).toEqual([
      { source: 'gpc', at: NOW },
      { source: 'banner', at: Date.parse('2026-11-01T08:00:00Z'), restated: true },
    ]);
    expect(decided).toHaveBeenLastCalledWith(expect.anything(), expect.objectContaining({ analytics: 'granted', marketing: 'denied' }));
  });

  it('passes the source of a record stored before it was kept on as it is (the receipts check it), and a bad time as now', () => {
    const { consent, decided } = setup(false, { choices: { analytics: 'denied' }, timestamp: 'not a date', version: 1 });
    consent.configure({});
    expect(decided).toHaveBeenCalledWith({ source: undefined, at: NOW, restated: true }, expect.objectContaining({ analytics: 'denied' }));
  });
});
