import { expect, test, type Page } from '@playwright/test';
import { routeCmp } from './cmp/bundle';
import { useCollector, UUID_V4 } from './helpers';
import { BANNER, proofConfig, TCF } from './proof-config';
import { relayBehind, useRelay } from './relay-helpers';
import { receiptChain, relayMetric, type StoredReceipt } from './relay-process';
import { serveConfig, sha256, strings } from './vendor-helpers';

// Proof and control through the relay (contract §10), end to end: the page's consent receipts,
// the relay's id cookie and forget, against the real relay (dist/relay.mjs, PGlite) behind the
// collector's own origin at /acquaint (demo/relay-proxy.mjs, as a site's reverse proxy), a real
// TCF CMP (@iabtcf/cmpapi) and the real banner.
const collector = useCollector();
const relay = useRelay({}, {}, (_url, vendors) => proofConfig(vendors));
const proxy = relayBehind(collector, relay);

/** Opens proof.html with the relay's config (and `changes`), `tcf`: with a TCF CMP before acquaint. */
async function open(page: Page, { tcf = false, changes = {} }: { tcf?: boolean; changes?: Record<string, unknown> } = {}) {
  const { app } = collector;
  const config = { ...relay.current.config, ...changes };
  if (tcf) await routeCmp(page, app.url, ['tcf-stub', 'tcf-cmp']);
  const path = await serveConfig(page, app, config, 'proof');
  const url = `${app.url}/proof.html?config=${encodeURIComponent(path)}${tcf ? '&tcf' : ''}`;
  await page.goto(url);
  await page.waitForFunction(() => window.acquaint !== undefined);
  await page.evaluate(() => window.acquaint!.ready());
  return url;
}
const button = (page: Page, name: string) => page.getByRole('button', { name, exact: true });
/** What the page keeps of its receipts: the last one's id and those the relay has not stored yet. */
const kept = (page: Page) =>
  page.evaluate(
    () => JSON.parse(localStorage.getItem('acquaint.receipts') ?? '{"queue":[]}') as { last?: { id: string }; queue: unknown[] },
  );
/** Waits until the relay has stored every receipt the page made; the last one's id. */
async function allStored(page: Page, count?: number): Promise<string> {
  await expect.poll(async () => (await kept(page)).queue.length, { timeout: 15_000 }).toBe(0);
  const { last } = await kept(page);
  if (count !== undefined) expect((await chain(last!.id)).length).toBe(count);
  return last!.id;
}
/** The chain ending at `id`, as the relay answers it (oldest first). */
async function chain(id: string): Promise<StoredReceipt[]> {
  const { status, receipts } = await receiptChain(relay.current.relay.url, id);
  expect(status).toBe(200);
  return receipts;
}
const idCookie = async (page: Page) => (await page.context().cookies()).find((cookie) => cookie.name === 'acquaint_id');
const metric = (name: string, labels?: string): Promise<number> => relayMetric(relay.current.relay.url, name, labels);

test.describe('proof and control through the relay (contract §10)', () => {
  test('a banner choice, a TCF CMP change, then a withdrawal: three receipts in order, each linking the previous, shown in "Your data"', async ({
    page,
  }) => {
    await open(page, { tcf: true, changes: { consent: { ...(relay.current.config.consent as object), tcf: TCF } } });
    await page.waitForFunction(() => (window as { testCmp?: unknown }).testCmp !== undefined);
    const anonymousId = await page.evaluate(() => window.acquaint!.user().anonymousId);

    await page.evaluate(() => window.acquaint!.consent.show());
    await button(page, 'Accept all').click();
    await allStored(page, 1);
    await page.evaluate(() => (window as unknown as { testCmp: { choose(ids: number[]): void } }).testCmp.choose([1, 7, 8, 9]));
    await page.waitForFunction(() => window.acquaint!.consent.get().marketing === 'denied');
    await allStored(page, 2);
    await page.evaluate(() => window.acquaint!.consent.update({ analytics: 'denied', personalization: 'denied' }));
    const last = await allStored(page, 3);

    const receipts = await chain(last);
    expect(receipts.map((r) => r.source)).toEqual(['banner', 'tcf', 'api']);
    expect(receipts.map((r) => r.previousId)).toEqual([null, receipts[0]!.receiptId, receipts[1]!.receiptId]);
    expect(receipts.every((r) => UUID_V4.test(r.receiptId) && r.version === '2026-12' && r.gpc === false)).toBe(true);
    expect(receipts.map((r) => [r.purposes.analytics, r.purposes.marketing, r.purposes.personalization])).toEqual([
      ['granted', 'granted', 'granted'],
      ['granted', 'denied', 'granted'],
      ['denied', 'denied', 'denied'],
    ]);
    // The banner's receipt names the texts it showed; the CMP's carries its TC string.
    expect(receipts[0]!.textsHash).toBe(sha256(JSON.stringify({ texts: BANNER.texts, purposes: BANNER.purposes })));
    expect(receipts[1]!.tcString).toBe(await page.evaluate(() => localStorage.getItem('test-cmp-tc-string')));
    // Nothing about the visitor.
    expect(strings(receipts).some((value) => value.includes(anonymousId))).toBe(false);

    // "Your data" shows the current receipt and downloads its chain.
    await page.evaluate(() => window.acquaint!.consent.show('data'));
    await expect(page.getByText(last, { exact: true })).toBeVisible();
    const link = page.getByRole('link', { name: 'Download the record of my consent choices' });
    await expect(link).toHaveAttribute('href', `/acquaint/v1/consent/${last}`);
    await expect(link).toHaveAttribute('download', 'consent-receipts.json');
  });

  test('a visitor who rejects everything: a receipt of the refusal, and nothing else leaves or is stored', async ({ page }) => {
    const sent: string[] = [];
    page.on('request', (request) => {
      const url = new URL(request.url());
      if (request.method() !== 'GET' || url.pathname.startsWith('/acquaint/')) sent.push(`${request.method()} ${url.pathname}`);
    });
    await open(page);
    await button(page, 'Reject all').click();
    const last = await allStored(page, 1);
    await page.evaluate(() => window.acquaint!.flush());
    const [receipt] = await chain(last);
    expect(receipt).toMatchObject({
      source: 'banner',
      purposes: { necessary: 'granted', analytics: 'denied', marketing: 'denied', personalization: 'denied' },
    });
    expect(sent).toEqual(['POST /acquaint/v1/consent']);
    expect(await idCookie(page)).toBeUndefined();
    const local = await page.evaluate(() => Object.keys(localStorage).sort());
    expect(local).toEqual(['acquaint.consent', 'acquaint.receipts']);
    expect(await page.evaluate(async () => (await indexedDB.databases()).length)).toBe(0);
  });

  test('a receipt made while the relay is down stays on the device and arrives later, once', async ({ page }) => {
    proxy.down = true;
    const url = await open(page);
    const stored = await metric('acquaint_relay_consent_receipts_total', 'outcome="stored"');
    const refused = page.waitForResponse((response) => response.url().endsWith('/acquaint/v1/consent') && response.status() === 502);
    await button(page, 'Accept all').click();
    await refused;
    const { queue, last } = await kept(page);
    expect(queue).toHaveLength(1);

    proxy.down = false;
    await page.goto(url); // the next page sends what this one could not
    await page.evaluate(() => window.acquaint!.ready());
    expect(await allStored(page)).toBe(last!.id);
    const receipts = await chain(last!.id);
    expect(receipts).toHaveLength(1);
    expect(receipts[0]).toMatchObject({ receiptId: last!.id, source: 'banner', previousId: null });
    // Stored once: the next page's restatement of the choice made no new receipt.
    expect(await metric('acquaint_relay_consent_receipts_total', 'outcome="stored"')).toBe(stored + 1);
  });

  test("the id cookie is set only after consent, and the visitor's id survives the page's storage being cleared", async ({ page }) => {
    const ids: string[] = [];
    page.on('request', (request) => {
      if (new URL(request.url()).pathname === '/acquaint/v1/id') ids.push(request.method());
    });
    const url = await open(page);
    await page.evaluate(() => window.acquaint!.flush());
    expect(ids).toEqual([]);
    expect(await idCookie(page)).toBeUndefined();

    await button(page, 'Accept all').click();
    await expect.poll(async () => (await idCookie(page))?.value, { timeout: 10_000 }).toMatch(UUID_V4);
    const anonymousId = await page.evaluate(() => window.acquaint!.user().anonymousId);
    expect(await idCookie(page)).toMatchObject({ value: anonymousId, httpOnly: true, secure: true, sameSite: 'Lax' });
    expect(ids).toEqual(['POST']);

    // As Safari does after 7 days: every script-written store goes (the HttpOnly cookie stays).
    await page.goto(`${collector.app.url}/blank.html`);
    await page.evaluate(async () => {
      localStorage.clear();
      for (const db of await indexedDB.databases()) {
        await new Promise((resolve) => {
          const request = indexedDB.deleteDatabase(db.name!);
          request.onsuccess = request.onerror = resolve;
        });
      }
    });
    await page.goto(url);
    await page.evaluate(() => window.acquaint!.ready());
    expect(await page.evaluate(() => window.acquaint!.user().anonymousId)).not.toBe(anonymousId);
    await button(page, 'Accept all').click();
    await page.waitForFunction((id) => window.acquaint!.user().anonymousId === id, anonymousId, { timeout: 10_000 });
    await page.evaluate(() => window.acquaint!.track('after_clear'));
    await page.evaluate(() => window.acquaint!.flush());
    const after = collector.app.events.filter((event) => event.event === 'after_clear');
    expect(after.map((event) => event.anonymousId)).toEqual([anonymousId]);

    // Storage withdrawn: the page asks the relay to expire the cookie.
    await page.evaluate(() => window.acquaint!.consent.update({ analytics: 'denied', personalization: 'denied' }));
    await expect.poll(() => idCookie(page), { timeout: 10_000 }).toBeUndefined();
    expect(ids).toEqual(['POST', 'POST', 'DELETE']);
  });

  test("forget() deletes the visitor's events the relay still holds and the id cookie, and says the relay confirmed", async ({ page }) => {
    relay.current.vendors.setFault({ down: true }); // the warehouse is down: the relay holds the events
    try {
      await open(page);
      await button(page, 'Accept all').click();
      await expect.poll(async () => (await idCookie(page))?.value, { timeout: 10_000 }).toMatch(UUID_V4);
      await page.evaluate(() => {
        window.acquaint!.track('one');
        window.acquaint!.track('two');
        return window.acquaint!.flush();
      });
      await expect.poll(() => metric('acquaint_relay_outbox_depth'), { timeout: 10_000 }).toBeGreaterThanOrEqual(3);

      const result = await page.evaluate(() => window.acquaint!.forget());
      expect(result).toEqual({ relay: 'confirmed' });
      expect(await metric('acquaint_relay_outbox_depth')).toBe(0);
      expect(await idCookie(page)).toBeUndefined();
    } finally {
      relay.current.vendors.setFault();
    }
  });
});
