import { By } from 'selenium-webdriver';
import { beforeEach, describe, expect, test } from 'vitest';
import { arrived, clickWhenReady, databases, eventsFor, flush, names, open, run, track, until, useWebKit, webStorage } from './harness';

// Issue 28 in WebKit: a site keeps its own banner, the real vanilla-cookieconsent 3 of
// docs/consent-banners.md (the Playwright suite's fixture, its CDN URLs served from node_modules
// by the harness), with `consent.source: "page"`. Its Consent Mode default of denied holds
// events until the visitor answers. Destinations: `stats` (analytics), `ads` (marketing).
const site = useWebKit();

// The banner's cookie belongs to the host whatever the port of each test's collector: gone first.
beforeEach(async () => {
  await site.driver.get(`${site.app.url}/blank.html`);
  await site.driver.manage().deleteAllCookies();
});

const page = (query = '') => `${site.app.url}/webkit/cookieconsent-page.html${query}`;
const consent = () => run(site.driver, () => window.acquaint!.consent.get());
const PENDING = { analytics: 'pending', marketing: 'pending', personalization: 'pending' };

/** Clicks the banner's displayed button named `text` once it takes the click (the modal slides in). */
async function click(text: string): Promise<void> {
  const button = await until(async () => {
    for (const element of await site.driver.findElements(By.xpath(`//button[normalize-space()="${text}"]`))) {
      if (await element.isDisplayed()) return element;
    }
    return undefined;
  }, `"${text}" in the banner`);
  await clickWhenReady(button, `"${text}"`);
}

/** Waits until acquaint's state for analytics and marketing is `state`. */
const consentBecomes = (state: string) =>
  until(async () => {
    const now = await consent();
    return now.analytics === state && now.marketing === state;
  }, `analytics and marketing ${state}`);

/** Exactly these events at `destination`, once each, in this order. */
async function arrivedOnce(destination: string, expected: string[]): Promise<void> {
  await arrived(site.app, expected, destination);
  const events = eventsFor(site.app, destination);
  expect(names(events)).toEqual(expected);
  expect(events.filter((e) => e.duplicate)).toEqual([]);
}

describe('vanilla-cookieconsent in front of acquaint', () => {
  test('"Accept all" on a first visit: the landing page view and the events before the click arrive, once, in order', async () => {
    await open(site.driver, page());
    expect(await consent()).toMatchObject(PENDING);
    await track(site.driver, ['before_choice']);
    await click('Accept all');
    await consentBecomes('granted');
    await track(site.driver, ['after_accept']);
    await flush(site.driver);
    await arrivedOnce('stats', ['page', 'before_choice', 'after_accept']);
    await arrivedOnce('ads', ['page', 'before_choice', 'after_accept']);
  });

  test('"Reject all": nothing leaves and nothing is stored', async () => {
    await open(site.driver, page());
    await track(site.driver, ['before_choice']);
    await click('Reject all');
    await consentBecomes('denied');
    await track(site.driver, ['after_reject']);
    await flush(site.driver);
    expect(site.app.attempts).toEqual([]);
    expect(await databases(site.driver)).toEqual([]);
    const stored = await webStorage(site.driver);
    expect(stored).toMatchObject({ localStorage: [], sessionStorage: [] });
    expect(stored.cookie.split('; ').map((c) => c.split('=')[0])).toEqual(['cc_cookie']);
  });

  test('leaving before answering: nothing leaves, and an answer on the next page does not bring it back', async () => {
    await open(site.driver, page());
    await track(site.driver, ['before_leaving']);
    await open(site.driver, page());
    expect(site.app.attempts).toEqual([]);
    await click('Accept all');
    await consentBecomes('granted');
    await track(site.driver, ['next_page']);
    await flush(site.driver);
    await arrivedOnce('stats', ['page', 'next_page']);
  });

  test('a raised banner revision: acquaint holds again until the new answer', async () => {
    await open(site.driver, page());
    await click('Accept all');
    await consentBecomes('granted');
    await flush(site.driver);
    await arrived(site.app, ['page'], 'stats');
    await fetch(`${site.app.url}/collector/clear`, { method: 'POST' });

    await open(site.driver, page('?revision=1'));
    expect(await consent()).toMatchObject(PENDING);
    await track(site.driver, ['while_asked_again']);
    await flush(site.driver);
    expect(site.app.attempts).toEqual([]);
    expect((await webStorage(site.driver)).localStorage).not.toContain('acquaint.consent');
    await click('Accept all');
    await consentBecomes('granted');
    await flush(site.driver);
    await arrivedOnce('stats', ['page', 'while_asked_again']);
  });

  test('consentModeDefault "deny": events before the choice are discarded, as before', async () => {
    await open(site.driver, page('?consentModeDefault=deny'));
    expect(await consent()).toMatchObject({ analytics: 'denied', marketing: 'denied' });
    await track(site.driver, ['before_choice']);
    await click('Accept all');
    await consentBecomes('granted');
    await track(site.driver, ['after_accept']);
    await flush(site.driver);
    await arrivedOnce('stats', ['after_accept']);
  });
});
