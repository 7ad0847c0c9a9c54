import { expect, test, type Page } from '@playwright/test';
import { batchRequests, consentPage, consentState, openAndReady, requestsTo, storedRecord } from './consent-helpers';
import { names, useCollector, waitForEvents, watchPage } from './helpers';

// Issue 3 §5 through the runtime: acquaint.js loads the BUILT dist/consent-ui.js itself (next
// to acquaint.js, with the script's nonce) when the config has a `banner`, and the visitor's
// click goes to consent.update like any other choice. The banner's own behaviour (keyboard,
// layout, axe) is banner.spec.ts. consent-banner.json: every purpose pending, title "Cookies?",
// `collector` needs analytics, `ads` needs marketing; consent-banner-off.json: enabled false.
const collector = useCollector();
const BANNER = '/consent-banner.json';
const ALL_PENDING = { necessary: 'granted', analytics: 'pending', marketing: 'pending', personalization: 'pending' };

declare global {
  interface Window {
    violations?: string[];
  }
}

const host = (page: Page) => page.locator('acquaint-consent');
const firstLayer = (page: Page) => page.getByRole('region', { name: 'Cookies?' });
const choices = (page: Page) => page.getByRole('dialog', { name: 'Cookies?' });
const button = (page: Page, name: string) => page.getByRole('button', { name, exact: true });
const toggle = (page: Page, name: string) => page.getByRole('switch', { name, exact: true });

/** Tracks `name` and flushes. */
const trackAndFlush = (page: Page, name: string) =>
  page.evaluate(async (name) => {
    window.acquaint!.track(name);
    await window.acquaint!.flush();
  }, name);

/** After `ready()` the runtime has decided about the banner: its <script> is in the page or not. */
const bannerScripts = (page: Page) => page.locator('script[src$="consent-ui.js"]').count();

test.use({ reducedMotion: 'reduce' });

test.describe('consent banner through the runtime', () => {
  test('shows on load while the visitor has not chosen, with the config title, and nothing leaves meanwhile', async ({ page }) => {
    const { app } = collector;
    const log = watchPage(page);
    const requests = batchRequests(page);
    const loads = requestsTo(page, '/consent-ui.js');
    await openAndReady(page, consentPage(app, BANNER));
    expect(await bannerScripts(page)).toBe(1);
    await expect(firstLayer(page)).toBeVisible();
    await expect(host(page)).toHaveCount(1);
    expect(await host(page).evaluate((element) => element.shadowRoot !== null && element.parentElement === document.body)).toBe(true);
    await expect(button(page, 'Accept all')).toBeFocused();
    expect(loads).toEqual(['/consent-ui.js']);
    await trackAndFlush(page, 'while_banner');
    expect(await consentState(page)).toEqual(ALL_PENDING);
    expect(requests).toEqual([]);
    expect(await page.evaluate(() => Object.keys(window).filter((key) => /consent|banner/i.test(key)))).toEqual([]);
    expect([...log.errors, ...log.pageErrors]).toEqual([]);
  });

  test('Accept all grants every purpose, sends the held events, closes, and is not shown again on reload', async ({ page }) => {
    const { app } = collector;
    await openAndReady(page, consentPage(app, BANNER));
    await trackAndFlush(page, 'held');
    await button(page, 'Accept all').click();

    await expect(host(page)).toHaveCount(0);
    expect(await consentState(page)).toEqual({
      necessary: 'granted',
      analytics: 'granted',
      marketing: 'granted',
      personalization: 'granted',
    });
    await page.evaluate(() => window.acquaint!.flush());
    const events = await waitForEvents(app, 3, 'collector');
    expect(names(events)).toEqual(['page', 'pre_load', 'held']);
    expect(names(await waitForEvents(app, 3, 'ads'))).toEqual(['page', 'pre_load', 'held']);
    for (const event of events) expect(event.context.consent).toMatchObject({ analytics: 'granted', marketing: 'granted' });
    expect(await storedRecord(page)).toMatchObject({ choices: { analytics: 'granted', marketing: 'granted', personalization: 'granted' } });

    const loads = requestsTo(page, '/consent-ui.js');
    await page.reload();
    await page.evaluate(() => window.acquaint!.ready());
    expect(await bannerScripts(page)).toBe(0);
    await expect(host(page)).toHaveCount(0);
    expect(loads).toEqual([]);
    expect(await consentState(page)).toMatchObject({ analytics: 'granted', marketing: 'granted' });
  });

  test('Reject all denies every purpose, closes, and nothing is sent', async ({ page }) => {
    const { app } = collector;
    const requests = batchRequests(page);
    await openAndReady(page, consentPage(app, BANNER));
    await trackAndFlush(page, 'held');
    await button(page, 'Reject all').click();

    await expect(host(page)).toHaveCount(0);
    expect(await consentState(page)).toEqual({ necessary: 'granted', analytics: 'denied', marketing: 'denied', personalization: 'denied' });
    await trackAndFlush(page, 'after_reject');
    expect(requests).toEqual([]);
    expect(app.requests).toBe(0);

    await page.reload();
    await page.evaluate(() => window.acquaint!.ready());
    expect(await bannerScripts(page)).toBe(0);
    await expect(host(page)).toHaveCount(0);
  });

  test('consent.show() reopens the first layer after a choice, and a new choice replaces the old', async ({ page }) => {
    const { app } = collector;
    await openAndReady(page, consentPage(app, BANNER));
    await button(page, 'Reject all').click();
    await expect(host(page)).toHaveCount(0);

    await page.evaluate(() => window.acquaint!.consent.show());
    await expect(firstLayer(page)).toBeVisible();
    await expect(choices(page)).toBeHidden();
    await button(page, 'Accept all').click();
    await expect(host(page)).toHaveCount(0);
    expect(await consentState(page)).toMatchObject({ analytics: 'granted', marketing: 'granted', personalization: 'granted' });
    await trackAndFlush(page, 'after_reopen');
    expect(names(await waitForEvents(app, 1, 'collector'))).toEqual(['after_reopen']);
  });

  test("consent.show('choose') opens the per-purpose layer with the current state; Save applies the switches", async ({ page }) => {
    const { app } = collector;
    await openAndReady(page, consentPage(app, BANNER));
    await button(page, 'Accept all').click();
    await expect(host(page)).toHaveCount(0);

    // A "cookie settings" link on the site.
    await page.evaluate(() =>
      document.getElementById('settings')!.addEventListener('click', () => void window.acquaint!.consent.show('choose')),
    );
    await page.locator('#settings').click();
    await expect(choices(page)).toBeVisible();
    await expect(firstLayer(page)).toBeHidden();
    await expect(host(page)).toHaveCount(1);
    await expect(toggle(page, 'Necessary')).toBeChecked();
    await expect(toggle(page, 'Necessary')).toBeDisabled();
    for (const name of ['Analytics', 'Marketing', 'Personalization']) await expect(toggle(page, name)).toBeChecked();
    await toggle(page, 'Marketing').click();
    await button(page, 'Save').click();

    await expect(host(page)).toHaveCount(0);
    expect(await consentState(page)).toEqual({
      necessary: 'granted',
      analytics: 'granted',
      marketing: 'denied',
      personalization: 'granted',
    });
    await trackAndFlush(page, 'after_save');
    const collected = await waitForEvents(app, 3, 'collector');
    expect(names(collected).slice(-1)).toEqual(['after_save']);
    expect(app.events.filter((e) => e.receivedBy === 'ads' && e.event === 'after_save')).toEqual([]);
    expect(await storedRecord(page)).toMatchObject({ choices: { analytics: 'granted', marketing: 'denied', personalization: 'granted' } });
  });

  test('with banner.enabled: false it is not shown on load, and consent.show() still opens it', async ({ page }) => {
    const { app } = collector;
    const loads = requestsTo(page, '/consent-ui.js');
    await openAndReady(page, consentPage(app, '/consent-banner-off.json'));
    expect(await bannerScripts(page)).toBe(0);
    await expect(host(page)).toHaveCount(0);
    expect(loads).toEqual([]);

    await page.evaluate(() => window.acquaint!.consent.show());
    await expect(firstLayer(page)).toBeVisible();
    expect(loads).toEqual(['/consent-ui.js']);
    await button(page, 'Accept all').click();
    expect(await consentState(page)).toMatchObject({ analytics: 'granted' });
    expect(names(await waitForEvents(app, 2))).toEqual(['page', 'pre_load']);
  });

  test('under Global Privacy Control it says so, and Accept all leaves marketing denied', async ({ page }) => {
    const { app } = collector;
    await page.addInitScript(() =>
      Object.defineProperty(Navigator.prototype, 'globalPrivacyControl', { get: () => true, configurable: true }),
    );
    await openAndReady(page, consentPage(app, BANNER));
    await expect(firstLayer(page)).toContainText('Global Privacy Control');
    await button(page, 'Accept all').click();
    expect(await consentState(page)).toEqual({
      necessary: 'granted',
      analytics: 'granted',
      marketing: 'denied',
      personalization: 'granted',
    });
    await trackAndFlush(page, 'gpc');
    await waitForEvents(app, 3, 'collector');
    expect(app.events.filter((e) => e.receivedBy === 'ads')).toEqual([]);

    await page.evaluate(() => window.acquaint!.consent.show('choose'));
    await expect(toggle(page, 'Marketing')).toBeDisabled();
    await expect(toggle(page, 'Marketing')).not.toBeChecked();
  });

  for (const fixture of ['/consent-banner-csp.html', '/consent-banner-csp-strict.html']) {
    test(`shows under a strict CSP with no violation (${fixture.slice(1)})`, async ({ page }) => {
      const { app } = collector;
      const log = watchPage(page);
      await openAndReady(page, app.url + fixture);
      await expect(firstLayer(page)).toBeVisible();
      // The nonce went on to the banner's script, and the banner is styled (a fixed bar), not bare.
      expect(await page.locator('script[src$="consent-ui.js"]').evaluate((script: HTMLScriptElement) => script.nonce)).toBe('abc');
      expect(await page.getByRole('region', { name: 'Cookies?' }).evaluate((bar) => getComputedStyle(bar).position)).toBe('fixed');
      await button(page, 'Accept all').click();
      await expect(host(page)).toHaveCount(0);
      await page.evaluate(() => window.acquaint!.flush());
      expect(names(await waitForEvents(app, 2))).toEqual(['page', 'pre_load']);
      expect(await page.evaluate(() => window.violations)).toEqual([]);
      expect([...log.errors, ...log.pageErrors]).toEqual([]);
    });
  }

  test('loads under Trusted Types through the "acquaint" policy, with no violation', async ({ page }) => {
    const log = watchPage(page);
    const violations: string[] = [];
    await page.exposeFunction('reportViolation', (text: string) => void violations.push(text));
    await page.addInitScript(() => {
      document.addEventListener('securitypolicyviolation', (e) =>
        (window as unknown as { reportViolation(t: string): void }).reportViolation(`${e.violatedDirective} ${e.blockedURI}`),
      );
    });
    await page.goto(`${collector.app.url}/consent-banner-tt.html`);
    await expect(firstLayer(page)).toBeVisible();
    expect(violations).toEqual([]);
    expect(log.pageErrors).toEqual([]);
  });
});
