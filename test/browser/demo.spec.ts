import { expect, test } from '@playwright/test';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { CollectorServer } from '../../demo/collector.mjs';
import type { StandIns } from '../../demo/stand-ins.mjs';
import { containerFor, routeContainers } from './container';
import { DIST, isContainer, names } from './helpers';
import { storeEntries } from './identity-helpers';

// The demo shop (`npm start`) as a visitor sees it: banner, the triggers of demo/tags.json, the
// "Where your events went" panel fed by acquaint.debug(), and server-side tagging: GA4 in server
// mode and Meta in both, through the real relay (PGlite) to the vendor stand-ins. startDemo() of
// demo/server.mjs starts all of it as `npm start` does, on free ports and a fresh relay database.
const DEMO = fileURLToPath(new URL('../../demo', import.meta.url));
interface Demo {
  url: string;
  app: CollectorServer;
  vendors: StandIns;
  close(): Promise<void>;
}
type StartDemo = (options: { distDir: string; port: number; standInsPort: number; dataDir: string }) => Promise<Demo>;
let demo: Demo;
let app: CollectorServer;
let dataDir = '';
test.beforeAll(async ({}, info) => {
  // PGlite's first open takes seconds on two cores; so does building the demo's container (a fresh
  // clone has none cached), which is done here rather than inside the first page load.
  test.setTimeout(90_000);
  if (isContainer(info)) await containerFor(await readFile(join(DEMO, 'tags.json'), 'utf8'));
  const { startDemo } = (await import(pathToFileURL(join(DEMO, 'server.mjs')).href)) as { startDemo: StartDemo };
  dataDir = await mkdtemp(join(tmpdir(), 'acquaint-demo-spec-'));
  demo = await startDemo({ distDir: DIST, port: 0, standInsPort: 0, dataDir });
  app = demo.app;
});
test.afterAll(async () => {
  await demo?.close();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});
test.beforeEach(async ({ context }, info) => {
  if (isContainer(info)) await routeContainers(context);
  await fetch(`${app.url}/collector/clear`, { method: 'POST' });
  await fetch(`${app.url}/demo/received`, { method: 'DELETE' });
});

// window.__vendorCalls (what the stand-ins record) is declared in vendor-helpers.ts.
import './vendor-helpers';

type Locator = import('@playwright/test').Locator;
const row = (panel: Locator, event: string) =>
  panel.locator('li', { has: panel.page().locator('code', { hasText: new RegExp(`^${event}$`) }) }).first();
const chips = (panel: Locator, event: string) => row(panel, event).locator('.route');
// The trigger of tags.json that pushed the event, as the panel names it.
const origin = (panel: Locator, event: string) => row(panel, event).locator('.origin');
const received = (event: string) => app.events.filter((e) => e.event === event);
/** What reached the GA4 stand-in through the relay, by event name. */
const atGoogle = (name: string) => demo.vendors.received().ga4.filter((hit) => hit.event?.name === name);

// acquaint-triggers.js loads after the config is read; a click before it is not seen.
const triggersArmed = (page: import('@playwright/test').Page) =>
  page.waitForEvent('console', { predicate: (m) => m.text().includes('trigger(s) armed'), timeout: 20_000 });

test('the shop shows which destination got which event, and what was held, capped, blocked or redacted', async ({ page }) => {
  // A tour of two pages with consent, clicks, a form and a login: about 10 s alone, twice that on a busy machine.
  test.setTimeout(60_000);
  // gtag.js or acquaint's GA4 tag file: server mode loads neither.
  const gtagRequests: string[] = [];
  page.on('request', (request) => {
    if (/gtag\.js|googletagmanager|acquaint-ga4\.js/.test(request.url())) gtagRequests.push(request.url());
  });
  const armed = triggersArmed(page);
  await page.goto(`${app.url}/`);
  await page.evaluate(() => window.acquaint!.ready());
  await armed;
  const panel = page.getByRole('complementary', { name: 'Where your events went' });
  await expect(chips(panel, 'page')).toHaveText(['collector: held', 'ga4: held', 'meta: held', 'meta:relay: held']);
  expect(await page.evaluate(() => window.__vendorCalls ?? [])).toEqual([]);

  await page.getByRole('button', { name: 'Accept all', exact: true }).click();
  await expect(chips(panel, 'page')).toHaveText([
    'collector: held → queued → delivered',
    'ga4: held → queued → delivered',
    'meta: held → queued → delivered',
    'meta:relay: held → queued → delivered',
  ]);
  // Server-side tagging: the page view reaches the GA4 stand-in through the relay (/acquaint on the
  // shop's origin), its client id the visitor's anonymous id, and no gtag.js is ever requested.
  // Meta gets it twice with one id: from the pixel (eventID) and the Conversions API (event_id).
  await expect.poll(() => atGoogle('page_view').length, { timeout: 15_000 }).toBe(1);
  const anonymousId = await page.evaluate(() => window.acquaint!.user().anonymousId);
  expect(atGoogle('page_view')[0]).toMatchObject({ measurementId: 'G-DEMO12345', clientId: anonymousId, problems: [] });
  const pixelView = await page.evaluate(
    () => window.__vendorCalls!.find((c) => c.vendor === 'fbq' && c.args[1] === 'PageView')?.args[3] as { eventID: string },
  );
  await expect
    .poll(() => demo.vendors.received().meta.map((hit) => [hit.event.event_name, hit.event.event_id]), { timeout: 15_000 })
    .toEqual([['PageView', pixelView.eventID]]);
  // The collector page shows both: GA4's page view at "Google", Meta's PageView from the pixel and the relay.
  const collectorPage = await page.context().newPage();
  await collectorPage.goto(`${app.url}/collector.html`);
  const google = collectorPage.locator('#vendor-google tbody tr', { hasText: 'page_view' });
  await expect(google).toHaveCount(1);
  await expect(google).toContainText(anonymousId.slice(0, 8));
  const meta = collectorPage.locator('#vendor-meta tbody tr', { hasText: 'PageView' });
  await expect(meta).toHaveText([
    /Conversions API \(relay\)yes: pixel \+ CAPI, one event id$/,
    /pixel \(browser\)yes: pixel \+ CAPI, one event id$/,
  ]);
  for (const one of await meta.all()) await expect(one).toContainText(pixelView.eventID.slice(0, 8));
  // And the consent receipt of the banner's choice, from the relay's chain.
  await expect(collectorPage.locator('#receipts tbody tr')).toHaveText([/banner.*analytics, marketing, personalization/]);
  await collectorPage.close();

  for (let i = 0; i < 3; i++) await page.getByRole('button', { name: 'Add to cart' }).first().click();
  await page.evaluate(() => window.acquaint!.flush());
  await expect(chips(panel, 'add_to_cart')).toHaveText([
    'collector: queued → delivered',
    'ga4: queued → delivered',
    'meta: capped',
    'meta:relay: capped',
  ]);
  // add_to_cart comes from the click trigger on button.add (the page only counts the cart), in
  // the GA4 shape the destinations and the kitchen-fan audience read, the price typed as a number.
  await expect(origin(panel, 'add_to_cart')).toHaveText('← triggers[0] (click)');
  await expect(page.locator('#cart-count')).toHaveText('3');
  await expect.poll(() => received('add_to_cart').length).toBe(3);
  expect(received('add_to_cart')[0]!.properties).toEqual({
    ecommerce: {
      currency: 'EUR',
      value: 4.5,
      items: [{ item_id: 'SKU-BRUSH-01', item_name: 'Bamboo Toothbrush', item_category: 'Bathroom', price: 4.5, quantity: 1 }],
    },
  });
  await expect.poll(() => atGoogle('add_to_cart').length, { timeout: 15_000 }).toBe(3);
  expect(atGoogle('add_to_cart')[0]!.event!.params).toMatchObject({
    currency: 'EUR',
    value: 4.5,
    items: [expect.objectContaining({ item_id: 'SKU-BRUSH-01', price: 4.5 })],
  });
  const fbq = await page.evaluate(() => window.__vendorCalls!.filter((c) => c.vendor === 'fbq').map((c) => c.args[1]));
  expect(fbq.filter((name) => name === 'AddToCart')).toHaveLength(2);
  expect(gtagRequests).toEqual([]);

  // The newsletter form's address reaches the collector only as "[email]"; GA4 and Meta never get the event.
  await page.getByLabel('Weekly eco tips').fill('ada@example.com');
  await page.getByRole('button', { name: 'Subscribe' }).click();
  await page.evaluate(() => window.acquaint!.flush());
  await expect(chips(panel, 'newsletter_signup')).toHaveText([
    'collector: redacted → delivered',
    'ga4: filtered',
    'meta: filtered',
    'meta:relay: filtered',
  ]);
  await expect(origin(panel, 'newsletter_signup')).toHaveText('← triggers[1] (submit)');
  await expect(page.getByText('Thanks for subscribing!')).toBeVisible();
  await expect.poll(() => received('newsletter_signup').length).toBe(1);
  expect(received('newsletter_signup')[0]!.properties).toEqual({ method: 'footer_form', list: 'weekly_tips', email: '[email]' });

  // The profile panel (built by shop.js on every page) shows the user after "Log in as Ada".
  const profile = page.getByRole('complementary', { name: 'Your profile, on this device' });
  await profile.getByRole('button', { name: 'Log in as Ada' }).click();
  await expect(profile.locator('#p-user')).toHaveText('ada-1815');

  // The toothbrush page is on meta's block list: nothing of it reaches the pixel.
  const armedOnProduct = triggersArmed(page);
  await page.goto(`${app.url}/product.html?id=SKU-BRUSH-01`);
  await page.evaluate(() => window.acquaint!.ready());
  await armedOnProduct;
  await expect(chips(page.getByRole('complementary', { name: 'Where your events went' }), 'view_item')).toHaveText(
    ['collector: queued → delivered', 'ga4: queued → delivered', 'meta: blocked', 'meta:relay: blocked'],
    { timeout: 10_000 },
  );
  expect(await page.evaluate(() => window.__vendorCalls ?? [])).not.toContainEqual(expect.objectContaining({ vendor: 'fbq' }));
  expect(names(app.events)).toContain('view_item');
  // The product page's add button is tracked by the same trigger; no scroll_depth off the home page.
  await page.getByRole('button', { name: 'Add to cart' }).click();
  await page.evaluate(() => window.acquaint!.flush());
  await expect.poll(() => received('add_to_cart').length).toBe(4);
  expect(received('add_to_cart')[3]!.properties?.ecommerce).toMatchObject({
    value: 4.5,
    items: [{ item_id: 'SKU-BRUSH-01', quantity: 1 }],
  });
  expect(received('scroll_depth').filter((e) => e.context?.page?.path !== '/')).toEqual([]);
  // Everything the relay forwarded is what GA4 and Meta take: no hit Google would drop.
  expect(demo.vendors.received().ga4.flatMap((hit) => hit.problems)).toEqual([]);
  expect(demo.vendors.requests().filter((request) => request.problems.length)).toEqual([]);
  expect(gtagRequests).toEqual([]);
});

test('the promo banner seen, its tagged link and scroll depth are tracked by tags.json alone', async ({ page }) => {
  const armed = triggersArmed(page);
  await page.goto(`${app.url}/`);
  await armed;
  await page.getByRole('button', { name: 'Accept all', exact: true }).click();
  const panel = page.getByRole('complementary', { name: 'Where your events went' });
  // Seen for a second: the visible trigger. Its link: attribute tagging. Scrolled to the bottom:
  // the scroll trigger, on the home page only (its `when` reads page_type from the data layer).
  await expect(origin(panel, 'view_promotion')).toHaveText('← triggers[3] (visible)', { timeout: 10_000 });
  await page.getByRole('link', { name: 'Start shopping' }).click();
  await expect(origin(panel, 'select_promotion')).toHaveText('← tagging (<a data-acquaint-event>)');
  await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
  await expect(origin(panel, 'scroll_depth')).toHaveText('← triggers[2] (scroll)');
  await page.evaluate(() => window.acquaint!.flush());
  await expect.poll(() => received('scroll_depth').map((e) => e.properties?.percent_scrolled)).toEqual([25, 50, 75, 90]);
  expect(received('view_promotion').map((e) => e.properties)).toEqual([
    { promotion_id: 'promo-shipping', promotion_name: 'Free shipping over €30', creative_slot: 'home_banner' },
  ]);
  expect(received('select_promotion').map((e) => e.properties)).toEqual([
    { promotion_id: 'promo-shipping', promotion_name: 'Free shipping over €30' },
  ]);
  // The page's own pushes name no trigger.
  await expect(origin(panel, 'page')).toHaveCount(0);
});

/** The audience members acquaint stored in IndexedDB (with the profile). */
const storedMembers = async (page: import('@playwright/test').Page): Promise<unknown> =>
  (
    (await storeEntries(page, 'acquaint-identity', 'profile'))?.find(([key]) => key === 'audiences')?.[1] as
      { members?: unknown } | undefined
  )?.members;

test('the shop speaks to returning buyers and to a visitor still thinking about the bottle, from tags.json and CSS alone', async ({
  page,
}) => {
  test.setTimeout(60_000);
  await page.goto(`${app.url}/`);
  await page.evaluate(() => window.acquaint!.ready());
  await page.getByRole('button', { name: 'Accept all', exact: true }).click();
  // A first visit: the first-order offer, nothing else.
  await expect(page.locator('.first-order-offer')).toBeVisible();
  await expect(page.locator('.returning-offer')).toBeHidden();
  await expect(page.locator('#still-thinking')).toBeHidden();

  // Two looks at the bottle within 30 minutes, no purchase: "still thinking" (personalize: show).
  for (let i = 0; i < 2; i++) {
    await page.goto(`${app.url}/product.html?id=SKU-BOTTLE-02`);
    await page.evaluate(() => window.acquaint!.ready());
  }
  await page.goto(`${app.url}/`);
  await page.evaluate(() => window.acquaint!.ready());
  await expect(page.locator('#still-thinking')).toBeVisible();
  await expect(page.locator('html')).toHaveAttribute('data-acquaint-audiences', 'thinking-bottle');

  // Bought it: a returning buyer (the site's CSS) with no first-order offer (personalize: hide),
  // no longer "still thinking"; the head snippet has it right before acquaint loads.
  await page.goto(`${app.url}/product.html?id=SKU-BOTTLE-02`);
  await page.evaluate(() => window.acquaint!.ready());
  await page.getByRole('button', { name: /Buy now/ }).click();
  // The snippet's copy is written with the purchase, the audience history (IndexedDB) just after:
  // both have landed before the visitor moves on (a next page at once may not see them yet).
  await expect.poll(() => page.evaluate(() => localStorage.getItem('acquaint.audiences'))).toBe('returning-buyer');
  await expect.poll(() => storedMembers(page)).toEqual(['returning-buyer']);
  await page.goto(`${app.url}/`);
  expect(await page.evaluate(() => document.documentElement.getAttribute('data-acquaint-audiences'))).toBe('returning-buyer');
  await page.evaluate(() => window.acquaint!.ready());
  await expect(page.locator('.returning-offer')).toBeVisible();
  await expect(page.locator('.first-order-offer')).toBeHidden();
  await expect(page.locator('#still-thinking')).toBeHidden();

  // "Your data" from the footer says why: the audience's label and reason from tags.json. The
  // shop wires its links once its own wait for acquaint.ready() is over: it enables its buttons then.
  await expect(page.getByRole('button', { name: 'Cookie settings' })).toBeEnabled();
  await page.getByRole('link', { name: 'Your data' }).click();
  const yourData = page.getByRole('dialog', { name: 'Your data' });
  await expect(yourData).toContainText('Returning buyerYou bought something here in the last 90 days.');
  await expect(yourData).toContainText('Visitor id');
});
