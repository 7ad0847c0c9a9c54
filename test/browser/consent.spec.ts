import { expect, test, type Page } from '@playwright/test';
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

  test('a destination needing analytics and marketing gets nothing while marketing is denied; an analytics-only one gets everything', async ({ page }) => {
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

  test("a gtag('consent', 'default', …) pushed before load wins over the config's defaults", async ({ page }) => {
    const { app } = collector;
    await openReady(page, app, '/consent-gtag-default.html');
    const state = await page.evaluate(async () => {
      await window.acquaint!.flush();
      return window.acquaint!.consent.get();
    });
    expect(state).toMatchObject({ analytics: 'granted', marketing: 'denied' });
    const events = await waitForEvents(app, 2);
    expect(names(events)).toEqual(['page', 'pre_load']);
  });
});
