import { expect, test, type Page } from '@playwright/test';
import { genericOnly, names, useCollector, watchPage } from './helpers';
import { ARMED, armed, marker, named, openTriggers, tracks, untilMarker, waitForNamed } from './triggers-helpers';

// Contract §7: `{{name}}` templates in trigger properties (a lone one keeps its type, one
// reading nothing leaves the property out), the config's own variables, `when` conditions,
// and the timer trigger, which counts only while the page is visible and stops at `limit`.
// triggers-view-vars.html has <h1> "Trail runner X", #product[data-sku=SKU-42] and a #fire button.
const collector = useCollector();
test.use({ viewport: { width: 800, height: 600 } });

const open = (page: Page, tags: Record<string, unknown>, query: Record<string, string> = {}): Promise<void> =>
  openTriggers(page, collector.app, '/triggers-view-vars.html', tags, { query });

/** marker(), then the names of the tracks up to it, without the `armed` helper event. */
async function markerNames(page: Page, name = 'marker'): Promise<string[]> {
  await marker(page, name);
  return names(tracks(await untilMarker(collector.app, name), 'armed'));
}

test.describe('timer trigger', () => {
  test('fires limit times with timer.count 1, 2, 3 as numbers, then stops', async ({ page }) => {
    await open(page, { triggers: [{ type: 'timer', intervalMs: 100, limit: 3, event: 't', properties: { count: '{{timer.count}}' } }] });
    const ticks = await waitForNamed(collector.app, 't', 3);
    expect(ticks.map((e) => e.properties)).toEqual([{ count: 1 }, { count: 2 }, { count: 3 }]);
    // Three more intervals: a fourth tick would have come before the marker.
    await page.evaluate(() => new Promise((resolve) => setTimeout(resolve, 350)));
    expect(await markerNames(page)).toEqual(['t', 't', 't', 'marker']);
  });

  test('does not count while the page is hidden and goes on once it is visible again', async ({ page }) => {
    // Hidden before acquaint loads, so the timer starts paused: no race with its first interval.
    await page.addInitScript(() => {
      Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'hidden' });
      Object.defineProperty(document, 'hidden', { configurable: true, get: () => true });
    });
    await open(page, {
      triggers: [ARMED, { type: 'timer', intervalMs: 300, limit: 1, event: 't', properties: { count: '{{timer.count}}' } }],
    });
    await armed(page);
    await page.evaluate(async () => {
      // Twice the interval while hidden.
      await new Promise((resolve) => setTimeout(resolve, 600));
      window.acquaint!.track('marker');
      Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'visible' });
      Object.defineProperty(document, 'hidden', { configurable: true, get: () => false });
      document.dispatchEvent(new Event('visibilitychange'));
    });
    const [tick] = await waitForNamed(collector.app, 't');
    expect(tick.properties).toEqual({ count: 1 });
    expect(tracks(collector.app.events, 'armed').map((e) => e.event)).toEqual(['marker', 't']);
  });
});

test.describe('variables', () => {
  test('fill properties with their types: config variables, built-ins, defaults, text, and nothing for a missing value', async ({
    page,
  }) => {
    const { app } = collector;
    const host = `127.0.0.1:${app.port}`;
    await open(
      page,
      {
        variables: {
          plan: { type: 'cookie', name: 'plan', default: 'free' },
          sku: { type: 'dom', selector: '#product', attribute: 'data-sku' },
          title: { type: 'dom', selector: 'h1' },
          cart: { type: 'dataLayer', path: 'cart.value', default: 0 },
          q: { type: 'url', param: 'q' },
          host: { type: 'url', part: 'host' },
          market: { type: 'lookup', input: '{{page.host}}', map: { [host]: 'local' }, default: 'other' },
          v: { type: 'constant', value: 2 },
          obj: { type: 'constant', value: { a: 1 } },
        },
        triggers: [
          ARMED,
          {
            type: 'click',
            selector: '#fire',
            event: 'vars',
            properties: {
              plan: '{{plan}}',
              sku: '{{sku}}',
              title: '{{title}}',
              cart: '{{cart}}',
              q: '{{q}}',
              host: '{{host}}',
              market: '{{market}}',
              v: '{{v}}',
              obj: '{{obj}}',
              text: 'plan={{plan}} v={{v}}',
              path: '{{page.path}}',
              query: '{{page.query.q}}',
              dl: '{{dl.cart.value}}',
              cookie: '{{cookie.plan}}',
              missing: '{{page.query.nothere}}',
            },
          },
        ],
      },
      { q: 'shoes' },
    );
    await armed(page);
    const same = {
      sku: 'SKU-42',
      title: 'Trail runner X',
      q: 'shoes',
      host,
      market: 'local',
      v: 2,
      obj: { a: 1 },
      path: '/triggers-view-vars.html',
      query: 'shoes',
    };

    // No cookie, nothing in the data layer: the defaults; dl, cookie and missing read nothing.
    await page.click('#fire');
    const [before] = await waitForNamed(collector.app, 'vars');
    expect(before.properties).toEqual({ ...same, plan: 'free', cart: 0, text: 'plan=free v=2' });

    await page.evaluate(() => {
      document.cookie = 'plan=gold';
      (window.dataLayer as unknown[]).push({ cart: { value: 42 } });
    });
    await page.click('#fire');
    const [, after] = await waitForNamed(collector.app, 'vars', 2);
    expect(after!.properties).toEqual({ ...same, plan: 'gold', cart: 42, text: 'plan=gold v=2', dl: 42, cookie: 'gold' });
    expect(after!.properties).not.toHaveProperty('missing');
  });

  test('fire only the triggers whose when conditions all hold (equals, contains, prefix, suffix, regex, gt, lt, not)', async ({ page }) => {
    await page.addInitScript(() => {
      window.dataLayer = window.dataLayer || [];
      (window.dataLayer as unknown[]).push({ cart: { value: 42 } });
    });
    const cart = (op: string, value: unknown, not?: boolean) => ({
      var: 'dl.cart.value',
      op,
      value,
      ...(not === undefined ? {} : { not }),
    });
    const path = (op: string, value: unknown, not?: boolean) => ({ var: 'page.path', op, value, ...(not === undefined ? {} : { not }) });
    const cases: Record<string, unknown[]> = {
      equals_yes: [cart('equals', 42)],
      equals_text_yes: [path('equals', '/triggers-view-vars.html')],
      equals_no: [cart('equals', 41)],
      contains_yes: [path('contains', 'view-vars')],
      contains_no: [path('contains', 'checkout')],
      prefix_yes: [path('prefix', '/triggers-')],
      prefix_no: [path('prefix', '/view')],
      suffix_yes: [path('suffix', '.html')],
      suffix_no: [path('suffix', '.php')],
      regex_yes: [path('regex', '^/triggers-view-(vars|other)\\.html$')],
      regex_no: [path('regex', '^/shop/')],
      gt_yes: [cart('gt', 41.5)],
      gt_no: [cart('gt', 42)],
      lt_yes: [cart('lt', '43')],
      lt_no: [cart('lt', 42)],
      not_yes: [cart('equals', 41, true)],
      not_no: [path('prefix', '/triggers-', true)],
      not_false_yes: [cart('equals', 42, false)],
      all_yes: [cart('gt', 40), path('suffix', '.html'), path('contains', 'checkout', true)],
      all_no: [cart('gt', 40), path('suffix', '.php')],
    };
    await open(page, {
      triggers: Object.entries(cases).map(([event, when]) => ({ type: 'timer', intervalMs: 100, limit: 1, event, when })),
    });
    const expected = Object.keys(cases).filter((event) => event.endsWith('_yes'));
    // All timers run out together: once every _yes one arrived, every _no one had its turn.
    await expect.poll(() => expected.filter((event) => named(collector.app.events, event).length > 0)).toEqual(expected);
    const fired = await markerNames(page);
    expect(fired.slice(0, -1).sort()).toEqual([...expected].sort());
    expect(fired.at(-1)).toBe('marker');
  });

  test('reports a variable cycle with its path and turns off only the trigger that uses it', async ({ page }) => {
    genericOnly('`acquaint build` refuses this config (test/unit/cli/build.test.ts); the page never sees it');
    const log = watchPage(page);
    await open(page, {
      variables: {
        a: { type: 'lookup', input: '{{b}}', map: {} },
        b: { type: 'lookup', input: '{{a}}', map: {} },
      },
      triggers: [
        { type: 'timer', intervalMs: 100, limit: 1, event: 'uses_a', properties: { x: '{{a}}' } },
        { type: 'timer', intervalMs: 100, limit: 1, event: 'fine' },
      ],
    });
    await waitForNamed(collector.app, 'fine');
    expect(await markerNames(page)).toEqual(['fine', 'marker']);
    await expect.poll(() => log.errors.find((text) => text.includes('variables.a.input'))).toBeDefined();
    const report = log.errors.find((text) => text.includes('variables.a.input'))!;
    expect(report).toContain('✖ variable cycle a → b → a → at variables.a.input');
    expect(report).toContain('→ at triggers[0].properties.x');
    expect(report).not.toContain('triggers[1]');
    expect(log.pageErrors).toEqual([]);
  });
});
