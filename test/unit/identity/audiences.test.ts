import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createAcquaint } from '../../../src/acquaint';
import { createAudiences } from '../../../src/identity/audiences';
import { fakeEnv, memoryDatabases } from '../fake-env';

const DAY = 86_400_000;
const ecoFan = { id: 'eco-fan', all: [{ event: 'view_item', where: { 'ecommerce.items.0.item_category': 'eco' }, minCount: 3, withinDays: 30 }] };
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
    const audiences = createAudiences([pro, { id: 'free-no-purchase', all: [{ trait: 'plan', exists: true }, { event: 'purchase', negate: true }] }], limits);
    expect(audiences.evaluate({ plan: 'pro' }, 0)?.members).toEqual(['pro', 'free-no-purchase']);
    audiences.record('purchase', {}, 0);
    expect(audiences.evaluate({ plan: 'pro' }, 0)?.left).toEqual(['free-no-purchase']);
  });

  it('ignores a malformed stored state', () => {
    const audiences = createAudiences([pro], limits);
    audiences.restore({ history: [{ e: 1 }, 'x', { e: 'purchase', t: 1, p: {} }], members: ['pro', 3] });
    expect(audiences.state).toEqual({ history: [{ e: 'purchase', t: 1, p: {} }], members: ['pro'] });
    audiences.restore('junk');
    expect(audiences.members).toEqual(['pro']);
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
    const { env } = fakeEnv({ now: () => Date.now(), openStore: memoryDatabases().open });
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
    const { env, requests } = fakeEnv({ now: () => Date.now() });
    const acquaint = createAcquaint({ config: config('granted', true), dataLayer, env });
    await acquaint.ready();
    for (let i = 0; i < 3; i++) dataLayer.push({ event: 'view_item', ...view('eco') });
    acquaint.track('after');
    await acquaint.flush();
    const batch = (path: string) => requests.filter((r) => r.url.endsWith(path)).flatMap((r) => (r.body as { batch: { event?: string; context: { audiences?: string[] } }[] }).batch);
    expect(batch('/plain').map((e) => e.event)).toEqual(['view_item', 'view_item', 'view_item', 'after']);
    expect(batch('/plain').every((e) => e.context.audiences === undefined)).toBe(true);
    expect(batch('/personal').map((e) => e.event)).toEqual(['view_item', 'view_item', 'view_item', 'acquaint.audiences', 'after']);
    expect(batch('/personal').at(-1)!.context.audiences).toEqual(['eco-fan']);
  });

  it('keeps nothing while personalization is not granted, and forgets on withdrawal', async () => {
    const dataLayer: unknown[] = [];
    const { env } = fakeEnv({ now: () => Date.now() });
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
});
