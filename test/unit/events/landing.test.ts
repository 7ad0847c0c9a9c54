import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createAcquaint } from '../../../src/acquaint';
import { createEventBuilder } from '../../../src/events/build';
import { createIdentity, restamp } from '../../../src/identity/identity';
import { landingFrom } from '../../../src/events/landing';
import { readProfile, type Profile } from '../../../src/identity/profile';
import { memoryDatabases, memoryLocalStore, timedEnv } from '../fake-env';

// Contract §7: every event carries the campaign and click ids of its session's landing URL.
const MINUTE = 60_000;
const NOW = Date.parse('2026-11-23T10:00:00Z');
const LANDING_URL = 'https://shop.example/x?utm_source=news&utm_medium=email&utm_campaign=spring&gclid=abc&fbclid=FbClid_AbC';

beforeEach(() => void vi.useFakeTimers({ now: NOW }));
afterEach(() => void vi.useRealTimers());

describe('landingFrom', () => {
  it('reads every utm_* parameter and click id, under the contract names', () => {
    const query =
      'utm_source=s&utm_medium=m&utm_campaign=c&utm_term=t&utm_content=x&utm_id=7&gclid=g&gbraid=gb&wbraid=wb&fbclid=f&msclkid=ms&ttclid=tt&q=other';
    expect(landingFrom(`https://shop.example/?${query}`, NOW)).toEqual({
      campaign: { source: 's', medium: 'm', name: 'c', term: 't', content: 'x', id: '7' },
      clickIds: { gclid: 'g', gbraid: 'gb', wbraid: 'wb', fbclid: 'f', msclkid: 'ms', ttclid: 'tt' },
      at: NOW,
    });
  });

  it('has only what the URL has: no campaign without utm_*, no click ids without one', () => {
    expect(landingFrom('https://shop.example/?q=shoes#utm_source=hash', NOW)).toEqual({ at: NOW });
    expect(landingFrom('https://shop.example/?gclid=g', NOW)).toEqual({ clickIds: { gclid: 'g' }, at: NOW });
    expect(landingFrom('https://shop.example/?utm_source=s&utm_medium=', NOW)).toEqual({ campaign: { source: 's' }, at: NOW });
  });

  it('has nothing for a URL that does not parse', () => {
    expect(landingFrom('not a url?utm_source=s', NOW)).toEqual({ at: NOW });
    expect(landingFrom('', NOW)).toEqual({ at: NOW });
  });

  it('keeps values as URLSearchParams decodes them, the first of repeated ones', () => {
    const landing = landingFrom(
      'https://shop.example/?utm_campaign=spring+sale%20%C3%A9&utm_term=ada%40example.com&utm_source=a&utm_source=b',
      NOW,
    );
    expect(landing.campaign).toEqual({ source: 'a', name: 'spring sale é', term: 'ada@example.com' });
  });

  it('caps each value at 500 characters', () => {
    const landing = landingFrom(`https://shop.example/?utm_content=${'x'.repeat(2000)}&gclid=${'g'.repeat(501)}`, NOW);
    expect([landing.campaign!.content!.length, landing.clickIds!.gclid!.length]).toEqual([500, 500]);
  });
});

describe('readProfile and the landing', () => {
  const stored = { anonymousId: 'a', userId: null, traits: {}, sessionId: 's', lastActivity: NOW, updatedAt: NOW };

  it('keeps a well-formed landing', () => {
    const landing = { campaign: { source: 'news' }, clickIds: { fbclid: 'F' }, at: NOW };
    expect(readProfile({ ...stored, landing })?.landing).toEqual(landing);
  });

  it('drops a malformed landing, and keeps only string values of the known keys', () => {
    expect(readProfile({ ...stored, landing: 'utm_source=x' })).toEqual(stored);
    expect(readProfile({ ...stored, landing: { at: 'now', campaign: { source: 'x' } } })).toEqual(stored);
    const odd = { at: NOW, campaign: { source: 5, medium: 'email', evil: 'x', term: 'y'.repeat(600) }, clickIds: ['gclid'] };
    expect(readProfile({ ...stored, landing: odd })?.landing).toEqual({ campaign: { medium: 'email', term: 'y'.repeat(500) }, at: NOW });
  });
});

describe('createIdentity and the landing', () => {
  const setup = (initialUrl = LANDING_URL) => {
    let n = 0;
    let url = initialUrl;
    const env = { uuid: () => `id-${++n}`, now: () => Date.now(), page: () => ({ url }) };
    const identity = createIdentity(env, { sessionTimeoutMs: 30 * MINUTE, idTtlMs: 10 * 86_400_000 }, vi.fn());
    return { identity, go: (next: string) => void (url = next) };
  };
  const stored = (lastActivity: number): Profile => ({
    anonymousId: 'stored',
    userId: null,
    traits: {},
    sessionId: 'stored-session',
    lastActivity,
    updatedAt: lastActivity,
    landing: { campaign: { source: 'old' }, at: lastActivity - MINUTE },
  });

  it('gives a new session the landing of the URL it starts on', () => {
    const { identity } = setup();
    expect(identity.touch().landing).toEqual({
      campaign: { source: 'news', medium: 'email', name: 'spring' },
      clickIds: { gclid: 'abc', fbclid: 'FbClid_AbC' },
      at: NOW,
    });
  });

  it('keeps the first landing for the whole session, whatever the URL later', () => {
    const { identity, go } = setup();
    const first = identity.touch().landing;
    go('https://shop.example/cart?utm_source=other');
    vi.advanceTimersByTime(29 * MINUTE);
    expect(identity.touch().landing).toEqual(first);
  });

  it('takes the landing of the URL a session starts on after the timeout, and on reset', () => {
    const { identity, go } = setup();
    identity.touch();
    go('https://shop.example/cart?utm_source=other');
    vi.advanceTimersByTime(31 * MINUTE);
    expect(identity.touch().landing).toEqual({ campaign: { source: 'other' }, at: Date.now() });
    go('https://shop.example/account');
    expect(identity.reset().landing).toEqual({ at: Date.now() });
  });

  it('keeps the landing of a stored session that continues, and replaces one that expired', () => {
    const continuing = setup('https://shop.example/second-page');
    continuing.identity.adopt(stored(NOW - 5 * MINUTE), 'storage');
    expect(continuing.identity.get()).toMatchObject({ sessionId: 'stored-session', landing: { campaign: { source: 'old' } } });
    const expired = setup('https://shop.example/back?utm_source=again');
    expired.identity.adopt(stored(NOW - 2 * 60 * MINUTE), 'storage');
    expect(expired.identity.get()).toMatchObject({ anonymousId: 'stored', landing: { campaign: { source: 'again' }, at: NOW } });
    expect(expired.identity.get().sessionId).not.toBe('stored-session');
  });
});

describe('the event builder and the landing', () => {
  const page = { url: 'https://shop.example/cart', path: '/cart', referrer: '', title: 'Cart' };
  const ids = { anonymousId: 'a', userId: null, sessionId: 's' };
  const builder = (landing?: Profile['landing']) =>
    createEventBuilder({ uuid: () => 'm', now: () => NOW, page: () => page }, () => ({ ...ids, landing }));

  it('stamps copies of the campaign and click ids on every event', () => {
    const landing = { campaign: { source: 'news' }, clickIds: { gclid: 'g' }, at: NOW };
    const event = builder(landing).track('x', {});
    expect(event.context).toMatchObject({ campaign: { source: 'news' }, clickIds: { gclid: 'g' } });
    event.context.campaign!.source = 'changed';
    expect(landing.campaign.source).toBe('news');
  });

  it('leaves campaign and clickIds out when the landing had none', () => {
    for (const landing of [undefined, { at: NOW }, { clickIds: { fbclid: 'f' }, at: NOW }]) {
      const { context } = builder(landing).page({});
      expect('campaign' in context).toBe(false);
      expect('clickIds' in context).toBe(landing?.clickIds !== undefined);
    }
  });

  it('restamps early events with the restored session and its landing', () => {
    const provisional: Profile = {
      ...ids,
      anonymousId: 'p',
      traits: {},
      lastActivity: NOW,
      updatedAt: NOW,
      landing: { campaign: { source: 'here' }, at: NOW },
    };
    const early = createEventBuilder({ uuid: () => 'm', now: () => NOW, page: () => page }, () => provisional).track('x', {});
    restamp([early], provisional, {
      ...provisional,
      anonymousId: 'r',
      sessionId: 'r-session',
      landing: { clickIds: { gclid: 'g' }, at: 0 },
    });
    expect(early.context).toMatchObject({ sessionId: 'r-session', clickIds: { gclid: 'g' } });
    expect(early.context.campaign).toBeUndefined();
  });
});

describe('campaign across pages', () => {
  const config = (storagePurposes?: string[]) => ({
    version: 1,
    autoPage: false,
    consent: { defaults: { analytics: 'granted' }, ...(storagePurposes ? { storagePurposes } : {}) },
    destinations: [{ id: 'collector', type: 'http', purposes: ['analytics'], settings: { url: '/v1/batch' } }],
  });
  const pageAt = (url: string) => () => ({ url, path: new URL(url).pathname, referrer: '', title: 'Shop' });

  async function twoPages(storagePurposes?: string[]) {
    const dbs = memoryDatabases();
    const local = memoryLocalStore();
    const first = timedEnv({ openStore: dbs.open, localStore: local, page: pageAt(LANDING_URL) });
    const one = createAcquaint({ config: config(storagePurposes), dataLayer: [{ event: 'landed' }], env: first.env });
    await one.flush();
    vi.advanceTimersByTime(MINUTE);
    const second = timedEnv({ openStore: dbs.open, localStore: local, page: pageAt('https://shop.example/cart') });
    const two = createAcquaint({ config: config(storagePurposes), dataLayer: [{ event: 'early' }], env: second.env });
    await two.ready();
    two.track('later');
    await two.flush();
    return [...first.sent(), ...second.sent()].map((e) => ({ event: e.event, campaign: (e.context as Record<string, unknown>).campaign }));
  }

  it('carries the landing campaign on later pages of the session when storage is allowed', async () => {
    const campaign = { source: 'news', medium: 'email', name: 'spring' };
    expect(await twoPages()).toEqual([
      { event: 'landed', campaign },
      { event: 'early', campaign }, // made before the stored session was read: restamped
      { event: 'later', campaign },
    ]);
  });

  it('carries it for the landing page only when storage is not allowed', async () => {
    expect(await twoPages(['personalization'])).toEqual([
      { event: 'landed', campaign: { source: 'news', medium: 'email', name: 'spring' } },
      { event: 'early', campaign: undefined },
      { event: 'later', campaign: undefined },
    ]);
  });
});
