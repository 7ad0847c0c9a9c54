import { expect, test } from '@playwright/test';
import { ISO_TIME, UUID_V4, flush, names, openReady, useCollector, waitForEvents, watchPage } from './helpers';

// Contract §2 (embedding, pre-load pushes) and §6 (the event on the wire).
const collector = useCollector();

test.describe('delivery', () => {
  test('events pushed before and after the runtime loads arrive in order: page view, pre-load pushes, later pushes', async ({ page }) => {
    const { app } = collector;
    const log = watchPage(page);
    await openReady(page, app, '/delivery.html');
    await page.evaluate(async () => {
      const acquaint = window.acquaint!;
      await acquaint.flush(); // the page view and pre-load pushes leave first, in their own batch
      const dataLayer = window.dataLayer as unknown[];
      dataLayer.push({ event: 'post_1' });
      acquaint.track('post_2');
      dataLayer.push({ no_event: true }, { event: 'post_3' });
      await acquaint.flush();
    });
    const events = await waitForEvents(app, 8);
    expect(names(events)).toEqual(['page', 'pre_1', 'pre_2', 'pre_3', 'pre_gtag', 'post_1', 'post_2', 'post_3']);
    expect(events.map((e) => e.properties.step)).toEqual([undefined, 1, 2, 3, undefined, undefined, undefined, undefined]);
    expect(events.every((e) => !e.duplicate)).toBe(true);
    expect(log.errors).toEqual([]);
    expect(log.pageErrors).toEqual([]);
  });

  test('every event matches the wire format of contract §6 and the batch body is {batch, sentAt}', async ({ page }) => {
    const { app } = collector;
    const referrer = `${app.url}/blank.html`;
    const post = page.waitForRequest((request) => request.url().endsWith('/v1/batch') && request.method() === 'POST');
    // A real link from another page (goto's `referer` does not reach Firefox over BiDi).
    await page.goto(referrer);
    await page.evaluate((url) => void (location.href = url), `${app.url}/delivery.html`);
    await page.waitForFunction(() => window.acquaint !== undefined);
    const version = await page.evaluate(() => window.acquaint!.version);
    await flush(page);
    const request = await post;
    expect(request.headers()['content-type']).toMatch(/^text\/plain/);

    const events = await waitForEvents(app, 5);
    expect(app.batches.length).toBeGreaterThan(0);
    for (const body of app.batches) {
      expect(Array.isArray(body.batch)).toBe(true);
      expect(body.sentAt).toMatch(ISO_TIME);
      expect(new Date(body.sentAt).toISOString()).toBe(body.sentAt);
    }
    expect(typeof version).toBe('string');
    expect(version.length).toBeGreaterThan(0);
    const anonymousId = events[0]!.anonymousId;
    expect(typeof anonymousId).toBe('string');
    expect(anonymousId.length).toBeGreaterThan(0);
    for (const event of events) {
      expect(['page', 'track']).toContain(event.type);
      if (event.type === 'track') expect(typeof event.event).toBe('string');
      expect(event.properties).toEqual(expect.any(Object));
      expect(event.anonymousId).toBe(anonymousId);
      expect(event.userId).toBeNull();
      expect(event.messageId).toMatch(UUID_V4);
      expect(event.timestamp).toMatch(ISO_TIME);
      expect(new Date(event.timestamp).toISOString()).toBe(event.timestamp);
      expect(event.context.page).toEqual({ url: `${app.url}/delivery.html`, path: '/delivery.html', referrer, title: 'Delivery fixture' });
      expect(event.context.consent).toMatchObject({ analytics: 'granted' });
      expect(event.context.library).toEqual({ name: 'acquaint', version });
    }
    expect(new Set(events.map((e) => e.messageId)).size).toBe(events.length);
    // Properties are the pushed object minus `event`; the page view carries the page fields.
    expect(events[1]).toMatchObject({ type: 'track', event: 'pre_1', properties: { step: 1 } });
    expect(events[1]!.properties).not.toHaveProperty('event');
    expect(events[0]!.properties).toMatchObject({ path: '/delivery.html', title: 'Delivery fixture', referrer });
  });

  test('messageIds stay unique UUID v4 when crypto.randomUUID is unavailable (plain-http LAN pages)', async ({ page }) => {
    const { app } = collector;
    await page.addInitScript(() => {
      Object.defineProperty(Crypto.prototype, 'randomUUID', { value: undefined, configurable: true });
    });
    await openReady(page, app, '/minimal.html');
    await page.evaluate(async () => {
      for (let i = 0; i < 20; i++) window.acquaint!.track('many', { i });
      await window.acquaint!.flush();
    });
    const events = await waitForEvents(app, 21);
    for (const event of events) expect(event.messageId).toMatch(UUID_V4);
    expect(new Set(events.map((e) => e.messageId)).size).toBe(21);
  });

  test('autoPage: false sends no automatic page view', async ({ page }) => {
    const { app } = collector;
    await openReady(page, app, '/no-autopage.html');
    await page.evaluate(async () => {
      window.acquaint!.track('post_no_page');
      await window.acquaint!.flush();
    });
    const events = await waitForEvents(app, 2);
    expect(names(events)).toEqual(['pre_no_page', 'post_no_page']);
  });

  test('acquaint.page() sends a named page view', async ({ page }) => {
    const { app } = collector;
    await openReady(page, app, '/no-autopage.html');
    await page.evaluate(async () => {
      window.acquaint!.page({ name: 'x', section: 'docs' });
      await window.acquaint!.flush();
    });
    const events = await waitForEvents(app, 2);
    const view = events.find((e) => e.type === 'page');
    expect(view).toMatchObject({
      type: 'page',
      name: 'x',
      properties: { name: 'x', section: 'docs', path: '/no-autopage.html', title: 'No auto page fixture' },
    });
    expect(events.filter((e) => e.type === 'page')).toHaveLength(1);
  });

  test('acquaint.track(event, props) sends the same event as a dataLayer push', async ({ page }) => {
    const { app } = collector;
    await openReady(page, app, '/minimal.html');
    await page.evaluate(async () => {
      window.acquaint!.track('a', { v: 1, nested: { list: [1, 2] } });
      (window.dataLayer as unknown[]).push({ event: 'a', v: 1, nested: { list: [1, 2] } });
      await window.acquaint!.flush();
    });
    const events = await waitForEvents(app, 3);
    const [viaTrack, viaPush] = events.filter((e) => e.type === 'track');
    expect(viaTrack).toMatchObject({ type: 'track', event: 'a', properties: { v: 1, nested: { list: [1, 2] } } });
    const comparable = (e: typeof viaTrack) => ({ type: e?.type, event: e?.event, properties: e?.properties, anonymousId: e?.anonymousId });
    expect(comparable(viaPush)).toEqual(comparable(viaTrack));
    expect(viaPush!.messageId).not.toBe(viaTrack!.messageId);
  });

  test("gtag('event', name, params) arrives as a track", async ({ page }) => {
    const { app } = collector;
    await openReady(page, app, '/minimal.html');
    await page.evaluate(async () => {
      const dataLayer = window.dataLayer as unknown[];
      function gtag(..._args: unknown[]): void {
        // eslint-disable-next-line prefer-rest-params -- gtag pushes the arguments object itself
        dataLayer.push(arguments);
      }
      gtag('event', 'sign_up', { method: 'email' });
      await window.acquaint!.flush();
    });
    const events = await waitForEvents(app, 2);
    expect(events[1]).toMatchObject({ type: 'track', event: 'sign_up', properties: { method: 'email' } });
  });

  test('dataLayer.push returns the new array length before and after the runtime loads', async ({ page }) => {
    const { app } = collector;
    await openReady(page, app, '/delivery.html');
    const result = await page.evaluate(() => {
      const dataLayer = window.dataLayer as unknown[];
      const before = dataLayer.length;
      const one = dataLayer.push({ event: 'len_1' });
      const two = dataLayer.push({ a: 1 }, { event: 'len_2' });
      const zero = dataLayer.push();
      return {
        preload: (window as unknown as { preloadLengths: number[] }).preloadLengths,
        before,
        one,
        two,
        zero,
        after: dataLayer.length,
        last: dataLayer[dataLayer.length - 1],
      };
    });
    expect(result.preload).toEqual([1, 2, 4]);
    expect(result.before).toBe(5); // four objects and one gtag arguments object
    expect(result).toMatchObject({ one: 6, two: 8, zero: 8, after: 8, last: { event: 'len_2' } });
    await flush(page);
    expect(names(await waitForEvents(app, 7)).slice(-2)).toEqual(['len_1', 'len_2']);
  });

  test('events tracked right before the page unloads still arrive (pagehide beacon)', async ({ page }) => {
    const { app } = collector;
    // A flush interval of a minute: the batching timer cannot fire while the navigation starts
    // (Firefox may abort a batch request in flight when the page goes; see the README).
    await page.route(`${app.url}/tags.json`, (route) =>
      route.fulfill({
        contentType: 'application/json',
        body: JSON.stringify({
          version: 1,
          consent: { defaults: { analytics: 'granted' } },
          delivery: { flushIntervalMs: 60_000 },
          destinations: [{ id: 'collector', type: 'http', purposes: ['analytics'], settings: { url: '/v1/batch' } }],
        }),
      }),
    );
    await openReady(page, app, '/minimal.html');
    await flush(page);
    const before = (await waitForEvents(app, 1)).length;
    await page.evaluate(() => {
      const acquaint = window.acquaint!;
      acquaint.track('unload_1', { n: 1 });
      acquaint.track('unload_2', { n: 2 });
      (window.dataLayer as unknown[]).push({ event: 'unload_3', n: 3 });
      // no flush: the batching timer is still running when the page goes away
    });
    await page.goto(`${app.url}/blank.html`);
    const events = await waitForEvents(app, before + 3);
    expect(names(events.slice(before))).toEqual(['unload_1', 'unload_2', 'unload_3']);
    expect(events.slice(before).map((e) => e.context.page.path)).toEqual(['/minimal.html', '/minimal.html', '/minimal.html']);
  });
});
