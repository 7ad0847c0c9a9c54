import { expect, test, type Page } from '@playwright/test';
import { reloadReady, storeEntries } from './identity-helpers';
import { http, useCollector, waitForEvents, type ReceivedEvent } from './helpers';
import { eventCalls, eventsFor, openVendorPage, routeVendors, serveConfig, vendorCalls, vendorPage, waitForCall } from './vendor-helpers';

// Frequency caps, counted on the device per destination: over the cap an event is not sent to
// that destination and on('dropped') says `capped`. Once storage is allowed the counts live
// with the profile (IndexedDB acquaint-identity / profile / "caps"), so they hold across reloads.
const collector = useCollector();

async function open(page: Page, destinations: unknown[], analytics = 'granted'): Promise<void> {
  const { app } = collector;
  await routeVendors(page, app);
  const config = { version: 1, consent: { defaults: { analytics } }, delivery: { flushIntervalMs: 50 }, destinations };
  await openVendorPage(page, await vendorPage(page, app, await serveConfig(page, app, config, 'rules-caps')));
}

const named = (events: ReceivedEvent[], name: string) => events.filter((e) => e.event === name);
const capped = (page: Page) =>
  page.evaluate(() =>
    window
      .reports!.filter((r) => r.type === 'dropped')
      .map((r) => ({ destination: r.destination, reason: r.reason, n: r.messageIds?.length })),
  );

/** The cap counts acquaint stored with the profile, or undefined. */
async function storedCaps(page: Page): Promise<Record<string, { window: string; count: number }> | undefined> {
  const entries = await storeEntries(page, 'acquaint-identity', 'profile');
  return entries?.find(([key]) => key === 'caps')?.[1] as Record<string, { window: string; count: number }> | undefined;
}

const CAPS = [{ event: 'add_to_cart', max: 2, per: 'session' }];

test.describe('destination rules: caps', () => {
  test('max 2 add_to_cart per session: the third is not sent to that destination and is reported capped; a vendor cap with a wildcard too', async ({
    page,
  }) => {
    const { app } = collector;
    await open(page, [
      http('all'),
      http('capped', { caps: CAPS }),
      {
        id: 'ga4',
        type: 'ga4',
        purposes: ['analytics'],
        settings: { measurementId: 'G-TEST123' },
        caps: [{ event: 'add_to_*', max: 1, per: 'day' }],
      },
    ]);
    await page.evaluate(async () => {
      for (let i = 1; i <= 3; i++) window.acquaint!.track('add_to_cart', { i });
      window.acquaint!.track('add_to_wishlist');
      window.acquaint!.track('purchase');
      await window.acquaint!.flush();
    });
    const all = await waitForEvents(app, 6, 'all');
    expect(named(all, 'add_to_cart').map((e) => e.properties.i)).toEqual([1, 2, 3]);
    const cappedEvents = await waitForEvents(app, 5, 'capped');
    expect(cappedEvents.map((e) => e.event ?? e.type)).toEqual(['page', 'add_to_cart', 'add_to_cart', 'add_to_wishlist', 'purchase']);
    expect(named(cappedEvents, 'add_to_cart').map((e) => e.properties.i)).toEqual([1, 2]);

    const third = named(all, 'add_to_cart')[2]!.messageId;
    const reports = await page.evaluate(() => window.reports!.filter((r) => r.type === 'dropped'));
    expect(reports.filter((r) => r.destination === 'capped')).toEqual([expect.objectContaining({ reason: 'capped', messageIds: [third] })]);

    // gtag: the first add_to_* only; the second, third and the wishlist are capped for it.
    await waitForCall(page, 'gtag', (args) => args[1] === 'purchase', 'purchase');
    expect(eventCalls(await vendorCalls(page, 'gtag'), 'event').map((args) => args[1])).toEqual(['page_view', 'add_to_cart', 'purchase']);
    expect(reports.filter((r) => r.destination === 'ga4').map((r) => [r.reason, r.messageIds!.length])).toEqual([
      ['capped', 1],
      ['capped', 1],
      ['capped', 1],
    ]);
    expect(eventsFor(app, 'capped')).toHaveLength(5);
  });

  test('caps hold across a reload once analytics (storage) is granted: 2 before, 1 after, still 2 in all', async ({ page }) => {
    const { app } = collector;
    await open(page, [http('all'), http('capped', { caps: [...CAPS, { event: 'view_item', max: 1, per: 'visitor' }] })], 'pending');
    await page.evaluate(() => window.acquaint!.consent.update({ analytics: 'granted' }));
    await page.evaluate(async () => {
      window.acquaint!.track('add_to_cart', { page: 1 });
      window.acquaint!.track('add_to_cart', { page: 1 });
      window.acquaint!.track('view_item', { page: 1 });
      await window.acquaint!.flush();
    });
    await waitForEvents(app, 4, 'capped');
    const { sessionId } = await page.evaluate(() => window.acquaint!.user());
    await expect
      .poll(() => storedCaps(page), { message: 'cap counts stored with the profile' })
      .toEqual({
        'capped|add_to_cart|session': { window: sessionId, count: 2 },
        'capped|view_item|visitor': { window: 'ever', count: 1 },
      });

    await reloadReady(page);
    await page.evaluate(async () => {
      window.acquaint!.track('add_to_cart', { page: 2 });
      window.acquaint!.track('view_item', { page: 2 });
      window.acquaint!.track('marker');
      await window.acquaint!.flush();
    });
    await expect.poll(() => eventsFor(app, 'capped').some((e) => e.event === 'marker')).toBe(true);
    expect(await page.evaluate(() => window.acquaint!.user().sessionId)).toBe(sessionId);
    const got = eventsFor(app, 'capped');
    expect(named(got, 'add_to_cart').map((e) => e.properties.page)).toEqual([1, 1]);
    expect(named(got, 'view_item').map((e) => e.properties.page)).toEqual([1]);
    await expect.poll(() => named(eventsFor(app, 'all'), 'add_to_cart').length).toBe(3);
    expect(named(eventsFor(app, 'all'), 'view_item')).toHaveLength(2);
    expect(await capped(page)).toEqual([
      { destination: 'capped', reason: 'capped', n: 1 },
      { destination: 'capped', reason: 'capped', n: 1 },
    ]);
  });

  // The grant releases (and counts) held events before storage opens; the counts are saved then.
  test('caps counted for the events the grant itself released also hold across a reload', async ({ page }) => {
    const { app } = collector;
    await open(page, [http('capped', { caps: CAPS })], 'pending');
    await page.evaluate(() => {
      window.acquaint!.track('add_to_cart', { page: 1 });
      window.acquaint!.track('add_to_cart', { page: 1 });
      window.acquaint!.consent.update({ analytics: 'granted' });
    });
    await waitForEvents(app, 3, 'capped');
    await expect
      .poll(() => storedCaps(page).then((caps) => caps?.['capped|add_to_cart|session']?.count), { message: 'cap counts stored' })
      .toBe(2);
    await reloadReady(page);
    await page.evaluate(async () => {
      window.acquaint!.track('add_to_cart', { page: 2 });
      window.acquaint!.track('marker');
      await window.acquaint!.flush();
    });
    await expect.poll(() => eventsFor(app, 'capped').some((e) => e.event === 'marker')).toBe(true);
    expect(named(eventsFor(app, 'capped'), 'add_to_cart').map((e) => e.properties.page)).toEqual([1, 1]);
  });
});
