import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createAcquaint } from '../../../src/acquaint';
import { fakeEnv } from '../fake-env';

beforeEach(() => void vi.useFakeTimers());
afterEach(() => void vi.useRealTimers());

const config = (debug: boolean) => ({
  version: 1,
  debug,
  consent: { defaults: { analytics: 'granted', marketing: 'pending', personalization: 'denied' } },
  destinations: [
    {
      id: 'collector',
      type: 'http',
      purposes: ['analytics'],
      settings: { url: '/v1/batch' },
      events: { exclude: ['internal_*'] },
      caps: [{ event: 'promo', max: 1, per: 'session' }],
    },
    { id: 'ads', type: 'http', purposes: ['analytics', 'marketing'], settings: { url: '/ads' } },
    { id: 'personal', type: 'http', purposes: ['personalization'], settings: { url: '/p' } },
  ],
});

// What a standard gtag() pushes: its arguments object.
function gtag(..._args: unknown[]): IArguments {
  // eslint-disable-next-line prefer-rest-params
  return arguments;
}

const lines = (acquaint: ReturnType<typeof createAcquaint>): string[][] =>
  acquaint.debug().events.map((e) => e.steps.map((s) => `${s.destination}: ${s.status}${s.detail ? ` (${s.detail})` : ''}`));

describe('debug mode', () => {
  it('records where each event went at each destination, and why not', async () => {
    const { env } = fakeEnv();
    const acquaint = createAcquaint({ config: config(true), env });
    await acquaint.ready();
    acquaint.track('promo', { contact: 'ada@example.com' });
    acquaint.track('promo');
    acquaint.track('internal_ping');
    await acquaint.flush();
    acquaint.consent.update({ marketing: 'granted' });
    await acquaint.flush();
    const steps = Object.fromEntries(
      acquaint
        .debug()
        .events.map((e) => [
          `${e.name}#${e.messageId.slice(-2)}`,
          e.steps.map((s) => `${s.destination}: ${s.status}${s.detail ? ` (${s.detail})` : ''}`),
        ]),
    );
    expect(Object.values(steps).slice(1)).toEqual([
      [
        'collector: redacted (1 value(s) redacted)',
        'ads: held (marketing pending)',
        'personal: dropped (consent_denied)',
        'collector: delivered',
        'ads: redacted (1 value(s) redacted)',
        'ads: delivered',
      ],
      ['collector: capped', 'ads: held (marketing pending)', 'personal: dropped (consent_denied)', 'ads: queued', 'ads: delivered'],
      ['collector: filtered', 'ads: held (marketing pending)', 'personal: dropped (consent_denied)', 'ads: queued', 'ads: delivered'],
    ]);
    expect(env.console.debug).toHaveBeenCalledWith('acquaint ▸ promo → collector: delivered');
  });

  it('says an event waits for the banner under a Consent Mode default of denied, then releases it on the update', async () => {
    const { env } = fakeEnv();
    const dataLayer: unknown[] = [gtag('consent', 'default', { analytics_storage: 'denied', ad_storage: 'denied' })];
    const acquaint = createAcquaint({
      config: {
        version: 1,
        debug: true,
        destinations: [{ id: 'collector', type: 'http', purposes: ['analytics', 'marketing'], settings: { url: '/v1/batch' } }],
      },
      dataLayer,
      env,
    });
    await acquaint.ready();
    acquaint.track('before_choice');
    const waiting =
      'held (analytics: Consent Mode default denied, waiting for the banner; marketing: Consent Mode default denied, waiting for the banner)';
    expect(lines(acquaint)).toEqual([['collector: ' + waiting], ['collector: ' + waiting]]);
    dataLayer.push(gtag('consent', 'update', { analytics_storage: 'granted', ad_storage: 'granted' }));
    await acquaint.flush();
    expect(lines(acquaint).map((steps) => steps.slice(1))).toEqual([
      ['collector: queued', 'collector: delivered'],
      ['collector: queued', 'collector: delivered'],
    ]);
  });

  it('keeps nothing while off, and starts on debug(true)', async () => {
    const { env } = fakeEnv();
    const acquaint = createAcquaint({ config: config(false), env });
    await acquaint.ready();
    acquaint.track('before');
    expect(acquaint.debug()).toEqual({ enabled: false, events: [] });
    expect(acquaint.debug(true).enabled).toBe(true);
    acquaint.track('after');
    expect(acquaint.debug().events.map((e) => e.name)).toEqual(['after']);
  });
});
