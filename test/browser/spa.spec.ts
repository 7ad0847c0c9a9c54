import { expect, test, type Page } from '@playwright/test';
import { useCollector, waitForEvents, type ReceivedEvent } from './helpers';
import { eventCalls, openVendorPage, routeVendors, serveConfig, vendorCalls, vendorPage, waitForCalls } from './vendor-helpers';

// autoPage: "history": a page view for each pushState / popstate that lands on another URL
// (a new #fragment alone is none), built one task later so the app's new title is in it, with
// the previous view's URL as its referrer. A ga4 destination gets them as page_view.
const collector = useCollector();

async function open(page: Page): Promise<string> {
  const { app } = collector;
  await routeVendors(page, app);
  const config = {
    version: 1,
    autoPage: 'history',
    consent: { defaults: { analytics: 'granted' } },
    delivery: { flushIntervalMs: 50 },
    destinations: [
      { id: 'collector', type: 'http', purposes: ['analytics'], settings: { url: '/v1/batch' } },
      { id: 'ga4', type: 'ga4', purposes: ['analytics'], settings: { measurementId: 'G-TEST123' } },
    ],
  };
  const url = await vendorPage(page, app, await serveConfig(page, app, config, 'spa'));
  await openVendorPage(page, url);
  return url;
}

const pages = (events: ReceivedEvent[]) => events.filter((e) => e.type === 'page');
const waitForPages = async (n: number): Promise<ReceivedEvent[]> => {
  await expect
    .poll(() => pages(collector.app.events).length, { message: `waiting for ${n} page view(s)`, timeout: 10_000 })
    .toBeGreaterThanOrEqual(n);
  return pages(collector.app.events);
};

test.describe('autoPage: "history"', () => {
  test('pushState and popstate are page views with the new url, path and title, and the previous URL as referrer; ga4 gets page_view', async ({
    page,
  }) => {
    const { app } = collector;
    const first = await open(page);
    await waitForPages(1);

    // The app changes the title in the same task as pushState.
    await page.evaluate(() => {
      history.pushState({ step: 2 }, '', '/spa/next');
      document.title = 'Next page';
    });
    const next = `${app.url}/spa/next`;
    const [, second] = await waitForPages(2);
    expect(second!.context.page).toEqual({ url: next, path: '/spa/next', title: 'Next page', referrer: first });
    expect(second!.properties).toEqual({ url: next, path: '/spa/next', title: 'Next page', referrer: first });

    // Back: popstate, a view of the first URL again, referred by /spa/next.
    await page.evaluate(() => {
      window.addEventListener('popstate', () => (document.title = 'Vendor fixture'), { once: true });
      history.back();
    });
    const [, , third] = await waitForPages(3);
    expect(third!.context.page).toEqual({ url: first, path: '/vendor-page.html', title: 'Vendor fixture', referrer: next });
    expect(third!.properties.referrer).toBe(next);
    // Each view is its own event.
    expect(new Set((await waitForPages(3)).map((e) => e.messageId)).size).toBe(3);

    await waitForCalls(page, 'gtag', 6);
    await expect
      .poll(async () => eventCalls(await vendorCalls(page, 'gtag'), 'event').map((args) => args[2]))
      .toEqual([
        { send_to: 'G-TEST123', page_location: first, page_referrer: '', page_title: 'Vendor fixture' },
        { send_to: 'G-TEST123', page_location: next, page_referrer: first, page_title: 'Next page' },
        { send_to: 'G-TEST123', page_location: first, page_referrer: next, page_title: 'Vendor fixture' },
      ]);
  });

  test('a new #fragment (pushState or location.hash) or the same URL again is no page view', async ({ page }) => {
    const { app } = collector;
    const first = await open(page);
    await waitForPages(1);
    await page.evaluate(async () => {
      history.pushState({}, '', '#section');
      history.pushState({}, '', location.href);
      await new Promise((resolve) => {
        window.addEventListener('hashchange', resolve, { once: true });
        location.hash = 'more'; // popstate, then hashchange
      });
      // One task after the last navigation: a page view would have been built by now.
      await new Promise((resolve) => setTimeout(resolve, 0));
      window.acquaint!.track('marker');
      await window.acquaint!.flush();
    });
    const events = await waitForEvents(app, 2, 'collector');
    expect(events.map((e) => e.event ?? e.type)).toEqual(['page', 'marker']);
    expect(events[1]!.context.page.url).toBe(`${first}#more`);

    // A real navigation afterwards still counts, referred by the last view's URL.
    await page.evaluate(() => history.pushState({}, '', '/spa/after#top'));
    const [, after] = await waitForPages(2);
    expect(after!.context.page).toMatchObject({ url: `${app.url}/spa/after#top`, path: '/spa/after', referrer: first });
  });
});
