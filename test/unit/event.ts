import type { AcquaintEvent, PageContext } from '../../src/events/event';

type EventOverrides = Partial<Omit<AcquaintEvent, 'context'>> & { context?: Partial<AcquaintEvent['context']> };

/**
 * A complete wire event (contract §6) for unit tests: a `purchase` on /cart with analytics
 * granted. `overrides` replace its fields, `context` is merged, `page` is merged into the page.
 */
export function testEvent(overrides: EventOverrides = {}, page: Partial<PageContext> = {}): AcquaintEvent {
  const { context, ...fields } = overrides;
  return {
    type: 'track',
    event: 'purchase',
    properties: { value: 10, currency: 'EUR', coupon: 'SUMMER', items: [{ id: 'A', price: 5, note: 'x' }] },
    anonymousId: 'anon-1',
    userId: null,
    messageId: 'm-1',
    timestamp: '2026-11-23T10:00:00.000Z',
    ...fields,
    context: {
      sessionId: 's-1',
      consent: { analytics: 'granted' },
      library: { name: 'acquaint', version: '0.1.0' },
      ...context,
      page: { url: 'https://shop.example/cart', path: '/cart', referrer: '', title: 'Cart', ...context?.page, ...page },
    },
  };
}
