import { expect, test, type Page } from '@playwright/test';
import { consentPage, openAndReady } from './consent-helpers';
import { UUID_V4, names, openReady, useCollector, waitForEvents } from './helpers';

// Contract §4-§5: a destination receives an event only while every purpose it lists is
// granted; pending holds in order, grant releases, deny discards for good.
const collector = useCollector();

/** Every request the page makes to the collector endpoint, whatever the transport. */
function batchRequests(page: Page): string[] {
  const seen: string[] = [];
  page.on('request', (request) => {
    if (new URL(request.url()).pathname === '/v1/batch') seen.push(request.url());
  });
  return seen;
}

test.describe('consent', () => {
  test('events wait while analytics is pending and leave in order on grant', async ({ page }) => {
    const { app } = collector;
    const requests = batchRequests(page);
    await openReady(page, app, '/consent-pending.html');
    const state = await page.evaluate(async () => {
      window.acquaint!.track('held_1', { n: 1 });
      (window.dataLayer as unknown[]).push({ event: 'held_2', n: 2 });
      await window.acquaint!.flush();
      return window.acquaint!.consent.get();
    });
    expect(state.analytics).toBe('pending');
    expect(app.batches).toHaveLength(0);
    expect(requests).toEqual([]);

    await page.evaluate(async () => {
      window.acquaint!.consent.update({ analytics: 'granted' });
      window.acquaint!.track('after_grant');
      await window.acquaint!.flush();
    });
    const events = await waitForEvents(app, 5);
    expect(names(events)).toEqual(['page', 'pre_load', 'held_1', 'held_2', 'after_grant']);
    for (const event of events) expect(event.context.consent.analytics).toBe('granted');
    expect(events.map((e) => e.properties.n)).toEqual([undefined, undefined, 1, 2, undefined]);
    expect(await page.evaluate(() => window.acquaint!.consent.get().analytics)).toBe('granted');
  });

  test('on deny the held events are discarded, reported as dropped, and a later grant does not bring them back', async ({ page }) => {
    const { app } = collector;
    const requests = batchRequests(page);
    await openReady(page, app, '/consent-pending.html');
    const dropped = await page.evaluate(async () => {
      const reports: { destination?: string; messageIds: string[]; reason: string }[] = [];
      window.acquaint!.on('dropped', (report) => reports.push(report));
      window.acquaint!.track('doomed_1');
      window.acquaint!.track('doomed_2');
      window.acquaint!.consent.update({ analytics: 'denied' });
      window.acquaint!.track('while_denied');
      await window.acquaint!.flush();
      return reports;
    });
    expect(dropped.map((r) => ({ destination: r.destination, reason: r.reason }))).toEqual([
      { destination: 'collector', reason: 'consent_denied' },
      { destination: 'collector', reason: 'consent_denied' },
    ]);
    // page view, pre-load push and two tracks were held; the one tracked while denied is dropped at once
    expect(dropped[0]!.messageIds).toHaveLength(4);
    expect(dropped[1]!.messageIds).toHaveLength(1);
    const droppedIds = dropped.flatMap((r) => r.messageIds);
    for (const id of droppedIds) expect(id).toMatch(UUID_V4);
    expect(app.batches).toHaveLength(0);
    expect(requests).toEqual([]);

    await page.evaluate(async () => {
      window.acquaint!.consent.update({ analytics: 'granted' });
      window.acquaint!.track('fresh');
      await window.acquaint!.flush();
    });
    const events = await waitForEvents(app, 1);
    expect(names(events)).toEqual(['fresh']);
    expect(droppedIds).not.toContain(events[0]!.messageId);
  });

  test('a destination needing analytics and marketing gets nothing while marketing is denied; an analytics-only one gets everything', async ({
    page,
  }) => {
    const { app } = collector;
    await openReady(page, app, '/consent-two.html');
    const dropped = await page.evaluate(async () => {
      const reports: { destination?: string; messageIds: string[]; reason: string }[] = [];
      window.acquaint!.on('dropped', (report) => reports.push(report));
      window.acquaint!.track('purchase', { value: 10 });
      await window.acquaint!.flush();
      return reports;
    });
    const events = await waitForEvents(app, 3, 'collector');
    expect(names(events)).toEqual(['page', 'pre_load', 'purchase']);
    expect(events[2]!.context.consent).toMatchObject({ analytics: 'granted', marketing: 'denied' });
    expect(app.events.filter((e) => e.receivedBy === 'ads')).toEqual([]);
    expect(dropped).toEqual([{ destination: 'ads', messageIds: [events[2]!.messageId], reason: 'consent_denied' }]);

    // Granting marketing later opens the ads destination for new events only.
    await page.evaluate(async () => {
      window.acquaint!.consent.update({ marketing: 'granted' });
      window.acquaint!.track('after_marketing');
      await window.acquaint!.flush();
    });
    const ads = await waitForEvents(app, 1, 'ads');
    expect(names(ads)).toEqual(['after_marketing']);
    expect(ads[0]!.context.consent).toMatchObject({ analytics: 'granted', marketing: 'granted' });
  });

  test("gtag('consent', 'update', …) maps Consent Mode keys onto purposes and releases held events", async ({ page }) => {
    const { app } = collector;
    await openReady(page, app, '/consent-gtag.html');
    await page.evaluate(async () => {
      window.acquaint!.track('before_update');
      await window.acquaint!.flush();
    });
    expect(app.batches).toHaveLength(0);

    const state = await page.evaluate(async () => {
      const gtag = (window as unknown as { gtag(...args: unknown[]): void }).gtag;
      gtag('consent', 'update', { analytics_storage: 'granted', ad_storage: 'denied' });
      await window.acquaint!.flush();
      return window.acquaint!.consent.get();
    });
    expect(state).toMatchObject({ analytics: 'granted', marketing: 'denied' });
    const events = await waitForEvents(app, 3);
    expect(names(events)).toEqual(['page', 'pre_load', 'before_update']);
    for (const event of events) expect(event.context.consent).toMatchObject({ analytics: 'granted', marketing: 'denied' });
  });

  test("a gtag('consent', 'default', …) pushed before load wins over the config's defaults; its denied holds as pending", async ({
    page,
  }) => {
    const { app } = collector;
    await openReady(page, app, '/consent-gtag-default.html');
    const state = await page.evaluate(async () => {
      await window.acquaint!.flush();
      return window.acquaint!.consent.get();
    });
    expect(state).toMatchObject({ analytics: 'granted', marketing: 'pending' });
    const events = await waitForEvents(app, 2);
    expect(names(events)).toEqual(['page', 'pre_load']);
  });

  test('a destination listing two purposes holds its events until both are granted, then sends them in order with both granted on the wire', async ({
    page,
  }) => {
    const { app } = collector;
    const requests = batchRequests(page);
    // consent-both.json: analytics and marketing pending; `collector` needs analytics, `ads` both.
    await openAndReady(page, consentPage(app, '/consent-both.json'));
    await page.evaluate(async () => {
      window.acquaint!.track('first');
      window.acquaint!.consent.update({ analytics: 'granted' });
      window.acquaint!.track('second');
      await window.acquaint!.flush();
    });
    expect(names(await waitForEvents(app, 4, 'collector'))).toEqual(['page', 'pre_load', 'first', 'second']);
    expect(requests.filter((url) => url.includes('dest=ads'))).toEqual([]);

    await page.evaluate(async () => {
      window.acquaint!.consent.update({ marketing: 'granted' });
      window.acquaint!.track('third');
      await window.acquaint!.flush();
    });
    const ads = await waitForEvents(app, 5, 'ads');
    expect(names(ads)).toEqual(['page', 'pre_load', 'first', 'second', 'third']);
    for (const event of ads) expect(event.context.consent).toMatchObject({ analytics: 'granted', marketing: 'granted' });
    // The same events, not copies: one messageId per event across both destinations.
    const collected = app.events.filter((e) => e.receivedBy === 'collector');
    expect(ads.slice(0, 4).map((e) => e.messageId)).toEqual(collected.slice(0, 4).map((e) => e.messageId));
  });

  test('a destination listing two purposes discards what it holds when one is denied, though the other is granted', async ({ page }) => {
    const { app } = collector;
    const requests = batchRequests(page);
    await openAndReady(page, consentPage(app, '/consent-both.json'));
    const dropped = await page.evaluate(async () => {
      const reports: { destination?: string; messageIds: string[]; reason: string }[] = [];
      window.acquaint!.on('dropped', (report) => reports.push(report));
      window.acquaint!.track('held');
      window.acquaint!.consent.update({ analytics: 'granted' });
      window.acquaint!.consent.update({ marketing: 'denied' });
      window.acquaint!.consent.update({ marketing: 'granted' });
      await window.acquaint!.flush();
      return reports;
    });
    expect(dropped.map((r) => [r.destination, r.reason, r.messageIds.length])).toEqual([['ads', 'consent_denied', 3]]);
    expect(names(await waitForEvents(app, 3, 'collector'))).toEqual(['page', 'pre_load', 'held']);
    expect(requests.filter((url) => url.includes('dest=ads'))).toEqual([]);
  });

  test('holds at most 1000 events per destination while pending: the oldest go first, reported as hold_overflow', async ({ page }) => {
    const { app } = collector;
    await openReady(page, app, '/consent-pending.html');
    const dropped = await page.evaluate(async () => {
      const reports: { destination?: string; messageIds: string[]; reason: string }[] = [];
      window.acquaint!.on('dropped', (report) => reports.push(report));
      // page view and pre_load are held already: 2 + 1003 = 1005, five over the bound.
      for (let i = 0; i < 1003; i++) window.acquaint!.track(`held_${i}`);
      await window.acquaint!.flush();
      return reports;
    });
    expect(dropped.map((r) => r.reason)).toEqual(Array(5).fill('hold_overflow'));
    expect(dropped.every((r) => r.destination === 'collector' && r.messageIds.length === 1)).toBe(true);
    expect(app.requests).toBe(0);

    await page.evaluate(async () => {
      window.acquaint!.consent.update({ analytics: 'granted' });
      await window.acquaint!.flush();
    });
    const events = await waitForEvents(app, 1000);
    expect(events).toHaveLength(1000);
    expect(names(events)).toEqual(Array.from({ length: 1000 }, (_, i) => `held_${i + 3}`));
    const droppedIds = dropped.flatMap((r) => r.messageIds);
    expect(events.some((e) => droppedIds.includes(e.messageId))).toBe(false);
  });
});
