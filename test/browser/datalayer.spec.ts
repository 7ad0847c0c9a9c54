import { expect, test } from '@playwright/test';
import { flush, names, openReady, useCollector, waitForEvents, watchPage } from './helpers';

// The GTM-compatible data layer: the merged model behind acquaint.get(), pushed functions,
// re-entrant pushes, and pushes that must never break the page.
const collector = useCollector();

test.describe('data layer', () => {
  test('get() reads the merged model: objects merge recursively, arrays index-wise, null clears', async ({ page }) => {
    await openReady(page, collector.app, '/minimal.html');
    const seen = await page.evaluate(() => {
      const { acquaint } = window;
      const dataLayer = window.dataLayer as unknown[];
      dataLayer.push({ ecommerce: { value: 10, currency: 'USD', items: [{ id: 'a', qty: 1 }, { id: 'b' }] } });
      dataLayer.push({ ecommerce: { value: 25, items: [{ qty: 2 }] } });
      const merged = {
        value: acquaint!.get('ecommerce.value'),
        currency: acquaint!.get('ecommerce.currency'),
        items: acquaint!.get('ecommerce.items'),
        firstId: acquaint!.get('ecommerce.items.0.id'),
      };
      dataLayer.push({ ecommerce: null });
      return {
        merged,
        cleared: acquaint!.get('ecommerce'),
        clearedValue: acquaint!.get('ecommerce.value'),
        missing: acquaint!.get('nope.deeper'),
      };
    });
    expect(seen.merged).toEqual({ value: 25, currency: 'USD', items: [{ id: 'a', qty: 2 }, { id: 'b' }], firstId: 'a' });
    expect(seen.cleared).toBeNull();
    expect(seen.clearedValue).toBeUndefined();
    expect(seen.missing).toBeUndefined();
  });

  test('a dotted key sets a nested path in the model', async ({ page }) => {
    await openReady(page, collector.app, '/minimal.html');
    const seen = await page.evaluate(() => {
      const dataLayer = window.dataLayer as unknown[];
      dataLayer.push({ user: { id: 'u1' } });
      dataLayer.push({ 'user.profile.tier': 'gold' });
      return { user: window.acquaint!.get('user'), tier: window.acquaint!.get('user.profile.tier') };
    });
    expect(seen).toEqual({ user: { id: 'u1', profile: { tier: 'gold' } }, tier: 'gold' });
  });

  test('a pushed function runs with this.get and this.set on the model', async ({ page }) => {
    await openReady(page, collector.app, '/minimal.html');
    const seen = await page.evaluate(() => {
      const dataLayer = window.dataLayer as unknown[];
      dataLayer.push({ cart: { count: 2 } });
      dataLayer.push(function (this: { get(path: string): unknown; set(path: string, value: unknown): void }) {
        this.set('cart.count', (this.get('cart.count') as number) + 1);
        this.set('fn.ran', true);
      });
      return { count: window.acquaint!.get('cart.count'), ran: window.acquaint!.get('fn.ran') };
    });
    expect(seen).toEqual({ count: 3, ran: true });
  });

  test('pushes made inside a pushed function queue behind what was already pushed and run in order, once each', async ({ page }) => {
    const { app } = collector;
    await openReady(page, app, '/minimal.html');
    await flush(page);
    const steps = await page.evaluate(async () => {
      const dataLayer = window.dataLayer as unknown[];
      dataLayer.push({ event: 'outer_before', step: 'before' });
      dataLayer.push(
        function () {
          dataLayer.push({ event: 'inner_1', step: 'inner_1' });
          dataLayer.push({ event: 'inner_2', step: 'inner_2' }, function () {
            dataLayer.push({ event: 'inner_3', step: 'inner_3' });
          });
        },
        { event: 'sibling', step: 'sibling' },
      ); // queued before the function ran, so it goes first (as in GTM)
      const afterFunction = window.acquaint!.get('step');
      dataLayer.push({ event: 'outer_after', step: 'after' });
      await window.acquaint!.flush();
      return { afterFunction, final: window.acquaint!.get('step') };
    });
    expect(steps).toEqual({ afterFunction: 'inner_3', final: 'after' });
    const events = await waitForEvents(app, 7);
    expect(names(events)).toEqual(['page', 'outer_before', 'sibling', 'inner_1', 'inner_2', 'inner_3', 'outer_after']);
  });

  test('bad pushes never throw or pollute prototypes, and a later event still arrives', async ({ page }) => {
    const { app } = collector;
    const log = watchPage(page);
    await openReady(page, app, '/minimal.html');
    const result = await page.evaluate(async () => {
      const dataLayer = window.dataLayer as unknown[];
      const circular: Record<string, unknown> = { event: 'circular_event', label: 'loop' };
      circular.self = circular;
      const list: unknown[] = [];
      list.push(list);
      const bad: unknown[] = [
        null,
        5,
        'str',
        undefined,
        circular,
        { loop: list },
        JSON.parse('{"__proto__":{"polluted":"yes"}}'),
        { constructor: { prototype: { polluted: 'yes' } } },
        JSON.parse('{"a":{"__proto__":{"polluted":"yes"}}}'),
        { b: { __proto__: { polluted: 'yes' } } },
        { '__proto__.polluted': 'yes' },
        { 'x.constructor.prototype.polluted': 'yes' },
        JSON.parse('{"event":"proto_event","safe":1,"__proto__":{"polluted":"yes"}}'),
      ];
      const thrown: string[] = [];
      const lengths: unknown[] = [];
      for (const item of bad) {
        try {
          lengths.push(dataLayer.push(item));
        } catch (error) {
          thrown.push(String(error));
        }
      }
      dataLayer.push({ event: 'after_bad', ok: true });
      await window.acquaint!.flush();
      const probe = {} as Record<string, unknown>;
      return {
        thrown,
        lengthsAreNumbers: lengths.every((n) => typeof n === 'number'),
        polluted: [
          probe.polluted,
          ([] as unknown as Record<string, unknown>).polluted,
          (Object.prototype as Record<string, unknown>).polluted,
        ],
        viaGet: [
          window.acquaint!.get('__proto__'),
          window.acquaint!.get('constructor'),
          window.acquaint!.get('a.polluted'),
          window.acquaint!.get('toString'),
        ],
        label: window.acquaint!.get('label'),
      };
    });
    expect(result.thrown).toEqual([]);
    expect(result.lengthsAreNumbers).toBe(true);
    expect(result.polluted).toEqual([undefined, undefined, undefined]);
    expect(result.viaGet).toEqual([undefined, undefined, undefined, undefined]);
    expect(result.label).toBe('loop'); // the cyclic push merged, minus its cycle
    expect(log.pageErrors).toEqual([]);
    expect(log.warnings.some((w) => w.includes('__proto__'))).toBe(true);

    const events = await waitForEvents(app, 4);
    expect(names(events)).toEqual(['page', 'circular_event', 'proto_event', 'after_bad']);
    expect(events[2]!.properties).toEqual({ safe: 1 });
    expect(events[3]!.properties).toEqual({ ok: true });
    expect(await page.evaluate(() => (({}) as Record<string, unknown>).polluted)).toBeUndefined();
  });

  test('a pushed function that throws does not stop later pushes', async ({ page }) => {
    const { app } = collector;
    const log = watchPage(page);
    await openReady(page, app, '/minimal.html');
    const seen = await page.evaluate(async () => {
      const errors: string[] = [];
      window.acquaint!.on('error', (e) => errors.push(e.code));
      const dataLayer = window.dataLayer as unknown[];
      dataLayer.push(
        () => {
          throw new Error('boom');
        },
        { event: 'same_push', v: 1 },
      );
      dataLayer.push({ event: 'next_push', v: 2 });
      await window.acquaint!.flush();
      return { errors, v: window.acquaint!.get('v') };
    });
    expect(seen).toEqual({ errors: ['push_failed'], v: 2 });
    expect(log.pageErrors).toEqual([]);
    const events = await waitForEvents(app, 3);
    expect(names(events)).toEqual(['page', 'same_push', 'next_push']);
  });

  test('a pushed function that throws before the runtime loads does not stop the rest of the queue', async ({ page }) => {
    const { app } = collector;
    const log = watchPage(page);
    await openReady(page, app, '/preload-throw.html');
    await flush(page);
    const events = await waitForEvents(app, 3);
    expect(names(events)).toEqual(['page', 'before_throw', 'after_throw']);
    expect(await page.evaluate(() => window.acquaint!.get('survived'))).toBe(true);
    expect(log.pageErrors).toEqual([]);
  });

  test('the runtime adds no globals but acquaint and dataLayer', async ({ page }) => {
    // The bundled zod would write globalThis.__zod_globalConfig/__zod_globalRegistry;
    // scripts/zod-scope.mjs gives it a private scope (and keeps it from sharing the site's zod).
    const { app } = collector;
    await page.goto(`${app.url}/blank.html`);
    const baseline = await page.evaluate(() => Object.getOwnPropertyNames(window));
    await openReady(page, app, '/minimal.html');
    const added = await page.evaluate((known) => {
      const before = new Set(known);
      // Playwright's own helpers (`__pw_*`, added over BiDi as it drives the page) are not ours.
      return Object.getOwnPropertyNames(window)
        .filter((name) => !before.has(name) && !name.startsWith('__pw'))
        .sort();
    }, baseline);
    expect(added).toEqual(['acquaint', 'dataLayer']);
  });
});
