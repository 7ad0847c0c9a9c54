import { describe, expect, test } from 'vitest';
import { open, ready, run, storeEntries, until, useWebKit } from './harness';

// Issue 15 in WebKit: the audiences on <html> for the site's CSS, the README's <head> snippet
// reading them before first paint on the next view (personalization.html stores what the snippet
// set in __audiencesAtHead), withdrawal, and a real navigation whose pagehide beacons the queue
// (WebKit keeps a left page in its back/forward cache, so pagehide, not unload, is all it gets).
const site = useWebKit();

const pageUrl = (n = 1) => `${site.app.url}/personalization.html?view=${n}`;
const attribute = () => run(site.driver, () => document.documentElement.getAttribute('data-acquaint-audiences'));
const atHead = () => run(site.driver, () => (window as { __audiencesAtHead?: string | null }).__audiencesAtHead ?? null);
const snippetCopy = () => run(site.driver, () => localStorage.getItem('acquaint.audiences'));
const shown = (selector: string) =>
  run(site.driver, (s: string) => getComputedStyle(document.querySelector(s)!).display !== 'none', selector);
const unsavedNotes = () => run(site.driver, () => Object.keys(localStorage).filter((key) => key.startsWith('acquaint.unsaved.')));

/** Whether IndexedDB holds the audiences "vip browsing". */
async function storedAudiences(): Promise<boolean> {
  const audiences = (await storeEntries(site.driver, 'acquaint-identity', 'profile'))?.audiences as { members?: string[] } | undefined;
  return audiences?.members?.join(' ') === 'vip browsing';
}

async function grantAsVip(): Promise<void> {
  await run(site.driver, () => window.acquaint!.consent.update({ personalization: 'granted' }));
  await run(site.driver, () => window.acquaint!.identify('ada', { plan: 'vip' }));
}

describe('audiences on the page', () => {
  test('set as members enter, there before first paint on the next view, removed with the copy on withdrawal', async () => {
    const { driver } = site;
    await open(driver, pageUrl(1));
    expect(await atHead()).toBeNull();
    expect(await attribute()).toBeNull();
    await grantAsVip();
    expect(await attribute()).toBe('vip');
    expect(await shown('.vip-offer')).toBe(true);
    expect(await shown('.default-offer')).toBe(false);
    await run(driver, () => void (window.dataLayer as unknown[]).push({ event: 'view_item' }, { event: 'view_item' }));
    expect(await attribute()).toBe('vip browsing');
    expect(await snippetCopy()).toBe('vip browsing');

    await open(driver, pageUrl(2));
    expect(await atHead()).toBe('vip browsing');
    expect(await attribute()).toBe('vip browsing');

    await run(driver, () => window.acquaint!.consent.update({ personalization: 'denied' }));
    expect(await attribute()).toBeNull();
    expect(await shown('.default-offer')).toBe(true);
    expect(await snippetCopy()).toBeNull();
    await open(driver, pageUrl(3));
    expect(await atHead()).toBeNull();
    expect(await attribute()).toBeNull();
  });

  test('a change just before a navigation, its events beaconed as the page goes: there on the next page, stored, and no unsaved note is left', async () => {
    const { driver } = site;
    // Opened once first so that, under ACQUAINT_BUILD=container, the next page has its container.
    await open(driver, pageUrl(2));
    await open(driver, pageUrl(1));
    await grantAsVip();
    // The change, then the navigation before the flush interval: its events leave by the
    // pagehide beacon (counted there for "Your data" in the generic build). The change's own
    // write is awaited first: one still in flight as WebKit freezes the page blocks the database
    // (a known limit, see the README's WebKit notes).
    await run(driver, () => void (window.dataLayer as unknown[]).push({ event: 'view_item' }, { event: 'view_item' }));
    await until(() => storedAudiences(), 'the change stored on the first page');
    await run(driver, (next: string) => void (location.href = next), pageUrl(2));
    await until(() => run(driver, () => location.search === '?view=2' && window.acquaint !== undefined), 'the next page');
    await ready(driver);
    expect(await attribute()).toBe('vip browsing');
    await until(() => storedAudiences(), 'the audiences stored in IndexedDB');
    await until(async () => (await unsavedNotes()).length === 0, 'no unsaved note left');
  });

  test('forget() takes the attribute, the snippet copy and the stored audiences away', async () => {
    const { driver } = site;
    await open(driver, pageUrl(1));
    await grantAsVip();
    expect(await attribute()).toBe('vip');
    await run(driver, () => window.acquaint!.forget());
    expect(await attribute()).toBeNull();
    expect(await snippetCopy()).toBeNull();
    expect(await unsavedNotes()).toEqual([]);
    await open(driver, pageUrl(2));
    expect(await atHead()).toBeNull();
    expect(await attribute()).toBeNull();
  });
});
