import { expect, test, type Page } from '@playwright/test';
import {
  batchRequests,
  consentPage,
  consentState,
  gtagCalls,
  openAndReady,
  requestsTo,
  trackAndFlush,
  updateAndFlush,
} from './consent-helpers';
import { routeCmp } from './cmp/bundle';
import { names, useCollector, waitForEvents } from './helpers';

// Issue 3 §4, contract §5: signals from outside the page's own calls. Global Privacy Control,
// the region the page names, Google Consent Mode v2 both ways, and an IAB TCF v2.2 CMP.
const collector = useCollector();

declare global {
  interface Window {
    /** The test CMP's "UI" (test/browser/cmp/tcf-cmp.ts). */
    testCmp?: { choose(purposeIds: number[]): void; showUi(): void };
    __tcfapi?: (command: string, version: number, callback: (data: unknown, success: boolean) => void, parameter?: unknown) => void;
  }
}

/** `navigator.globalPrivacyControl === true` from the first script on. */
const sendGpc = async (page: Page): Promise<void> => {
  await page.addInitScript(() =>
    Object.defineProperty(Navigator.prototype, 'globalPrivacyControl', { get: () => true, configurable: true }),
  );
};

const CONSENT_MODE_DENIED = {
  analytics_storage: 'denied',
  ad_storage: 'denied',
  ad_user_data: 'denied',
  ad_personalization: 'denied',
  personalization_storage: 'denied',
};

test.describe('consent signals: Global Privacy Control', () => {
  test('denies marketing over a granting default and over a later update; a marketing destination receives nothing', async ({ page }) => {
    const { app } = collector;
    await sendGpc(page);
    await openAndReady(page, consentPage(app, '/consent-gpc.json'));
    expect(await page.evaluate(() => (navigator as Navigator & { globalPrivacyControl?: boolean }).globalPrivacyControl)).toBe(true);
    expect(await consentState(page)).toMatchObject({ analytics: 'granted', marketing: 'denied' });

    await updateAndFlush(page, { marketing: 'granted' });
    expect(await consentState(page)).toMatchObject({ analytics: 'granted', marketing: 'denied' });
    const dropped = await trackAndFlush(page, 'after_update');

    const events = await waitForEvents(app, 3, 'collector');
    expect(names(events)).toEqual(['page', 'pre_load', 'after_update']);
    for (const event of events) expect(event.context.consent.marketing).toBe('denied');
    expect(app.events.filter((e) => e.receivedBy === 'ads')).toEqual([]);
    expect(app.attempts.filter((a) => a.dest === 'ads')).toEqual([]);
    expect(dropped).toEqual([{ destination: 'ads', reason: 'consent_denied', messageIds: [events[2]!.messageId] }]);
  });

  test('with honorGpc: false the marketing default stands and the marketing destination receives', async ({ page }) => {
    const { app } = collector;
    await sendGpc(page);
    await openAndReady(page, consentPage(app, '/consent-gpc-off.json'));
    expect(await consentState(page)).toMatchObject({ analytics: 'granted', marketing: 'granted' });
    await trackAndFlush(page, 'with_gpc_ignored');
    const ads = await waitForEvents(app, 3, 'ads');
    expect(names(ads)).toEqual(['page', 'pre_load', 'with_gpc_ignored']);
    for (const event of ads) expect(event.context.consent.marketing).toBe('granted');
  });

  test('without GPC the same config grants marketing', async ({ page }) => {
    const { app } = collector;
    await openAndReady(page, consentPage(app, '/consent-gpc.json'));
    expect(await consentState(page)).toMatchObject({ marketing: 'granted' });
    await trackAndFlush(page, 'no_gpc');
    expect(names(await waitForEvents(app, 3, 'ads'))).toEqual(['page', 'pre_load', 'no_gpc']);
  });
});

test.describe('consent signals: regions', () => {
  // consent-regions.json: defaults { analytics: granted }, regions { DE: { analytics: pending } }.
  for (const [region, expected] of [
    ['DE', 'pending'],
    ['de', 'pending'],
    ['DE-BY', 'pending'],
    ['US', 'granted'],
    [undefined, 'pending'],
  ] as const) {
    const where = region === undefined ? 'no data-region takes the strictest regional default' : `data-region="${region}"`;
    test(`${where}: analytics is ${expected}`, async ({ page }) => {
      const { app } = collector;
      const requests = batchRequests(page);
      await openAndReady(page, consentPage(app, '/consent-regions.json', region === undefined ? {} : { region }));
      expect(await consentState(page)).toMatchObject({ analytics: expected });
      await trackAndFlush(page, 'regional');
      if (expected === 'granted') {
        expect(names(await waitForEvents(app, 3))).toEqual(['page', 'pre_load', 'regional']);
      } else {
        expect(requests).toEqual([]);
      }
    });
  }
});

test.describe('consent signals: Consent Mode mirror (consentMode: true)', () => {
  test("pushes one gtag('consent', 'default', …) on load, pending read as denied", async ({ page }) => {
    const { app } = collector;
    await openAndReady(page, consentPage(app, '/consent-mode.json'));
    expect(await gtagCalls(page)).toEqual([['consent', 'default', CONSENT_MODE_DENIED]]);
    expect(await consentState(page)).toMatchObject({ analytics: 'pending', marketing: 'pending', personalization: 'denied' });
  });

  test("pushes exactly one gtag('consent', 'update', …) per change and does not read its own calls back", async ({ page }) => {
    const { app } = collector;
    await openAndReady(page, consentPage(app, '/consent-mode.json'));
    const changes = await page.evaluate(async () => {
      const seen: Record<string, string>[] = [];
      window.acquaint!.on('consent', (state) => seen.push(state));
      window.acquaint!.consent.update({ analytics: 'granted' });
      await window.acquaint!.flush();
      return seen;
    });
    expect(changes).toHaveLength(1);
    expect(await gtagCalls(page)).toEqual([
      ['consent', 'default', CONSENT_MODE_DENIED],
      ['consent', 'update', { ...CONSENT_MODE_DENIED, analytics_storage: 'granted' }],
    ]);
    // Had acquaint read its own update back, marketing (pending, mirrored as denied) would be denied now.
    expect(await consentState(page)).toEqual({
      necessary: 'granted',
      analytics: 'granted',
      marketing: 'pending',
      personalization: 'denied',
    });

    await updateAndFlush(page, { marketing: 'granted' });
    await updateAndFlush(page, { marketing: 'granted' }); // no change, no call
    expect((await gtagCalls(page)).slice(2)).toEqual([
      [
        'consent',
        'update',
        {
          ...CONSENT_MODE_DENIED,
          analytics_storage: 'granted',
          ad_storage: 'granted',
          ad_user_data: 'granted',
          ad_personalization: 'granted',
        },
      ],
    ]);
    expect(await consentState(page)).toEqual({
      necessary: 'granted',
      analytics: 'granted',
      marketing: 'granted',
      personalization: 'denied',
    });
    // What was held for marketing left when it was granted.
    expect(names(await waitForEvents(app, 2, 'ads'))).toEqual(['page', 'pre_load']);
  });

  test("mirrors a page's own gtag('consent', 'update', …) once, without a loop", async ({ page }) => {
    const { app } = collector;
    await openAndReady(page, consentPage(app, '/consent-mode.json'));
    await page.evaluate(async () => {
      const gtag = (window as unknown as { gtag(...args: unknown[]): void }).gtag;
      gtag('consent', 'update', { analytics_storage: 'granted' });
      await window.acquaint!.flush();
    });
    expect(await gtagCalls(page)).toEqual([
      ['consent', 'default', CONSENT_MODE_DENIED],
      ['consent', 'update', { analytics_storage: 'granted' }],
      ['consent', 'update', { ...CONSENT_MODE_DENIED, analytics_storage: 'granted' }],
    ]);
    expect(await consentState(page)).toMatchObject({ analytics: 'granted', marketing: 'pending' });
  });

  test("after the page's own gtag('consent', 'default', …) it pushes an update, not a second default", async ({ page }) => {
    const { app } = collector;
    await page.addInitScript(() => {
      const layer = ((window as unknown as { dataLayer?: unknown[] }).dataLayer ??= []);
      (function gtag(..._args: unknown[]) {
        // eslint-disable-next-line prefer-rest-params
        layer.push(arguments);
      })('consent', 'default', { ad_storage: 'granted', ad_user_data: 'granted', ad_personalization: 'granted' });
    });
    await openAndReady(page, consentPage(app, '/consent-mode.json'));
    const calls = await gtagCalls(page);
    expect(calls.map((call) => call.slice(0, 2))).toEqual([
      ['consent', 'default'],
      ['consent', 'update'],
    ]);
    expect(calls[1]![2]).toEqual({ ...CONSENT_MODE_DENIED, ad_storage: 'granted', ad_user_data: 'granted', ad_personalization: 'granted' });
    expect(await consentState(page)).toMatchObject({ analytics: 'pending', marketing: 'granted' });
  });
});

test.describe('consent signals: Consent Mode in', () => {
  test("gtag('consent', 'update', …) with ad_personalization denied leaves marketing denied, in either key order", async ({ page }) => {
    const { app } = collector;
    await openAndReady(page, consentPage(app, '/consent-gpc.json'));
    for (const params of [
      { ad_storage: 'granted', ad_user_data: 'granted', ad_personalization: 'denied' },
      { ad_personalization: 'denied', ad_storage: 'granted', ad_user_data: 'granted' },
    ]) {
      await page.evaluate(async (params) => {
        const gtag = (window as unknown as { gtag(...args: unknown[]): void }).gtag;
        gtag('consent', 'update', { ad_storage: 'granted', ad_user_data: 'granted', ad_personalization: 'granted' });
        gtag('consent', 'update', params);
        await window.acquaint!.flush();
      }, params);
      expect(await consentState(page), JSON.stringify(params)).toMatchObject({ analytics: 'granted', marketing: 'denied' });
    }
    // The marketing destination had what was sent while granted, nothing after the denial.
    const seen = app.events.filter((e) => e.receivedBy === 'ads').length;
    await trackAndFlush(page, 'after_denial');
    await waitForEvents(app, 3, 'collector');
    expect(app.events.filter((e) => e.receivedBy === 'ads')).toHaveLength(seen);
    expect(app.events.filter((e) => e.receivedBy === 'ads' && e.event === 'after_denial')).toEqual([]);

    await page.evaluate(() => {
      const gtag = (window as unknown as { gtag(...args: unknown[]): void }).gtag;
      gtag('consent', 'update', { ad_storage: 'granted', ad_user_data: 'granted', ad_personalization: 'granted' });
    });
    expect(await consentState(page)).toMatchObject({ marketing: 'granted' });
  });
});

test.describe('consent signals: IAB TCF v2.2 CMP', () => {
  // consent-tcf.html: the IAB's stub, then a CMP built on @iabtcf/cmpapi + @iabtcf/core
  // (test/browser/cmp/tcf-cmp.ts); consent-tcf.json: tcf { analytics: [1,7,8,9], marketing: [1,2,3,4] } and a banner.
  test.beforeEach(async ({ page }) => {
    await routeCmp(page, collector.app.url, ['tcf-stub', 'tcf-cmp']);
  });
  const analyticsIs = (page: Page, state: string) =>
    page.waitForFunction((state) => window.acquaint!.consent.get().analytics === state, state, { timeout: 5_000 });
  const cmpReady = (page: Page) => page.waitForFunction(() => window.testCmp !== undefined);
  const choose = (page: Page, purposes: number[]) => page.evaluate((purposes) => window.testCmp!.choose(purposes), purposes);

  test('while the CMP shows its UI nothing leaves and the acquaint banner stays away; the visitor’s choice there then gates the destinations', async ({
    page,
  }) => {
    const { app } = collector;
    const requests = batchRequests(page);
    const banner = requestsTo(page, '/consent-ui.js');
    await openAndReady(page, `${app.url}/consent-tcf.html`);
    await cmpReady(page);
    await trackAndFlush(page, 'while_cmp_ui');
    expect(await consentState(page)).toMatchObject({ analytics: 'pending', marketing: 'pending' });
    expect(requests).toEqual([]);

    await choose(page, [1, 7, 8, 9]);
    await analyticsIs(page, 'granted');
    expect(await consentState(page)).toMatchObject({ analytics: 'granted', marketing: 'denied' });
    await page.evaluate(() => window.acquaint!.flush());
    expect(names(await waitForEvents(app, 3, 'collector'))).toEqual(['page', 'pre_load', 'while_cmp_ui']);
    expect(app.events.filter((e) => e.receivedBy === 'ads')).toEqual([]);
    expect(banner).toEqual([]);
    await expect(page.locator('acquaint-consent')).toHaveCount(0);
  });

  test('follows a later, wider choice and a withdrawal made in the CMP', async ({ page }) => {
    const { app } = collector;
    await openAndReady(page, `${app.url}/consent-tcf.html`);
    await cmpReady(page);
    await choose(page, [1, 7, 8, 9]);
    await analyticsIs(page, 'granted');

    await choose(page, [1, 2, 3, 4, 7, 8, 9]);
    expect(await consentState(page)).toMatchObject({ analytics: 'granted', marketing: 'granted' });
    await trackAndFlush(page, 'after_wider');
    expect(names(await waitForEvents(app, 1, 'ads'))).toEqual(['after_wider']);

    await choose(page, []);
    expect(await consentState(page)).toMatchObject({ analytics: 'denied', marketing: 'denied' });
    const before = app.events.length;
    await trackAndFlush(page, 'after_withdrawal');
    expect(app.events.length).toBe(before);
  });

  test('on the next page the CMP’s stored choice (tcloaded) applies at once', async ({ page }) => {
    const { app } = collector;
    await openAndReady(page, `${app.url}/consent-tcf.html`);
    await cmpReady(page);
    await choose(page, [1, 7, 8, 9]);
    await page.evaluate(() => window.acquaint!.flush());

    await openAndReady(page, `${app.url}/consent-tcf.html`);
    await analyticsIs(page, 'granted');
    expect(await consentState(page)).toMatchObject({ analytics: 'granted', marketing: 'denied' });
    await trackAndFlush(page, 'second_page');
    await expect.poll(() => names(app.events.filter((e) => e.receivedBy === 'collector')).includes('second_page')).toBe(true);
  });

  test('follows a CMP that loads after acquaint has read its config, and shows no banner of its own', async ({ page }) => {
    const { app } = collector;
    const requests = batchRequests(page);
    const banner = requestsTo(page, '/consent-ui.js');
    await openAndReady(page, `${app.url}/consent-tcf-late.html`);
    await cmpReady(page);
    await page.waitForFunction(() => document.readyState === 'complete');
    await trackAndFlush(page, 'before_choice');
    expect(requests).toEqual([]);
    await choose(page, [1, 7, 8, 9]);
    await analyticsIs(page, 'granted');
    await page.evaluate(() => window.acquaint!.flush());
    expect(names(await waitForEvents(app, 2, 'collector'))).toEqual(['page', 'before_choice']);
    expect(banner).toEqual([]);
  });

  test('ignores the CMP where GDPR does not apply: the config’s defaults stay', async ({ page }) => {
    const { app } = collector;
    await openAndReady(page, `${app.url}/consent-tcf.html?gdpr=0`);
    await cmpReady(page);
    expect(await page.evaluate(() => new Promise((resolve) => window.__tcfapi!('ping', 2, resolve)))).toMatchObject({ gdprApplies: false });
    expect(await consentState(page)).toMatchObject({ analytics: 'pending', marketing: 'pending' });
  });

  test('without a CMP the same config loads the banner', async ({ page }) => {
    const { app } = collector;
    const banner = requestsTo(page, '/consent-ui.js');
    await openAndReady(page, consentPage(app, '/consent-tcf.json'));
    await expect(page.getByRole('region', { name: 'Cookies?' })).toBeVisible();
    expect(banner).toEqual(['/consent-ui.js']);
  });

  test('the CMP stays the source of truth: what acquaint stored from an earlier CMP signal does not grant while the CMP asks again', async ({
    page,
  }) => {
    const { app } = collector;
    await openAndReady(page, `${app.url}/consent-tcf.html`);
    await cmpReady(page);
    await choose(page, [1, 7, 8, 9]);
    await analyticsIs(page, 'granted');
    // What this visit queued leaves now, so no unload beacon of it is counted below.
    await page.evaluate(() => window.acquaint!.flush());

    // Next visit: the CMP has no consent for this visitor any more (expired, new vendor list) and shows its UI.
    await page.evaluate(() => localStorage.removeItem('test-cmp-tc-string'));
    const requests = batchRequests(page);
    await openAndReady(page, `${app.url}/consent-tcf.html`);
    await cmpReady(page);
    await trackAndFlush(page, 'while_cmp_asks');
    expect(await consentState(page)).toMatchObject({ analytics: 'pending', marketing: 'pending' });
    expect(requests).toEqual([]);
  });
});
