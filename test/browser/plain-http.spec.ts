import { expect, test, type Page } from '@playwright/test';
import { UUID_V4, flush, names, useCollector, waitForEvents, watchPage, type DeliveryReport, type ReceivedEvent } from './helpers';
import { chromiumLaunch, firefoxLaunch } from './browsers';
import { queueRecords, storedProfile, user } from './identity-helpers';

// Issue 14, plain-http pages (intranets, old sites): a page served over http from a name that
// is not localhost is no secure context, so it has no crypto.subtle, no Web Locks and no
// crypto.randomUUID. acquaint keeps working there: ids from getRandomValues, a field a rule
// says to hash left out (never sent in clear), tabs without locks, identity in IndexedDB.
// The browser maps intranet.test to the loopback collector (Chromium by --host-resolver-rules,
// Firefox by network.dns.localDomains), so the page's origin is http://intranet.test:PORT and
// the collector is the same server.
const collector = useCollector();

test.use({
  launchOptions: [
    async ({ browserName }, use) =>
      use(
        browserName === 'firefox'
          ? firefoxLaunch({ 'network.dns.localDomains': 'intranet.test' })
          : chromiumLaunch('--host-resolver-rules=MAP intranet.test 127.0.0.1'),
      ),
    { scope: 'worker' },
  ],
});

const EMAIL = 'ada@example.com';
const origin = (): string => `http://intranet.test:${collector.app.port}`;

async function ready(page: Page): Promise<void> {
  await page.waitForFunction(() => window.acquaint !== undefined);
  await page.evaluate(() => window.acquaint!.ready());
}

/** Opens plain-http.html on the intranet.test origin and waits for `acquaint.ready()`. */
async function openPlain(page: Page, query = ''): Promise<void> {
  await page.goto(`${origin()}/plain-http.html${query}`);
  await ready(page);
}

const reportsOf = (page: Page): Promise<DeliveryReport[]> => page.evaluate(() => window.reports ?? []);

const named = (events: readonly ReceivedEvent[], name: string): ReceivedEvent[] =>
  events.filter((e) => (e.type === 'track' ? e.event === name : e.type === name));

declare global {
  interface Window {
    context?: { isSecureContext: boolean; subtle: string; locks: string; randomUUID: string };
  }
}

test.describe('a plain-http page on an intranet name', () => {
  test('is an insecure context (no crypto.subtle, Web Locks, randomUUID); the page view and a track arrive with v4 messageIds', async ({
    page,
  }) => {
    const { app } = collector;
    const log = watchPage(page);
    await openPlain(page);
    expect(new URL(page.url()).hostname).toBe('intranet.test');
    // What the page saw before acquaint loaded, and still sees.
    expect(await page.evaluate(() => window.context)).toEqual({
      isSecureContext: false,
      subtle: 'undefined',
      locks: 'undefined',
      randomUUID: 'undefined',
    });
    expect(
      await page.evaluate(() => ({
        secure: window.isSecureContext,
        subtle: crypto.subtle === undefined,
        locks: navigator.locks === undefined,
      })),
    ).toEqual({ secure: false, subtle: true, locks: true });

    await page.evaluate(() => window.acquaint!.track('intranet_click', { button: 'save' }));
    await flush(page);
    const events = await waitForEvents(app, 2, 'plain');
    expect(names(events).sort()).toEqual(['intranet_click', 'page']);
    for (const event of events) {
      expect(event.messageId).toMatch(UUID_V4);
      expect(event.anonymousId).toMatch(UUID_V4);
      expect(event.context.page.url.startsWith(`${origin()}/plain-http.html`)).toBe(true);
    }
    expect(named(events, 'intranet_click')[0]!.properties).toEqual({ button: 'save' });
    expect(new Set(app.events.map((e) => e.messageId)).size).toBe(2);
    expect(await reportsOf(page)).not.toContainEqual(expect.objectContaining({ type: 'error' }));
    expect(log.pageErrors).toEqual([]);
    expect(log.errors).toEqual([]);
  });

  test('a field a hash rule (or identity.hashTraits) names is left out, never sent in clear; a destination without the rule gets it redacted', async ({
    page,
  }) => {
    const { app } = collector;
    const log = watchPage(page);
    await openPlain(page);
    await page.evaluate((email) => {
      window.acquaint!.track('signup', { email, plan: 'pro' });
      window.acquaint!.identify('u-1', { email, plan: 'pro' });
      window.acquaint!.track('signup', { email, plan: 'pro' });
    }, EMAIL);
    await flush(page);

    for (const destination of ['hashed', 'hashedRaw']) {
      const events = await waitForEvents(app, 4, destination);
      // Left out, not emptied: no `email` key at all.
      for (const signup of named(events, 'signup')) expect(signup.properties, destination).toEqual({ plan: 'pro' });
      const [identify] = named(events, 'identify');
      expect(identify!.userId).toBe('u-1');
      expect(identify!.traits, destination).toEqual({ plan: 'pro' });
    }
    // Without the rule: the default redaction (identity.hashTraits still leaves the trait out).
    const plain = await waitForEvents(app, 4, 'plain');
    expect(named(plain, 'signup').map((e) => e.properties)).toEqual([
      { email: '[email]', plan: 'pro' },
      { email: '[email]', plan: 'pro' },
    ]);
    expect(named(plain, 'identify')[0]!.traits).toEqual({ plan: 'pro' });

    // Nowhere in any request body, in any spelling, even for `redact: false`.
    const bodies = JSON.stringify(app.batches);
    expect(bodies).toContain('"plan":"pro"');
    expect(bodies).not.toMatch(/ada@example|ada%40example|ada\\u0040/i);

    // Reported: one console warning per destination that left a field out (plain: the trait).
    expect(log.warnings.filter((w) => w.includes('not hashed')).sort()).toEqual(
      ['hashed', 'hashedRaw', 'plain'].map(
        (id) => `acquaint: ${id}: fields its hash rules name are left out, not hashed: no crypto.subtle on this page (plain http?)`,
      ),
    );
  });

  test('debug mode says the field was left out, not hashed', async ({ page }) => {
    const { app } = collector;
    await openPlain(page, '?acquaint_debug=1');
    await page.evaluate((email) => window.acquaint!.track('signup', { email, plan: 'pro' }), EMAIL);
    await flush(page);
    await waitForEvents(app, 2, 'hashed');
    const debug = await page.evaluate(() => window.acquaint!.debug());
    const signup = debug.events.find((e) => e.name === 'signup')!;
    const ruled = Object.fromEntries(
      signup.steps.filter((s) => s.status !== 'delivered').map((s) => [s.destination, `${s.status} (${s.detail})`]),
    );
    expect(ruled).toEqual({
      plain: 'redacted (1 value(s) redacted)',
      hashed: 'redacted (1 field(s) left out: no crypto.subtle to hash them)',
      hashedRaw: 'redacted (1 field(s) left out: no crypto.subtle to hash them)',
    });
  });

  test('two tabs on that origin without Web Locks: every event of both arrives (duplicates allowed, no loss)', async ({
    page,
    context,
  }) => {
    const { app } = collector;
    const other = await context.newPage();
    await openPlain(page);
    await openPlain(other);
    expect(await other.evaluate(() => navigator.locks === undefined)).toBe(true);

    const trackOverTime = (tab: Page, prefix: string) =>
      tab.evaluate(async (prefix) => {
        for (let i = 0; i < 40; i++) {
          window.acquaint!.track(`${prefix}_${i}`, { i });
          if (i % 8 === 7) await new Promise((resolve) => setTimeout(resolve, 30));
        }
      }, prefix);
    await Promise.all([trackOverTime(page, 'tabA'), trackOverTime(other, 'tabB')]);
    await Promise.all([flush(page), flush(other)]);

    const expected = [...Array.from({ length: 40 }, (_, i) => `tabA_${i}`), ...Array.from({ length: 40 }, (_, i) => `tabB_${i}`)];
    const arrived = () => new Set(app.events.filter((e) => e.receivedBy === 'plain').map((e) => String(e.event)));
    await expect.poll(() => expected.filter((name) => !arrived().has(name)), { timeout: 10_000 }).toEqual([]);
    // Both page views too: one per tab, each with its own messageId.
    await expect
      .poll(
        () =>
          new Set(
            named(
              app.events.filter((e) => e.receivedBy === 'plain'),
              'page',
            ).map((e) => e.messageId),
          ).size,
      )
      .toBe(2);
  });

  test('without locks a new tab adopts what another tab on that origin could not send, and sends it', async ({ page, context }) => {
    const { app } = collector;
    // The first tab's sends fail: its events stay queued in IndexedDB.
    await page.route('**/v1/batch**', (route) => route.abort('connectionrefused'));
    await openPlain(page);
    await page.evaluate(() => {
      for (let i = 0; i < 5; i++) window.acquaint!.track(`orphan_${i}`, { i });
    });
    await page.waitForFunction(
      () => (window.reports ?? []).some((r) => r.type === 'error' && r.retry === true && (r.messageIds ?? []).length >= 5),
      undefined,
      { timeout: 10_000 },
    );
    // 3 destinations × (page view + 5 tracks) records.
    await expect.poll(() => queueRecords(page)).toBeGreaterThanOrEqual(18);
    const orphans = (): ReceivedEvent[] => app.events.filter((e) => String(e.event).startsWith('orphan_'));
    expect(orphans()).toEqual([]);

    // The first tab stays open and still cannot send: with Web Locks its records would stay
    // its own; without them the next tab takes every record not its own.
    const next = await context.newPage();
    await openPlain(next);
    expect(await next.evaluate(() => navigator.locks === undefined)).toBe(true);
    await flush(next);
    const expected = ['hashed', 'hashedRaw', 'plain'].flatMap((dest) => Array.from({ length: 5 }, (_, i) => `${dest}:orphan_${i}`));
    const arrived = () => new Set(orphans().map((e) => `${e.receivedBy}:${String(e.event)}`));
    await expect.poll(() => expected.filter((key) => !arrived().has(key)), { timeout: 10_000 }).toEqual([]);
    await page.unroute('**/v1/batch**');
  });

  test('identity survives a reload: IndexedDB works on http', async ({ page }) => {
    const { app } = collector;
    await openPlain(page);
    const first = await user(page);
    expect(first.anonymousId).toMatch(UUID_V4);
    await page.evaluate(() => window.acquaint!.identify('u-42', { plan: 'pro' }));
    await expect.poll(async () => (await storedProfile(page))?.userId).toBe('u-42');
    expect((await storedProfile(page))!.anonymousId).toBe(first.anonymousId);

    await page.reload();
    await ready(page);
    const after = await user(page);
    expect(after.anonymousId).toBe(first.anonymousId);
    expect(after.userId).toBe('u-42');
    expect(after.traits).toMatchObject({ plan: 'pro' });
    await page.evaluate(() => window.acquaint!.track('after_reload'));
    await flush(page);
    const afterReload = () =>
      named(
        app.events.filter((e) => e.receivedBy === 'plain'),
        'after_reload',
      );
    await expect.poll(() => afterReload().length, { timeout: 10_000 }).toBeGreaterThanOrEqual(1);
    expect(afterReload()[0]!.anonymousId).toBe(first.anonymousId);
    expect(afterReload()[0]!.userId).toBe('u-42');
  });
});
