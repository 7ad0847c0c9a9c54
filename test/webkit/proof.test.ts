import { createHash } from 'node:crypto';
import { By, type IWebDriverOptionsCookie } from 'selenium-webdriver';
import { beforeEach, describe, expect, test } from 'vitest';
import { BANNER, proofConfig, TCF } from '../browser/proof-config';
import { receiptChain, type StoredReceipt } from '../browser/relay-process';
import { arrived, bannerStill, clickWhenReady, databases, flush, open, run, track, until, useWebKit, user, webStorage } from './harness';
import { useRelay } from './relay';

// Proof and control through the relay (contract §10) in WebKit: the real relay (dist/relay.mjs,
// PGlite) behind the site's origin at /acquaint, proof.html with the banner. Served over HTTPS:
// WebKit refuses the relay's `Secure` id cookie over http://127.0.0.1 (Chromium and Firefox take
// it there), and the id cookie is the point: Safari clears script-written storage, not it.
// A server-mode destination (the stand-ins' http vendor) lets a test make the relay hold events.
const site = useWebKit({ https: true });
let CONFIG: ReturnType<typeof proofConfig>;
const relay = useRelay(site, (vendors) => (CONFIG = proofConfig(vendors)));

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

// Cookies are kept per host, not per port: none from an earlier test on 127.0.0.1.
beforeEach(async () => {
  await site.driver.get(`${site.app.url}/blank.html`);
  await site.driver.manage().deleteAllCookies();
});

/** Opens proof.html with the relay's config (and the TCF mapping and a TCF CMP before acquaint, with `tcf`); its URL. */
async function openProof({ tcf = false } = {}): Promise<string> {
  const config = tcf ? { ...CONFIG, consent: { ...CONFIG.consent, tcf: TCF } } : CONFIG;
  const url = `${site.app.url}/proof.html?config=${encodeURIComponent(site.config(config))}${tcf ? '&tcf' : ''}`;
  await open(site.driver, url);
  return url;
}

/** Clicks the banner's button `text` (through its shadow root) once the banner has stopped sliding in. */
async function click(text: string): Promise<void> {
  const { driver } = site;
  const host = await until(async () => (await driver.findElements(By.css('acquaint-consent')))[0], 'the banner');
  const root = await host.getShadowRoot();
  const button = await until(async () => {
    for (const element of await root.findElements(By.css('button')))
      if ((await element.getText()).trim() === text && (await element.isDisplayed())) return element;
    return undefined;
  }, `"${text}" in the banner`);
  await bannerStill(driver);
  await clickWhenReady(button, `"${text}"`);
}

/** The id cookie as the browser holds it (WebKitGTK's WebDriver lists HttpOnly cookies too). */
const idCookie = async (): Promise<IWebDriverOptionsCookie | undefined> =>
  (await site.driver.manage().getCookies()).find((cookie) => cookie.name === 'acquaint_id');

/** The page's receipts: the last one's id and those the relay has not stored yet. */
const kept = () =>
  run(
    site.driver,
    () => JSON.parse(localStorage.getItem('acquaint.receipts') ?? '{"queue":[]}') as { last?: { id: string }; queue: unknown[] },
  );

/** Waits until the relay has stored every receipt the page made (and, with `count`, checks the chain's length); the last one's id. */
async function allStored(count?: number): Promise<string> {
  const last = await until(async () => {
    const { last, queue } = await kept();
    return queue.length === 0 ? last?.id : undefined;
  }, 'the relay to store the receipts');
  if (count !== undefined) expect(await chain(last)).toHaveLength(count);
  return last;
}

/** The chain ending at `id`, as the relay answers it from Node (oldest first). */
async function chain(id: string): Promise<StoredReceipt[]> {
  const { status, receipts } = await receiptChain(relay.url, id);
  expect(status).toBe(200);
  return receipts;
}

/** The requests for the id cookie's endpoint: method, and the cookie they carried. */
const idRequests = () => relay.requests.filter((r) => r.path === '/acquaint/v1/id').map((r) => [r.method, r.idCookie ?? null]);

describe('proof and control through the relay (contract §10), in WebKit', () => {
  test('a banner choice, a TCF CMP change, then a withdrawal: three receipts in order, each linking the previous', async () => {
    const { driver } = site;
    await openProof({ tcf: true });
    await until(() => run(driver, () => (window as { testCmp?: unknown }).testCmp !== undefined), 'the TCF CMP');
    const { anonymousId } = await user(driver);

    await run(driver, () => window.acquaint!.consent.show());
    await click('Accept all');
    await allStored(1);
    await run(driver, () => (window as unknown as { testCmp: { choose(ids: number[]): void } }).testCmp.choose([1, 7, 8, 9]));
    await until(() => run(driver, () => window.acquaint!.consent.get().marketing === 'denied'), 'the CMP to deny marketing');
    await allStored(2);
    await run(driver, () => window.acquaint!.consent.update({ analytics: 'denied', personalization: 'denied' }));
    const last = await allStored(3);

    const receipts = await chain(last);
    expect(receipts.map((r) => r.source)).toEqual(['banner', 'tcf', 'api']);
    expect(receipts.map((r) => r.previousId)).toEqual([null, receipts[0]!.receiptId, receipts[1]!.receiptId]);
    expect(receipts[2]!.receiptId).toBe(last);
    expect(receipts.every((r) => UUID_V4.test(r.receiptId) && r.version === '2026-12' && r.gpc === false)).toBe(true);
    expect(receipts.map((r) => [r.purposes.analytics, r.purposes.marketing, r.purposes.personalization])).toEqual([
      ['granted', 'granted', 'granted'],
      ['granted', 'denied', 'granted'],
      ['denied', 'denied', 'denied'],
    ]);
    // The banner's receipt names the texts it showed (WebKit's SubtleCrypto); the CMP's carries its TC string.
    const texts = JSON.stringify({ texts: BANNER.texts, purposes: BANNER.purposes });
    expect(receipts[0]!.textsHash).toBe(createHash('sha256').update(texts).digest('hex'));
    const tcString = await run(driver, () => localStorage.getItem('test-cmp-tc-string'));
    expect(tcString).toBeTruthy();
    expect(receipts[1]!.tcString).toBe(tcString);
    expect(receipts[0]!.tcString).toBeUndefined();
    // Nothing about the visitor.
    expect(JSON.stringify(receipts)).not.toContain(anonymousId);
  });

  test('a receipt made while the relay is down stays on the device and arrives with the next page, once', async () => {
    const { driver } = site;
    relay.down = true;
    const url = await openProof();
    const stored = await relay.metric('acquaint_relay_consent_receipts_total', 'outcome="stored"');
    await click('Accept all');
    await until(() => relay.requests.some((r) => r.method === 'POST' && r.path === '/acquaint/v1/consent'), 'the page to send its receipt');
    const { queue, last } = await kept();
    expect(queue).toHaveLength(1);
    expect(last?.id).toMatch(UUID_V4);

    relay.down = false;
    await open(driver, url); // the next page sends what this one could not
    expect(await allStored()).toBe(last!.id);
    const asked = relay.requests.map((r) => `${r.method} ${r.path}`);
    expect(asked.slice(asked.lastIndexOf('GET /proof.html'))).toContain('POST /acquaint/v1/consent');
    expect(await chain(last!.id)).toEqual([expect.objectContaining({ receiptId: last!.id, source: 'banner', previousId: null })]);
    // Stored once: the next page's restatement of the choice made no new receipt.
    expect(await relay.metric('acquaint_relay_consent_receipts_total', 'outcome="stored"')).toBe(stored + 1);
  });

  test("forget() deletes the visitor's events the relay still holds and the id cookie, and says the relay confirmed", async () => {
    const { driver } = site;
    relay.vendors.setFault({ down: true }); // the warehouse is down: the relay holds the events
    await openProof();
    await click('Accept all');
    await until(idCookie, 'the relay to set acquaint_id');
    await track(driver, ['one', 'two']);
    await flush(driver);
    // The page view and both events, for the warehouse, wait at the relay.
    await until(async () => (await relay.metric('acquaint_relay_outbox_depth')) >= 3, 'the relay to hold the events');

    expect(await run(driver, () => window.acquaint!.forget())).toEqual({ relay: 'confirmed' });
    expect(await relay.metric('acquaint_relay_outbox_depth')).toBe(0);
    expect(await idCookie()).toBeUndefined();
    expect(relay.requests.filter((r) => r.path === '/acquaint/v1/id').map((r) => r.method)).toEqual(['POST', 'DELETE']);
  });

  test("the id cookie is set only after consent, and the visitor's id survives the page's storage being cleared", async () => {
    const { driver } = site;
    const url = await openProof();
    const before = await user(driver);
    await flush(driver);
    expect(idRequests()).toEqual([]);
    expect(await idCookie()).toBeUndefined();

    await click('Accept all');
    const cookie = await until(idCookie, 'the relay to set acquaint_id');
    const { anonymousId } = await user(driver);
    expect(anonymousId).toMatch(UUID_V4);
    expect(anonymousId).toBe(before.anonymousId); // the grant keeps this page's visitor
    expect(cookie).toMatchObject({ value: anonymousId, httpOnly: true, secure: true, sameSite: 'Lax', path: '/' });
    const days = (Number(cookie.expiry) - Date.now() / 1000) / 86_400;
    expect(days).toBeGreaterThan(399.9);
    expect(days).toBeLessThanOrEqual(400);
    expect(idRequests()).toEqual([['POST', null]]);
    expect((await webStorage(driver)).cookie).not.toContain('acquaint_id'); // HttpOnly: not the page's to read

    // As Safari does after 7 days: every script-written store goes; the HttpOnly cookie stays.
    await driver.get(`${site.app.url}/blank.html`);
    await run(driver, async () => {
      localStorage.clear();
      for (const db of await indexedDB.databases()) {
        await new Promise((resolve) => {
          const request = indexedDB.deleteDatabase(db.name!);
          request.onsuccess = request.onerror = resolve;
        });
      }
    });
    expect(await databases(driver)).toEqual([]);
    expect((await webStorage(driver)).localStorage).toEqual([]);
    expect((await idCookie())?.value).toBe(anonymousId);

    await open(driver, url);
    expect((await user(driver)).anonymousId).not.toBe(anonymousId); // nothing on the device knows the visitor
    await click('Accept all');
    await until(async () => (await user(driver)).anonymousId === anonymousId, 'the page to adopt the id the cookie holds');
    expect(idRequests()).toEqual([
      ['POST', null],
      ['POST', anonymousId],
    ]);
    await track(driver, ['after_clear']);
    await flush(driver);
    const after = (await arrived(site.app, ['after_clear'])).filter((event) => event.event === 'after_clear');
    expect(after.map((event) => event.anonymousId)).toEqual([anonymousId]);

    // Storage withdrawn: the page asks the relay to expire the cookie.
    await run(driver, () => window.acquaint!.consent.update({ analytics: 'denied', personalization: 'denied' }));
    await until(async () => (await idCookie()) === undefined, 'the relay to expire acquaint_id');
    expect(idRequests()).toEqual([
      ['POST', null],
      ['POST', anonymousId],
      ['DELETE', anonymousId],
    ]);
  });

  test('a visitor who rejects everything: one receipt of the refusal at the relay, and nothing else leaves or is stored', async () => {
    const { driver } = site;
    await openProof();
    await click('Reject all');
    const last = await allStored();
    await flush(driver);

    expect(await chain(last)).toEqual([
      expect.objectContaining({
        receiptId: last,
        previousId: null,
        source: 'banner',
        purposes: { necessary: 'granted', analytics: 'denied', marketing: 'denied', personalization: 'denied' },
      }),
    ]);
    // Only pages and scripts were fetched: no batch, no id, nothing but the receipt.
    const sent = relay.requests.filter((r) => r.method !== 'GET' || r.path.startsWith('/acquaint/')).map((r) => `${r.method} ${r.path}`);
    expect(sent).toEqual(['POST /acquaint/v1/consent']);
    expect(site.app.attempts).toEqual([]);
    expect(site.app.events).toEqual([]);
    expect(await idCookie()).toBeUndefined();
    expect(await webStorage(driver)).toEqual({ localStorage: ['acquaint.consent', 'acquaint.receipts'], sessionStorage: [], cookie: '' });
    expect(await databases(driver)).toEqual([]);
  });
});
