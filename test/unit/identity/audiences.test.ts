import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createAcquaint } from '../../../src/acquaint';
import { createAudiences } from '../../../src/identity/audiences';
import { memoryDatabases, timedEnv } from '../fake-env';

const DAY = 86_400_000;
const ecoFan = {
  id: 'eco-fan',
  all: [{ event: 'view_item', where: { 'ecommerce.items.0.item_category': 'eco' }, minCount: 3, withinDays: 30 }],
};
const recentBuyer = { id: 'recent-buyer', all: [{ event: 'purchase', withinDays: 7 }] };
const pro = { id: 'pro', all: [{ trait: 'plan', equals: 'pro' }] };
const view = (category: string) => ({ ecommerce: { items: [{ item_category: category, price: 1 }] } });

beforeEach(() => void vi.useFakeTimers({ now: Date.parse('2026-11-23T10:00:00Z') }));
afterEach(() => void vi.useRealTimers());

describe('createAudiences', () => {
  const limits = { maxEvents: 100, maxAgeMs: 90 * DAY };

  it('enters after the third matching event and leaves when they age out', () => {
    const audiences = createAudiences([ecoFan], limits);
    const now = Date.now();
    audiences.record('view_item', view('eco'), now);
    audiences.record('view_item', view('plastic'), now);
    audiences.record('view_item', view('eco'), now);
    expect(audiences.evaluate({}, now)).toBeUndefined();
    audiences.record('view_item', view('eco'), now);
    expect(audiences.evaluate({}, now)).toEqual({ members: ['eco-fan'], entered: ['eco-fan'], left: [] });
    expect(audiences.evaluate({}, now + 31 * DAY)).toEqual({ members: [], entered: [], left: ['eco-fan'] });
  });

  it('keeps only the events and property paths a rule reads', () => {
    const audiences = createAudiences([ecoFan, recentBuyer], limits);
    audiences.record('page_view', { secret: 1 }, 0);
    audiences.record('view_item', { ...view('eco'), email: 'a@b.c' }, 0);
    audiences.record('purchase', { value: 99, card: '4111' }, 0);
    expect(audiences.state.history).toEqual([
      { e: 'view_item', t: 0, p: { 'ecommerce.items.0.item_category': 'eco' } },
      { e: 'purchase', t: 0, p: {} },
    ]);
  });

  it('bounds the history in count and age', () => {
    const audiences = createAudiences([recentBuyer], { maxEvents: 3, maxAgeMs: 10 * DAY });
    for (let i = 0; i < 5; i++) audiences.record('purchase', {}, i);
    expect(audiences.state.history.map((h) => h.t)).toEqual([2, 3, 4]);
    audiences.record('purchase', {}, 11 * DAY);
    expect(audiences.state.history.map((h) => h.t)).toEqual([11 * DAY]);
  });

  it('reads traits, and negates and combines conditions', () => {
    const audiences = createAudiences(
      [
        pro,
        {
          id: 'free-no-purchase',
          all: [
            { trait: 'plan', exists: true },
            { event: 'purchase', negate: true },
          ],
        },
      ],
      limits,
    );
    expect(audiences.evaluate({ plan: 'pro' }, 0)?.members).toEqual(['pro', 'free-no-purchase']);
    audiences.record('purchase', {}, 0);
    expect(audiences.evaluate({ plan: 'pro' }, 0)?.left).toEqual(['free-no-purchase']);
  });

  it('ignores a malformed stored state', () => {
    const audiences = createAudiences([pro], limits);
    audiences.restore({ history: [{ e: 1 }, 'x', { e: 'purchase', t: 1, p: {} }], members: ['pro', 3] });
    expect(audiences.state).toMatchObject({ history: [{ e: 'purchase', t: 1, p: {} }], members: ['pro'] });
    audiences.restore('junk');
    expect(audiences.members).toEqual(['pro']);
  });
});

describe('recency and expiry', () => {
  const limits = { maxEvents: 100, maxAgeMs: 90 * DAY };
  const MINUTE = 60_000;
  const considering = { id: 'considering', all: [{ event: 'view_item', minCount: 3, withinMinutes: 30 }] };
  const thisSession = { id: 'this-session', all: [{ event: 'view_item', minCount: 2, inSession: true }] };
  const inMarket = { id: 'in-market', all: [{ event: 'view_item' }], expiresAfterDays: 7 };

  it('counts only the events of the last withinMinutes', () => {
    const audiences = createAudiences([considering], limits);
    audiences.record('view_item', {}, 0);
    audiences.record('view_item', {}, 10 * MINUTE);
    audiences.record('view_item', {}, 31 * MINUTE);
    expect(audiences.evaluate({}, 31 * MINUTE)).toBeUndefined(); // the first is 31 minutes old
    audiences.record('view_item', {}, 35 * MINUTE);
    expect(audiences.evaluate({}, 35 * MINUTE)?.entered).toEqual(['considering']);
    expect(audiences.evaluate({}, 40 * MINUTE + 1)?.left).toEqual(['considering']);
  });

  it('counts only the events of the current session with inSession', () => {
    const audiences = createAudiences([thisSession], limits);
    audiences.record('view_item', {}, 0, 's1');
    audiences.record('view_item', {}, 1, 's2');
    expect(audiences.evaluate({}, 2, 's2')).toBeUndefined();
    audiences.record('view_item', {}, 3, 's2');
    expect(audiences.evaluate({}, 3, 's2')?.entered).toEqual(['this-session']);
    expect(audiences.evaluate({}, 4, 's3')?.left).toEqual(['this-session']);
  });

  it('ends a membership after expiresAfterDays, and enters again only on a later event', () => {
    const audiences = createAudiences([inMarket], limits);
    audiences.record('view_item', {}, 0);
    expect(audiences.evaluate({}, 0)?.entered).toEqual(['in-market']);
    expect(audiences.evaluate({}, 7 * DAY - 1)).toBeUndefined();
    expect(audiences.evaluate({}, 7 * DAY)?.left).toEqual(['in-market']);
    expect(audiences.evaluate({}, 8 * DAY)).toBeUndefined(); // the old view no longer counts
    audiences.record('view_item', {}, 9 * DAY);
    expect(audiences.evaluate({}, 9 * DAY)?.entered).toEqual(['in-market']);
    expect(audiences.evaluate({}, 16 * DAY)?.left).toEqual(['in-market']);
  });

  it('keeps entry and expiry times across a reload', () => {
    const first = createAudiences([inMarket], limits);
    first.record('view_item', {}, 0);
    first.evaluate({}, 0);
    const second = createAudiences([inMarket], limits);
    second.restore(structuredClone(first.state));
    expect(second.members).toEqual(['in-market']);
    expect(second.evaluate({}, 7 * DAY)?.left).toEqual(['in-market']);
  });

  it('joins a stored state to the events recorded before it was read', () => {
    const stored = createAudiences([considering], limits);
    stored.record('view_item', {}, 0, 's1');
    stored.record('view_item', {}, 1, 's1');
    const page = createAudiences([considering], limits);
    page.record('view_item', {}, 2, 's1');
    page.restore(structuredClone(stored.state));
    expect(page.state.history.map((h) => h.t)).toEqual([0, 1, 2]);
    expect(page.state.session).toEqual({ id: 's1', start: 0 });
    expect(page.evaluate({}, 2)?.entered).toEqual(['considering']);
  });
});

describe('audiences in an instance', () => {
  const config = (personalization: string, optIn: boolean) => ({
    version: 1,
    autoPage: false,
    consent: { defaults: { analytics: 'granted', personalization } },
    audiences: [ecoFan, pro],
    destinations: [
      { id: 'plain', type: 'http', purposes: ['analytics'], settings: { url: '/plain' } },
      { id: 'personal', type: 'http', purposes: ['analytics'], settings: { url: '/personal' }, audiences: optIn },
    ],
  });

  it('pushes membership changes to the data layer and exposes them in user()', async () => {
    const dataLayer: unknown[] = [];
    const { env } = timedEnv({ openStore: memoryDatabases().open });
    const acquaint = createAcquaint({ config: config('granted', true), dataLayer, env });
    await acquaint.ready();
    for (let i = 0; i < 3; i++) dataLayer.push({ event: 'view_item', ...view('eco') });
    expect(acquaint.user().audiences).toEqual(['eco-fan']);
    expect(dataLayer).toContainEqual({ event: 'acquaint.audiences', audiences: ['eco-fan'], entered: ['eco-fan'], left: [] });
    acquaint.identify('u1', { plan: 'pro' });
    expect(acquaint.user().audiences).toEqual(['eco-fan', 'pro']);
  });

  it('sends audiences only to a destination that opted in', async () => {
    const dataLayer: unknown[] = [];
    const { env, requests } = timedEnv();
    const acquaint = createAcquaint({ config: config('granted', true), dataLayer, env });
    await acquaint.ready();
    for (let i = 0; i < 3; i++) dataLayer.push({ event: 'view_item', ...view('eco') });
    acquaint.track('after');
    await acquaint.flush();
    const batch = (path: string) =>
      requests
        .filter((r) => r.url.endsWith(path))
        .flatMap((r) => (r.body as { batch: { event?: string; context: { audiences?: string[] } }[] }).batch);
    expect(batch('/plain').map((e) => e.event)).toEqual(['view_item', 'view_item', 'view_item', 'after']);
    expect(batch('/plain').every((e) => e.context.audiences === undefined)).toBe(true);
    expect(batch('/personal').map((e) => e.event)).toEqual(['view_item', 'view_item', 'view_item', 'acquaint.audiences', 'after']);
    expect(batch('/personal').at(-1)!.context.audiences).toEqual(['eco-fan']);
  });

  it('keeps nothing while personalization is not granted, and forgets on withdrawal', async () => {
    const dataLayer: unknown[] = [];
    const { env } = timedEnv();
    const acquaint = createAcquaint({ config: config('pending', true), dataLayer, env });
    await acquaint.ready();
    for (let i = 0; i < 3; i++) dataLayer.push({ event: 'view_item', ...view('eco') });
    expect(acquaint.user().audiences).toEqual([]);
    acquaint.consent.update({ personalization: 'granted' });
    for (let i = 0; i < 3; i++) dataLayer.push({ event: 'view_item', ...view('eco') });
    expect(acquaint.user().audiences).toEqual(['eco-fan']);
    acquaint.consent.update({ personalization: 'denied' });
    expect(acquaint.user().audiences).toEqual([]);
    acquaint.consent.update({ personalization: 'granted' });
    expect(acquaint.user().audiences).toEqual([]);
  });

  it('shows members to the page and keeps them for the head snippet only while allowed', async () => {
    const dataLayer: unknown[] = [];
    const shown: string[][] = [];
    const { env } = timedEnv({
      openStore: memoryDatabases().open,
      showAudiences: (members) => void shown.push([...members]),
    });
    const acquaint = createAcquaint({ config: config('granted', false), dataLayer, env });
    await acquaint.ready();
    for (let i = 0; i < 3; i++) dataLayer.push({ event: 'view_item', ...view('eco') });
    acquaint.identify('u1', { plan: 'pro' });
    expect(shown.at(-1)).toEqual(['eco-fan', 'pro']);
    expect(env.localStore!.get('acquaint.audiences')).toBe('eco-fan pro');
    acquaint.consent.update({ personalization: 'denied' });
    expect(shown.at(-1)).toEqual([]);
    expect(env.localStore!.get('acquaint.audiences')).toBeNull();
  });

  it('keeps no snippet copy without a storage purpose granted', async () => {
    const dataLayer: unknown[] = [];
    const shown: string[][] = [];
    const { env } = timedEnv({
      openStore: memoryDatabases().open,
      showAudiences: (members) => void shown.push([...members]),
    });
    const noStorage = {
      ...config('granted', false),
      consent: { defaults: { analytics: 'granted', personalization: 'granted' }, storagePurposes: ['analytics'] },
    };
    const acquaint = createAcquaint({ config: noStorage, dataLayer, env });
    await acquaint.ready();
    acquaint.consent.update({ analytics: 'denied' });
    acquaint.identify('u1', { plan: 'pro' });
    expect(shown.at(-1)).toEqual(['pro']);
    expect(env.localStore!.get('acquaint.audiences')).toBeNull();
  });

  it('moves members out by time alone while the page stays open', async () => {
    const dataLayer: unknown[] = [];
    const shown: string[][] = [];
    const { env } = timedEnv({
      openStore: memoryDatabases().open,
      showAudiences: (members) => void shown.push([...members]),
    });
    const recent = { id: 'considering', all: [{ event: 'view_item', minCount: 2, withinMinutes: 5 }] };
    const acquaint = createAcquaint({ config: { ...config('granted', false), audiences: [recent] }, dataLayer, env });
    await acquaint.ready();
    dataLayer.push({ event: 'view_item' }, { event: 'view_item' });
    expect(shown.at(-1)).toEqual(['considering']);
    await vi.advanceTimersByTimeAsync(6 * 60_000);
    expect(shown.at(-1)).toEqual([]);
    expect(acquaint.user().audiences).toEqual([]);
    expect(dataLayer).toContainEqual({ event: 'acquaint.audiences', audiences: [], entered: [], left: ['considering'] });
  });

  it('restores stored audiences when storage is allowed after the page started', async () => {
    const databases = memoryDatabases();
    const first = timedEnv({ openStore: databases.open });
    const one = createAcquaint({ config: config('granted', false), dataLayer: [], env: first.env });
    await one.ready();
    for (let i = 0; i < 3; i++) one.track('view_item', view('eco'));
    await vi.advanceTimersByTimeAsync(100);
    const second = timedEnv({ openStore: databases.open, localStore: first.env.localStore! });
    const dataLayer: unknown[] = [];
    const two = createAcquaint({
      config: { ...config('pending', false), consent: { defaults: { analytics: 'pending', personalization: 'pending' } } },
      dataLayer,
      env: second.env,
    });
    await two.ready();
    two.consent.update({ analytics: 'granted', personalization: 'granted' });
    await vi.advanceTimersByTimeAsync(100);
    expect(two.user().audiences).toEqual(['eco-fan']);
  });

  it('leaves what the head snippet set alone until the config is in, then shows the stored members', async () => {
    const databases = memoryDatabases();
    const first = timedEnv({ openStore: databases.open });
    const one = createAcquaint({ config: config('pending', false), dataLayer: [], env: first.env });
    await one.ready();
    one.consent.update({ analytics: 'granted', personalization: 'granted' });
    one.identify('u1', { plan: 'pro' });
    await vi.advanceTimersByTimeAsync(100);
    expect(first.env.localStore!.get('acquaint.audiences')).toBe('pro');

    const shown: string[][] = [];
    const second = timedEnv({
      openStore: databases.open,
      localStore: first.env.localStore!,
      showAudiences: (members) => void shown.push([...members]),
    });
    const two = createAcquaint({ config: config('pending', false), dataLayer: [], env: second.env });
    await two.ready();
    // The stored choice restored on start changes consent before the audiences are read: no flash of "none".
    expect(shown).toEqual([['pro']]);
    expect(second.env.localStore!.get('acquaint.audiences')).toBe('pro');
  });
});
