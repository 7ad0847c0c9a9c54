import { expect, test, type Page } from '@playwright/test';
import { useCollector, waitForEvents } from './helpers';

// Issue 4 §5: audiences are computed in the page from the visitor's own events and traits,
// kept (with the profile, in IndexedDB) only while personalization is granted, pushed to the
// data layer on change, and sent only to a destination that opted in.
const collector = useCollector();

const addKitchen = (page: Page) =>
  page.evaluate(() => {
    (window.dataLayer as unknown[]).push({ event: 'add_to_cart', ecommerce: { items: [{ item_id: 'SKU-2', item_category: 'Kitchen' }] } });
  });
const audiences = (page: Page) => page.evaluate(() => (window.acquaint!.user() as { audiences: string[] }).audiences);
const storedAudiences = (page: Page) =>
  page.evaluate(
    () =>
      new Promise<unknown>((resolve, reject) => {
        const open = indexedDB.open('acquaint-identity');
        open.onerror = () => reject(open.error ?? new Error('indexedDB.open failed'));
        open.onsuccess = () => {
          const get = open.result.transaction('profile').objectStore('profile').get('audiences');
          get.onsuccess = () => {
            open.result.close();
            resolve(get.result);
          };
        };
      }),
  );

async function open(page: Page): Promise<void> {
  await page.goto(`${collector.app.url}/audiences.html`);
  await page.evaluate(() => window.acquaint!.ready());
}

test.describe('on-device audiences', () => {
  test('nothing is kept while personalization is pending', async ({ page }) => {
    await open(page);
    await addKitchen(page);
    await addKitchen(page);
    expect(await audiences(page)).toEqual([]);
    expect(await page.evaluate(() => (window.dataLayer as { event?: string }[]).some((e) => e.event === 'acquaint.audiences'))).toBe(false);
  });

  test('enter as events happen, reach only the opted-in destination, survive a reload, and go on withdrawal', async ({ page }) => {
    await open(page);
    await page.evaluate(() => window.acquaint!.consent.update({ personalization: 'granted' }));
    await addKitchen(page);
    expect(await audiences(page)).toEqual([]);
    await addKitchen(page);
    expect(await audiences(page)).toEqual(['kitchen-fan']);
    await page.evaluate(() => window.acquaint!.identify('ada', { plan: 'member' }));
    expect(await audiences(page)).toEqual(['kitchen-fan', 'member']);
    const pushed = await page.evaluate(() =>
      (window.dataLayer as { event?: string; entered?: string[] }[]).filter((e) => e.event === 'acquaint.audiences').map((e) => e.entered),
    );
    expect(pushed).toEqual([['kitchen-fan'], ['member']]);

    await page.evaluate(() => window.acquaint!.flush());
    const events = await waitForEvents(collector.app, 8);
    const by = (dest: string) => events.filter((e) => e.receivedBy === dest);
    expect(by('plain').map((e) => e.event ?? e.type)).toEqual(['add_to_cart', 'add_to_cart', 'identify']);
    expect(by('plain').every((e) => !('audiences' in e.context))).toBe(true);
    expect(by('collector').map((e) => e.event ?? e.type)).toEqual([
      'add_to_cart',
      'add_to_cart',
      'acquaint.audiences',
      'identify',
      'acquaint.audiences',
    ]);
    expect(by('collector').at(-1)!.context.audiences).toEqual(['kitchen-fan', 'member']);

    await expect.poll(() => storedAudiences(page)).toMatchObject({ members: ['kitchen-fan', 'member'] });
    await page.reload();
    await page.evaluate(() => window.acquaint!.ready());
    expect(await audiences(page)).toEqual(['kitchen-fan', 'member']);

    await page.evaluate(() => window.acquaint!.consent.update({ personalization: 'denied' }));
    expect(await audiences(page)).toEqual([]);
    await expect.poll(() => storedAudiences(page)).toBeUndefined();
  });

  test('leave when their events age out', async ({ page, browserName }) => {
    test.skip(
      browserName === 'firefox',
      "page.clock does not reach the page under Playwright's BiDi Firefox; the unit tests cover the ageing",
    );
    await page.clock.install();
    await open(page);
    await page.evaluate(() => window.acquaint!.consent.update({ personalization: 'granted' }));
    await addKitchen(page);
    await addKitchen(page);
    expect(await audiences(page)).toEqual(['kitchen-fan']);
    // setSystemTime, not fastForward: Playwright 1.64's fastForward refuses a month ("to the past").
    await page.clock.setSystemTime(Date.now() + 31 * 86_400_000);
    await page.evaluate(() => window.acquaint!.track('anything'));
    expect(await audiences(page)).toEqual([]);
  });
});
