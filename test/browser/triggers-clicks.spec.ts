import { expect, test, type Page } from '@playwright/test';
import { flush, genericOnly, isContainer, names, useCollector, waitForEvents, watchPage } from './helpers';
import {
  acquaintReady,
  marker,
  named,
  noteTriggersLoaded,
  openTriggers,
  triggerConfig,
  untilMarker,
  waitForNamed,
  type TriggerConfigOptions,
} from './triggers-helpers';
import { watchNetwork } from './vendor-helpers';

// Click triggers and attribute tagging (contract §7) in a real page: a matched click pushes
// `{ event, ...properties }` onto the data layer and the event reaches the collector. "Nothing
// fired" is proved by a marker tracked afterwards: the collector sees the marker, not the click.
const collector = useCollector();

declare global {
  interface Window {
    __violations?: string[];
    __stopped?: string[];
    __targets?: string[];
  }
}

const ADD_TO_CART = {
  type: 'click',
  selector: 'button.add',
  event: 'add_to_cart',
  properties: { sku: '{{click.attr.data-sku}}', label: '{{click.text}}', tag: '{{click.tag}}', classes: '{{click.classes}}' },
};

/** Opens fixtures/triggers-page.html with `tags` in its config, and waits until the triggers are armed. */
const open = (page: Page, tags: Record<string, unknown>, options: TriggerConfigOptions = {}): Promise<void> =>
  openTriggers(page, collector.app, '/triggers-page.html', tags, options);

const otherHost = (path: string): string => `http://localhost:${new URL(collector.app.url).port}${path}`;

test.describe('click triggers', () => {
  test('a click on the inner span or SVG icon of a matching button fires with its attribute, text, tag and classes; a click elsewhere fires nothing', async ({
    page,
  }) => {
    await open(page, { triggers: [ADD_TO_CART] });
    await page.evaluate(() => {
      window.__targets = [];
      document.addEventListener('click', (event) => window.__targets!.push((event.target as Element).localName));
    });
    await page.locator('#add span').click();
    await page.locator('#add svg path').click();
    await page.locator('#elsewhere').click();
    await marker(page);

    const events = await untilMarker(collector.app);
    expect(names(events)).toEqual(['page', 'add_to_cart', 'add_to_cart', 'marker']);
    for (const event of named(events, 'add_to_cart')) {
      expect(event.type).toBe('track');
      expect(event.properties).toEqual({ sku: 'SKU-1', label: 'Add to cart', tag: 'button', classes: 'add' });
    }
    // The clicks did land on the inner elements, not on the button itself.
    expect(await page.evaluate(() => window.__targets)).toEqual(['span', 'path', 'p']);
  });

  test("the page's own stopPropagation() (on the button, and in a document capture listener added before acquaint) does not hide the click", async ({
    page,
  }) => {
    // Registered before any page script, so before acquaint's own listener on the document:
    // it stops clicks on #buy before they reach any element.
    await page.addInitScript(() => {
      window.__stopped = [];
      document.addEventListener(
        'click',
        (event) => {
          if ((event.target as Element).id !== 'buy') return;
          event.stopPropagation();
          window.__stopped!.push('document capture');
        },
        true,
      );
    });
    await open(page, { triggers: [ADD_TO_CART] });
    await page.evaluate(() => {
      document.querySelector('#add')!.addEventListener('click', (event) => {
        event.stopPropagation();
        window.__stopped!.push('button');
      });
    });
    await page.locator('#add span').click();
    await page.locator('#buy').click();
    await marker(page);

    const events = await untilMarker(collector.app);
    expect(names(events)).toEqual(['page', 'add_to_cart', 'add_to_cart', 'marker']);
    expect(named(events, 'add_to_cart').map((e) => e.properties.sku)).toEqual(['SKU-1', 'SKU-2']);
    // The page's handlers did run and stop each click; acquaint saw them anyway.
    expect(await page.evaluate(() => window.__stopped)).toEqual(['button', 'document capture']);
  });

  test("a stopPropagation() in the page's window capture listener does not hide the click", async ({ page }) => {
    // The earliest a page can stop a click: capture on window runs before capture on the document.
    await page.addInitScript(() => {
      window.addEventListener('click', (event) => event.stopPropagation(), true);
    });
    await open(page, { triggers: [ADD_TO_CART] });
    await page.locator('#add span').click();
    await marker(page);
    expect(names(await untilMarker(collector.app))).toEqual(['page', 'add_to_cart', 'marker']);
  });

  test('a matching button inside an open shadow root fires', async ({ page }) => {
    await open(page, { triggers: [ADD_TO_CART] });
    await page.evaluate(() => {
      customElements.define(
        'shop-item',
        class extends HTMLElement {
          constructor() {
            super();
            const root = this.attachShadow({ mode: 'open' });
            const button = document.createElement('button');
            button.className = 'add';
            button.dataset.sku = 'SKU-SHADOW';
            const label = document.createElement('span');
            label.textContent = 'Add from shadow';
            button.append(label);
            root.append(button);
          }
        },
      );
      document.querySelector('main')!.append(document.createElement('shop-item'));
    });
    await page.locator('shop-item button.add span').click();
    const [event] = await waitForNamed(collector.app, 'add_to_cart');
    expect(event.properties).toEqual({ sku: 'SKU-SHADOW', label: 'Add from shadow', tag: 'button', classes: 'add' });
  });

  test('click.text is capped at 100 characters', async ({ page }) => {
    await open(page, { triggers: [ADD_TO_CART] });
    await page.evaluate(() => {
      const button = document.createElement('button');
      button.className = 'add';
      button.id = 'long';
      button.textContent = `  ${'word '.repeat(60)}`;
      document.querySelector('main')!.append(button);
    });
    await page.locator('#long').click();
    const [event] = await waitForNamed(collector.app, 'add_to_cart');
    expect(event.properties.label).toBe('word '.repeat(20).slice(0, 100));
    expect(String(event.properties.label)).toHaveLength(100);
  });

  test('when: equals fires only for the element it names, and not: true inverts it', async ({ page }) => {
    await open(page, {
      triggers: [
        { type: 'click', selector: 'button', event: 'buy_click', when: [{ var: 'click.id', op: 'equals', value: 'buy' }] },
        {
          type: 'click',
          selector: 'button',
          event: 'other_click',
          properties: { id: '{{click.id}}' },
          when: [{ var: 'click.id', op: 'equals', value: 'buy', not: true }],
        },
      ],
    });
    await page.locator('#buy').click();
    await page.locator('#add span').click();
    await marker(page);

    const events = await untilMarker(collector.app);
    expect(names(events)).toEqual(['page', 'buy_click', 'other_click', 'marker']);
    expect(named(events, 'other_click')[0]!.properties).toEqual({ id: 'add' });
  });
});

test.describe('click triggers on links', () => {
  const OUTBOUND = { type: 'click', selector: 'a', links: 'outbound', event: 'outbound_click', properties: { url: '{{click.url}}' } };

  test('links: "outbound" fires for a link to another host with its URL, not for a same-host link', async ({ page }) => {
    await open(page, { triggers: [OUTBOUND] });
    await page.locator('#out-stay span').click();
    await page.locator('#same').click();
    await marker(page);

    const events = await untilMarker(collector.app);
    expect(names(events)).toEqual(['page', 'outbound_click', 'marker']);
    expect(named(events, 'outbound_click')[0]!.properties).toEqual({ url: otherHost('/elsewhere') });
  });

  test('an outbound link that navigates away still delivers its event, by the unload path', async ({ page }) => {
    // A flush interval of a minute: only the page leaving can send the event before the test ends.
    await open(page, { triggers: [OUTBOUND] }, { flushIntervalMs: 60_000 });
    const away = otherHost('/blank.html?away');
    await page.locator('#out-away').click();
    await page.waitForURL(away);
    await expect(page).toHaveTitle('Blank fixture');

    const [event] = await waitForNamed(collector.app, 'outbound_click');
    expect(event.properties).toEqual({ url: away });
    // Sent from the page it happened on, not from the one the link led to.
    expect(new URL(event.context.page.url).pathname).toBe('/triggers-page.html');
    expect(names(collector.app.events)).toEqual(['page', 'outbound_click']);
  });

  test('a middle click and a ctrl/meta click on an outbound link count', async ({ page, context }) => {
    const popups: Page[] = [];
    context.on('page', (popup) => {
      popups.push(popup);
      void popup.close().catch(() => undefined);
    });
    await open(page, { triggers: [OUTBOUND] });
    await page.locator('#out-tab').click({ button: 'middle' });
    await page.locator('#out-tab').click({ modifiers: ['ControlOrMeta'] });
    await marker(page);

    const events = await untilMarker(collector.app);
    expect(names(events)).toEqual(['page', 'outbound_click', 'outbound_click', 'marker']);
    for (const event of named(events, 'outbound_click')) expect(event.properties).toEqual({ url: otherHost('/blank.html?tab') });
    // The page stayed where it was; each click opened the link in another tab.
    expect(new URL(page.url()).pathname).toBe('/triggers-page.html');
    await expect.poll(() => popups.length).toBe(2);
  });

  test('links: "download" fires for a link with a download attribute and for a file path (any case), not for a page', async ({ page }) => {
    await open(page, {
      triggers: [{ type: 'click', selector: 'a', links: 'download', event: 'file_download', properties: { url: '{{click.url}}' } }],
    });
    await page.locator('#download-attr').click();
    await page.locator('#pdf').click();
    await page.locator('#page').click();
    await marker(page);

    const events = await untilMarker(collector.app);
    expect(names(events)).toEqual(['page', 'file_download', 'file_download', 'marker']);
    expect(named(events, 'file_download').map((e) => e.properties.url)).toEqual([
      `${collector.app.url}/files/data.bin`,
      `${collector.app.url}/files/report.PDF`,
    ]);
  });
});

test.describe('attribute tagging', () => {
  test('tagging: true pushes data-acquaint-event with the other data-acquaint-* attributes typed, on a click of the element or a child', async ({
    page,
  }) => {
    await open(page, { tagging: true });
    await page.locator('#promo').click({ position: { x: 2, y: 2 } });
    await page.locator('#promo-child').click();
    await marker(page);

    const events = await untilMarker(collector.app);
    expect(names(events)).toEqual(['page', 'promo_click', 'promo_click', 'marker']);
    for (const event of named(events, 'promo_click')) {
      expect(event.properties).toEqual({ product_id: 7, on_sale: true, code: '007', label: 'Summer' });
    }
  });

  test('without tagging: true a tagged element pushes nothing, while the triggers work', async ({ page }) => {
    await open(page, { triggers: [{ type: 'click', selector: 'button.add', event: 'add_to_cart' }] });
    await page.locator('#promo-child').click();
    await page.locator('#add span').click();
    await marker(page);
    expect(names(await untilMarker(collector.app))).toEqual(['page', 'add_to_cart', 'marker']);
  });
});

test.describe('bad trigger input', () => {
  test('an invalid selector is one console error naming triggers[0].selector; the valid trigger still works', async ({ page }) => {
    const log = watchPage(page);
    await open(page, {
      triggers: [
        { type: 'click', selector: 'button[', event: 'broken' },
        { type: 'click', selector: 'button.add', event: 'add_to_cart' },
      ],
    });
    await expect.poll(() => log.errors.filter((text) => text.includes('triggers[0].selector'))).toHaveLength(1);
    await page.locator('#add span').click();
    await marker(page);

    expect(names(await untilMarker(collector.app))).toEqual(['page', 'add_to_cart', 'marker']);
    expect(log.errors).toHaveLength(1);
    expect(log.errors[0]).toContain('invalid CSS selector');
    expect(log.errors[0]).not.toContain('triggers[1]');
    expect(log.pageErrors).toEqual([]);
  });

  test('an unknown {{name}} in properties is reported with its path and turns that trigger off', async ({ page }) => {
    genericOnly('`acquaint build` refuses this config (test/unit/cli/build.test.ts); the page never sees it');
    const log = watchPage(page);
    await open(page, {
      triggers: [
        { type: 'click', selector: 'button.add', event: 'misnamed', properties: { who: '{{nme}}' } },
        { type: 'click', selector: 'button.add', event: 'add_to_cart' },
      ],
    });
    await expect.poll(() => log.errors.filter((text) => text.includes('triggers[0].properties.who'))).toHaveLength(1);
    expect(log.errors).toHaveLength(1);
    expect(log.errors[0]).toContain('{{nme}}');
    await page.locator('#add span').click();
    await marker(page);
    expect(names(await untilMarker(collector.app))).toEqual(['page', 'add_to_cart', 'marker']);
  });
});

test.describe('triggers and the rest of acquaint', () => {
  test('debug mode names the trigger that pushed an event', async ({ page }) => {
    await open(page, { triggers: [ADD_TO_CART], debug: true });
    await page.locator('#add span').click();
    await waitForNamed(collector.app, 'add_to_cart');
    const traced = await page.evaluate(() => window.acquaint!.debug().events);
    const event = traced.find((e) => e.name === 'add_to_cart');
    expect(event?.origin).toContain('triggers[0]');
    // The page's own track has no origin.
    await marker(page);
    const mine = (await page.evaluate(() => window.acquaint!.debug().events)).find((e) => e.name === 'marker');
    expect(mine).toBeDefined();
    expect(mine!.origin).toBeUndefined();
  });

  test('a config without triggers or tagging never requests acquaint-triggers.js; one with triggers requests it once', async ({
    page,
  }, info) => {
    const net = watchNetwork(page);
    await open(page, {});
    await marker(page);
    await untilMarker(collector.app);
    await fetch(`${collector.app.url}/collector/clear`, { method: 'POST' });
    await open(page, { tagging: false });
    await marker(page);
    await untilMarker(collector.app);
    expect(net.to('/acquaint-triggers.js')).toEqual([]);

    await fetch(`${collector.app.url}/collector/clear`, { method: 'POST' });
    await open(page, { triggers: [ADD_TO_CART] });
    // A single-page navigation does not load it again.
    await page.evaluate(() => history.pushState({}, '', '/spa/next'));
    await page.locator('#add span').click();
    await waitForNamed(collector.app, 'add_to_cart');
    await marker(page);
    await untilMarker(collector.app);
    // A container has its triggers compiled in: it never asks for the file.
    expect(net.to('/acquaint-triggers.js')).toEqual(isContainer(info) ? [] : [`${collector.app.url}/acquaint-triggers.js`]);
  });

  test('a config with variables but no triggers and no tagging does not request acquaint-triggers.js', async ({ page }) => {
    // README: "only when the config has `triggers` or `"tagging": true` … a config without them costs nothing".
    const net = watchNetwork(page);
    await open(page, { variables: { v: { type: 'constant', value: '2' } } });
    await marker(page);
    await untilMarker(collector.app);
    expect(net.to('/acquaint-triggers.js')).toEqual([]);
  });

  test('a triggered click waits for a pending consent: nothing is sent until analytics is granted', async ({ page }) => {
    const { app } = collector;
    const net = watchNetwork(page);
    await open(page, { triggers: [ADD_TO_CART] }, { analytics: 'pending' });
    await page.locator('#add span').click();
    await expect
      .poll(() =>
        page
          .evaluate(() => window.dataLayer as unknown[])
          .then((layer) => layer.some((m) => (m as { event?: string }).event === 'add_to_cart')),
      )
      .toBe(true);
    await flush(page);
    expect(app.events).toEqual([]);
    expect(app.requests).toBe(0);
    expect(net.to('/v1/batch')).toEqual([]);

    await page.evaluate(() => window.acquaint!.consent.update({ analytics: 'granted' }));
    const [event] = await waitForNamed(app, 'add_to_cart');
    expect(event.properties).toMatchObject({ sku: 'SKU-1' });
    await flush(page);
    expect(names(app.events)).toEqual(['page', 'add_to_cart']);
  });

  test('under a strict CSP with Trusted Types the triggers file loads with the nonce and the click arrives, with zero violations', async ({
    page,
  }) => {
    const { app } = collector;
    const log = watchPage(page);
    await page.addInitScript(() => {
      window.__violations = [];
      document.addEventListener('securitypolicyviolation', (event) => {
        window.__violations!.push(`${event.violatedDirective} ${event.blockedURI}`);
      });
    });
    await noteTriggersLoaded(page);
    await page.route(`${app.url}/cfg/triggers-csp.json`, (route) =>
      route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify(triggerConfig({ triggers: [ADD_TO_CART] })) }),
    );
    await page.route(`${app.url}/triggers-csp.html`, async (route) => {
      const response = await route.fetch();
      await route.fulfill({
        response,
        headers: {
          ...response.headers(),
          'content-security-policy': "script-src 'nonce-abc123'; require-trusted-types-for 'script'; trusted-types acquaint",
        },
      });
    });
    await page.goto(`${app.url}/triggers-csp.html`);
    await acquaintReady(page);

    const scripts = await page.evaluate(() =>
      Array.from(document.querySelectorAll('script[src]'), (s) => [
        new URL((s as HTMLScriptElement).src).pathname,
        (s as HTMLScriptElement).nonce,
      ]),
    );
    expect(scripts).toEqual([['/acquaint.js', 'abc123'], ...(isContainer(test.info()) ? [] : [['/acquaint-triggers.js', 'abc123']])]);
    await page.locator('button.add span').click();
    const [event] = await waitForNamed(app, 'add_to_cart');
    expect(event.properties).toEqual({ sku: 'SKU-1', label: 'Add to cart', tag: 'button', classes: 'add' });

    expect(await page.evaluate(() => window.__violations)).toEqual([]);
    expect([...log.errors, ...log.warnings].filter((text) => /Content Security Policy|Trusted Type|Refused to/i.test(text))).toEqual([]);
    expect(log.pageErrors).toEqual([]);
    await waitForEvents(app, 2, 'collector');
  });
});
