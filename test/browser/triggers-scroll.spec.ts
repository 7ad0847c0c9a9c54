import { expect, test, type Page } from '@playwright/test';
import { names, useCollector, type ReceivedEvent } from './helpers';
import { marker, openTriggers, waitForTracks } from './triggers-helpers';

// Contract §7: a `scroll` trigger fires each depth threshold once per page view, depth being
// (scrollY + innerHeight) / scrollHeight; a single-page navigation starts again. The fixture
// is four viewports tall, so the first viewport alone is 25% of the page.
const collector = useCollector();
test.use({ viewport: { width: 800, height: 600 } });

const VIEWPORT = 600;
const BOTTOM = 3 * VIEWPORT; // scrollY at the bottom of the 2,400px page

const SCROLL_DEPTH = { type: 'scroll', percent: [25, 50, 75, 90], event: 'scroll_depth', properties: { percent: '{{scroll.percent}}' } };

const open = (page: Page, triggers: unknown[]): Promise<void> => openTriggers(page, collector.app, '/triggers-view.html', { triggers });

const percents = (events: readonly ReceivedEvent[]): unknown[] =>
  events.filter((e) => e.event === 'scroll_depth').map((e) => e.properties.percent);

/**
 * Scrolls to `y` and waits until the scroll event was dispatched and two more frames ran: by
 * then a trigger that measures once per frame has measured the new position.
 */
async function scrollToY(page: Page, y: number): Promise<void> {
  await page.evaluate(async (y) => {
    const frame = () => new Promise((resolve) => requestAnimationFrame(resolve));
    if (Math.round(window.scrollY) !== y) {
      const scrolled = new Promise((resolve) => window.addEventListener('scroll', resolve, { once: true }));
      window.scrollTo(0, y);
      await scrolled;
    }
    await frame();
    await frame();
  }, y);
}

test.describe('scroll trigger', () => {
  test('fires 25 on load, 50 at the middle, 75 then 90 at the bottom, each once per page view, as numbers', async ({ page }) => {
    await open(page, [SCROLL_DEPTH]);

    // The first viewport is 25% of the page: reached without scrolling.
    const [first] = await waitForTracks(collector.app, 1);
    expect(first!.event).toBe('scroll_depth');
    expect(first!.properties).toEqual({ percent: 25 });
    expect(typeof first!.properties.percent).toBe('number');

    await scrollToY(page, VIEWPORT); // (600 + 600) / 2400 = 50%
    expect(percents(await waitForTracks(collector.app, 2))).toEqual([25, 50]);

    await scrollToY(page, BOTTOM);
    expect(percents(await waitForTracks(collector.app, 4))).toEqual([25, 50, 75, 90]);

    // Up and down again: every threshold was already reached in this page view.
    await scrollToY(page, 0);
    await scrollToY(page, BOTTOM);
    await scrollToY(page, VIEWPORT);
    await scrollToY(page, BOTTOM);
    await marker(page);
    const events = await waitForTracks(collector.app, 5);
    expect(names(events)).toEqual(['scroll_depth', 'scroll_depth', 'scroll_depth', 'scroll_depth', 'marker']);
    expect(percents(events)).toEqual([25, 50, 75, 90]);
    expect(events.every((e) => e.context.page.path === '/triggers-view.html')).toBe(true);
  });

  test('starts again after a single-page navigation: every threshold fires again on the new page', async ({ page }) => {
    const { app } = collector;
    await open(page, [SCROLL_DEPTH]);
    await waitForTracks(app, 1);
    await scrollToY(page, BOTTOM);
    expect(percents(await waitForTracks(app, 4))).toEqual([25, 50, 75, 90]);

    await scrollToY(page, 0);
    await page.evaluate(() => history.pushState({}, '', '/next'));
    // A new page view: 25% is reached again without scrolling.
    const afterNavigation = await waitForTracks(app, 5);
    expect(afterNavigation[4]!.properties).toEqual({ percent: 25 });
    expect(afterNavigation[4]!.context.page.url).toBe(`${app.url}/next`);

    await scrollToY(page, BOTTOM);
    await waitForTracks(app, 8);
    await marker(page);
    const events = await waitForTracks(app, 9);
    expect(names(events)).toEqual([...Array<string>(8).fill('scroll_depth'), 'marker']);
    expect(percents(events)).toEqual([25, 50, 75, 90, 25, 50, 75, 90]);
    expect(events.slice(4, 8).every((e) => e.context.page.path === '/next')).toBe(true);
  });

  test('fires each threshold at most once under thousands of scroll events', async ({ page }) => {
    await open(page, [SCROLL_DEPTH]);
    await waitForTracks(collector.app, 1);

    await page.evaluate(async () => {
      const frame = () => new Promise((resolve) => requestAnimationFrame(resolve));
      // 2,000 scrolls in one task, ending at the bottom.
      for (let i = 0; i < 2000; i++) window.scrollTo(0, i % 2 === 0 ? 0 : 1800);
      await frame();
      // Then 30 frames of jumping around, each with 100 synthetic scroll events.
      for (let f = 0; f < 30; f++) {
        window.scrollTo(0, (f % 4) * 600);
        for (let i = 0; i < 100; i++) window.dispatchEvent(new Event('scroll'));
        await frame();
      }
      window.scrollTo(0, 1800);
      await frame();
      await frame();
      await frame();
    });
    await marker(page);
    const events = await waitForTracks(collector.app, 5);
    expect(names(events)).toEqual(['scroll_depth', 'scroll_depth', 'scroll_depth', 'scroll_depth', 'marker']);
    expect(percents(events)).toEqual([25, 50, 75, 90]);
  });
});
