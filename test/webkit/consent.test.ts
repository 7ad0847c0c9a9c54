import { describe, expect, test } from 'vitest';
import { arrived, databases, eventsFor, flush, names, open, run, series, track, until, useWebKit, webStorage } from './harness';

// Consent gating in WebKit: while analytics is pending nothing reaches the collector and nothing
// is stored; a grant releases what was held, in order; a deny discards it for good. A second
// destination for the `necessary` purpose (always granted) sees every event, so "nothing
// arrived" is checked after something provably did.
const site = useWebKit();

const CONFIG = {
  version: 1,
  consent: { defaults: { analytics: 'pending', marketing: 'pending' } },
  delivery: { flushIntervalMs: 50 },
  destinations: [
    { id: 'collector', type: 'http', purposes: ['analytics'], settings: { url: '/v1/batch' } },
    { id: 'marker', type: 'http', purposes: ['necessary'], settings: { url: '/v1/batch?dest=marker' } },
  ],
};

interface Report {
  type: string;
  destination?: string;
  reason?: string;
  messageIds?: string[];
}

/** Opens vendor-page.html (records on('delivered' | 'dropped' | 'error')) with CONFIG, tracks `held`, flushes. */
async function openAndHold(held: string[]): Promise<void> {
  const { driver, app } = site;
  await open(driver, `${app.url}/vendor-page.html?config=${site.config(CONFIG)}`);
  await track(driver, held);
  await flush(driver);
  await arrived(app, ['page', ...held], 'marker');
}

const reports = (): Promise<Report[]> => run(site.driver, () => (window as unknown as { reports: Report[] }).reports);

describe('consent gating', () => {
  test('holds every event while analytics is pending: nothing reaches the collector, nothing is stored', async () => {
    const { driver, app } = site;
    await openAndHold(series('held', 3));

    expect(eventsFor(app, 'collector')).toEqual([]);
    expect(app.attempts.filter((a) => a.dest === 'collector')).toEqual([]);
    expect(await run(driver, () => window.acquaint!.consent.get())).toMatchObject({ analytics: 'pending', marketing: 'pending' });
    expect(await databases(driver)).toEqual([]);
    expect(await webStorage(driver)).toEqual({ localStorage: [], sessionStorage: [], cookie: '' });
  });

  test('a grant releases the held events in order, once each, stamped with the state that let them through', async () => {
    const { driver, app } = site;
    const held = series('held', 3);
    await openAndHold(held);
    await run(driver, () => window.acquaint!.consent.update({ analytics: 'granted' }));
    await flush(driver);

    const events = await arrived(app, ['page', ...held]);
    expect(names(events)).toEqual(['page', ...held]);
    expect(events.filter((e) => e.duplicate)).toEqual([]);
    for (const event of events) expect(event.context.consent).toMatchObject({ analytics: 'granted' });
    // The same events the necessary destination saw at once, not new ones.
    const marker = eventsFor(app, 'marker');
    expect(events.map((e) => e.messageId)).toEqual(marker.map((e) => e.messageId));

    // From now on events go straight through.
    await track(driver, ['after_0']);
    await flush(driver);
    expect(names(await arrived(app, ['after_0']))).toEqual(['page', ...held, 'after_0']);
    expect(await run(driver, () => localStorage.getItem('acquaint.consent'))).toContain('granted');
  });

  test('a deny discards the held events, and a later grant does not bring them back', async () => {
    const { driver, app } = site;
    const held = series('held', 3);
    await openAndHold(held);
    await run(driver, () => window.acquaint!.consent.update({ analytics: 'denied' }));
    await track(driver, ['while_denied']);
    await flush(driver);
    await arrived(app, ['while_denied'], 'marker');
    expect(eventsFor(app, 'collector')).toEqual([]);

    const dropped = await until(
      async () => (await reports()).filter((r) => r.type === 'dropped' && r.destination === 'collector'),
      'dropped reports for collector',
    );
    expect(dropped.every((r) => r.reason === 'consent_denied')).toBe(true);
    const droppedIds = dropped.flatMap((r) => r.messageIds ?? []);
    const heldIds = eventsFor(app, 'marker')
      .filter((e) => e.type === 'page' || held.includes(String(e.event)))
      .map((e) => e.messageId);
    expect(droppedIds).toEqual(expect.arrayContaining(heldIds));

    await run(driver, () => window.acquaint!.consent.update({ analytics: 'granted' }));
    await track(driver, ['after_grant']);
    await flush(driver);
    await arrived(app, ['after_grant']);
    expect(names(eventsFor(app, 'collector'))).toEqual(['after_grant']);
  });
});
