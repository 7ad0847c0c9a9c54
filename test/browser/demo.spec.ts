import { expect, test } from '@playwright/test';
import { fileURLToPath } from 'node:url';
import { createCollectorServer, type CollectorServer } from '../../demo/collector.mjs';
import { DIST, names } from './helpers';

// The demo shop (`npm start`) as a visitor sees it: banner, GA4 and Meta stand-ins, and the
// "Where your events went" panel fed by acquaint.debug().
const DEMO = fileURLToPath(new URL('../../demo', import.meta.url));
let app: CollectorServer;
test.beforeAll(async () => void (app = await createCollectorServer({ root: DEMO, distDir: DIST })));
test.afterAll(() => app.close());

// window.__vendorCalls (what the stand-ins record) is declared in vendor-helpers.ts.
import './vendor-helpers';

const chips = (panel: import('@playwright/test').Locator, event: string) => panel.locator('li', { has: panel.page().locator('code', { hasText: new RegExp(`^${event}$`) }) }).first().locator('.route');

test('the shop shows which destination got which event, and what was held, capped, blocked or redacted', async ({ page }) => {
  await page.goto(`${app.url}/`);
  await page.evaluate(() => window.acquaint!.ready());
  const panel = page.getByRole('complementary', { name: 'Where your events went' });
  await expect(chips(panel, 'page')).toHaveText(['collector: held', 'ga4: held', 'meta: held']);
  expect(await page.evaluate(() => window.__vendorCalls ?? [])).toEqual([]);

  await page.getByRole('button', { name: 'Accept all', exact: true }).click();
  await expect(chips(panel, 'page')).toHaveText(['collector: held → queued → delivered', 'ga4: held → queued → delivered', 'meta: held → queued → delivered']);
  for (let i = 0; i < 3; i++) await page.getByRole('button', { name: 'Add to cart' }).first().click();
  await page.evaluate(() => window.acquaint!.flush());
  await expect(chips(panel, 'add_to_cart')).toHaveText(['collector: queued → delivered', 'ga4: queued → delivered', 'meta: capped']);
  const fbq = await page.evaluate(() => window.__vendorCalls!.filter((c) => c.vendor === 'fbq').map((c) => c.args[1]));
  expect(fbq.filter((name) => name === 'AddToCart')).toHaveLength(2);
  expect(await page.evaluate(() => window.__vendorCalls!.some((c) => c.vendor === 'gtag' && c.args[1] === 'page_view'))).toBe(true);

  // The newsletter form's address reaches the collector only as "[email]"; GA4 and Meta never get the event.
  await page.getByLabel('Weekly eco tips').fill('ada@example.com');
  await page.getByRole('button', { name: 'Subscribe' }).click();
  await page.evaluate(() => window.acquaint!.flush());
  await expect(chips(panel, 'newsletter_signup')).toHaveText(['collector: redacted → delivered', 'ga4: filtered', 'meta: filtered']);
  expect(app.events.find((e) => e.event === 'newsletter_signup')?.properties).toMatchObject({ email: '[email]' });

  // The profile panel (built by shop.js on every page) shows the user after "Log in as Ada".
  const profile = page.getByRole('complementary', { name: 'Your profile, on this device' });
  await profile.getByRole('button', { name: 'Log in as Ada' }).click();
  await expect(profile.locator('#p-user')).toHaveText('ada-1815');

  // The toothbrush page is on meta's block list: nothing of it reaches the pixel.
  await page.goto(`${app.url}/product.html?id=SKU-BRUSH-01`);
  await page.evaluate(() => window.acquaint!.ready());
  await expect(chips(page.getByRole('complementary', { name: 'Where your events went' }), 'view_item')).toHaveText(['collector: queued → delivered', 'ga4: queued → delivered', 'meta: blocked'], { timeout: 10_000 });
  expect(await page.evaluate(() => window.__vendorCalls ?? [])).not.toContainEqual(expect.objectContaining({ vendor: 'fbq' }));
  expect(names(app.events)).toContain('view_item');
});
