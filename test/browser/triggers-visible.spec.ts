import { expect, test, type Page } from '@playwright/test';
import { useCollector } from './helpers';
import { ARMED, armed, marker, named, openTriggers, tracks, untilMarker } from './triggers-helpers';

// Contract §7: a `visible` trigger fires for an element matching `selector` once `minPercent`
// of it (default 50) was in view for `minMs` (default 0); `once` is `element` (default),
// `page` or `every`; elements added later count; a single-page navigation starts again.
// triggers-view-promos.html: #promo-a at 1000-1200px, #promo-b at 2200-2400px, a 1500px
// .tall box at 3400px, in a 600px viewport.
const collector = useCollector();
test.use({ viewport: { width: 800, height: 600 } });

const PROMO_A = 900; // scrollY with #promo-a wholly in view (and #promo-b out of it)
const PROMO_B = 2000; // scrollY with #promo-b wholly in view (and #promo-a out of it)

const visible = (extra: Record<string, unknown> = {}) => ({
  type: 'visible',
  selector: '.promo',
  minPercent: 50,
  minMs: 0,
  event: 'view_promotion',
  properties: { id: '{{element.id}}' },
  ...extra,
});

// Opens `fixture` with `triggers` and waits until ARMED pushed: the visible triggers started in
// the same call, so their first observations are under way by then; a few frames deliver them.
async function open(page: Page, triggers: unknown[], fixture = '/triggers-view-promos.html'): Promise<void> {
  await openTriggers(page, collector.app, fixture, { triggers: [ARMED, ...triggers] });
  await armed(page);
  await frames(page);
}

/** Waits for a few frames and the tasks queued in them (IntersectionObserver deliveries). */
async function frames(page: Page, n = 3): Promise<void> {
  await page.evaluate(async (n) => {
    for (let i = 0; i < n; i++) await new Promise((resolve) => requestAnimationFrame(resolve));
    await new Promise((resolve) => setTimeout(resolve, 0));
  }, n);
}

async function scrollToY(page: Page, y: number): Promise<void> {
  await page.evaluate((y) => window.scrollTo(0, y), y);
  await frames(page);
}

/** What reached the collector, without the `armed` helper event: `event` or `event:id`. */
const seen = (): string[] =>
  tracks(collector.app.events, 'armed').map((e) =>
    typeof e.properties.id === 'string' ? `${String(e.event)}:${e.properties.id}` : String(e.event),
  );

async function waitFor(entry: string): Promise<string[]> {
  await expect.poll(() => seen().includes(entry), { message: `waiting for ${entry} at the collector`, timeout: 10_000 }).toBe(true);
  return seen();
}

/** marker(), then seen() once it arrived. */
async function markerSeen(page: Page, name: string): Promise<string[]> {
  await marker(page, name);
  await untilMarker(collector.app, name);
  return seen();
}

test.describe('visible trigger', () => {
  test('fires once per element (once: element, the default) when it comes into view, with its id', async ({ page }) => {
    await open(page, [visible()]);
    // Both promos are below the fold: nothing yet.
    expect(await markerSeen(page, 'loaded')).toEqual(['loaded']);

    await scrollToY(page, PROMO_A);
    await waitFor('view_promotion:promo-a');

    // Away and back: promo-a was seen already.
    await scrollToY(page, 0);
    await scrollToY(page, PROMO_A);
    await scrollToY(page, PROMO_B);
    await waitFor('view_promotion:promo-b');
    await scrollToY(page, PROMO_A);
    await scrollToY(page, PROMO_B);
    expect(await markerSeen(page, 'done')).toEqual(['loaded', 'view_promotion:promo-a', 'view_promotion:promo-b', 'done']);
    expect(named(collector.app.events, 'view_promotion')[0]!.properties).toEqual({ id: 'promo-a' });
  });

  test('fires again after the element left the view and came back (once: every)', async ({ page }) => {
    await open(page, [visible({ once: 'every' })]);
    await scrollToY(page, PROMO_A);
    await waitFor('view_promotion:promo-a');
    await scrollToY(page, 0);
    await scrollToY(page, PROMO_A);
    await expect.poll(() => named(collector.app.events, 'view_promotion').length).toBe(2);
    // Staying in view is no new sighting.
    await frames(page, 5);
    expect(await markerSeen(page, 'done')).toEqual(['view_promotion:promo-a', 'view_promotion:promo-a', 'done']);
  });

  test('fires for the first element seen only (once: page)', async ({ page }) => {
    await open(page, [visible({ once: 'page' })]);
    await scrollToY(page, PROMO_A);
    await waitFor('view_promotion:promo-a');
    await scrollToY(page, PROMO_B);
    await scrollToY(page, 0);
    await scrollToY(page, PROMO_A);
    expect(await markerSeen(page, 'done')).toEqual(['view_promotion:promo-a', 'done']);
  });

  test('does not fire for an element in view for less than minMs, and fires for one that stays', async ({ page }) => {
    // promo_seen (minMs 0) proves that promo-a was in view; view_promotion waits for 500 ms.
    await open(page, [visible({ event: 'promo_seen' }), visible({ minMs: 500 })]);
    await page.evaluate(async (y) => {
      window.scrollTo(0, y);
      // Until the minMs 0 trigger saw it, then away at once: a glimpse of a few frames.
      while (!(window.dataLayer as { event?: unknown }[]).some((m) => m.event === 'promo_seen')) {
        await new Promise((resolve) => requestAnimationFrame(resolve));
      }
      window.scrollTo(0, 0);
    }, PROMO_A);
    await scrollToY(page, PROMO_B);
    await waitFor('view_promotion:promo-b');
    expect(await markerSeen(page, 'done')).toEqual(['promo_seen:promo-a', 'promo_seen:promo-b', 'view_promotion:promo-b', 'done']);
  });

  test('fires for elements added later: appended in view, and inside a container added later', async ({ page }) => {
    await open(page, [visible()]);
    const add = (id: string, how: 'alone' | 'in-new-container' | 'into-added-container') =>
      page.evaluate(
        async ({ id, how }) => {
          const promo = document.createElement('div');
          promo.className = 'promo';
          promo.id = id;
          promo.style.height = '50px';
          if (how === 'alone') return void document.body.prepend(promo);
          const box = document.createElement('section');
          if (how === 'in-new-container') {
            box.append(promo);
            return void document.body.prepend(box);
          }
          // The container comes first, empty; the promo is inserted into it a frame later.
          document.body.prepend(box);
          await new Promise((resolve) => requestAnimationFrame(resolve));
          await new Promise((resolve) => setTimeout(resolve, 0));
          box.append(promo);
        },
        { id, how },
      );

    await add('late-alone', 'alone');
    await waitFor('view_promotion:late-alone');
    await add('late-in-container', 'in-new-container');
    await waitFor('view_promotion:late-in-container');
    await add('late-into-container', 'into-added-container');
    await waitFor('view_promotion:late-into-container');
    // promo-a and promo-b are still below the fold.
    expect(await markerSeen(page, 'done')).toEqual([
      'view_promotion:late-alone',
      'view_promotion:late-in-container',
      'view_promotion:late-into-container',
      'done',
    ]);
  });

  test('fires again for an element still in view after a single-page navigation (once: element and page)', async ({ page }) => {
    const { app } = collector;
    await open(page, [visible({ event: 'view_element' }), visible({ once: 'page', event: 'view_page' })]);
    await scrollToY(page, PROMO_A);
    await waitFor('view_element:promo-a');
    await waitFor('view_page:promo-a');

    await page.evaluate(() => history.pushState({}, '', '/next'));
    await expect.poll(() => named(app.events, 'view_element').length).toBe(2);
    await expect.poll(() => named(app.events, 'view_page').length).toBe(2);
    for (const event of [...named(app.events, 'view_element'), ...named(app.events, 'view_page')].slice(0, 4))
      expect(event.properties).toEqual({ id: 'promo-a' });
    expect(named(app.events, 'view_element')[1]!.context.page.url).toBe(`${app.url}/next`);
    expect(named(app.events, 'view_page')[1]!.context.page.url).toBe(`${app.url}/next`);
    const events = await markerSeen(page, 'done');
    expect(events.filter((e) => e !== 'done').sort()).toEqual([
      'view_element:promo-a',
      'view_element:promo-a',
      'view_page:promo-a',
      'view_page:promo-a',
    ]);
    expect(events.at(-1)).toBe('done');
  });

  test('fires exactly once for each of 500 elements scrolled through', async ({ page }) => {
    test.setTimeout(120_000);
    await open(page, [visible()], '/triggers-view-grid.html');
    const height = await page.evaluate(() => document.documentElement.scrollHeight);
    // Down in steps smaller than a row's share of the viewport, then back up.
    for (let y = 0; y <= height; y += 250) await scrollToY(page, y);
    for (let y = height; y >= 0; y -= 250) await scrollToY(page, y);

    await expect
      .poll(() => named(collector.app.events, 'view_promotion').length, {
        message: 'waiting for 500 view_promotion events',
        timeout: 60_000,
      })
      .toBeGreaterThanOrEqual(500);
    const events = await markerSeen(page, 'done');
    expect(events.at(-1)).toBe('done');
    const ids = named(collector.app.events, 'view_promotion').map((e) => e.properties.id);
    expect(ids).toHaveLength(500);
    expect(new Set(ids)).toEqual(new Set(Array.from({ length: 500 }, (_, i) => `promo-${i}`)));
  });

  test('never fires minPercent 100 for an element taller than the viewport; one that fits does', async ({ page }) => {
    // The whole of a 1500px box never fits in 600px: the percentage is of the element.
    await open(page, [visible({ minPercent: 100 }), visible({ selector: '.tall', minPercent: 100, event: 'view_tall' })]);
    const height = await page.evaluate(() => document.documentElement.scrollHeight);
    for (let y = 0; y <= height; y += 200) await scrollToY(page, y);
    expect(await markerSeen(page, 'done')).toEqual(['view_promotion:promo-a', 'view_promotion:promo-b', 'done']);
  });
});
